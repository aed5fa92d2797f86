import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { TracingStack, TracingStackProps } from '../src';
import { validateObjects } from './validate-objects';
import { K8sObject, findObject, stackProps } from './util';

const AGENT_GATEWAY: Partial<TracingStackProps> = { collector: { topology: 'agentGateway', replicas: 3 } };

function synth(props: Partial<TracingStackProps>): { stack: TracingStack; objects: K8sObject[] } {
  const stack = new TracingStack(Testing.app(), 'rocketchat-tracing', stackProps(props));
  return { stack, objects: Testing.synth(stack) as K8sObject[] };
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const configOf = (objects: K8sObject[], name: string) => parse(findObject(objects, 'ConfigMap', `${name}-config`).data['collector.yaml']);

/** Every component a pipeline names is defined, and every defined one is used. */
function expectWiredPipelines(config: any): void {
  for (const pipeline of Object.values(config.service.pipelines) as any[]) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const component of pipeline[kind] ?? []) expect(Object.keys(config[kind])).toContain(component);
    }
  }
  for (const kind of ['receivers', 'processors', 'exporters'] as const) {
    const used = (Object.values(config.service.pipelines) as any[]).flatMap((p) => p[kind] ?? []);
    expect(Object.keys(config[kind]).sort()).toEqual([...new Set(used)].sort());
  }
}

