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
/** Strimzi's broker pods of a Kafka cluster `events` in the namespace `kafka`. */
const KAFKA_BROKER: Pod = { name: 'kafka-broker', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'events', 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': 'events-kafka' } };
const KAFKA_BOOTSTRAP = 'events-kafka-bootstrap.kafka.svc';
/** A Kafka outside the cluster, on a port of its own. */
const EXTERNAL_KAFKA = { ip: '20.42.65.90' };
const EXTERNAL_KAFKA_HOST = 'kafka.tracing.example.net';
/** Addresses outside the stack: kube-prometheus-stack's Prometheus Service, the Kafka bootstrap addresses. */
const KNOWN_SERVICES: Record<string, Endpoint> = { 'kube-prometheus-stack-prometheus.monitoring.svc': PROMETHEUS, [KAFKA_BOOTSTRAP]: KAFKA_BROKER, [EXTERNAL_KAFKA_HOST]: EXTERNAL_KAFKA };

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

const AZURE_WI = STORAGES['azure workload identity'];
const SCALABLE_KAFKA = { address: `${KAFKA_BOOTSTRAP}:9092`, sasl: { secretName: 'tempo-kafka' } };
/** Tempo's scalable profile on 3.0 with an in-cluster Kafka, and the policy set given its brokers. */
const SCALABLE_3_0: Partial<TracingStackProps> = {
  ...POLICIES_ON,
  tempo: { profile: 'scalable', storage: AZURE_WI, scalable: { kafka: SCALABLE_KAFKA } },
  networkPolicies: { ...POLICIES_ON.networkPolicies, kafka: { pods: { namespace: KAFKA_BROKER.namespace, podLabels: { 'strimzi.io/cluster': 'events', 'strimzi.io/kind': 'Kafka' } } } },
};
const SCALABLE_2_10: Partial<TracingStackProps> = {
  ...POLICIES_ON,
  tempo: { version: '2.10.8', profile: 'scalable', storage: STORAGES['s3 access key'] },
};

/** A pod of the stack, with what decides whom it calls. */
interface StackPod extends Pod {
  readonly serviceAccountName: string;
  readonly automountToken: boolean;
  readonly configMaps: readonly string[];
  /** Tempo's `-target` flag; undefined for the monolith and for other pods. */
  readonly target?: string;
  /** Names of the containers' environment variables. */
  readonly env: readonly string[];
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
        target: spec.containers.flatMap((c: any) => c.args ?? []).find((a: string) => a.startsWith('-target='))?.slice('-target='.length),
        env: spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.name)),
      };
    });
}

/** The pods a Service selects. */
function selectedBy(service: K8sObject, pods: Pod[]): Pod[] {
  return pods.filter((p) => p.namespace === service.metadata.namespace && Object.entries(service.spec.selector).every(([k, v]) => p.labels[k] === v));
}

/**
 * What each `-target` of Tempo's distributed mode does on the network, from cmd/tempo/app/modules.go
 * at v2.10.8 and v3.0.3 (each target's module dependencies) and the modules themselves.
 */
const TEMPO_TARGETS = {
  /** Targets depending on MemberlistKV, directly or through a ring: they gossip. */
  memberlist: {
    '2.10': ['distributor', 'ingester', 'querier', 'compactor', 'metrics-generator'],
    '3.0': ['distributor', 'live-store', 'block-builder', 'querier', 'backend-worker', 'metrics-generator'],
  },
  /**
   * Ring readers that dial the ring's members on their gRPC port: 2.10 distributors push to
   * ingesters and generators (ingester_client, metrics_generator_client), queriers read both;
   * 3.0 queriers read live-stores (live_store_client). 3.0 distributors read the live-store ring
   * only to pick Kafka partitions.
   */
  ringCalls: {
    '2.10': [['distributor', 'ingester'], ['distributor', 'metrics-generator'], ['querier', 'ingester'], ['querier', 'metrics-generator']],
    '3.0': [['querier', 'live-store']],
  },
  /** Kafka clients (ingest.NewWriterClient / NewReaderClient / NewGroupReaderClient), 3.0. */
  kafka: ['distributor', 'live-store', 'block-builder', 'metrics-generator'],
} as const;

