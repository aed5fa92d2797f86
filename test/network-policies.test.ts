import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { TracingStackProps, VERIFY_POD_LABELS } from '../src';
import { STORAGES } from './fixtures';
import { Endpoint, Flow, Pod, allowed, unusedAllowances } from './network/policy-model';
import { K8sObject, findObject, synthStack } from './util';
import { validateObjects } from './validate-objects';

// Derives, from the synthesized objects alone, every connection the stack's own configuration
// implies, and checks the policy set allows each one and nothing else.

// What lives outside the stack, at kube-prometheus-stack's, the RocketChat chart's and CoreDNS's defaults.
const GRAFANA: Pod = { name: 'grafana', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'kube-prometheus-stack' } };
const PROMETHEUS: Pod = { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: { 'http-web': 9090 } };
const COREDNS: Pod = { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const ROCKETCHAT_CORE: Pod = { name: 'rocketchat', namespace: 'rocketchat', labels: { 'app.kubernetes.io/name': 'rocketchat', 'app.kubernetes.io/instance': 'rocketchat' } };
const ROCKETCHAT_PRESENCE: Pod = { name: 'presence', namespace: 'rocketchat', labels: { 'app.kubernetes.io/name': 'rocketchat-presence', 'app.kubernetes.io/instance': 'rocketchat' } };
const MONGODB: Pod = { name: 'mongodb', namespace: 'rocketchat', labels: { 'app.kubernetes.io/name': 'mongodb', 'app.kubernetes.io/instance': 'rocketchat' } };
const OTHER_MONITORING_POD: Pod = { name: 'alertmanager', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'alertmanager' } };
const VERIFY: Pod = { name: 'verify', namespace: 'monitoring', labels: VERIFY_POD_LABELS };
const API_SERVER = { ip: '10.0.0.1' };
const BLOB_STORE = { ip: '20.150.1.1' };
const INTERNET = { ip: '93.184.216.34' };
/** kube-prometheus-stack's Prometheus Service and the pods it selects. */
const KNOWN_SERVICES: Record<string, Pod> = { 'kube-prometheus-stack-prometheus.monitoring.svc': PROMETHEUS };

const POLICIES_ON: Partial<TracingStackProps> = {
  networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'] },
  rocketChat: { workloads: ['core', 'presence'], instrumentation: { enabled: true } },
};
/** Another application given as `additionalSenders`. */
const OTHER_SENDER: Pod = { name: 'other-sender', namespace: 'apps', labels: { 'app.kubernetes.io/name': 'billing' } };
const AGENT_GATEWAY: Partial<TracingStackProps> = {
  ...POLICIES_ON,
  collector: { topology: 'agentGateway' },
  networkPolicies: { ...POLICIES_ON.networkPolicies, additionalSenders: [{ namespace: OTHER_SENDER.namespace, podLabels: OTHER_SENDER.labels }] },
};

/** A pod of the stack, with what decides whom it calls. */
interface StackPod extends Pod {
  readonly serviceAccountName: string;
  readonly automountToken: boolean;
  readonly configMaps: readonly string[];
}

function stackPods(objects: K8sObject[]): StackPod[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind))
    .map((o) => {
      const spec = o.spec.template.spec;
      return {
        name: o.metadata.name,
        namespace: o.metadata.namespace!,
        labels: o.spec.template.metadata.labels,
        ports: Object.fromEntries(spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => [p.name, p.containerPort]))),
        serviceAccountName: spec.serviceAccountName ?? 'default',
        automountToken: spec.automountServiceAccountToken !== false,
        configMaps: (spec.volumes ?? []).filter((v: any) => v.configMap).map((v: any) => v.configMap.name),
      };
    });
}

/** host[:port] of a Service in the objects → the pod behind it and the pod port. */
function resolve(objects: K8sObject[], pods: Pod[], host: string, port: number): { pod: Pod; port: number; protocol: 'TCP' | 'UDP' } {
  if (KNOWN_SERVICES[host]) return { pod: KNOWN_SERVICES[host], port, protocol: 'TCP' };
  const [name, namespace] = host.split('.');
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!service) throw new Error(`no Service behind ${host}`);
  const servicePort = service.spec.ports.find((p: any) => p.port === port);
  if (!servicePort) throw new Error(`Service ${host} declares no port ${port}`);
  const selected = pods.filter((p) => p.namespace === namespace && Object.entries(service.spec.selector).every(([k, v]) => p.labels[k] === v));
  if (selected.length !== 1) throw new Error(`Service ${host} selects ${selected.length} workloads' pods`);
  const pod = selected[0];
  const target = servicePort.targetPort ?? servicePort.port;
  return { pod, port: typeof target === 'number' ? target : pod.ports![target], protocol: servicePort.protocol ?? 'TCP' };
}

