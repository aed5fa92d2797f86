import Ajv from 'ajv';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ConfigFileError, TracingStack, TracingStackProps, ValidationError, parseTracingConfig, tracingConfigJsonSchema } from '../src';
import { deliveryFiles } from '../src/delivery-files';
import { checkCollectorKeys } from './collector-config-schema';
import { K8sObject, PLAINTEXT, findObject, stackProps, tempoFiles } from './util';
import { validateObjects } from './validate-objects';

// One stack, two Rocket.Chat releases: each namespace's spans go to its own Tempo tenant.
const WORKSPACES: Partial<TracingStackProps> = {
  workspaces: [
    { namespace: 'chat-a', limits: { maxTracesPerUser: 20000, blockRetention: '336h' } },
    { namespace: 'chat-b', releaseName: 'rc', tenant: 'team-b', rocketChat: { rocketChatVersion: '7.13.1', workloads: ['core', 'presence'] } },
  ],
};

function synth(props: Partial<TracingStackProps>): { stack: TracingStack; objects: K8sObject[] } {
  const stack = new TracingStack(Testing.app(), 'rocketchat-tracing', stackProps(props));
  return { stack, objects: Testing.synth(stack) as K8sObject[] };
}

const collectorConfig = (objects: K8sObject[], name = 'otel-collector') => parse(findObject(objects, 'ConfigMap', `${name}-config`).data['collector.yaml']);
const datasources = (objects: K8sObject[]) =>
  parse(findObject(objects, 'ConfigMap', 'rocketchat-tracing-grafana-datasources').data['rocketchat-tracing-datasources.yaml']).datasources as any[];
const env = (stack: TracingStack, i: number) => Object.fromEntries(stack.workspaces[i].rocketChat.environmentVariables.map((v) => [v.name, v.value]));

/** The tenant each routed namespace reaches: its route's pipeline, that pipeline's exporter, that exporter's header. */
function routedTenants(config: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const route of config.connectors.routing.table) {
    const namespace = /^attributes\["k8s\.namespace\.name"\] == "([a-z0-9-]+)"$/.exec(route.condition)![1];
    const [exporter] = config.service.pipelines[route.pipelines[0]].exporters;
    out[namespace] = config.exporters[exporter].headers['X-Scope-OrgID'];
  }
  return out;
}

