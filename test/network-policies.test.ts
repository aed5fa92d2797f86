import { parse } from 'yaml';
import { TracingStackProps, VERIFY_POD_LABELS } from '../src';
import { STORAGES } from './fixtures';
import { Endpoint, Flow, Pod, allowed, unusedAllowances } from './network/policy-model';
import { K8sObject, synthStack } from './util';
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

function stackPods(objects: K8sObject[]): Pod[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => ({
      name: o.metadata.name,
      namespace: o.metadata.namespace!,
      labels: o.spec.template.metadata.labels,
      ports: Object.fromEntries(o.spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => [p.name, p.containerPort]))),
    }));
}

/** host[:port] of a Service in the objects → the pod behind it and the pod port. */
function resolve(objects: K8sObject[], pods: Pod[], host: string, port: number): { pod: Pod; port: number } {
  if (KNOWN_SERVICES[host]) return { pod: KNOWN_SERVICES[host], port };
  const [name, namespace] = host.split('.');
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!service) throw new Error(`no Service behind ${host}`);
  const servicePort = service.spec.ports.find((p: any) => p.port === port);
  if (!servicePort) throw new Error(`Service ${host} declares no port ${port}`);
  const pod = pods.find((p) => p.namespace === namespace && Object.entries(service.spec.selector).every(([k, v]) => p.labels[k] === v));
  if (!pod) throw new Error(`Service ${host} selects no pod`);
  const target = servicePort.targetPort ?? servicePort.port;
  return { pod, port: typeof target === 'number' ? target : pod.ports![target] };
}

function urlTarget(objects: K8sObject[], pods: Pod[], url: string): { pod: Pod; port: number } {
  const u = new URL(url.includes('://') ? url : `tcp://${url}`);
  return resolve(objects, pods, u.hostname, Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
}

/** Every connection the synthesized configuration implies. */
function deriveFlows(objects: K8sObject[]): Flow[] {
  const pods = stackPods(objects);
  const flows: Flow[] = [];
  const tcp = (why: string, from: Endpoint, to: Endpoint, port: number) => flows.push({ why, from, to, port, protocol: 'TCP' });
  const configMap = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!;

  // Rocket.Chat exports to the endpoint its environment names.
  for (const instrumentation of objects.filter((o) => o.kind === 'Instrumentation')) {
    const endpoint = instrumentation.spec.env.find((v: any) => v.name === 'OTEL_EXPORTER_OTLP_ENDPOINT').value;
    const target = urlTarget(objects, pods, endpoint);
    for (const source of [ROCKETCHAT_CORE, ROCKETCHAT_PRESENCE]) tcp(`Rocket.Chat ${source.name} exports spans`, source, target.pod, target.port);
  }
  // The collector exports where its config says.
  const collectorConfig = parse(configMap('otel-collector-config').data['collector.yaml']);
  const collectorPod = pods.find((p) => p.name === 'otel-collector')!;
  for (const [name, exporter] of Object.entries<any>(collectorConfig.exporters)) {
    if (!exporter?.endpoint) continue;
    const target = urlTarget(objects, pods, exporter.endpoint);
    tcp(`collector exporter ${name}`, collectorPod, target.pod, target.port);
  }
  // The collector reads pod metadata from the API server when its ClusterRole exists.
  if (objects.some((o) => o.kind === 'ClusterRoleBinding' && o.subjects.some((s: any) => s.name === 'otel-collector'))) {
    tcp('collector k8s attributes', collectorPod, API_SERVER, 443);
  }
  // Grafana queries every datasource URL provisioned for it.
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_datasource)) {
    for (const file of Object.values<string>(cm.data)) {
      for (const ds of parse(file).datasources) {
        const target = urlTarget(objects, pods, ds.url);
        tcp(`Grafana datasource ${ds.name}`, GRAFANA, target.pod, target.port);
      }
    }
  }
  // Prometheus scrapes every ServiceMonitor endpoint.
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const services = objects.filter(
      (o) => o.kind === 'Service' && o.metadata.namespace === sm.metadata.namespace && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    for (const service of services) {
      for (const endpoint of sm.spec.endpoints) {
        const port = service.spec.ports.find((p: any) => p.name === endpoint.port);
        const target = resolve(objects, pods, `${service.metadata.name}.${service.metadata.namespace}.svc`, port.port);
        tcp(`scrape ${sm.metadata.name}`, PROMETHEUS, target.pod, target.port);
      }
    }
  }
  // Tempo remote-writes generated metrics and, with an object store, writes blocks over HTTPS.
  const tempoConfig = parse(configMap('tempo-config').data['tempo.yaml']);
  const tempoPod = pods.find((p) => p.name === 'tempo')!;
  for (const rw of tempoConfig.metrics_generator?.storage?.remote_write ?? []) {
    const target = urlTarget(objects, pods, rw.url);
    tcp('Tempo remote write', tempoPod, target.pod, target.port);
  }
  if (tempoConfig.storage.trace.backend !== 'local') tcp(`Tempo ${tempoConfig.storage.trace.backend} blocks`, tempoPod, BLOB_STORE, 443);
  // scripts/deploy-tracing-stack.sh: a span in over OTLP/HTTP, read back from Tempo's API, from a
  // pod it labels with VERIFY_POD_LABELS (the harness checks the label).
  const otlpHttp = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'otel-collector')!.spec.ports.find((p: any) => p.name === 'otlp-http');
  if (otlpHttp) tcp('deploy verification sends a span', VERIFY, collectorPod, otlpHttp.port);
  tcp('deploy verification reads the trace', VERIFY, tempoPod, urlTarget(objects, pods, 'http://tempo.monitoring.svc:3200').port);
  // Every stack pod resolves names.
  for (const pod of pods) {
    for (const protocol of ['UDP', 'TCP'] as const) flows.push({ why: `${pod.name} DNS`, from: pod, to: COREDNS, port: 53, protocol });
  }
  return flows;
}