function urlTarget(objects: K8sObject[], pods: Pod[], url: string): { pod: Pod; port: number; protocol: 'TCP' | 'UDP' } {
  const u = new URL(url.includes('://') ? url : `tcp://${url}`);
  return resolve(objects, pods, u.hostname, Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
}

/**
 * Every connection the synthesized configuration implies, with `senders` the pods given as
 * `additionalSenders` (whose intent is in the props, not in any object).
 */
function deriveFlows(objects: K8sObject[], senders: readonly Pod[]): Flow[] {
  const pods = stackPods(objects);
  const flows: Flow[] = [];
  const tcp = (why: string, from: Endpoint, to: Endpoint, port: number) => flows.push({ why, from, to, port, protocol: 'TCP' });
  const to = (why: string, from: Endpoint, target: { pod: Pod; port: number; protocol: 'TCP' | 'UDP' }) =>
    flows.push({ why, from, to: target.pod, port: target.port, protocol: target.protocol });
  const configMap = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!;
  const monitoredPorts = new Set(objects.filter((o) => o.kind === 'ServiceMonitor').flatMap((sm) => sm.spec.endpoints.map((e: any) => e.port)));
  // The collector's front Service: senders reach whichever pods it selects (the agents with agentGateway).
  const front = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'otel-collector')!;
  const frontHost = `${front.metadata.name}.${front.metadata.namespace}.svc`;

  // Rocket.Chat exports to the endpoint its environment names.
  for (const instrumentation of objects.filter((o) => o.kind === 'Instrumentation')) {
    const endpoint = instrumentation.spec.env.find((v: any) => v.name === 'OTEL_EXPORTER_OTLP_ENDPOINT').value;
    const target = urlTarget(objects, pods, endpoint);
    for (const source of [ROCKETCHAT_CORE, ROCKETCHAT_PRESENCE]) to(`Rocket.Chat ${source.name} exports spans`, source, target);
  }
  // Additional senders may use every receiver port the front Service offers (not the metrics port).
  for (const sender of senders) {
    for (const port of front.spec.ports.filter((p: any) => !monitoredPorts.has(p.name))) {
      to(`additional sender ${port.name}`, sender, resolve(objects, pods, frontHost, port.port));
    }
  }
  // Each collector tier exports where its config says: a fixed endpoint, or (load_balancing) the
  // pods behind the Service its Kubernetes resolver watches.
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && o.data?.['collector.yaml'])) {
    const config = parse(cm.data['collector.yaml']);
    const runners = pods.filter((p) => p.configMaps.includes(cm.metadata.name));
    if (runners.length !== 1) throw new Error(`ConfigMap ${cm.metadata.name} is mounted by ${runners.length} workloads`);
    for (const [name, exporter] of Object.entries<any>(config.exporters)) {
      const targets = name === 'debug' ? [] : name === 'load_balancing'
        ? exporter.resolver.k8s.ports.map((port: number) => resolve(objects, pods, exporter.resolver.k8s.service, port))
        : [urlTarget(objects, pods, exporter.endpoint)];
      if (name === 'load_balancing' && Object.keys(exporter.resolver).join() !== 'k8s') throw new Error(`unmodelled resolver ${Object.keys(exporter.resolver)}`);
      for (const target of targets) to(`${runners[0].name} exporter ${name}`, runners[0], target);
    }
  }
  // A pod whose ServiceAccount is bound to a role, and which mounts its token, calls the API server.
  const bound = new Set(
    objects
      .filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')
      .flatMap((b) => b.subjects.filter((s: any) => s.kind === 'ServiceAccount').map((s: any) => `${s.namespace}/${s.name}`)),
  );
  for (const pod of pods) {
    if (pod.automountToken && bound.has(`${pod.namespace}/${pod.serviceAccountName}`)) tcp(`${pod.name} calls the Kubernetes API`, pod, API_SERVER, 443);
  }
  // Grafana queries every datasource URL provisioned for it.
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_datasource)) {
    for (const file of Object.values<string>(cm.data)) {
      for (const ds of parse(file).datasources) to(`Grafana datasource ${ds.name}`, GRAFANA, urlTarget(objects, pods, ds.url));
    }
  }
  // Prometheus scrapes every ServiceMonitor endpoint, through every Service it selects.
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const services = objects.filter(
      (o) => o.kind === 'Service' && o.metadata.namespace === sm.metadata.namespace && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    for (const service of services) {
      for (const endpoint of sm.spec.endpoints) {
        const port = service.spec.ports.find((p: any) => p.name === endpoint.port);
        to(`scrape ${sm.metadata.name} through ${service.metadata.name}`, PROMETHEUS, resolve(objects, pods, `${service.metadata.name}.${service.metadata.namespace}.svc`, port.port));
      }
    }
  }
  // Tempo remote-writes generated metrics and, with an object store, writes blocks over HTTPS.
  const tempoConfig = parse(configMap('tempo-config').data['tempo.yaml']);
  const tempoPod = pods.find((p) => p.name === 'tempo')!;
  for (const rw of tempoConfig.metrics_generator?.storage?.remote_write ?? []) to('Tempo remote write', tempoPod, urlTarget(objects, pods, rw.url));
  if (tempoConfig.storage.trace.backend !== 'local') tcp(`Tempo ${tempoConfig.storage.trace.backend} blocks`, tempoPod, BLOB_STORE, 443);
  // scripts/deploy-tracing-stack.sh: a span in over OTLP/HTTP through the collector Service, read
  // back from Tempo's API, from a pod it labels with VERIFY_POD_LABELS (the harness checks the label).
  const otlpHttp = front.spec.ports.find((p: any) => p.name === 'otlp-http');
  if (otlpHttp) to('deploy verification sends a span', VERIFY, resolve(objects, pods, frontHost, otlpHttp.port));
  to('deploy verification reads the trace', VERIFY, urlTarget(objects, pods, 'http://tempo.monitoring.svc:3200'));
  // Every stack pod resolves names.
  for (const pod of pods) {
    for (const protocol of ['UDP', 'TCP'] as const) flows.push({ why: `${pod.name} DNS`, from: pod, to: COREDNS, port: 53, protocol });
  }
  return flows;
}