describe('two workspaces', () => {
  const { stack, objects } = synth(WORKSPACES);
  const config = collectorConfig(objects);
  const tempo = tempoFiles(objects);

  test('snapshot (the dashboards and alerts, which tenants leave alone but for the datasource variable, apart)', () => {
    const dashboard = JSON.parse(findObject(objects, 'ConfigMap', 'grafana-dashboard-rocketchat-tracing').data['rocketchat-tracing.json']);
    expect({
      objects: objects.filter((o) => !o.metadata.name.startsWith('grafana-dashboard-') && o.kind !== 'PrometheusRule'),
      dashboardVariables: dashboard.templating.list,
    }).toMatchSnapshot();
  });

  test('the collector starts only once it knows the pods, and runs no receiver that cannot tell the sender', () => {
    expect(config.processors.k8s_attributes).toMatchObject({ wait_for_metadata: true, wait_for_metadata_timeout: '30s', pod_association: [{ sources: [{ from: 'connection' }] }] });
    expect(config.receivers.jaeger?.protocols?.thrift_compact).toBeUndefined();
  });

  test("the metrics-generator keeps each tenant's series apart with a tenant label", () => {
    expect(tempo.config.metrics_generator.registry).toEqual({ external_labels: { source: 'tempo' }, inject_tenant_id_as: 'tenant' });
    expect(tempo.config.overrides.defaults.metrics_generator.processors).toEqual(['service-graphs', 'span-metrics']);
  });

  test('every object is valid for its kind, and the collector config for the pinned collector', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(checkCollectorKeys(config)).toEqual([]);
  });

  test('the stack emits no Namespace for the workspaces: the releases live in namespaces of their own', () => {
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['monitoring']);
    expect(objects.some((o) => o.metadata.namespace === 'chat-a' || o.metadata.namespace === 'chat-b')).toBe(false);
  });

  test('one tenant per workspace, the same ids in the collector, Tempo and Grafana', () => {
    const tenants = ['chat-a', 'team-b'];
    expect(stack.workspaces.map((w) => [w.namespace, w.tenant])).toEqual([['chat-a', 'chat-a'], ['chat-b', 'team-b']]);
    // Collector: each namespace's route ends at an exporter sending its workspace's tenant.
    expect(routedTenants(config)).toEqual({ 'chat-a': 'chat-a', 'chat-b': 'team-b' });
    expect(stack.collector.tenants).toEqual([{ id: 'chat-a', namespaces: ['chat-a'] }, { id: 'team-b', namespaces: ['chat-b'] }]);
    // Tempo: multitenancy on for exactly these tenants; the workspace that set limits has them.
    expect(stack.tempo.tenants).toEqual(tenants);
    expect(tempo.config.multitenancy_enabled).toBe(true);
    expect(Object.keys(tempo.overrides.overrides)).toEqual(['chat-a']);
    expect(tempo.overrides.overrides['chat-a'].ingestion.max_traces_per_user).toBe(20000);
    expect(tempo.overrides.overrides['chat-a'].compaction.block_retention).toBe('336h');
    // Grafana: one datasource across the tenants, then one per tenant.
    expect(datasources(objects).map((d) => [d.uid, d.jsonData.httpHeaderName1, d.secureJsonData.httpHeaderValue1])).toEqual([
      ['tempo', 'X-Scope-OrgID', 'chat-a|team-b'],
      ['tempo-chat-a', 'X-Scope-OrgID', 'chat-a'],
      ['tempo-team-b', 'X-Scope-OrgID', 'team-b'],
    ]);
    expect(stack.grafana.tenantDatasourceUids).toEqual({ 'chat-a': 'tempo-chat-a', 'team-b': 'tempo-team-b' });
  });

  test('sampling decides before the router, on whole traces; memory_limiter first', () => {
    const ingest = config.service.pipelines.traces;
    expect(ingest.processors[0]).toBe('memory_limiter');
    expect(ingest.processors.at(-1)).toBe('tail_sampling');
    expect(ingest.exporters).toEqual(['routing']);
    for (const [id, pipeline] of Object.entries(config.service.pipelines) as [string, any][]) {
      if (id === 'traces') continue;
      expect([id, pipeline.receivers]).toEqual([id, ['routing']]);
      expect(pipeline.processors ?? []).not.toContain('tail_sampling');
    }
  });

  test('the routes cover exactly the workspace namespaces; other spans are dropped and counted', () => {
    expect(Object.keys(routedTenants(config)).sort()).toEqual(stack.workspaces.map((w) => w.namespace).sort());
    expect(config.connectors.routing.default_pipelines).toEqual(['traces/unrouted']);
    expect(config.service.pipelines['traces/unrouted'].exporters).toEqual([stack.collector.unroutedExporter]);
    expect(stack.collector.unroutedExporter).toBe('debug/unrouted');
  });

  test("each workspace's Rocket.Chat exports to the collector, in its own namespace and release", () => {
    expect(stack.workspaces.map((w) => [w.rocketChat.namespace, w.rocketChat.releaseName])).toEqual([['chat-a', 'rocketchat'], ['chat-b', 'rc']]);
    for (const i of [0, 1]) expect(env(stack, i).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(stack.collector.otlpGrpcUrl);
    expect(env(stack, 1).OTEL_RESOURCE_ATTRIBUTES).toContain('service.version=7.13.1');
    expect(stack.workspaces[1].rocketChat.workloads).toEqual(['core', 'presence']);
    expect(stack.rocketChat).toBe(stack.workspaces[0].rocketChat);
  });

  test('delivery files: Helm values and kustomize patches per workspace, in folders of their own', () => {
    const files = Object.keys(deliveryFiles(stack, { chartVersion: '0.1.0' })).filter((f) => !f.startsWith('helm/rocketchat-tracing/'));
    expect(files.sort()).toEqual([
      'helm/kube-prometheus-stack-values.yaml',
      'helm/rocketchat-values-chat-a.yaml',
      'helm/rocketchat-values-chat-b.yaml',
      'kustomize/rocketchat-chat-a/kustomization.yaml',
      'kustomize/rocketchat-chat-a/rocketchat-account.yaml',
      'kustomize/rocketchat-chat-a/rocketchat-authorization.yaml',
      'kustomize/rocketchat-chat-a/rocketchat-ddp-streamer.yaml',
      'kustomize/rocketchat-chat-a/rocketchat-presence.yaml',
      'kustomize/rocketchat-chat-a/rocketchat-rocketchat.yaml',
      'kustomize/rocketchat-chat-b/kustomization.yaml',
      'kustomize/rocketchat-chat-b/rc-presence.yaml',
      'kustomize/rocketchat-chat-b/rc-rocketchat.yaml',
    ]);
  });
});