describe('collector topology agentGateway', () => {
  const { stack, objects } = synth(AGENT_GATEWAY);
  const agent = findObject(objects, 'DaemonSet', 'otel-collector-agent');
  const sampler = findObject(objects, 'StatefulSet', 'otel-collector-sampler');
  const headless = findObject(objects, 'Service', sampler.spec.serviceName);
  const front = findObject(objects, 'Service', 'otel-collector');
  const agentConfig = configOf(objects, 'otel-collector-agent');
  const samplerConfig = configOf(objects, 'otel-collector-sampler');

  test('every object is valid', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === 'monitoring').map((o) => o.metadata.name)).toEqual([]);
  });

  test('both tiers meet Pod Security "restricted", with requests, limits and probes', () => {
    for (const pod of [agent, sampler].map((w) => w.spec.template.spec)) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      const c = pod.containers[0];
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
      expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      expect([c.readinessProbe.httpGet.port, c.livenessProbe.httpGet.port]).toEqual(['health', 'health']);
      expect(c.ports.some((p: any) => p.hostPort)).toBe(false);
    }
    expect(agent.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
  });

  test('Rocket.Chat sends to the agent on its own node', () => {
    expect(front.spec.internalTrafficPolicy).toBe('Local');
    expect(matches(front.spec.selector, agent.spec.template.metadata.labels)).toBe(true);
    expect(matches(front.spec.selector, sampler.spec.template.metadata.labels)).toBe(false);
    expect(stack.rocketChat.environmentVariables.find((v) => v.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')!.value).toBe('http://otel-collector.monitoring.svc:4317');
    // Never a node without an agent during a rollout.
    expect(agent.spec.updateStrategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  test("the agents' load-balancing resolver targets the samplers' headless Service on a port the samplers listen on", () => {
    const lb = agentConfig.exporters.load_balancing;
    expect(lb.routing_key).toBe('traceID');
    expect(lb.resolver.k8s.service).toBe(`${headless.metadata.name}.${headless.metadata.namespace}`);
    expect(headless.spec.clusterIP).toBe('None');
    expect(matches(headless.spec.selector, sampler.spec.template.metadata.labels)).toBe(true);
    const [port] = lb.resolver.k8s.ports;
    expect(headless.spec.ports.map((p: any) => p.port)).toContain(port);
    expect(sampler.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toContain(port);
    expect(samplerConfig.receivers.otlp.protocols.grpc.endpoint).toBe(`\${env:MY_POD_IP}:${port}`);
    // Hostnames need the StatefulSet's pods to be named under the headless Service.
    expect(lb.resolver.k8s.return_hostnames).toBe(true);
    expect(lb.protocol.otlp.endpoint).toBeUndefined();
  });

  test('the agents add Kubernetes metadata of their node only and forward everything; the samplers sample and export to Tempo', () => {
    expect(agentConfig.processors.k8s_attributes.filter).toEqual({ node_from_env_var: 'K8S_NODE_NAME' });
    expect(agent.spec.template.spec.containers[0].env).toContainEqual({ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(Object.keys(agentConfig.processors)).not.toContain('tail_sampling');
    expect(Object.keys(agentConfig.processors)).toContain('transform');
    expect(Object.keys(samplerConfig.processors)).toEqual(['memory_limiter', 'tail_sampling', 'batch']);
    expect(samplerConfig.exporters.otlp_grpc.endpoint).toBe(stack.tempo.otlpGrpcEndpoint);
    expectWiredPipelines(agentConfig);
    expectWiredPipelines(samplerConfig);
    expect(sampler.spec.replicas).toBe(3);
    expect(findObject(objects, 'PodDisruptionBudget', 'otel-collector-sampler').spec.selector.matchLabels).toEqual(sampler.spec.selector.matchLabels);
  });

  test('RBAC: the agents read pods cluster-wide and the samplers\' EndpointSlices in this namespace only; the samplers get no token', () => {
    const sa = agent.spec.template.spec.serviceAccountName;
    const role = findObject(objects, 'Role', 'otel-collector-agent-resolver');
    expect(role.rules).toEqual([{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] }]);
    expect(role.metadata.namespace).toBe(headless.metadata.namespace);
    const binding = findObject(objects, 'RoleBinding', 'otel-collector-agent-resolver');
    expect([binding.roleRef.name, binding.subjects]).toEqual([role.metadata.name, [{ kind: 'ServiceAccount', name: sa, namespace: 'monitoring' }]]);
    expect(findObject(objects, 'ClusterRoleBinding', 'otel-collector-agent-monitoring').subjects[0].name).toBe(sa);
    expect(sampler.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('one ServiceMonitor scrapes both tiers under one job', () => {
    const monitor = findObject(objects, 'ServiceMonitor', 'otel-collector');
    const scraped = objects.filter((o) => o.kind === 'Service' && matches(monitor.spec.selector.matchLabels, o.metadata.labels ?? {}));
    expect(scraped.map((o) => o.metadata.name).sort()).toEqual(['otel-collector', 'otel-collector-sampler']);
    for (const service of scraped) {
      expect(service.metadata.labels?.[monitor.spec.jobLabel]).toBe('otel-collector');
      expect(service.spec.ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
    }
  });

  test('snapshot: the agent and sampler configs', () => {
    expect({ agent: agentConfig, sampler: samplerConfig }).toMatchSnapshot();
  });
});

describe('agentGateway with TLS', () => {
  const { objects } = synth({ ...AGENT_GATEWAY, tls: { enabled: true, certManager: { name: 'tracing-ca' } } });
  const agentConfig = configOf(objects, 'otel-collector-agent');
  const samplerConfig = configOf(objects, 'otel-collector-sampler');

  test("the agents verify each sampler's pod hostname with the CA of the samplers' certificate", () => {
    expect(validateObjects(objects)).toEqual([]);
    const certificate = objects.find((o) => o.kind === 'Certificate' && o.metadata.name === 'otel-collector-sampler')!;
    const podHost = 'otel-collector-sampler-0.otel-collector-sampler.monitoring';
    expect(certificate.spec.dnsNames).toContain(`*.${podHost.split('.').slice(1).join('.')}`);
    expect(samplerConfig.receivers.otlp.protocols.grpc.tls.cert_file).toBe('/tls/server/tls.crt');
    const agentPod = findObject(objects, 'DaemonSet', 'otel-collector-agent').spec.template.spec;
    expect(agentConfig.exporters.load_balancing.protocol.otlp.tls.ca_file).toBe('/tls/backend/ca.crt');
    expect(agentPod.volumes.find((v: any) => v.name === 'backend-ca').secret).toEqual({ secretName: certificate.spec.secretName, items: [{ key: 'ca.crt', path: 'ca.crt' }] });
    // The samplers verify Tempo as the single collector would.
    expect(samplerConfig.exporters.otlp_grpc.tls.ca_file).toBe('/tls/backend/ca.crt');
  });
});

describe('agentGateway bad input names the prop', () => {
  const build = (props: Partial<TracingStackProps>) => () => synth(props);
  test.each([
    ['agent settings without agents', { collector: { agent: { resources: { memoryLimit: '1Gi' } } } }, /^collector\.agent needs topology: "agentGateway"/],
    ['an unknown topology', { collector: { topology: 'mesh' as never } }, /^collector\.topology must be one of "gateway", "agentGateway", got "mesh"$/],
    ['existing Secrets cannot cover the samplers', { ...AGENT_GATEWAY, tls: { enabled: true, collectorSecretName: 'c', tempoSecretName: 't', rocketChatTrustedCa: { secretName: 'ca' } } }, /^collector\.tls\.secretName cannot serve topology "agentGateway"/],
    ['an agent too small for its memory_limiter', { collector: { topology: 'agentGateway', agent: { resources: { memoryLimit: '128Mi', memoryRequest: '128Mi' } } } }, /^collector\.agent\.resources\.memoryLimit must be at least 256Mi, got "128Mi"$/],
  ] as [string, Partial<TracingStackProps>, RegExp][])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(message);
  });
});