/** host[:port] of a Service in the objects → the pod behind it and the pod port. */
type Target = { pod: Endpoint; port: number; protocol: 'TCP' | 'UDP' };

/** host[:port] of a Service → every workload's pods behind it and their pod port. */
function resolveAll(objects: K8sObject[], pods: Pod[], host: string, port: number): Target[] {
  const known = KNOWN_SERVICES[host.replace(/\.cluster\.local\.?$/, '')];
  if (known) return [{ pod: known, port, protocol: 'TCP' }];
  const [name, namespace] = host.split('.');
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!service) throw new Error(`no Service behind ${host}`);
  const servicePort = service.spec.ports.find((p: any) => p.port === port);
  if (!servicePort) throw new Error(`Service ${host} declares no port ${port}`);
  const selected = selectedBy(service, pods);
  if (selected.length === 0) throw new Error(`Service ${host} selects no pod`);
  const target = servicePort.targetPort ?? servicePort.port;
  return selected.map((pod) => ({ pod, port: typeof target === 'number' ? target : pod.ports![target], protocol: servicePort.protocol ?? 'TCP' }));
}

/** host[:port] of a Service → the one workload's pods behind it and the pod port. */
function resolve(objects: K8sObject[], pods: Pod[], host: string, port: number): Target {
  const all = resolveAll(objects, pods, host, port);
  if (all.length !== 1) throw new Error(`Service ${host} selects ${all.length} workloads' pods`);
  return all[0];
}