describe('workspaces with TLS from a ClusterIssuer', () => {
  const { stack, objects } = synth({ ...WORKSPACES, tls: { enabled: true, certManager: { name: 'tracing-ca' } } });

  test("each workspace's namespace gets a Certificate carrying the CA its Rocket.Chat verifies the collector with", () => {
    expect(validateObjects(objects)).toEqual([]);
    const certificates = objects.filter((o) => o.kind === 'Certificate' && o.metadata.namespace !== 'monitoring');
    expect(certificates.map((c) => [c.metadata.namespace, c.metadata.name, c.spec.issuerRef.name])).toEqual([
      ['chat-a', 'rocketchat-tracing-ca', 'tracing-ca'],
      ['chat-b', 'rc-tracing-ca', 'tracing-ca'],
    ]);
    for (const [i, w] of stack.workspaces.entries()) {
      expect(w.caCertificate!.toJson().metadata.namespace).toBe(w.namespace);
      expect((w.rocketChat.caVolume!.secret as any).secretName).toBe(certificates[i].spec.secretName);
      expect(env(stack, i).OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^https:\/\//);
    }
  });

  test('each tenant exporter verifies Tempo like the single exporter does', () => {
    const config = collectorConfig(objects);
    for (const tenant of ['chat-a', 'team-b']) expect(config.exporters[`otlp_grpc/${tenant}`].tls).toEqual({ ca_file: '/tls/backend/ca.crt' });
  });

  test('with an Issuer (namespaced), the CA Secret must be named: the message names the workspace', () => {
    expect(() => synth({ ...WORKSPACES, tls: { enabled: true, certManager: { name: 'ca', kind: 'Issuer' } } })).toThrow(
      'tls.rocketChatTrustedCa is required: the Rocket.Chat of workspaces[0] (namespace "chat-a") must verify the collector\'s certificate, and an Issuer cannot issue into that namespace; name a Secret there holding the CA (ca.crt)',
    );
    const named = synth({ ...WORKSPACES, tls: { enabled: true, certManager: { name: 'ca', kind: 'Issuer' }, rocketChatTrustedCa: { secretName: 'tracing-ca' } } }).stack;
    for (const w of named.workspaces) expect((w.rocketChat.caVolume!.secret as any).secretName).toBe('tracing-ca');
  });
});

describe('workspaces with a default tenant', () => {
  const { stack, objects } = synth({ ...WORKSPACES, defaultTenant: 'unassigned' });
  const config = collectorConfig(objects);

  test('spans from other namespaces go to a tenant of their own, which Tempo and Grafana know', () => {
    expect(config.connectors.routing.default_pipelines).toEqual(['traces/tenant-unassigned']);
    expect(config.exporters['otlp_grpc/unassigned'].headers).toEqual({ 'X-Scope-OrgID': 'unassigned' });
    expect(config.service.pipelines['traces/unrouted']).toBeUndefined();
    expect(stack.tempo.tenants).toEqual(['chat-a', 'team-b', 'unassigned']);
    expect(datasources(objects).map((d) => d.secureJsonData.httpHeaderValue1)).toEqual(['chat-a|team-b|unassigned', 'chat-a', 'team-b', 'unassigned']);
    expect(checkCollectorKeys(config)).toEqual([]);
  });
});

describe('workspaces with the agentGateway collector', () => {
  const { stack, objects } = synth({ ...WORKSPACES, collector: { topology: 'agentGateway' } });
  const agent = collectorConfig(objects, 'otel-collector-agent');
  const sampler = collectorConfig(objects, 'otel-collector-sampler');

  test('agents find the namespace from the sending pod; samplers sample, then route by it', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(agent.processors.k8s_attributes.pod_association).toEqual([{ sources: [{ from: 'connection' }] }]);
    expect(agent.service.pipelines.traces.processors.indexOf('resource/namespace-from-pod')).toBeLessThan(agent.service.pipelines.traces.processors.indexOf('k8s_attributes'));
    expect(agent.connectors).toBeUndefined();
    expect(sampler.service.pipelines.traces.processors).toEqual(['memory_limiter', 'tail_sampling']);
    expect(sampler.service.pipelines.traces.exporters).toEqual(['routing']);
    expect(routedTenants(sampler)).toEqual({ 'chat-a': 'chat-a', 'chat-b': 'team-b' });
    expect(checkCollectorKeys(sampler)).toEqual([]);
    for (const i of [0, 1]) expect(env(stack, i).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(stack.collector.otlpGrpcUrl);
  });
});

describe('one workspace', () => {
  test('keeps the metrics-generator and may have the network policies (one release, one tenant)', () => {
    const { stack, objects } = synth({
      workspaces: [{ namespace: 'chat' }],
      networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'] },
    });
    expect(validateObjects(objects)).toEqual([]);
    expect(tempoFiles(objects).config.metrics_generator).toBeDefined();
    expect(stack.tempo.tenants).toEqual(['chat']);
    expect(stack.networkPolicies).toBeDefined();
    const ingress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'otel-collector-flows')!.spec.ingress;
    expect(JSON.stringify(ingress)).toContain('"kubernetes.io/metadata.name":"chat"');
  });
});

