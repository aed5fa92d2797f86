import { Chart, Testing } from 'cdk8s';
import { TempoStack, TempoStorage, TracingStackProps } from '../src';
import { ALL_RECEIVERS, STORAGES } from './fixtures';
import { OVERRIDES_FILE_KEYS, TEMPO_KEYS, checkKeys } from './tempo-config-schema';
import { K8sObject, findObject, synthStack, tempoContainer, tempoFiles } from './util';
import { validateObjects } from './validate-objects';

describe.each(['3.0.3', '2.10.8'])('Tempo %s', (version) => {
  const line = version.startsWith('3.0') ? '3.0' : '2.10';

  describe.each(Object.entries(STORAGES))('storage %s', (_name, storage) => {
    const props: Partial<TracingStackProps> = { tempo: { version, storage, receivers: ALL_RECEIVERS, tenantOverrides: { 'single-tenant': { maxTracesPerUser: 20000 } } } };
    const objects = synthStack(props);
    const { config, overrides } = tempoFiles(objects);

    test('every Kubernetes object is valid', () => {
      expect(validateObjects(objects)).toEqual([]);
    });

    test('tempo.yaml holds only keys this Tempo version accepts', () => {
      expect(checkKeys(config, TEMPO_KEYS[line])).toEqual([]);
    });

    test('the runtime overrides file holds only scoped-format keys', () => {
      expect(checkKeys(overrides, OVERRIDES_FILE_KEYS[line])).toEqual([]);
    });

    test('the storage backend is the chosen one and no credential is written literally', () => {
      expect(config.storage.trace.backend).toBe(storage.backend);
      const text = JSON.stringify(config);
      for (const literal of [/storage_account_key":"(?!\$\{)/, /secret_key":"(?!\$\{)/, /access_key":"(?!\$\{)/]) {
        expect(text).not.toMatch(literal);
      }
    });

    test('every ${VAR} in tempo.yaml is set in the container environment', () => {
      const referenced = [...JSON.stringify(config).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      const env = tempoContainer(objects).env.map((e: { name: string }) => e.name);
      for (const name of referenced) expect(env).toContain(name);
    });
  });

  describe('defaults', () => {
    const objects = synthStack({ tempo: { version } });
    const { config, overrides } = tempoFiles(objects);

    test('runs the pinned image with the config file and env expansion', () => {
      const c = tempoContainer(objects);
      expect(c.image).toBe(`docker.io/grafana/tempo:${version}`);
      expect(c.args).toEqual(['-config.file=/conf/tempo.yaml', '-config.expand-env=true']);
    });

    test('receivers bind to 0.0.0.0, only OTLP by default', () => {
      expect(config.distributor.receivers).toEqual({
        otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
      });
    });

    test('default limits and retention in the scoped overrides format', () => {
      expect(config.overrides.defaults).toMatchObject({
        ingestion: { rate_strategy: 'local', rate_limit_bytes: 15000000, burst_size_bytes: 20000000, max_traces_per_user: 10000 },
        global: { max_bytes_per_trace: 5000000 },
        compaction: { block_retention: '168h' },
      });
      expect(config.overrides.per_tenant_override_config).toBe('/conf/overrides.yaml');
      // An empty runtime file stops Tempo from starting.
      expect(overrides).toEqual({ overrides: {} });
    });

    test('metrics-generator remote-writes to kube-prometheus-stack with exemplars', () => {
      expect(config.metrics_generator.storage).toEqual({
        path: '/var/tempo/generator/wal',
        remote_write: [{ url: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090/api/v1/write', send_exemplars: true }],
      });
    });

    test('processors: service graphs and span metrics; local-blocks on 2.10 for TraceQL metrics', () => {
      const processors = config.overrides.defaults.metrics_generator.processors;
      if (line === '3.0') {
        expect(processors).toEqual(['service-graphs', 'span-metrics']);
        expect(config.metrics_generator.traces_storage).toBeUndefined();
      } else {
        expect(processors).toEqual(['service-graphs', 'span-metrics', 'local-blocks']);
        expect(config.metrics_generator.traces_storage).toEqual({ path: '/var/tempo/generator/traces' });
      }
    });

    test('overrides entries restate Tempo\'s non-zero defaults (a tenant entry is not merged)', () => {
      const tenant = tempoFiles(synthStack({ tempo: { version, tenantOverrides: { 'single-tenant': {} } } })).overrides.overrides['single-tenant'];
      expect(tenant).toEqual(config.overrides.defaults);
      expect(tenant.ingestion.retry_info_enabled).toBe(true);
      expect(tenant.read.max_bytes_per_tag_values_query).toBe(1000000);
      expect(tenant.read.max_condition_groups_per_tag_query).toBe(line === '3.0' ? 100 : undefined);
      expect(tenant.metrics_generator).toMatchObject({ generate_native_histograms: 'classic', native_histogram_bucket_factor: 1.1 });
    });

    test('multitenancy follows tenants; their overrides are keyed by tenant id', () => {
      expect(config.multitenancy_enabled).toBe(false);
      // TracingStack takes its tenants from workspaces: the construct alone here.
      const chart = new Chart(Testing.app(), 'tenants', { namespace: 'monitoring' });
      new TempoStack(chart, 'Tempo', { version, tenants: ['team-a', 'team-b'], tenantOverrides: { 'team-b': { maxTracesPerUser: 30000 }, '*': {} } });
      const multi = tempoFiles(Testing.synth(chart) as K8sObject[]);
      expect(multi.config.multitenancy_enabled).toBe(true);
      expect(Object.keys(multi.overrides.overrides)).toEqual(['*', 'team-b']);
      expect(multi.overrides.overrides['team-b'].ingestion.max_traces_per_user).toBe(30000);
    });

    test('streaming on, usage reporting off', () => {
      expect(config.stream_over_http_enabled).toBe(true);
      expect(config.usage_report).toEqual({ reporting_enabled: false });
    });

    test('every path Tempo writes is under the data volume', () => {
      const paths = [...JSON.stringify(config).matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]).filter((p) => !p.startsWith('/conf/'));
      expect(paths.length).toBeGreaterThan(2);
      for (const p of paths) expect(p.startsWith('/var/tempo/')).toBe(true);
      const mounts = tempoContainer(objects).volumeMounts.map((m: { mountPath: string }) => m.mountPath);
      expect(mounts).toEqual(expect.arrayContaining(['/var/tempo', '/conf', '/tmp']));
    });

    if (line === '3.0') {
      test('3.0: no ingester/compactor blocks; live-store WAL and backend-worker retention', () => {
        expect(config.ingester).toBeUndefined();
        expect(config.compactor).toBeUndefined();
        expect(config.ingester_client).toBeUndefined();
        expect(config.live_store.wal.path).toBe('/var/tempo/live-store/traces');
        expect(config.backend_worker.compaction.block_retention).toBe('168h');
      });
    } else {
      test('2.10: compactor.compaction.block_retention; no 3.0-only blocks', () => {
        expect(config.compactor.compaction.block_retention).toBe('168h');
        expect(config.live_store).toBeUndefined();
        expect(config.backend_worker).toBeUndefined();
        expect(config.backend_scheduler).toBeUndefined();
      });
    }
  });
});

describe('TempoStack Kubernetes objects', () => {
  const objects = synthStack();
  const sts = findObject(objects, 'StatefulSet', 'tempo');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];

  test('one replica with a 20Gi data volume claim', () => {
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
  });

  test('Pod Security Standards "restricted" with UID/GID/fsGroup 10001', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('default resources 500m / 1Gi and GOMEMLIMIT below the memory limit', () => {
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '870MiB' });
  });

  test('GOMEMLIMIT follows the memory limit', () => {
    const c = tempoContainer(synthStack({ tempo: { resources: { memoryRequest: '2Gi', memoryLimit: '4Gi' } } }));
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: '3481MiB' });
  });

  test('probes: startup and readiness on /ready, liveness on the HTTP port', () => {
    expect(container.startupProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(container.ports).toContainEqual({ name: 'http', containerPort: 3200, protocol: 'TCP' });
  });

  test('a tempo.yaml change rolls the pod; a tenant overrides change does not (Tempo re-reads it)', () => {
    const checksum = (props: Partial<TracingStackProps>) => findObject(synthStack(props), 'StatefulSet', 'tempo').spec.template.metadata.annotations['checksum/config'];
    expect(checksum({})).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum({ tempo: { retention: '72h' } })).not.toBe(checksum({}));
    expect(checksum({ tempo: { tenantOverrides: { 'single-tenant': { maxTracesPerUser: 1 } } } })).toBe(checksum({}));
  });

  test('Service ports: HTTP 3200 and gRPC 9095 plus one named port per enabled receiver', () => {
    const svc = findObject(objects, 'Service', 'tempo');
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).toEqual(['http', 'grpc', 'otlp-grpc', 'otlp-http']);
    for (const p of svc.spec.ports) expect(p.appProtocol).toBeDefined();

    const all = findObject(synthStack({ tempo: { receivers: ALL_RECEIVERS } }), 'Service', 'tempo');
    expect(all.spec.ports).toEqual(expect.arrayContaining([
      { name: 'jaeger-compact', port: 6831, protocol: 'UDP', targetPort: 'jaeger-compact' },
      { name: 'jaeger-binary', port: 6832, protocol: 'UDP', targetPort: 'jaeger-binary' },
      { name: 'zipkin', port: 9411, protocol: 'TCP', targetPort: 'zipkin', appProtocol: 'http' },
      { name: 'jaeger-grpc', port: 14250, protocol: 'TCP', targetPort: 'jaeger-grpc', appProtocol: 'grpc' },
      { name: 'jaeger-http', port: 14268, protocol: 'TCP', targetPort: 'jaeger-http', appProtocol: 'http' },
    ]));
    for (const p of all.spec.ports) expect(p.name.length).toBeLessThanOrEqual(15);
  });

  test('disabling a receiver removes its port and its config', () => {
    const objs = synthStack({ tempo: { receivers: { otlpHttp: false } } });
    const ports = findObject(objs, 'Service', 'tempo').spec.ports.map((p: { port: number }) => p.port);
    expect(ports).not.toContain(4318);
    expect(tempoFiles(objs).config.distributor.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' } });
  });

  test('ServiceMonitor scrapes /metrics on the HTTP port with the release label', () => {
    const sm = findObject(objects, 'ServiceMonitor', 'tempo');
    expect(sm.metadata.labels!.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scheme: 'http' }]);
    // Exactly one Service matches: the headless one selects the same pod and would double every series.
    const matched = objects.filter(
      (o) => o.kind === 'Service' && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    expect(matched.map((o) => o.metadata.name)).toEqual(['tempo']);
    const custom = synthStack({ tempo: { serviceMonitor: { releaseLabel: 'prom' } } });
    expect(findObject(custom, 'ServiceMonitor', 'tempo').metadata.labels!.release).toBe('prom');
    expect(synthStack({ tempo: { serviceMonitor: { enabled: false } }, grafana: { alerts: false } }).map((o) => `${o.kind}/${o.metadata.name}`)).not.toContain('ServiceMonitor/tempo');
  });

  test('the metrics-generator accepts spans as late as the collector holds them', () => {
    const slack = (props: Parameters<typeof synthStack>[0]) => tempoFiles(synthStack(props)).config.metrics_generator.metrics_ingestion_time_range_slack;
    expect(slack({})).toBe('90s'); // tail sampling's 30 s wait + 60 s
    expect(slack({ collector: { sampling: { type: 'tail', decisionWaitSeconds: 120 } } })).toBe('180s');
    expect(slack({ collector: { sampling: { type: 'head', percentage: 10 } } })).toBe('60s');
    expect(slack({ tempo: { metricsGenerator: { ingestionSlackSeconds: 45 } } })).toBe('45s');
    expect(() => synthStack({ tempo: { metricsGenerator: { enabled: false, ingestionSlackSeconds: 60 } } })).toThrow(
      'tempo.metricsGenerator.ingestionSlackSeconds needs metricsGenerator.enabled: true; without the generator it would be ignored',
    );
    expect(() => synthStack({ tempo: { metricsGenerator: { ingestionSlackSeconds: 0 } } })).toThrow(
      'tempo.metricsGenerator.ingestionSlackSeconds must be an integer from 1 to 3600 (seconds), got 0',
    );
  });

  test('selector labels exclude the version (immutable selector survives upgrades)', () => {
    expect(sts.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'tempo',
      'app.kubernetes.io/instance': 'tempo',
      'app.kubernetes.io/component': 'trace-store',
    });
  });

  test('metrics-generator off: no generator block and no processors', () => {
    const { config } = tempoFiles(synthStack({ tempo: { metricsGenerator: { enabled: false } } }));
    expect(config.metrics_generator).toBeUndefined();
    expect(config.overrides.defaults.metrics_generator.processors).toBeUndefined();
  });

  test('tenant overrides are complete entries (Tempo does not merge them with defaults)', () => {
    const { overrides } = tempoFiles(synthStack({ tempo: { retention: '240h', tenantOverrides: { 'single-tenant': { maxTracesPerUser: 50000 } } } }));
    expect(overrides.overrides['single-tenant']).toMatchObject({
      ingestion: { rate_strategy: 'local', rate_limit_bytes: 15000000, burst_size_bytes: 20000000, max_traces_per_user: 50000 },
      global: { max_bytes_per_trace: 5000000 },
      compaction: { block_retention: '240h' },
      metrics_generator: { processors: ['service-graphs', 'span-metrics'] },
    });
  });

  test('storage class and volume size props reach the claim', () => {
    const s = findObject(synthStack({ tempo: { volumeSize: '50Gi', storageClassName: 'managed-csi-premium' } }), 'StatefulSet', 'tempo');
    expect(s.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'managed-csi-premium', resources: { requests: { storage: '50Gi' } } });
  });
});