describe.each([
  ['local storage', POLICIES_ON],
  ['Azure storage, every receiver, a narrowed object store range', {
    ...POLICIES_ON,
    tempo: { storage: STORAGES['azure workload identity'] },
    networkPolicies: { ...POLICIES_ON.networkPolicies, objectStorageCidrs: ['20.150.0.0/16'] },
  }],
  ['TLS on the span path', { ...POLICIES_ON, tls: { enabled: true, certManager: { name: 'tracing-ca' } } }],
] as [string, Partial<TracingStackProps>][])('policy set (%s)', (_name, props) => {
  const objects = synthStack(props);
  const flows = deriveFlows(objects);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'monitoring');

  test('the flows are the ones the configuration implies', () => {
    const whys = [...new Set(flows.map((f) => f.why))];
    expect(whys).toEqual(expect.arrayContaining([
      'Rocket.Chat rocketchat exports spans', 'collector exporter otlp_grpc', 'collector k8s attributes', 'Grafana datasource Tempo',
      'scrape tempo', 'scrape otel-collector', 'Tempo remote write', 'tempo DNS', 'otel-collector DNS',
    ]));
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

  test('what must stay closed is closed', () => {
    const pods = stackPods(objects);
    const collector = pods.find((p) => p.name === 'otel-collector')!;
    const tempo = pods.find((p) => p.name === 'tempo')!;
    const denied: Flow[] = [
      { why: 'MongoDB of the release to the collector', from: MONGODB, to: collector, port: 4317, protocol: 'TCP' },
      { why: 'Rocket.Chat straight to Tempo', from: ROCKETCHAT_CORE, to: tempo, port: 4317, protocol: 'TCP' },
      { why: 'another monitoring pod to Tempo\'s API', from: OTHER_MONITORING_POD, to: tempo, port: 3200, protocol: 'TCP' },
      { why: 'Grafana to the collector', from: { ...GRAFANA }, to: collector, port: 4318, protocol: 'TCP' },
      { why: 'the collector to the internet', from: collector, to: INTERNET, port: 443, protocol: 'TCP' },
      { why: 'Tempo to the API server', from: tempo, to: API_SERVER, port: 443, protocol: 'TCP' },
      { why: 'the collector to MongoDB', from: collector, to: MONGODB, port: 27017, protocol: 'TCP' },
      { why: 'Prometheus to the collector\'s receivers', from: PROMETHEUS, to: collector, port: 4317, protocol: 'TCP' },
    ];
    expect(denied.filter((f) => allowed(objects, f)).map((f) => f.why)).toEqual([]);
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
      "networkPolicies.kubernetesApiCidrs is required: the collector's Kubernetes attributes processor calls the API server",
    );
    const objects = synthStack({ networkPolicies: { enabled: true }, collector: { kubernetesAttributes: false } });
    const collector = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'otel-collector-flows')!;
    expect(collector.spec.egress.some((r: any) => r.to.some((p: any) => p.ipBlock))).toBe(false);
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