describe('a stack serving one release is left as it was', () => {
  test('no tenants anywhere, no workspaces', () => {
    const { stack, objects } = synth({});
    expect(stack.workspaces).toEqual([]);
    expect(stack.tempo.tenants).toEqual([]);
    expect(stack.collector.tenants).toEqual([]);
    expect(collectorConfig(objects).connectors).toBeUndefined();
    expect(datasources(objects)[0].secureJsonData).toBeUndefined();
  });
});

describe('bad input fails at synth time naming the prop, the value and what is allowed', () => {
  test.each<[string, Partial<TracingStackProps>, string]>([
    [
      'workspaces and rocketChat together',
      { ...WORKSPACES, rocketChat: { namespace: 'chat' } },
      'rocketChat must be unset with workspaces (each workspace\'s Rocket.Chat settings go in workspaces[].rocketChat, its namespace and release name in workspaces[].namespace and workspaces[].releaseName), got {"namespace":"chat"}',
    ],
    [
      'a namespace in two workspaces',
      { ...WORKSPACES, workspaces: [{ namespace: 'chat', tenant: 'a' }, { namespace: 'chat', tenant: 'b' }] },
      'workspaces[1].namespace must differ from workspaces[0].namespace, got "chat" for both: a namespace\'s spans go to one workspace\'s tenant',
    ],
    [
      'a tenant in two workspaces',
      { ...WORKSPACES, workspaces: [{ namespace: 'chat-a', tenant: 'team' }, { namespace: 'chat-b', tenant: 'team' }] },
      'workspaces[1].tenant must differ from workspaces[0].tenant, got "team" for both: each workspace has a tenant of its own, or their traces would mix',
    ],
    [
      'a tenant that is another workspace\'s namespace (its default tenant)',
      { ...WORKSPACES, workspaces: [{ namespace: 'chat-a' }, { namespace: 'chat-b', tenant: 'chat-a' }] },
      'workspaces[1].tenant must differ from workspaces[0].tenant, got "chat-a" for both: each workspace has a tenant of its own, or their traces would mix',
    ],
    [
      'a tenant id Tempo would split ("|" joins query tenants)',
      { ...WORKSPACES, workspaces: [{ namespace: 'chat-a', tenant: 'a|b' }] },
      'workspaces[0].tenant must be a tenant id (lowercase letters, digits, "-", "_" and ".", starting and ending alphanumeric, at most 63 characters), got "a|b"',
    ],
    [
      'the tenant of multitenancy off',
      { ...WORKSPACES, workspaces: [{ namespace: 'chat-a', tenant: 'single-tenant' }] },
      'workspaces[0].tenant must be a tenant id other than "single-tenant" (Tempo\'s tenant for every trace when multitenancy is off), got "single-tenant"',
    ],
    [
      'a namespace that is no namespace',
      { ...WORKSPACES, workspaces: [{ namespace: 'Chat_A' }] },
      'workspaces[0].namespace must be an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters), got "Chat_A"',
    ],
    ['no workspace', { ...WORKSPACES, workspaces: [] }, 'workspaces must be a non-empty list of { namespace, releaseName?, tenant?, limits?, rocketChat? }, got []'],
    [
      "a release's namespace set twice",
      { ...WORKSPACES, workspaces: [{ namespace: 'chat-a', rocketChat: { namespace: 'other' } as never }] },
      'workspaces[0].rocketChat.namespace must be unset: it is the workspace\'s (workspaces[0].namespace), got "other"',
    ],
    [
      'a default tenant that is a workspace\'s',
      { ...WORKSPACES, defaultTenant: 'team-b' },
      'defaultTenant must differ from every workspace\'s tenant, got "team-b", the tenant of workspaces[1]: spans from other namespaces would show in that workspace',
    ],
    ['a default tenant without workspaces', { defaultTenant: 'ops' }, 'defaultTenant needs workspaces, got "ops" without any: a stack serving one release has no tenants'],
    [
      'the Jaeger UDP receiver, whose spans carry no sender address',
      { ...WORKSPACES, collector: { receivers: { jaegerThriftCompact: true } } },
      'collector.receivers.jaegerThriftCompact must be false with tenants, got true: Jaeger Thrift compact is UDP (port 6831), whose spans arrive without the sending pod\'s address, so no namespace (and no tenant) could be found for them; send OTLP instead',
    ],
    [
      'workspaces without Kubernetes attributes',
      { ...WORKSPACES, collector: { kubernetesAttributes: false } },
      "collector.kubernetesAttributes must be true with workspaces, got false: each workspace's spans are routed to its tenant by k8s.namespace.name, which the Kubernetes attributes processor sets from the sending pod",
    ],
    [
      "a workspace's limits also in tempo.tenantOverrides",
      { ...WORKSPACES, tempo: { ...WORKSPACES.tempo, tenantOverrides: { 'chat-a': { maxTracesPerUser: 1 } } } },
      'tempo.tenantOverrides.chat-a must be unset, got {"maxTracesPerUser":1}: workspaces[0].limits sets the limits of tenant "chat-a"',
    ],
    [
      "a workspace's bad limit, reported where it was set",
      { ...WORKSPACES, workspaces: [{ namespace: 'chat-a', limits: { ingestionRateLimitBytes: 30_000_000 } }] },
      'workspaces[0].limits.ingestionBurstSizeBytes must be at least workspaces[0].limits.ingestionRateLimitBytes (30000000), got 20000000',
    ],
    ['tempo.tenants from JavaScript', { ...WORKSPACES, tempo: { tenants: ['x'] } as never }, 'tempo.tenants must be unset, got ["x"]: the stack\'s tenants are its workspaces\' (workspaces[].tenant and defaultTenant)'],
    [
      'environments that disagree',
      { ...WORKSPACES, collector: { environment: 'prod' }, workspaces: [{ namespace: 'chat-a', rocketChat: { environment: 'staging' } }] },
      'workspaces[0].rocketChat.environment and collector.environment must agree, got "staging" and "prod": both set deployment.environment.name, and the collector never overwrites what Rocket.Chat sends',
    ],
    [
      "a workspace's Rocket.Chat setting",
      { ...WORKSPACES, workspaces: [{ namespace: 'chat-a', rocketChat: { samplingRatio: 2 } }] },
      'workspaces[0].rocketChat.samplingRatio must be a number between 0 and 1 (the fraction of root traces kept), got 2',
    ],
  ])('%s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(ValidationError);
    expect(() => synth(props)).toThrow(message);
  });
});