const SHARED_WHYS = ['Rocket.Chat rocketchat exports spans', 'Rocket.Chat presence exports spans', 'Grafana datasource Tempo', 'scrape tempo through tempo', 'Tempo remote write', 'tempo DNS',
  'deploy verification sends a span', 'deploy verification reads the trace'];
const GATEWAY_WHYS = [...SHARED_WHYS, 'otel-collector exporter otlp_grpc', 'otel-collector calls the Kubernetes API', 'scrape otel-collector through otel-collector', 'otel-collector DNS'];
const AGENT_GATEWAY_WHYS = [
  ...SHARED_WHYS,
  'otel-collector-agent exporter load_balancing', 'otel-collector-sampler exporter otlp_grpc', 'otel-collector-agent calls the Kubernetes API',
  'scrape otel-collector through otel-collector', 'scrape otel-collector through otel-collector-sampler', 'otel-collector-agent DNS', 'otel-collector-sampler DNS',
  'additional sender otlp-grpc', 'additional sender otlp-http',
];

describe.each([
  ['local storage', POLICIES_ON, GATEWAY_WHYS],
  ['Azure storage, every receiver, a narrowed object store range', {
    ...POLICIES_ON,
    tempo: { storage: STORAGES['azure workload identity'] },
    networkPolicies: { ...POLICIES_ON.networkPolicies, objectStorageCidrs: ['20.150.0.0/16'] },
  }, [...GATEWAY_WHYS, 'Tempo azure blocks']],
  ['TLS on the span path', { ...POLICIES_ON, tls: { enabled: true, certManager: { name: 'tracing-ca' } } }, GATEWAY_WHYS],
  ['agentGateway, an additional sender', AGENT_GATEWAY, [...AGENT_GATEWAY_WHYS, 'additional sender jaeger-compact']],
  ['agentGateway with TLS, Rocket.Chat\'s egress policy, no Kubernetes attributes (the resolver still calls the API)', {
    ...AGENT_GATEWAY,
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    collector: { topology: 'agentGateway', replicas: 3, kubernetesAttributes: false },
    rocketChat: { ...POLICIES_ON.rocketChat, networkPolicies: true },
  }, AGENT_GATEWAY_WHYS],
] as [string, Partial<TracingStackProps>, string[]][])('policy set (%s)', (_name, props, whys) => {
  const objects = synthStack(props);
  // A pod carrying exactly the labels each additional sender is given by.
  const senders = (props.networkPolicies?.additionalSenders ?? []).map((peer, i): Pod => ({ name: `sender-${i}`, namespace: peer.namespace, labels: peer.podLabels }));
  const flows = deriveFlows(objects, senders);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'monitoring');
  const pods = stackPods(objects);
  const pod = (name: string) => pods.find((p) => p.name === name)!;
  const agentGateway = pods.some((p) => p.name === 'otel-collector-agent');

  test('the flows are the ones the configuration implies', () => {
    expect([...new Set(flows.map((f) => f.why))]).toEqual(expect.arrayContaining(whys));
    // Only the pods bound to a role and holding a token call the API server: the samplers do not.
    expect(flows.filter((f) => f.to === API_SERVER).map((f) => (f.from as Pod).name)).toEqual([agentGateway ? 'otel-collector-agent' : 'otel-collector']);
  });

  test('every implied flow is allowed', () => {
    expect(flows.filter((f) => !allowed(objects, f)).map((f) => `${f.why}: ${f.port}/${f.protocol}`)).toEqual([]);
  });

  test('nothing more is allowed: every rule entry carries one of those flows', () => {
    expect(unusedAllowances(policies, flows)).toEqual([]);
  });

  test('no rule opens everything: each names its peers and ports, no peer is an empty selector', () => {
    for (const policy of policies) {
      for (const [key, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
        for (const rule of policy.spec[key] ?? []) {
          expect([policy.metadata.name, key, rule[peersKey]?.length > 0, rule.ports?.length > 0]).toEqual([policy.metadata.name, key, true, true]);
          for (const peer of rule[peersKey]) {
            if (peer.ipBlock) continue;
            expect(Object.keys(peer.podSelector ?? {}).length).toBeGreaterThan(0);
            expect(Object.keys(peer.namespaceSelector ?? {}).length).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  test('every stack pod is selected by a policy beyond the default deny', () => {
    const unselected = pods.filter((p) => !policies.some((policy) => !policy.metadata.name.endsWith('default-deny') &&
      Object.entries(policy.spec.podSelector.matchLabels).every(([k, v]) => p.labels[k] === v)));
    expect(unselected.map((p) => p.name)).toEqual([]);
  });

  test('what must stay closed is closed', () => {
    // The pods behind the collector Service, and the pods that export to Tempo.
    const receiving = pod(agentGateway ? 'otel-collector-agent' : 'otel-collector');
    const exporting = pod(agentGateway ? 'otel-collector-sampler' : 'otel-collector');
    const tempo = pod('tempo');
    const denied: Flow[] = [
      { why: 'MongoDB of the release to the collector', from: MONGODB, to: receiving, port: 4317, protocol: 'TCP' },
      { why: 'Rocket.Chat straight to Tempo', from: ROCKETCHAT_CORE, to: tempo, port: 4317, protocol: 'TCP' },
      { why: 'another monitoring pod to Tempo\'s API', from: OTHER_MONITORING_POD, to: tempo, port: 3200, protocol: 'TCP' },
      { why: 'Grafana to the collector', from: { ...GRAFANA }, to: receiving, port: 4318, protocol: 'TCP' },
      { why: 'the collector to the internet', from: receiving, to: INTERNET, port: 443, protocol: 'TCP' },
      { why: 'the exporting collector to the internet', from: exporting, to: INTERNET, port: 443, protocol: 'TCP' },
      { why: 'Tempo to the API server', from: tempo, to: API_SERVER, port: 443, protocol: 'TCP' },
      { why: 'the collector to MongoDB', from: receiving, to: MONGODB, port: 27017, protocol: 'TCP' },
      { why: 'Prometheus to the collector\'s receivers', from: PROMETHEUS, to: receiving, port: 4317, protocol: 'TCP' },
      { why: 'Rocket.Chat to the collector\'s metrics', from: ROCKETCHAT_CORE, to: receiving, port: 8888, protocol: 'TCP' },
    ];
    if (agentGateway) {
      const agent = receiving;
      const sampler = exporting;
      denied.push(
        { why: 'Rocket.Chat straight to a sampler', from: ROCKETCHAT_CORE, to: sampler, port: 4317, protocol: 'TCP' },
        { why: 'an additional sender straight to a sampler', from: OTHER_SENDER, to: sampler, port: 4317, protocol: 'TCP' },
        { why: 'the verification pod straight to a sampler', from: VERIFY, to: sampler, port: 4318, protocol: 'TCP' },
        { why: 'Prometheus to a sampler\'s receiver', from: PROMETHEUS, to: sampler, port: 4317, protocol: 'TCP' },
        { why: 'a sampler to the API server', from: sampler, to: API_SERVER, port: 443, protocol: 'TCP' },
        { why: 'an agent straight to Tempo', from: agent, to: tempo, port: 4317, protocol: 'TCP' },
        { why: 'a sampler back to an agent', from: sampler, to: agent, port: 4317, protocol: 'TCP' },
        { why: 'an agent to a sampler\'s metrics', from: agent, to: sampler, port: 8888, protocol: 'TCP' },
        { why: 'an agent to a sampler on another port', from: agent, to: sampler, port: 4318, protocol: 'TCP' },
        { why: 'Tempo to a sampler', from: tempo, to: sampler, port: 4317, protocol: 'TCP' },
      );
    }
    expect(denied.filter((f) => allowed(objects, f)).map((f) => f.why)).toEqual([]);
  });

  test('the deploy script\'s verification targets are what the policies admit its pod to', () => {
    // scripts/_deploy-plan.js chooses the Service and port the verification pod sends to and reads
    // from; the pod runs in the collector's namespace with the label the script gives it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-plan-'));
    try {
      const manifest = path.join(dir, 'stack.yaml');
      fs.writeFileSync(manifest, objects.map((o) => stringify(o)).join('---\n'));
      const plan = execFileSync('node', [path.join(__dirname, '..', 'scripts', '_deploy-plan.js'), manifest, path.join(dir, 'phases')], { encoding: 'utf8' })
        .trim().split('\n').map((line) => line.split('\t'));
      const [, cNamespace, cService, cPort] = plan.find((l) => l[0] === 'verify-collector')!;
      const [, tNamespace, tService, tPort] = plan.find((l) => l[0] === 'verify-tempo')!;
      const verifyPod: Pod = { name: 'rct-verify', namespace: cNamespace, labels: VERIFY_POD_LABELS };
      const send = resolve(objects, pods, `${cService}.${cNamespace}.svc`, Number(cPort));
      const read = resolve(objects, pods, `${tService}.${tNamespace}.svc`, Number(tPort));
      expect([send.pod.name, read.pod.name]).toEqual([agentGateway ? 'otel-collector-agent' : 'otel-collector', 'tempo']);
      expect(allowed(objects, { why: 'verification sends', from: verifyPod, to: send.pod, port: send.port, protocol: 'TCP' })).toBe(true);
      expect(allowed(objects, { why: 'verification reads', from: verifyPod, to: read.pod, port: read.port, protocol: 'TCP' })).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('pods of other software in the namespace are not selected', () => {
    const selecting = policies.filter((p) => Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => OTHER_MONITORING_POD.labels[k] === v));
    expect(selecting).toEqual([]);
  });

  test('every object is valid', () => {
    expect(validateObjects(objects)).toEqual([]);
  });
});

describe('policy set settings', () => {
  test('off by default', () => {
    expect(synthStack().filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('the API server address is required while the collector adds Kubernetes attributes', () => {
    expect(() => synthStack({ networkPolicies: { enabled: true } })).toThrow(
      "networkPolicies.kubernetesApiCidrs must be a non-empty list of IPv4 CIDRs, got nothing: the collector's Kubernetes attributes processor calls the API server, which a NetworkPolicy can only allow by address; list the addresses of `kubectl get endpoints kubernetes -n default` (as /32), or turn collector.kubernetesAttributes off",
    );
    const objects = synthStack({ networkPolicies: { enabled: true }, collector: { kubernetesAttributes: false } });
    const collector = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'otel-collector-flows')!;
    expect(collector.spec.egress.some((r: any) => r.to.some((p: any) => p.ipBlock))).toBe(false);
    expect(() => synthStack({ networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'] }, collector: { kubernetesAttributes: false } })).toThrow(
      'networkPolicies.kubernetesApiCidrs needs collector.kubernetesAttributes or collector topology "agentGateway": without either the collector does not call the Kubernetes API, so the allowance would be unused',
    );
  });

  test('with agentGateway the API server address is required even without Kubernetes attributes: the agents\' resolver calls it', () => {
    expect(() => synthStack({ networkPolicies: { enabled: true }, collector: { topology: 'agentGateway', kubernetesAttributes: false } })).toThrow(
      "networkPolicies.kubernetesApiCidrs must be a non-empty list of IPv4 CIDRs, got nothing: the agents' load-balancing resolver (it watches the samplers' EndpointSlices) calls the API server, which a NetworkPolicy can only allow by address; list the addresses of `kubectl get endpoints kubernetes -n default` (as /32)",
    );
    expect(() => synthStack({ networkPolicies: { enabled: true, kubernetesApiCidrs: [] }, collector: { topology: 'agentGateway' } })).toThrow(
      "networkPolicies.kubernetesApiCidrs must be a non-empty list of IPv4 CIDRs, got []: the collector's Kubernetes attributes processor and the agents' load-balancing resolver (it watches the samplers' EndpointSlices) call the API server",
    );
  });

  test('agentGateway: one policy per tier, the agents\' API egress on the given ports, none for the samplers', () => {
    const objects = synthStack({
      networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32', '10.0.0.2/32'], kubernetesApiPorts: [6443] },
      collector: { topology: 'agentGateway' },
    });
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name)).toEqual(['rocketchat-tracing-default-deny', 'otel-collector-agent-flows', 'otel-collector-sampler-flows', 'tempo-flows']);
    const policy = (name: string) => policies.find((p) => p.metadata.name === name)!;
    const ipBlocks = (name: string) => policy(name).spec.egress.filter((r: any) => r.to.some((p: any) => p.ipBlock));
    expect(ipBlocks('otel-collector-agent-flows')).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }, { ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] },
    ]);
    expect(ipBlocks('otel-collector-sampler-flows')).toEqual([]);
    const agentSelector = policy('otel-collector-agent-flows').spec.podSelector.matchLabels;
    const samplerSelector = policy('otel-collector-sampler-flows').spec.podSelector.matchLabels;
    expect(findObject(objects, 'DaemonSet', 'otel-collector-agent').spec.selector.matchLabels).toEqual(agentSelector);
    expect(findObject(objects, 'StatefulSet', 'otel-collector-sampler').spec.selector.matchLabels).toEqual(samplerSelector);
    expect([agentSelector['app.kubernetes.io/component'], samplerSelector['app.kubernetes.io/component']]).toEqual(['trace-agent', 'trace-sampler']);
  });

  test('Grafana\'s peer follows the Grafana integration\'s namespace unless given', () => {
    const grafanaPeer = (props: Partial<TracingStackProps>) =>
      synthStack(props).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'tempo-flows')!.spec.ingress[1].from[0];
    const base = { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'] };
    expect(grafanaPeer({ networkPolicies: base, grafana: { grafanaNamespace: 'grafana' } }).namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'grafana' } });
    const given = grafanaPeer({ networkPolicies: { ...base, grafana: { namespace: 'observability', podLabels: { app: 'grafana' } } }, grafana: { grafanaNamespace: 'grafana' } });
    expect(given).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { app: 'grafana' } } });
  });

  test('settings without the switch, or that would match every pod, are refused', () => {
    expect(() => synthStack({ networkPolicies: { kubernetesApiCidrs: ['10.0.0.1/32'] } })).toThrow(
      'networkPolicies.kubernetesApiCidrs needs networkPolicies.enabled: true; without it no policy is emitted',
    );
    expect(() => synthStack({ networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'], grafana: { namespace: 'grafana', podLabels: {} } } })).toThrow(
      'networkPolicies.grafana.podLabels must be a non-empty map of labels (an empty selector would match every pod of the namespace), got {}',
    );
    expect(() => synthStack({ networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1'] } })).toThrow(
      'networkPolicies.kubernetesApiCidrs[0] must be an IPv4 CIDR such as "10.0.0.1/32", got "10.0.0.1"',
    );
    expect(() => synthStack({ networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'], objectStorageCidrs: ['20.0.0.0/8'] } })).toThrow(
      'networkPolicies.objectStorageCidrs needs an object storage backend',
    );
  });
});