function urlTarget(objects: K8sObject[], pods: Pod[], url: string): Target {
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
  const to = (why: string, from: Endpoint, target: Target) =>
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
    // The release's pods in the Instrumentation's namespace (one per workspace).
    const namespace = instrumentation.metadata.namespace!;
    for (const source of [ROCKETCHAT_CORE, ROCKETCHAT_PRESENCE].map((p) => ({ ...p, namespace }))) {
      to(`Rocket.Chat ${source.name} exports spans${namespace === ROCKETCHAT_CORE.namespace ? '' : ` from ${namespace}`}`, source, target);
    }
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
      // debug (and debug/unrouted, spans of no workspace) exports nowhere.
      const targets = name.split('/')[0] === 'debug' ? [] : name === 'load_balancing'
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
  // Tempo: the monolith runs every target in one pod (rings in memory, calls in process); the
  // scalable profile one target per workload, each flow below between workloads.
  const tempoConfig = parse(configMap('tempo-config').data['tempo.yaml']);
  const tempoPods = pods.filter((p) => p.configMaps.includes('tempo-config'));
  // 3.0's config always has a live_store block, 2.10's never.
  const line = tempoConfig.live_store ? '3.0' : '2.10';
  const running = (target: string) => tempoPods.filter((p) => (p.target ?? tempoConfig.target) === target || (p.target ?? tempoConfig.target) === 'all');
  const scalable = tempoPods.some((p) => p.target !== undefined);
  for (const generator of running('metrics-generator')) {
    for (const rw of tempoConfig.metrics_generator?.storage?.remote_write ?? []) to(`${generator.name} remote write`, generator, urlTarget(objects, pods, rw.url));
  }
  // The pods given the object store's credentials open it: by the workload identity label, by an
  // environment variable tempo.yaml's storage section expands, or by Google's key file variable.
  const backend = tempoConfig.storage.trace.backend;
  if (backend !== 'local') {
    const expanded = [...JSON.stringify(tempoConfig.storage.trace).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    const credentialed = (p: StackPod) => p.labels['azure.workload.identity/use'] === 'true' || p.env.some((e) => expanded.includes(e) || e === 'GOOGLE_APPLICATION_CREDENTIALS');
    const openers = scalable ? tempoPods.filter(credentialed) : tempoPods;
    if (openers.length === 0) throw new Error(`no Tempo pod holds ${backend} credentials this model recognises`);
    for (const opener of openers) tcp(`${opener.name} ${backend} blocks`, opener, BLOB_STORE, 443);
  }
  if (scalable) {
    // memberlist: every member dials the pods behind its join address.
    for (const join of tempoConfig.memberlist.join_members as string[]) {
      const u = new URL(`tcp://${join.replace(/^dns\+/, '')}`);
      const peers = resolveAll(objects, pods, u.hostname, Number(u.port));
      for (const member of tempoPods.filter((p) => (TEMPO_TARGETS.memberlist[line] as readonly string[]).includes(p.target!))) {
        for (const peer of peers) to(`${member.name} gossips`, member, peer);
      }
    }
    // Ring readers dial the members' advertised addresses on the gRPC port.
    const grpcPort = tempoConfig.server.grpc_listen_port;
    for (const [caller, callee] of TEMPO_TARGETS.ringCalls[line]) {
      for (const from of running(caller)) for (const member of running(callee)) tcp(`${from.name} calls ${member.name} (${callee} ring)`, from, member, grpcPort);
    }
    // Queriers pull work from every query-frontend; backend-workers from the scheduler.
    for (const querier of running('querier')) {
      const u = new URL(`tcp://${tempoConfig.querier.frontend_worker.frontend_address}`);
      for (const frontend of resolveAll(objects, pods, u.hostname, Number(u.port))) to(`${querier.name} pulls from the query-frontends`, querier, frontend);
    }
    const scheduler = tempoConfig.backend_worker?.backend_scheduler_addr;
    for (const worker of scheduler ? running('backend-worker') : []) to(`${worker.name} pulls from the backend-scheduler`, worker, urlTarget(objects, pods, scheduler));
    // Kafka (3.0): producers and consumers dial the bootstrap address.
    const kafka = tempoConfig.ingest?.kafka?.address;
    for (const client of kafka ? tempoPods.filter((p) => (TEMPO_TARGETS.kafka as readonly string[]).includes(p.target!)) : []) to(`${client.name} Kafka`, client, urlTarget(objects, pods, kafka));
  }
  // scripts/deploy-tracing-stack.sh: a span in over OTLP/HTTP through the collector Service, read
  // back from Tempo's API, from a pod it labels with VERIFY_POD_LABELS (the harness checks the label).
  const otlpHttp = front.spec.ports.find((p: any) => p.name === 'otlp-http');
  if (otlpHttp) to('deploy verification sends a span', VERIFY, resolve(objects, pods, frontHost, otlpHttp.port));
  // It reads from the monolith's Service or the query-frontends' (as scripts/_deploy-plan.js picks).
  const query = objects.find((o) => o.kind === 'Service' && ['trace-store', 'trace-store-query-frontend'].includes(o.metadata.labels?.['app.kubernetes.io/component'] ?? '') && o.spec.clusterIP !== 'None')!;
  to('deploy verification reads the trace', VERIFY, resolve(objects, pods, `${query.metadata.name}.${query.metadata.namespace}.svc`, query.spec.ports.find((p: any) => p.name === 'http').port));
  // Every stack pod resolves names.
  for (const pod of pods) {
    for (const protocol of ['UDP', 'TCP'] as const) flows.push({ why: `${pod.name} DNS`, from: pod, to: COREDNS, port: 53, protocol });
  }
  return flows;
}

const SENDER_WHYS = ['Rocket.Chat rocketchat exports spans', 'Rocket.Chat presence exports spans', 'Grafana datasource Tempo', 'deploy verification sends a span', 'deploy verification reads the trace'];
const SHARED_WHYS = [...SENDER_WHYS, 'scrape tempo through tempo', 'tempo remote write', 'tempo DNS'];
const GATEWAY_COLLECTOR_WHYS = ['otel-collector exporter otlp_grpc', 'otel-collector calls the Kubernetes API', 'scrape otel-collector through otel-collector', 'otel-collector DNS'];
const GATEWAY_WHYS = [...SHARED_WHYS, ...GATEWAY_COLLECTOR_WHYS];
const AGENT_GATEWAY_COLLECTOR_WHYS = [
  'otel-collector-agent exporter load_balancing', 'otel-collector-sampler exporter otlp_grpc', 'otel-collector-agent calls the Kubernetes API',
  'scrape otel-collector through otel-collector', 'scrape otel-collector through otel-collector-sampler', 'otel-collector-agent DNS', 'otel-collector-sampler DNS',
];
const AGENT_GATEWAY_WHYS = [...SHARED_WHYS, ...AGENT_GATEWAY_COLLECTOR_WHYS, 'additional sender otlp-grpc', 'additional sender otlp-http'];
/** Flows of both scalable lines: every component scraped, the queriers' pull from the frontends. */
const SCALABLE_WHYS = [
  ...SENDER_WHYS, 'scrape tempo through tempo', 'scrape tempo through tempo-query-frontend', 'scrape tempo through tempo-querier', 'scrape tempo through tempo-metrics-generator',
  'tempo-distributor DNS', 'tempo-query-frontend DNS', 'tempo-querier gossips', 'tempo-distributor gossips', 'tempo-metrics-generator gossips',
  'tempo-querier pulls from the query-frontends', 'tempo-querier s3 blocks', 'tempo-query-frontend s3 blocks',
];
const SCALABLE_2_10_WHYS = [
  ...SCALABLE_WHYS, ...GATEWAY_COLLECTOR_WHYS, 'scrape tempo through tempo-ingester', 'scrape tempo through tempo-compactor', 'tempo-ingester gossips', 'tempo-compactor gossips',
  'tempo-distributor calls tempo-ingester (ingester ring)', 'tempo-distributor calls tempo-metrics-generator (metrics-generator ring)',
  'tempo-querier calls tempo-ingester (ingester ring)', 'tempo-querier calls tempo-metrics-generator (metrics-generator ring)',
  'tempo-ingester s3 blocks', 'tempo-compactor s3 blocks', 'tempo-metrics-generator s3 blocks', 'tempo-metrics-generator remote write',
];
const scalable30Whys = (storage: string, generator: boolean) => [
  ...SCALABLE_WHYS.filter((w) => !w.includes('metrics-generator')).map((w) => w.replace(' s3 ', ` ${storage} `)),
  'scrape tempo through tempo-live-store-zone-a', 'scrape tempo through tempo-live-store-zone-b', 'scrape tempo through tempo-block-builder',
  'scrape tempo through tempo-backend-scheduler', 'scrape tempo through tempo-backend-worker',
  'tempo-live-store-zone-a gossips', 'tempo-live-store-zone-b gossips', 'tempo-block-builder gossips', 'tempo-backend-worker gossips',
  'tempo-querier calls tempo-live-store-zone-a (live-store ring)', 'tempo-querier calls tempo-live-store-zone-b (live-store ring)',
  'tempo-backend-worker pulls from the backend-scheduler', `tempo-block-builder ${storage} blocks`, `tempo-backend-scheduler ${storage} blocks`, `tempo-backend-worker ${storage} blocks`,
  'tempo-distributor Kafka', 'tempo-live-store-zone-a Kafka', 'tempo-live-store-zone-b Kafka', 'tempo-block-builder Kafka',
  ...(generator ? ['tempo-metrics-generator gossips', 'tempo-metrics-generator Kafka', 'tempo-metrics-generator remote write', 'scrape tempo through tempo-metrics-generator'] : []),
];

describe.each([
  ['local storage', POLICIES_ON, GATEWAY_WHYS],
  ['Azure storage, every receiver, a narrowed object store range', {
    ...POLICIES_ON,
    tempo: { storage: STORAGES['azure workload identity'] },
    networkPolicies: { ...POLICIES_ON.networkPolicies, objectStorageCidrs: ['20.150.0.0/16'] },
  }, [...GATEWAY_WHYS, 'tempo azure blocks']],
  ['TLS on the span path', { ...POLICIES_ON, tls: { enabled: true, certManager: { name: 'tracing-ca' } } }, GATEWAY_WHYS],
  ['agentGateway, an additional sender', AGENT_GATEWAY, [...AGENT_GATEWAY_WHYS, 'additional sender jaeger-compact']],
  ['agentGateway with TLS, Rocket.Chat\'s egress policy, no Kubernetes attributes (the resolver still calls the API)', {
    ...AGENT_GATEWAY,
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    collector: { topology: 'agentGateway', replicas: 3, kubernetesAttributes: false },
    rocketChat: { ...POLICIES_ON.rocketChat, networkPolicies: true },
  }, AGENT_GATEWAY_WHYS],
  ['two workspaces, each its own release and tenant', {
    ...POLICIES_ON,
    rocketChat: undefined,
    workspaces: ['chat-a', 'chat-b'].map((namespace) => ({ namespace, rocketChat: { ...POLICIES_ON.rocketChat, networkPolicies: true } })),
  }, [
    ...GATEWAY_WHYS.filter((w) => !w.startsWith('Rocket.Chat ') && w !== 'otel-collector exporter otlp_grpc'),
    'otel-collector exporter otlp_grpc/chat-a', 'otel-collector exporter otlp_grpc/chat-b',
    'Rocket.Chat rocketchat exports spans from chat-a', 'Rocket.Chat presence exports spans from chat-a',
    'Rocket.Chat rocketchat exports spans from chat-b', 'Rocket.Chat presence exports spans from chat-b',
  ]],
  ['scalable Tempo 2.10, S3 with a narrowed object store range', {
    ...SCALABLE_2_10,
    networkPolicies: { ...SCALABLE_2_10.networkPolicies, objectStorageCidrs: ['20.150.0.0/16'] },
  }, SCALABLE_2_10_WHYS],
  ['scalable Tempo 3.0, Kafka in the cluster, TLS on the span path', { ...SCALABLE_3_0, tls: { enabled: true, certManager: { name: 'tracing-ca' } } }, [...scalable30Whys('azure', true), ...GATEWAY_COLLECTOR_WHYS]],
  ['scalable Tempo 3.0, Kafka outside the cluster, agentGateway, no metrics-generator', {
    ...SCALABLE_3_0,
    tempo: { ...SCALABLE_3_0.tempo, metricsGenerator: { enabled: false }, scalable: { kafka: { address: `${EXTERNAL_KAFKA_HOST}:9093` }, liveStoreZones: 2 } },
    collector: { topology: 'agentGateway' },
    networkPolicies: { ...SCALABLE_3_0.networkPolicies, kafka: { cidrs: ['20.42.65.0/24'] }, additionalSenders: AGENT_GATEWAY.networkPolicies!.additionalSenders },
  }, [...scalable30Whys('azure', false), ...AGENT_GATEWAY_COLLECTOR_WHYS, 'additional sender otlp-grpc']],
] as [string, Partial<TracingStackProps>, string[]][])('policy set (%s)', (_name, props, whys) => {
  const objects = synthStack(props);
  // A pod carrying exactly the labels each additional sender is given by.
  const senders = (props.networkPolicies?.additionalSenders ?? []).map((peer, i): Pod => ({ name: `sender-${i}`, namespace: peer.namespace, labels: peer.podLabels }));
  const flows = deriveFlows(objects, senders);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'monitoring');
  const pods = stackPods(objects);
  const pod = (name: string) => pods.find((p) => p.name === name)!;
  const agentGateway = pods.some((p) => p.name === 'otel-collector-agent');
  const scalable = pods.some((p) => p.target !== undefined);
  const name = (e: Endpoint) => ('name' in e ? e.name : e.ip);
  const derived = (f: Flow) => flows.some((d) => name(d.from) === name(f.from) && name(d.to) === name(f.to) && d.port === f.port && d.protocol === f.protocol);

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
    // Tempo's receiving pods: the monolith, or the distributors.
    const tempo = pod(scalable ? 'tempo-distributor' : 'tempo');
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
    if (scalable) {
      const tempoPods = pods.filter((p) => p.target !== undefined);
      const querier = pod('tempo-querier');
      const frontend = pod('tempo-query-frontend');
      const members = tempoPods.filter((p) => p.labels['rocketchat-tracing/tempo-gossip-member'] === 'true');
      const nonMembers = tempoPods.filter((p) => !members.includes(p));
      expect(nonMembers.map((p) => p.target).sort()).toEqual(pods.some((p) => p.target === 'backend-scheduler') ? ['backend-scheduler', 'query-frontend'] : ['query-frontend']);
      const kafka = flows.find((f) => f.why.endsWith(' Kafka'));
      denied.push(
        { why: 'the exporting collector to the queriers\' gRPC', from: exporting, to: querier, port: 9095, protocol: 'TCP' },
        { why: 'the exporting collector to the queriers\' API', from: exporting, to: querier, port: 3200, protocol: 'TCP' },
        { why: 'the exporting collector to a query-frontend\'s receiver port', from: exporting, to: frontend, port: 4317, protocol: 'TCP' },
        { why: 'the exporting collector to the distributors\' gRPC', from: exporting, to: tempo, port: 9095, protocol: 'TCP' },
        { why: 'Rocket.Chat to the query-frontends', from: ROCKETCHAT_CORE, to: frontend, port: 3200, protocol: 'TCP' },
        { why: 'Grafana to the distributors\' API', from: GRAFANA, to: tempo, port: 3200, protocol: 'TCP' },
        { why: 'Grafana to the queriers\' API', from: GRAFANA, to: querier, port: 3200, protocol: 'TCP' },
        { why: 'Grafana to the query-frontends\' gRPC', from: GRAFANA, to: frontend, port: 9095, protocol: 'TCP' },
        { why: 'the verification pod to the distributors\' API', from: VERIFY, to: tempo, port: 3200, protocol: 'TCP' },
        { why: 'the distributors to the object store', from: tempo, to: BLOB_STORE, port: 443, protocol: 'TCP' },
        { why: 'the distributors to the internet', from: tempo, to: INTERNET, port: 443, protocol: 'TCP' },
        { why: 'the distributors to the queriers', from: tempo, to: querier, port: 9095, protocol: 'TCP' },
        { why: 'a query-frontend dialling a querier', from: frontend, to: querier, port: 9095, protocol: 'TCP' },
        { why: 'the queriers to Prometheus', from: querier, to: PROMETHEUS, port: 9090, protocol: 'TCP' },
        { why: 'the distributors to Prometheus', from: tempo, to: PROMETHEUS, port: 9090, protocol: 'TCP' },
        { why: 'Prometheus to a member\'s gossip', from: PROMETHEUS, to: members[0], port: 7946, protocol: 'TCP' },
        { why: 'the collector to a member\'s gossip', from: exporting, to: members[0], port: 7946, protocol: 'TCP' },
        { why: 'a ring member on another port than gossip', from: members[0], to: members[1], port: 7947, protocol: 'TCP' },
        // Pods of the release that are not ring members neither gossip nor are gossiped to.
        ...nonMembers.flatMap((p): Flow[] => members.flatMap((m): Flow[] => [
          { why: `${p.name} (no member) to ${m.name}'s gossip`, from: p, to: m, port: 7946, protocol: 'TCP' },
          { why: `${m.name} to ${p.name}'s (no member) gossip port`, from: m, to: p, port: 7946, protocol: 'TCP' },
        ])),
        // Only the components that read or write the log reach Kafka.
        ...(kafka ? tempoPods.filter((p) => !flows.some((f) => f.why === `${p.name} Kafka`)).map((p): Flow => ({ why: `${p.name} to Kafka`, from: p, to: kafka.to, port: kafka.port, protocol: 'TCP' })) : []),
        ...(kafka ? [{ why: 'a Kafka client to Kafka on another port', from: tempo, to: kafka.to, port: kafka.port + 1, protocol: 'TCP' as const }] : []),
      );
      if (pods.some((p) => p.target === 'live-store')) {
        denied.push(
          { why: 'the distributors straight to a live-store (3.0 writes go through Kafka)', from: tempo, to: pod('tempo-live-store-zone-a'), port: 9095, protocol: 'TCP' },
          { why: 'a live-store to the object store', from: pod('tempo-live-store-zone-a'), to: BLOB_STORE, port: 443, protocol: 'TCP' },
          { why: 'the backend-scheduler dialling a backend-worker', from: pod('tempo-backend-scheduler'), to: pod('tempo-backend-worker'), port: 9095, protocol: 'TCP' },
          { why: 'a querier to the backend-scheduler', from: querier, to: pod('tempo-backend-scheduler'), port: 9095, protocol: 'TCP' },
        );
      } else {
        denied.push(
          { why: 'an ingester back to a distributor', from: pod('tempo-ingester'), to: tempo, port: 9095, protocol: 'TCP' },
          { why: 'a querier to a compactor', from: querier, to: pod('tempo-compactor'), port: 9095, protocol: 'TCP' },
          { why: 'the distributors straight to the object store (2.10 writes go through the ingesters)', from: tempo, to: BLOB_STORE, port: 443, protocol: 'TCP' },
        );
      }
    }
    expect(denied.filter((f) => allowed(objects, f)).map((f) => f.why)).toEqual([]);
  });

  test('between the stack\'s own pods, exactly the derived flows are open, on every port they listen on', () => {
    const wrong: string[] = [];
    for (const from of pods) {
      for (const to of pods) {
        for (const port of new Set(Object.values(to.ports ?? {}))) {
          const flow: Flow = { why: '', from, to, port, protocol: 'TCP' };
          if (allowed(objects, flow) !== derived(flow)) wrong.push(`${from.name} → ${to.name}:${port} ${derived(flow) ? 'derived but denied' : 'open but not derived'}`);
        }
      }
    }
    expect(wrong).toEqual([]);
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
      expect([name(send.pod), name(read.pod)]).toEqual([agentGateway ? 'otel-collector-agent' : 'otel-collector', scalable ? 'tempo-query-frontend' : 'tempo']);
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

  test('scalable Tempo: one policy per component, selecting exactly its workloads\' pods; gossip and the shared flows apart', () => {
    for (const [props, expected] of [
      [SCALABLE_2_10, ['ingester', 'distributor', 'querier', 'query-frontend', 'compactor', 'metrics-generator']],
      [SCALABLE_3_0, ['live-store', 'block-builder', 'distributor', 'querier', 'query-frontend', 'backend-scheduler', 'backend-worker', 'metrics-generator']],
    ] as const) {
      const objects = synthStack(props);
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      expect(policies.map((p) => p.metadata.name)).toEqual([
        'rocketchat-tracing-default-deny', 'otel-collector-flows', 'tempo-flows', 'tempo-gossip-flows', ...expected.map((c) => `tempo-${c}-flows`),
      ]);
      const workloads = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.labels?.['app.kubernetes.io/name'] === 'tempo');
      for (const component of expected) {
        const selector = policies.find((p) => p.metadata.name === `tempo-${component}-flows`)!.spec.podSelector.matchLabels;
        const selected = workloads.filter((w) => Object.entries(selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
        // The live-store's policy covers every zone's StatefulSet.
        expect(selected.map((w) => w.metadata.name)).toEqual(component === 'live-store' ? ['tempo-live-store-zone-a', 'tempo-live-store-zone-b'] : [`tempo-${component}`]);
      }
      // Gossip members are the pods behind the gossip Service.
      const gossipService = findObject(objects, 'Service', 'tempo-gossip-ring');
      expect(policies.find((p) => p.metadata.name === 'tempo-gossip-flows')!.spec.podSelector.matchLabels).toEqual(gossipService.spec.selector);
    }
  });

  test('scalable Tempo 3.0: Kafka egress to the given brokers, on the port of the Kafka address, from its clients only', () => {
    const kafkaRules = (props: Partial<TracingStackProps>) => Object.fromEntries(
      synthStack(props).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('tempo-'))
        .map((p) => [p.metadata.name, (p.spec.egress ?? []).filter((r: any) => r.ports.some((port: any) => port.port === 9093 || port.port === 9092))])
        .filter(([, rules]) => rules.length),
    );
    const outside = kafkaRules({
      ...SCALABLE_3_0,
      tempo: { ...SCALABLE_3_0.tempo, scalable: { kafka: { address: `${EXTERNAL_KAFKA_HOST}:9093` } } },
      networkPolicies: { ...POLICIES_ON.networkPolicies, kafka: { cidrs: ['20.42.65.0/24', '20.42.66.0/24'] }, objectStorageCidrs: ['20.150.0.0/16'] },
    });
    const rule = { to: [{ ipBlock: { cidr: '20.42.65.0/24' } }, { ipBlock: { cidr: '20.42.66.0/24' } }], ports: [{ protocol: 'TCP', port: 9093 }] };
    expect(outside).toEqual({
      'tempo-live-store-flows': [rule], 'tempo-block-builder-flows': [rule], 'tempo-distributor-flows': [rule], 'tempo-metrics-generator-flows': [rule],
    });
    const inside = kafkaRules(SCALABLE_3_0);
    expect(inside['tempo-distributor-flows']).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kafka' } }, podSelector: { matchLabels: { 'strimzi.io/cluster': 'events', 'strimzi.io/kind': 'Kafka' } } }],
      ports: [{ protocol: 'TCP', port: 9092 }],
    }]);
  });

  test('the Kafka brokers are required with scalable Tempo 3.0, refused elsewhere, and checked', () => {
    const base = { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'] };
    expect(() => synthStack({ ...SCALABLE_3_0, networkPolicies: base })).toThrow(
      "networkPolicies.kafka is required with Tempo's scalable profile on 3.0, got nothing: its live-store, block-builder, distributor and metrics-generator components reach Kafka on port 9092, which a NetworkPolicy can only allow to the brokers given as kafka.cidrs (outside the cluster) or kafka.pods (in it)",
    );
    const kafka = { cidrs: ['20.42.65.0/24'] };
    expect(() => synthStack({ ...SCALABLE_2_10, networkPolicies: { ...base, kafka } })).toThrow(
      'networkPolicies.kafka needs Tempo\'s scalable profile on 3.0, got {"cidrs":["20.42.65.0/24"]}: without it Tempo reaches no Kafka, so the allowance would be unused',
    );
    expect(() => synthStack({ networkPolicies: { ...base, kafka } })).toThrow('networkPolicies.kafka needs Tempo\'s scalable profile on 3.0');
    const pods = { namespace: 'kafka', podLabels: { 'strimzi.io/kind': 'Kafka' } };
    expect(() => synthStack({ ...SCALABLE_3_0, networkPolicies: { ...base, kafka: { ...kafka, pods } } })).toThrow(
      'networkPolicies.kafka must give exactly one of cidrs (brokers outside the cluster) or pods (brokers in it), got both',
    );
    expect(() => synthStack({ ...SCALABLE_3_0, networkPolicies: { ...base, kafka: {} } })).toThrow('networkPolicies.kafka must give exactly one of cidrs (brokers outside the cluster) or pods (brokers in it), got neither');
    expect(() => synthStack({ ...SCALABLE_3_0, networkPolicies: { ...base, kafka: { cidrs: [] } } })).toThrow('networkPolicies.kafka.cidrs must be a non-empty list of IPv4 CIDRs, got []');
    expect(() => synthStack({ ...SCALABLE_3_0, networkPolicies: { ...base, kafka: { cidrs: ['20.42.65.0'] } } })).toThrow(
      'networkPolicies.kafka.cidrs[0] must be an IPv4 CIDR such as "10.0.0.1/32", got "20.42.65.0"',
    );
    expect(() => synthStack({ ...SCALABLE_3_0, networkPolicies: { ...base, kafka: { pods: { namespace: 'kafka', podLabels: {} } } } })).toThrow(
      'networkPolicies.kafka.pods.podLabels must be a non-empty map of labels (an empty selector would match every pod of the namespace), got {}',
    );
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