describe('config file', () => {
  const workspaces = [
    { namespace: 'chat-a', limits: { maxTracesPerUser: 20000, blockRetention: '336h' } },
    { namespace: 'chat-b', releaseName: 'rc', tenant: 'team-b', rocketChat: { rocketChatVersion: '7.13.1', instrumentation: { enabled: true } } },
  ];
  const config = { workspaces, defaultTenant: 'unassigned', tls: PLAINTEXT };

  test('workspaces and defaultTenant parse to the construct props and synthesize valid objects', () => {
    expect(parseTracingConfig(config, 'f.yaml')).toEqual(config);
    expect(validateObjects(synth(parseTracingConfig(config, 'f.yaml')).objects)).toEqual([]);
  });

  const AGREEMENT: [string, unknown, boolean][] = [
    ['two workspaces', config, true],
    ['no workspace', { workspaces: [], tls: PLAINTEXT }, false],
    ['a workspace without a namespace', { workspaces: [{ tenant: 'a' }], tls: PLAINTEXT }, false],
    ["a workspace's Rocket.Chat namespace", { workspaces: [{ namespace: 'a', rocketChat: { namespace: 'b' } }], tls: PLAINTEXT }, false],
    ['a tenant with "|"', { workspaces: [{ namespace: 'a', tenant: 'a|b' }], tls: PLAINTEXT }, false],
    ['a default tenant with "*"', { defaultTenant: '*', tls: PLAINTEXT }, false],
  ];

  test.each(AGREEMENT)('JSON Schema and loader agree on %s', (_name, value, valid) => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(tracingConfigJsonSchema());
    expect(validate(value)).toBe(valid);
    const load = () => parseTracingConfig(value, 'f.yaml');
    if (valid) expect(load).not.toThrow();
    else expect(load).toThrow(ConfigFileError);
  });
});