describe('storage credentials', () => {
  test('Azure workload identity: ServiceAccount annotation, pod label, federated token', () => {
    const objects = synthStack({ tempo: { storage: STORAGES['azure workload identity'] } });
    expect(findObject(objects, 'ServiceAccount', 'tempo').metadata.annotations).toEqual({ 'azure.workload.identity/client-id': '11111111-2222-3333-4444-555555555555' });
    expect(findObject(objects, 'StatefulSet', 'tempo').spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(tempoFiles(objects).config.storage.trace.azure).toEqual({
      storage_account_name: 'tracesacct',
      container_name: 'tempo',
      endpoint_suffix: 'blob.core.windows.net',
      use_federated_token: true,
    });
  });

  test('Azure account key: read from the Secret through env expansion', () => {
    const objects = synthStack({ tempo: { storage: { ...STORAGES['azure account key'], auth: { type: 'secret', secretName: 'tempo-azure', key: 'key1' } } as TempoStorage } });
    expect(tempoFiles(objects).config.storage.trace.azure.storage_account_key).toBe('${TEMPO_AZURE_STORAGE_ACCOUNT_KEY}');
    expect(tempoContainer(objects).env).toContainEqual({
      name: 'TEMPO_AZURE_STORAGE_ACCOUNT_KEY',
      valueFrom: { secretKeyRef: { name: 'tempo-azure', key: 'key1' } },
    });
    expect(findObject(objects, 'StatefulSet', 'tempo').spec.template.metadata.labels['azure.workload.identity/use']).toBeUndefined();
  });

  test('S3 access keys from a Secret; IAM role as an IRSA annotation', () => {
    const keyed = synthStack({ tempo: { storage: STORAGES['s3 access key'] } });
    expect(tempoFiles(keyed).config.storage.trace.s3).toEqual({
      bucket: 'traces',
      endpoint: 's3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      forcepathstyle: false,
      insecure: false,
      access_key: '${TEMPO_S3_ACCESS_KEY_ID}',
      secret_key: '${TEMPO_S3_SECRET_ACCESS_KEY}',
    });
    const role = synthStack({ tempo: { storage: STORAGES['s3 iam role'] } });
    expect(findObject(role, 'ServiceAccount', 'tempo').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/tempo' });
    expect(tempoFiles(role).config.storage.trace.s3.secret_key).toBeUndefined();
  });

  test('GCS key mounted read-only and named by GOOGLE_APPLICATION_CREDENTIALS', () => {
    const objects = synthStack({ tempo: { storage: STORAGES['gcs key'] } });
    const c = tempoContainer(objects);
    expect(c.env).toContainEqual({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/gcs/key.json' });
    expect(c.volumeMounts).toContainEqual({ name: 'gcs-credentials', mountPath: '/var/secrets/gcs', readOnly: true });
  });
});

describe('typed attributes', () => {
  test('endpoints for other constructs', () => {
    const tempo = new TempoStack(Testing.chart(), 'Tempo', { namespace: 'tracing' });
    expect(tempo.queryUrl).toBe('http://tempo.tracing.svc:3200');
    expect(tempo.otlpGrpcEndpoint).toBe('tempo.tracing.svc:4317');
    expect(tempo.otlpHttpEndpoint).toBe('http://tempo.tracing.svc:4318');
    expect(tempo.serviceName).toBe('tempo');
    expect(tempo.namespace).toBe('tracing');
  });

  test('an endpoint of a disabled receiver is refused, not silently returned', () => {
    const tempo = new TempoStack(Testing.chart(), 'Tempo', { receivers: { otlpGrpc: false } });
    expect(() => tempo.otlpGrpcEndpoint).toThrow(/otlpGrpcEndpoint is not available: receivers.otlpGrpc is disabled/);
  });

  test('defaults to the enclosing chart namespace when composed in a user chart', () => {
    const chart = new Chart(Testing.app(), 'user', { namespace: 'observability' });
    const tempo = new TempoStack(chart, 'Tempo');
    expect(tempo.namespace).toBe('observability');
    expect(validateObjects(Testing.synth(chart))).toEqual([]);
  });
});
