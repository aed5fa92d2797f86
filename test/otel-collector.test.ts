import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { OtelCollector, OtelCollectorProps, TracingStackProps, ValidationError } from '../src';
import { NAME_RULES, assertNotRewritten, rocketChatSpanStatements } from '../src/collector/_rocketchat';
import { COLLECTOR_KEYS, REMOVED_OR_DEPRECATED, checkCollectorKeys } from './collector-config-schema';
import { checkKeys } from './tempo-config-schema';
import { K8sObject, findObject, synthStack } from './util';
import { validateObjects } from './validate-objects';

const BACKEND = { otlpGrpcEndpoint: 'tempo.monitoring.svc:4317' };

function collectorConfig(objects: K8sObject[]): any {
  return parse(findObject(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
}

function collectorContainer(objects: K8sObject[]): any {
  const workload = objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === 'otel-collector')!;
  return workload.spec.template.spec.containers[0];
}

const VARIANTS: Record<string, TracingStackProps['collector']> = {
  default: {},
  'head sampling, 3 replicas': { sampling: { type: 'head', percentage: 25 }, replicas: 3 },
  'no sampling, no k8s attributes, no hygiene': { sampling: { type: 'none' }, kubernetesAttributes: false, rocketChat: { enabled: false } },
  'tail sampling with a rate limit, persistent queue, debug, environment': {
    sampling: { type: 'tail', spansPerSecondLimit: 500, latencyThresholdMs: 500 },
    persistentQueue: { enabled: true, size: '10Gi', storageClassName: 'managed-csi' },
    debugExporter: true,
    environment: 'production',
    clusterName: 'aks-prod-weu',
  },
  'OTLP only': { receivers: { jaegerGrpc: false, jaegerThriftHttp: false, jaegerThriftCompact: false, zipkin: false } },
};

// The pipeline order the collector must run: each present processor after the ones before it.
const PROCESSOR_ORDER = ['memory_limiter', 'k8s_attributes', 'resource', 'transform', 'tail_sampling', 'probabilistic_sampler', 'batch'];

describe.each(Object.entries(VARIANTS))('collector: %s', (_name, collector) => {
  const objects = synthStack({ collector });
  const config = collectorConfig(objects);
  const pipeline = config.service.pipelines.traces;

  test('every Kubernetes object is valid', () => {
    expect(validateObjects(objects)).toEqual([]);
  });

  test('the config holds only keys and component names the pinned collector accepts', () => {
    expect(checkKeys(config, COLLECTOR_KEYS)).toEqual([]);
    for (const [kind, names] of Object.entries(REMOVED_OR_DEPRECATED)) {
      for (const name of names) expect(Object.keys(config[kind])).not.toContain(name);
    }
  });

  test('memory_limiter first, batch last, processors in the enforced order', () => {
    expect(pipeline.processors[0]).toBe('memory_limiter');
    expect(pipeline.processors.at(-1)).toBe('batch');
    const positions = pipeline.processors.map((p: string) => PROCESSOR_ORDER.indexOf(p));
    expect(positions).not.toContain(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('every referenced component is defined and every defined component is used', () => {
    expect(new Set(pipeline.receivers)).toEqual(new Set(Object.keys(config.receivers)));
    expect(new Set(pipeline.processors)).toEqual(new Set(Object.keys(config.processors)));
    expect(new Set(pipeline.exporters)).toEqual(new Set(Object.keys(config.exporters)));
    expect(new Set(config.service.extensions)).toEqual(new Set(Object.keys(config.extensions)));
    const storage = config.exporters.otlp_grpc.sending_queue.storage;
    if (storage !== undefined) expect(Object.keys(config.extensions)).toContain(storage);
  });

  test('every listener binds to the pod IP, and each has a container port of its protocol', () => {
    const c = collectorContainer(objects);
    const listeners: [string, string][] = [];
    const walk = (node: unknown, path: string) => {
      if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
      else if (path.endsWith('.endpoint') && !path.startsWith('.exporters')) listeners.push([path, node as string]);
    };
    walk(config, '');
    expect(listeners.length).toBeGreaterThan(1);
    for (const [path, endpoint] of listeners) {
      expect(endpoint).toMatch(/^\$\{env:MY_POD_IP\}:\d+$/);
      const port = Number(endpoint.split(':').at(-1));
      const containerPort = c.ports.find((p: { containerPort: number }) => p.containerPort === port);
      expect(containerPort).toBeDefined();
      // Jaeger Thrift compact is UDP; everything else is TCP.
      expect(containerPort.protocol).toBe(path.includes('thrift_compact') ? 'UDP' : 'TCP');
    }
    expect(c.env).toContainEqual({ name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  });

  test('the Service exposes exactly the enabled receivers plus self-metrics, with matching protocols', () => {
    const svc = findObject(objects, 'Service', 'otel-collector');
    const c = collectorContainer(objects);
    for (const p of svc.spec.ports) {
      const target = c.ports.find((cp: { name: string }) => cp.name === p.targetPort);
      expect(target).toMatchObject({ containerPort: p.port, protocol: p.protocol });
      if (p.protocol === 'TCP') expect(p.appProtocol).toBeDefined();
    }
    const receiverPorts = svc.spec.ports.filter((p: { name: string }) => p.name !== 'metrics').length;
    const listenerCount = Object.values(config.receivers).reduce((n: number, r: any) => n + (r.protocols ? Object.keys(r.protocols).length : 1), 0);
    expect(receiverPorts).toBe(listenerCount);
  });
});

describe('collector defaults', () => {
  const objects = synthStack();
  const config = collectorConfig(objects);
  const c = collectorContainer(objects);

  test('pinned contrib image, config file argument, PSS restricted', () => {
    expect(c.image).toBe('docker.io/otel/opentelemetry-collector-contrib:0.158.0');
    expect(c.args).toEqual(['--config=/conf/collector.yaml']);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const pod = findObject(objects, 'Deployment', 'otel-collector').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('memory_limiter and GOMEMLIMIT derive from the 1Gi memory limit', () => {
    expect(config.processors.memory_limiter).toEqual({ check_interval: '1s', limit_mib: 819, spike_limit_mib: 204 });
    // GOMEMLIMIT at the limiter's soft limit (hard minus spike).
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: '615MiB' });
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    const small = synthStack({ collector: { resources: { memoryRequest: '512Mi', memoryLimit: '512Mi' } } });
    expect(collectorConfig(small).processors.memory_limiter).toEqual({ check_interval: '1s', limit_mib: 409, spike_limit_mib: 102 });
  });

  test('tail sampling: errors, slow traces and a 10% baseline', () => {
    expect(config.processors.tail_sampling).toEqual({
      decision_wait: '30s',
      num_traces: 50000,
      policies: [
        { name: 'keep-errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
        { name: 'keep-slow', type: 'latency', latency: { threshold_ms: 2000 } },
        { name: 'baseline', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } },
      ],
    });
  });

  test('export: OTLP gRPC to Tempo, gzip, plaintext in-cluster, queue and retry; no debug exporter', () => {
    expect(Object.keys(config.exporters)).toEqual(['otlp_grpc']);
    expect(config.exporters.otlp_grpc).toMatchObject({
      endpoint: 'tempo.monitoring.svc:4317',
      tls: { insecure: true },
      compression: 'gzip',
      sending_queue: { enabled: true, queue_size: 1000 },
      retry_on_failure: { enabled: true, max_elapsed_time: '300s' },
    });
  });

  test('health_check for probes and Prometheus self-metrics on 8888, both on the pod IP', () => {
    expect(config.extensions.health_check).toEqual({ endpoint: '${env:MY_POD_IP}:13133' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 'health' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/', port: 'health' });
    expect(config.service.telemetry.metrics.readers).toEqual([{ pull: { exporter: { prometheus: { host: '${env:MY_POD_IP}', port: 8888 } } } }]);
    const sm = findObject(objects, 'ServiceMonitor', 'otel-collector');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
    expect(sm.metadata.labels!.release).toBe('kube-prometheus-stack');
  });

  test('least-privilege RBAC for the Kubernetes attributes processor, token mounted', () => {
    const role = findObject(objects, 'ClusterRole', 'otel-collector-monitoring');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = findObject(objects, 'ClusterRoleBinding', 'otel-collector-monitoring');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'otel-collector', namespace: 'monitoring' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'otel-collector-monitoring' });
    expect(findObject(objects, 'Deployment', 'otel-collector').spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(config.processors.k8s_attributes.pod_association.at(-1)).toEqual({ sources: [{ from: 'connection' }] });
  });

  test('without Kubernetes attributes: no RBAC and no token', () => {
    const objs = synthStack({ collector: { kubernetesAttributes: false } });
    expect(objs.map((o) => o.kind)).not.toContain('ClusterRole');
    expect(findObject(objs, 'Deployment', 'otel-collector').spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(collectorConfig(objs).processors.k8s_attributes).toBeUndefined();
  });

  test('one replica by default: no PodDisruptionBudget; rolling update keeps a receiver up', () => {
    expect(objects.map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    expect(findObject(objects, 'Deployment', 'otel-collector').spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  });
});

describe('collector options', () => {
  test('resource attributes are inserted, never overwriting service.name', () => {
    const config = collectorConfig(synthStack({ collector: { environment: 'production', clusterName: 'aks-weu' } }));
    expect(config.processors.resource).toEqual({
      attributes: [
        { key: 'deployment.environment.name', value: 'production', action: 'insert' },
        { key: 'k8s.cluster.name', value: 'aks-weu', action: 'insert' },
      ],
    });
    expect(JSON.stringify(config)).not.toContain('service.name');
  });

  test('head sampling with replicas: probabilistic sampler and a PodDisruptionBudget', () => {
    const objects = synthStack({ collector: { sampling: { type: 'head', percentage: 25 }, replicas: 3 } });
    expect(collectorConfig(objects).processors.probabilistic_sampler).toEqual({ sampling_percentage: 25 });
    expect(collectorConfig(objects).processors.tail_sampling).toBeUndefined();
    expect(findObject(objects, 'PodDisruptionBudget', 'otel-collector').spec).toMatchObject({ maxUnavailable: 1 });
    expect(findObject(objects, 'Deployment', 'otel-collector').spec.replicas).toBe(3);
  });

  test('a rate limit caps the baseline only (an "and" policy), never errors or slow traces', () => {
    const config = collectorConfig(synthStack({ collector: { sampling: { type: 'tail', spansPerSecondLimit: 500 } } }));
    expect(config.processors.tail_sampling.policies.at(-1)).toEqual({
      name: 'baseline-rate-limited',
      type: 'and',
      and: {
        and_sub_policy: [
          { name: 'baseline', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } },
          { name: 'rate-limit', type: 'rate_limiting', rate_limiting: { spans_per_second: 500 } },
        ],
      },
    });
  });

  test('persistent queue: StatefulSet with a queue volume, file_storage backing the sending queue', () => {
    const objects = synthStack({ collector: { persistentQueue: { enabled: true, size: '10Gi' } } });
    expect(objects.map((o) => o.kind)).not.toContain('Deployment');
    const sts = findObject(objects, 'StatefulSet', 'otel-collector');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'queue', mountPath: '/var/lib/otelcol/queue' });
    const config = collectorConfig(objects);
    expect(config.extensions.file_storage).toEqual({ directory: '/var/lib/otelcol/queue' });
    expect(config.exporters.otlp_grpc.sending_queue.storage).toBe('file_storage');
    // Queued batches wait for the backend without a time limit.
    expect(config.exporters.otlp_grpc.retry_on_failure.max_elapsed_time).toBe('0s');
  });

  test('debug exporter only on request, at basic verbosity', () => {
    const config = collectorConfig(synthStack({ collector: { debugExporter: true } }));
    expect(config.exporters.debug).toEqual({ verbosity: 'basic' });
    expect(config.service.pipelines.traces.exporters).toEqual(['otlp_grpc', 'debug']);
  });

  test('cluster-scoped RBAC carries no namespace even in a chart that has one', () => {
    const chart = new Chart(Testing.app(), 'user', { namespace: 'observability' });
    new OtelCollector(chart, 'Collector', { traceBackend: BACKEND });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(validateObjects(objects)).toEqual([]);
    expect(findObject(objects, 'ClusterRole', 'otel-collector-observability').metadata.namespace).toBeUndefined();
    expect(findObject(objects, 'Deployment', 'otel-collector').metadata.namespace).toBe('observability');
  });

  test('typed endpoints, refused for a disabled receiver', () => {
    const collector = new OtelCollector(Testing.chart(), 'Collector', { traceBackend: BACKEND, receivers: { zipkin: false } });
    expect(collector.otlpGrpcEndpoint).toBe('otel-collector.monitoring.svc:4317');
    expect(collector.otlpGrpcUrl).toBe('http://otel-collector.monitoring.svc:4317');
    expect(collector.otlpHttpEndpoint).toBe('http://otel-collector.monitoring.svc:4318');
    expect(collector.jaegerGrpcEndpoint).toBe('otel-collector.monitoring.svc:14250');
    expect(collector.jaegerThriftHttpEndpoint).toBe('http://otel-collector.monitoring.svc:14268/api/traces');
    expect(collector.jaegerThriftCompactEndpoint).toBe('otel-collector.monitoring.svc:6831');
    expect(() => collector.zipkinEndpoint).toThrow(/zipkinEndpoint is not available: receivers.zipkin is disabled/);
  });
});

describe('Rocket.Chat span hygiene', () => {
  // OTTL replace_pattern uses Go's RE2 and `$1` references; these patterns mean the same in JavaScript.
  function normalise(name: string): string {
    const isRest = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /.test(name);
    return NAME_RULES.reduce((n, rule) => {
      if ((rule.restOnly && !isRest) || (rule.unless && new RegExp(rule.unless).test(n))) return n;
      return n.replace(new RegExp(rule.pattern, 'g'), rule.replacement);
    }, name);
  }

  test.each([
    ['GET http://localhost/api/v1/rooms.info?roomId=GENERAL', 'GET /api/v1/rooms.info'],
    ['GET /api/v1/channels.messages?roomId=abc&count=50', 'GET /api/v1/channels.messages'],
    ['POST http://localhost/hooks/6537f0c1d2e3f4a5b6c7d8e9/aBcDeF123456', 'POST /hooks/{integrationId}/{token}'],
    ['GET http://localhost/api/v1/users/6537f0c1d2e3f4a5b6c7d8e9/7aB2cD3eF4gH5jK6m', 'GET /api/v1/users/{id}/{id}'],
    ['GET /api/apps/public/Xb7kT3mPq9RzYw2Ld/settings', 'GET /api/apps/public/{id}/settings'],
    ['GET /api/v1/im.messages/Xb7kT3mPq9RzYw2LdYb7kT3mPq9RzYw2Ld', 'GET /api/v1/im.messages/{id}'],
    ['mongodb 8123456789012345678.getMore', 'mongodb getMore'],
    ['POST http://localhost/api/v1/method.call/getThreadMessages', 'POST /api/v1/method.call/getThreadMessages'],
    ['mongodb rocketchat_message.find', 'mongodb rocketchat_message.find'],
    ['Method sendMessage', 'Method sendMessage'],
    ['action presence.setStatus', 'action presence.setStatus'],
  ])('%s -> %s', (raw, expected) => {
    expect(normalise(raw)).toBe(expected);
  });

  test('default statements: names, kinds, sensitive attributes', () => {
    const config = collectorConfig(synthStack());
    const [group] = config.processors.transform.trace_statements;
    expect(group.context).toBe('span');
    expect(config.processors.transform.error_mode).toBe('ignore');
    const statements: string[] = group.statements;
    expect(statements).toContain('set(span.kind, SPAN_KIND_SERVER) where span.kind == SPAN_KIND_INTERNAL and IsMatch(span.name, "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) ")');
    expect(statements).toContain('delete_key(span.attributes, "db.statement")');
    expect(statements).toContain('delete_key(span.attributes, "parameters")');
    expect(statements).toContain('delete_key(span.attributes, "url")');
    expect(statements).toContain('set(span.attributes["userId"], SHA256(span.attributes["userId"])) where span.attributes["userId"] != nil');
    // REST spans that answered 5xx become errors, so error ratios and alerts see failed requests.
    expect(statements).toContain(
      'set(span.status.code, STATUS_CODE_ERROR) where IsMatch(span.name, "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) ") and IsInt(span.attributes["status"]) and span.attributes["status"] >= 500',
    );
    const off = collectorConfig(synthStack({ collector: { rocketChat: { markServerErrors: false } } })).processors.transform.trace_statements[0].statements;
    expect(off.filter((st: string) => st.includes('span.status.code'))).toEqual([]);
  });

  test('statements the config expansion would rewrite are refused', () => {
    expect(() => assertNotRewritten(['set(span.name, "${env:X}")'])).toThrow(/would be rewritten by config expansion/);
    expect(() => assertNotRewritten(['replace_pattern(span.name, "a$$", "")'])).toThrow(/would be rewritten/);
    expect(assertNotRewritten(['replace_pattern(span.name, "a$", "$1")'])).toHaveLength(1);
  });

  test('switchable per attribute', () => {
    const statements = rocketChatSpanStatements({ normalizeSpanNames: false, setSpanKind: false, markServerErrors: false, attributes: { 'db.statement': 'hash', userId: 'keep' } });
    expect(statements).toEqual([
      // A non-string value (parameters is a list) cannot be hashed: it is removed instead of leaking.
      'delete_key(span.attributes, "db.statement") where span.attributes["db.statement"] != nil and not IsString(span.attributes["db.statement"])',
      'set(span.attributes["db.statement"], SHA256(span.attributes["db.statement"])) where span.attributes["db.statement"] != nil',
    ]);
    const off = collectorConfig(synthStack({ collector: { rocketChat: { enabled: false } } }));
    expect(off.processors.transform).toBeUndefined();
  });
});

describe('collector bad input fails at synth time naming the prop', () => {
  const build = (props: Partial<OtelCollectorProps>) => () => new OtelCollector(Testing.chart(), 'Collector', { traceBackend: BACKEND, ...props });

  test.each<[string, Partial<OtelCollectorProps>, RegExp]>([
    ['head sampling over 100%', { sampling: { type: 'head', percentage: 150 } }, /^sampling\.percentage must be between 0 and 100, got 150$/],
    ['negative baseline', { sampling: { type: 'tail', baselinePercentage: -5 } }, /^sampling\.baselinePercentage must be between 0 and 100, got -5$/],
    ['latency threshold with units', { sampling: { type: 'tail', latencyThresholdMs: '2s' as never } }, /^sampling\.latencyThresholdMs must be an integer from 0 to 3600000 \(milliseconds\), got "2s"$/],
    ['tail sampling that keeps nothing', { sampling: { type: 'tail', keepErrors: false, latencyThresholdMs: 0, baselinePercentage: 0 } }, /^sampling must keep something/],
    ['unknown sampling type', { sampling: { type: 'adaptive' } as never }, /^sampling\.type must be one of "tail", "head", "none", got "adaptive"$/],
    ['tail sampling on several replicas', { replicas: 2 }, /^replicas must be 1 with tail sampling in the gateway topology, got 2: tail sampling needs every span of a trace on one replica; use topology: "agentGateway"/],
    ['OpenCensus', { receivers: { opencensus: true } }, /^receivers\.opencensus must be false: the OpenCensus receiver was removed .*send OTLP/],
    ['zero receivers', { receivers: { otlpGrpc: false, otlpHttp: false, jaegerGrpc: false, jaegerThriftHttp: false, jaegerThriftCompact: false, zipkin: false } }, /^receivers must be a selection with at least one receiver enabled/],
    ['memory limit too small for the limiter', { resources: { memoryRequest: '128Mi', memoryLimit: '128Mi' } }, /^resources\.memoryLimit must be at least 256Mi for the memory_limiter.*got "128Mi"$/],
    ['zero replicas', { replicas: 0 }, /^replicas must be an integer from 1 to 50, got 0$/],
    ['backend endpoint with a scheme', { traceBackend: { otlpGrpcEndpoint: 'http://tempo:4317' } }, /^traceBackend\.otlpGrpcEndpoint must be host:port without a scheme.*got "http:\/\/tempo:4317"$/],
    ['unknown hygiene action', { rocketChat: { userId: 'mask' as never } }, /^rocketChat\.userId must be one of "drop", "hash", "keep", got "mask"$/],
    ['environment with spaces', { environment: 'prod west' }, /^environment must be a non-empty value.*got "prod west"$/],
    ['queue size zero', { queueSize: 0 }, /^queueSize must be a positive integer, got 0$/],
    ['persistent queue size', { persistentQueue: { enabled: true, size: 'lots' } }, /^persistentQueue\.size must be a Kubernetes quantity.*got "lots"$/],
    ['decision wait too long', { sampling: { type: 'tail', decisionWaitSeconds: 900 } }, /^sampling\.decisionWaitSeconds must be an integer from 1 to 300 \(seconds\), got 900$/],
    ['head sampling at 0%', { sampling: { type: 'head', percentage: 0 } }, /^sampling\.percentage must be above 0/],
    ['a rate limit on an empty baseline', { sampling: { type: 'tail', baselinePercentage: 0, spansPerSecondLimit: 100 } }, /^sampling\.spansPerSecondLimit caps the baseline, but sampling\.baselinePercentage is 0/],
    ['backend endpoint without a port (gRPC would dial 443)', { traceBackend: { otlpGrpcEndpoint: 'tempo.monitoring.svc' } }, /^traceBackend\.otlpGrpcEndpoint must be host:port/],
    ['queue volume settings without a persistent queue', { persistentQueue: { size: '10Gi' } }, /^persistentQueue\.size and persistentQueue\.storageClassName need persistentQueue\.enabled: true/],
    ['hygiene options with hygiene off', { rocketChat: { enabled: false, userId: 'keep' } }, /^rocketChat\.userId has no effect with rocketChat\.enabled: false$/],
    ['empty environment', { environment: '' }, /^environment must be a non-empty value/],
  ])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(ValidationError);
    expect(build(props)).toThrow(message);
  });

  test('the chart reports collector errors under "collector." and Tempo errors under "tempo."', () => {
    expect(() => synthStack({ collector: { replicas: 3 } })).toThrow(/^collector\.replicas must be 1 with tail sampling/);
    expect(() => synthStack({ tempo: { receivers: { otlpGrpc: false } } })).toThrow(/^tempo\.otlpGrpcEndpoint is not available: receivers\.otlpGrpc is disabled/);
  });
});

describe('collector tenant routing', () => {
  const TENANTS = [
    { id: 'team-a', namespaces: ['chat-a'] },
    { id: 'team-b', namespaces: ['chat-b', 'chat-b-staging'] },
  ];
  const build = (props: Partial<OtelCollectorProps>) => new OtelCollector(Testing.chart(), 'Collector', { traceBackend: BACKEND, tenants: TENANTS, ...props });
  const gateway = build({});
  const config = parse(gateway.configYaml);

  /** Every component a pipeline names is defined (connectors on both ends), and every defined one is used. */
  function expectWired(c: any): void {
    const pipelines = Object.values(c.service.pipelines) as any[];
    const defined = (kind: string) => Object.keys(c[kind] ?? {});
    for (const p of pipelines) {
      for (const r of p.receivers) expect([...defined('receivers'), ...defined('connectors')]).toContain(r);
      for (const x of p.processors ?? []) expect(defined('processors')).toContain(x);
      for (const e of p.exporters) expect([...defined('exporters'), ...defined('connectors')]).toContain(e);
    }
    for (const connector of defined('connectors')) {
      expect(pipelines.some((p) => p.exporters.includes(connector))).toBe(true);
      expect(pipelines.some((p) => p.receivers.includes(connector))).toBe(true);
    }
    const used = (kind: 'processors' | 'exporters') => new Set(pipelines.flatMap((p) => p[kind] ?? []));
    expect(defined('processors').sort()).toEqual([...used('processors')].sort());
    expect(defined('exporters').sort()).toEqual([...used('exporters')].filter((e) => !defined('connectors').includes(e as string)).sort());
  }

  test('the config holds only keys and component ids the pinned collector accepts, every component wired', () => {
    expect(checkCollectorKeys(config)).toEqual([]);
    expectWired(config);
  });

  test('the ingest pipeline samples whole traces, then hands them to the router; each tenant pipeline batches and exports', () => {
    expect(config.service.pipelines.traces).toEqual({
      receivers: ['otlp', 'jaeger', 'zipkin'],
      processors: ['memory_limiter', 'resource/namespace-from-pod', 'k8s_attributes', 'transform', 'tail_sampling'],
      exporters: ['routing'],
    });
    expect(config.service.pipelines['traces/tenant-team-a']).toEqual({ receivers: ['routing'], processors: ['batch'], exporters: ['otlp_grpc/team-a'] });
    expect(config.service.pipelines['traces/tenant-team-b']).toEqual({ receivers: ['routing'], processors: ['batch'], exporters: ['otlp_grpc/team-b'] });
  });

  test('one route per namespace, by the resource attribute k8s.namespace.name; no default tenant drops and counts the rest', () => {
    expect(config.connectors.routing).toEqual({
      error_mode: 'ignore',
      default_pipelines: ['traces/unrouted'],
      table: [
        { context: 'resource', condition: 'attributes["k8s.namespace.name"] == "chat-a"', pipelines: ['traces/tenant-team-a'] },
        { context: 'resource', condition: 'attributes["k8s.namespace.name"] == "chat-b"', pipelines: ['traces/tenant-team-b'] },
        { context: 'resource', condition: 'attributes["k8s.namespace.name"] == "chat-b-staging"', pipelines: ['traces/tenant-team-b'] },
      ],
    });
    expect(config.service.pipelines['traces/unrouted']).toEqual({ receivers: ['routing'], exporters: ['debug/unrouted'] });
    expect(config.exporters['debug/unrouted']).toEqual({ verbosity: 'basic' });
    expect(gateway.unroutedExporter).toBe('debug/unrouted');
    expect(gateway.tenants).toEqual(TENANTS);
  });

  test("each tenant's exporter is the backend exporter plus its X-Scope-OrgID header", () => {
    const plain = parse(new OtelCollector(Testing.chart(), 'Collector', { traceBackend: BACKEND }).configYaml).exporters.otlp_grpc;
    for (const tenant of ['team-a', 'team-b']) expect(config.exporters[`otlp_grpc/${tenant}`]).toEqual({ ...plain, headers: { 'X-Scope-OrgID': tenant } });
    expect(gateway.configYaml).not.toMatch(/[&*]a\d/);
  });

  test('the namespace comes from the sending pod alone: the sender\'s own value is deleted, pods matched by connection', () => {
    expect(config.processors['resource/namespace-from-pod']).toEqual({ attributes: [{ key: 'k8s.namespace.name', action: 'delete' }] });
    expect(config.processors.k8s_attributes.pod_association).toEqual([{ sources: [{ from: 'connection' }] }]);
  });

  test('a default tenant among the tenants takes the unrouted spans; another one gets its own exporter', () => {
    const among = parse(build({ defaultTenant: 'team-a' }).configYaml);
    expect(among.connectors.routing.default_pipelines).toEqual(['traces/tenant-team-a']);
    expect(Object.keys(among.exporters)).toEqual(['otlp_grpc/team-a', 'otlp_grpc/team-b']);
    expect(among.service.pipelines['traces/unrouted']).toBeUndefined();
    const own = build({ defaultTenant: 'shared' });
    const ownConfig = parse(own.configYaml);
    expect(ownConfig.connectors.routing.default_pipelines).toEqual(['traces/tenant-shared']);
    expect(ownConfig.exporters['otlp_grpc/shared'].headers).toEqual({ 'X-Scope-OrgID': 'shared' });
    expect(own.unroutedExporter).toBeUndefined();
    expect(checkCollectorKeys(ownConfig)).toEqual([]);
    expectWired(ownConfig);
  });

  test('with the debug exporter and a persistent queue: debug beside the router, every tenant queue on file_storage', () => {
    const c = parse(build({ debugExporter: true, persistentQueue: { enabled: true } }).configYaml);
    expect(c.service.pipelines.traces.exporters).toEqual(['routing', 'debug']);
    for (const tenant of ['team-a', 'team-b']) expect(c.exporters[`otlp_grpc/${tenant}`].sending_queue.storage).toBe('file_storage');
    expect(checkCollectorKeys(c)).toEqual([]);
    expectWired(c);
  });

  test('agentGateway: agents find the namespace and forward by trace id; samplers sample, then route', () => {
    const collector = build({ topology: 'agentGateway' });
    const agent = parse(collector.configYaml);
    const sampler = parse(collector.samplerConfigYaml!);
    expect(agent.connectors).toBeUndefined();
    expect(Object.keys(agent.exporters)).toEqual(['load_balancing']);
    expect(agent.service.pipelines.traces.processors).toEqual(['memory_limiter', 'resource/namespace-from-pod', 'k8s_attributes', 'transform', 'batch']);
    expect(agent.processors.k8s_attributes.pod_association).toEqual([{ sources: [{ from: 'connection' }] }]);
    expect(sampler.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling'], exporters: ['routing'] });
    expect(sampler.connectors).toEqual(config.connectors);
    expect(Object.keys(sampler.exporters)).toEqual(['otlp_grpc/team-a', 'otlp_grpc/team-b', 'debug/unrouted']);
    // The agents' keys are those of the agentGateway topology, unchanged by tenants (agent-gateway.test.ts).
    expect(checkCollectorKeys(sampler)).toEqual([]);
    for (const c of [agent, sampler]) expectWired(c);
  });

  test('without tenants the config is unchanged (no connector, one exporter, batch in the one pipeline)', () => {
    const plain = parse(new OtelCollector(Testing.chart(), 'Collector', { traceBackend: BACKEND, tenants: [] }).configYaml);
    expect(plain.connectors).toBeUndefined();
    expect(Object.keys(plain.service.pipelines)).toEqual(['traces']);
    expect(plain.processors['resource/namespace-from-pod']).toBeUndefined();
  });

  test.each<[string, Partial<OtelCollectorProps>, string]>([
    [
      'tenants without Kubernetes attributes',
      { kubernetesAttributes: false },
      'tenants needs kubernetesAttributes: true, got kubernetesAttributes: false: spans are routed by k8s.namespace.name, which the Kubernetes attributes processor sets from the sending pod',
    ],
    [
      'a namespace in two tenants',
      { tenants: [{ id: 'a', namespaces: ['chat'] }, { id: 'b', namespaces: ['chat'] }] },
      'tenants[1].namespaces[0] repeats "chat", already a namespace of tenants[0] ("a"): a namespace belongs to one tenant, or its spans would reach both',
    ],
    ['a repeated tenant', { tenants: [{ id: 'a', namespaces: ['x'] }, { id: 'a', namespaces: ['y'] }] }, 'tenants[1].id repeats "a" (tenants[0].id); list each tenant once with all its namespaces'],
    ['a tenant id with "|"', { tenants: [{ id: 'a|b', namespaces: ['x'] }] }, 'tenants[0].id must be a tenant id (lowercase letters, digits, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters), got "a|b"'],
    ['a tenant without namespaces', { tenants: [{ id: 'a', namespaces: [] }] }, 'tenants[0].namespaces must be a non-empty list of namespaces, got []'],
    ['a namespace that is no namespace', { tenants: [{ id: 'a', namespaces: ['Chat'] }] }, 'tenants[0].namespaces[0] must be an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters), got "Chat"'],
    ['a default tenant without tenants', { tenants: undefined, defaultTenant: 'a' }, 'defaultTenant needs tenants, got "a" without any: with no tenant routing there is no tenant to default to'],
    ['a default tenant with "*"', { defaultTenant: '*' }, 'defaultTenant must be a tenant id (lowercase letters, digits, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters), got "*"'],
  ])('refused: %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(ValidationError);
    expect(() => build(props)).toThrow(message);
  });
});
