import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RECEIVER_PORTS } from '../collector/_ports';
import { OtelCollector } from '../collector/otel-collector';
import { DEFAULT_NAMESPACE } from '../common/defaults';
import { ValidationError, describeValue, invalidProp } from '../common/errors';
import { FORMATS, checkFormat } from '../common/formats';
import { PART_OF, namespaceNameSelector, projectLabels } from '../common/labels';
import { PortSpec, splitHostPort } from '../common/ports';
import { RocketChatTracing } from '../rocketchat/rocketchat-tracing';
import { GOSSIP_PORT } from '../tempo/_config';
import { SERVER_PORTS } from '../tempo/_receivers';
import { GOSSIP_LABEL } from '../tempo/_scalable';
import { TempoComponentName } from '../tempo/scalable';
import { TempoComponentPods, TempoStack } from '../tempo/tempo-stack';
import { TempoLine } from '../tempo/version';

/** Pods in a namespace, selected by labels. */
export interface PodPeer {
  /** Their namespace (matched by its `kubernetes.io/metadata.name` label). */
  readonly namespace: string;
  /** Labels all of them carry. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * The Kafka brokers Tempo's scalable profile on 3.0 writes spans through: give exactly one of
 * `cidrs` or `pods`.
 */
export interface KafkaPeer {
  /**
   * Addresses of the brokers, for a Kafka outside the cluster (reachable in plaintext: Tempo
   * 3.0 has no Kafka TLS).
   * @default - none; give `pods` instead
   */
  readonly cidrs?: readonly string[];
  /**
   * The brokers' pods, for a Kafka in the cluster (e.g. Strimzi's `strimzi.io/cluster` and
   * `strimzi.io/kind: Kafka` labels).
   * @default - none; give `cidrs` instead
   */
  readonly pods?: PodPeer;
}

export interface TracingNetworkPoliciesProps {
  /** The stack's Tempo. */
  readonly tempo: TempoStack;
  /** The stack's collector. */
  readonly collector: OtelCollector;
  /**
   * Rocket.Chat, which sends spans to the collector's OTLP gRPC port: one release, or one per
   * workspace.
   * @default - no Rocket.Chat sender
   */
  readonly rocketChat?: RocketChatTracing | readonly RocketChatTracing[];
  /**
   * Grafana's pods, which query Tempo.
   * @default - kube-prometheus-stack's Grafana: namespace `monitoring` (in TracingStack, the Grafana integration's `grafanaNamespace`), `app.kubernetes.io/name: grafana`
   */
  readonly grafana?: PodPeer;
  /**
   * Prometheus' pods, which scrape Tempo and the collector and receive Tempo's remote write.
   * @default - kube-prometheus-stack's Prometheus: namespace `monitoring`, `app.kubernetes.io/name: prometheus`
   */
  readonly prometheus?: PodPeer;
  /**
   * The cluster DNS pods every component resolves names with.
   * @default - CoreDNS: namespace `kube-system`, `k8s-app: kube-dns`
   */
  readonly dns?: PodPeer;
  /**
   * Addresses of the Kubernetes API server (`kubectl get endpoints kubernetes -n default`),
   * which the collector's Kubernetes attributes processor calls, and, with the `agentGateway`
   * topology, the agents' load-balancing resolver (it watches the samplers' EndpointSlices).
   * NetworkPolicies cannot select the API server by label.
   * @default - none; required when the collector adds Kubernetes attributes or runs the agentGateway topology
   */
  readonly kubernetesApiCidrs?: readonly string[];
  /**
   * Ports of the Kubernetes API server endpoints.
   * @default [443]
   */
  readonly kubernetesApiPorts?: readonly number[];
  /**
   * Addresses of the object store Tempo writes blocks to over HTTPS. Object stores have no fixed
   * addresses; narrow this to your storage account's or bucket's ranges where you can.
   * @default ['0.0.0.0/0'] (port 443 only), when Tempo uses object storage
   */
  readonly objectStorageCidrs?: readonly string[];
  /**
   * Other pods allowed to send spans to every receiver the collector runs (its agents, with
   * `agentGateway`).
   * @default []
   */
  readonly additionalSenders?: readonly PodPeer[];
  /**
   * The Kafka brokers of Tempo's scalable profile on 3.0: its distributors, live-stores,
   * block-builders and metrics-generators reach them on the port of `scalable.kafka.address`.
   * Clients dial the bootstrap address, then every broker at the address it advertises, so
   * every broker must listen on that port (the pods' own port, for `pods`: a NetworkPolicy
   * sees the pod port behind a Service).
   * @default - none; required with the scalable profile on Tempo 3.0, refused otherwise
   */
  readonly kafka?: KafkaPeer;
}

/** Labels of the short-lived pod `scripts/deploy-tracing-stack.sh` verifies the stack from. */
export const VERIFY_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'rocketchat-tracing-verify' };

/** kube-prometheus-stack's Grafana pods. */
export const DEFAULT_GRAFANA_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'grafana' };
const DEFAULT_GRAFANA: PodPeer = { namespace: DEFAULT_NAMESPACE, podLabels: DEFAULT_GRAFANA_POD_LABELS };
const DEFAULT_PROMETHEUS: PodPeer = { namespace: DEFAULT_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
const DEFAULT_DNS: PodPeer = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

type Peer = k8s.NetworkPolicyPeer;
type Port = k8s.NetworkPolicyPort;

/**
 * Who dials whom on Tempo's gRPC port in the scalable profile (cmd/tempo/app/modules.go at
 * v2.10.8 and v3.0.3). Ring clients dial each member's advertised address: on 2.10 the
 * distributors push to the ingesters and metrics-generators and the queriers read both; on 3.0
 * the queriers read the live-stores, and the write path runs through Kafka instead. Queriers
 * connect to the query-frontends to pull work (`querier.frontend_worker`; a frontend dials no
 * querier) and backend-workers to the backend-scheduler (`backend_worker.backend_scheduler_addr`).
 */
const GRPC_CALLS: Readonly<Record<TempoLine, readonly (readonly [caller: TempoComponentName, callee: TempoComponentName])[]>> = {
  '2.10': [
    ['distributor', 'ingester'],
    ['distributor', 'metricsGenerator'],
    ['querier', 'ingester'],
    ['querier', 'metricsGenerator'],
    ['querier', 'queryFrontend'],
  ],
  '3.0': [
    ['querier', 'liveStore'],
    ['querier', 'queryFrontend'],
    ['backendWorker', 'backendScheduler'],
  ],
};

/**
 * NetworkPolicies for the tracing stack's pods: deny everything, then allow exactly the flows the
 * stack's own configuration implies, each derived from the constructs (ports, pod selectors,
 * namespaces). Pods of other software sharing the namespace are not selected. With the
 * collector's `agentGateway` topology, senders reach the agents only, the agents the samplers and
 * the Kubernetes API, and the samplers Tempo. With Tempo's scalable profile each component gets
 * its own policy: spans reach only the distributors, queries only the query-frontends, gossip
 * stays between ring members, each gRPC call goes from its caller to its callee only, and only
 * the components that use them reach the object store, Kafka and Prometheus' remote write.
 */
export class TracingNetworkPolicies extends Construct {
  /** The policies, in the stack's namespace. */
  public readonly policies: readonly k8s.KubeNetworkPolicy[];

  constructor(scope: Construct, id: string, props: TracingNetworkPoliciesProps) {
    super(scope, id);
    const { tempo, collector, rocketChat } = props;
    const grafana = checkPeer('grafana', props.grafana ?? DEFAULT_GRAFANA);
    const prometheus = checkPeer('prometheus', props.prometheus ?? DEFAULT_PROMETHEUS);
    const dns = checkPeer('dns', props.dns ?? DEFAULT_DNS);
    const senders = (props.additionalSenders ?? []).map((p, i) => checkPeer(`additionalSenders[${i}]`, p));
    const apiPorts = (props.kubernetesApiPorts ?? [443]).map((p, i) => checkPort(`kubernetesApiPorts[${i}]`, p));
    const agentGateway = collector.topology === 'agentGateway';
    // The sampler tier, which exports to Tempo (agentGateway); the collector exports itself otherwise.
    const samplerLabels = agentGateway ? collector.samplerSelectorLabels : undefined;
    if (agentGateway && samplerLabels === undefined) throw new Error(`OtelCollector "${collector.node.path}" runs agentGateway but exposes no samplerSelectorLabels`);
    // Who calls the API server: the receiving tier's Kubernetes attributes processor and, with
    // agentGateway, the agents' load-balancing resolver (it watches the samplers' EndpointSlices).
    const apiCallers = [
      ...(collector.kubernetesAttributes ? ["the collector's Kubernetes attributes processor"] : []),
      ...(agentGateway ? ["the agents' load-balancing resolver (it watches the samplers' EndpointSlices)"] : []),
    ];
    let apiCidrs: string[] = [];
    if (apiCallers.length) {
      if (!props.kubernetesApiCidrs || props.kubernetesApiCidrs.length === 0) {
        throw new ValidationError(
          `kubernetesApiCidrs must be a non-empty list of IPv4 CIDRs, got ${describeValue(props.kubernetesApiCidrs)}: ${apiCallers.join(' and ')} ${apiCallers.length > 1 ? 'call' : 'calls'} the API server, which a NetworkPolicy can only allow by address; list the addresses of \`kubectl get endpoints kubernetes -n default\` (as /32)${agentGateway ? '' : ', or turn collector.kubernetesAttributes off'}`,
        );
      }
      apiCidrs = props.kubernetesApiCidrs.map((c, i) => checkCidr(`kubernetesApiCidrs[${i}]`, c));
    } else if (props.kubernetesApiCidrs !== undefined) {
      throw new ValidationError(
        'kubernetesApiCidrs needs collector.kubernetesAttributes or collector topology "agentGateway": without either the collector does not call the Kubernetes API, so the allowance would be unused',
      );
    }
    const objectStore = tempo.storageBackend !== 'local';
    if (!objectStore && props.objectStorageCidrs !== undefined) {
      throw new ValidationError('objectStorageCidrs needs an object storage backend: with local storage Tempo reaches no object store');
    }
    const storageCidrs = objectStore ? (props.objectStorageCidrs ?? ['0.0.0.0/0']).map((c, i) => checkCidr(`objectStorageCidrs[${i}]`, c)) : [];
    const components = tempo.profile === 'scalable' ? tempo.components : [];
    if (components === undefined) throw new Error(`TempoStack "${tempo.node.path}" runs the scalable profile but exposes no components`);
    const kafkaClients = components.filter((c) => c.kafka);
    let kafkaPeers: Peer[] = [];
    if (tempo.kafkaPort !== undefined) {
      kafkaPeers = checkKafka(props.kafka, tempo.kafkaPort, kafkaClients);
    } else if (props.kafka !== undefined) {
      throw new ValidationError(`kafka needs Tempo's scalable profile on 3.0, got ${describeValue(props.kafka)}: without it Tempo reaches no Kafka, so the allowance would be unused`);
    }
    if (tempo.namespace !== collector.namespace) {
      throw new ValidationError(`tempo and collector must share a namespace for one policy set, got ${describeValue(tempo.namespace)} and ${describeValue(collector.namespace)}`);
    }
    const namespace = tempo.namespace;

    const pods = (peer: PodPeer): Peer => ({
      namespaceSelector: namespaceNameSelector(peer.namespace),
      podSelector: { matchLabels: { ...peer.podLabels } },
    });
    const local = (labels: Readonly<Record<string, string>>): Peer => pods({ namespace, podLabels: labels });
    const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
    const listening = (specs: readonly PortSpec[]): Port[] =>
      specs.map((p) => ({ protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.port) }));
    const dnsRule: k8s.NetworkPolicyEgressRule = {
      to: [pods(dns)],
      ports: [
        { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
        { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
      ],
    };
    // The pods that receive spans: the collector, or its agents (agentGateway).
    const collectorPods = local(collector.selectorLabels);
    // The pods that export to Tempo: the collector, or its samplers (agentGateway).
    const exportingPods = samplerLabels ? local(samplerLabels) : collectorPods;
    const tempoPods = local(tempo.selectorLabels);
    const verifyPods = local(VERIFY_POD_LABELS);
    const [exportHost, exportPort] = splitHostPort(collector.exportEndpoint);
    if (exportHost !== tempo.serviceHost) {
      throw new ValidationError(`collector exports to ${describeValue(collector.exportEndpoint)}, not to the stack's Tempo (${tempo.serviceHost}); the policy set only knows the stack's own flows`);
    }
    const remoteWrite = tempo.remoteWriteUrl === undefined ? undefined : new URL(tempo.remoteWriteUrl);
    const remoteWritePort = remoteWrite ? Number(remoteWrite.port || (remoteWrite.protocol === 'https:' ? 443 : 80)) : undefined;

    const metadata = (name: string) => ({ name, namespace, labels: projectLabels() });
    const policies: k8s.KubeNetworkPolicy[] = [];
    policies.push(
      new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
        metadata: metadata(`${PART_OF}-default-deny`),
        // The stack's pods only: the namespace is often shared with kube-prometheus-stack.
        spec: { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } }, policyTypes: ['Ingress', 'Egress'] },
      }),
    );

    const collectorIngress: k8s.NetworkPolicyIngressRule[] = [];
    const releases: readonly RocketChatTracing[] = rocketChat === undefined ? [] : Array.isArray(rocketChat) ? rocketChat : [rocketChat as RocketChatTracing];
    for (const release of releases) {
      const rocketChatPods: Peer = { namespaceSelector: namespaceNameSelector(release.namespace), podSelector: release.podSelector };
      collectorIngress.push({ from: [rocketChatPods], ports: tcp(release.collectorPodPort) });
    }
    if (senders.length) collectorIngress.push({ from: senders.map(pods), ports: listening(collector.receiverPorts) });
    if (collector.receivers.otlpHttp) collectorIngress.push({ from: [verifyPods], ports: tcp(RECEIVER_PORTS.otlpHttp.port) });
    collectorIngress.push({ from: [pods(prometheus)], ports: tcp(collector.metricsPort) });
    // The pods behind the Service the collector exports to: the monolith, or the distributors.
    const distributor = components.find((c) => c.component === 'distributor');
    const receivingTempoPods = distributor ? local(distributor.selectorLabels) : tempoPods;
    const toTempo: k8s.NetworkPolicyEgressRule = { to: [receivingTempoPods], ports: tcp(exportPort) };
    // The agents dial each sampler's pod (resolved through the API, by pod hostname) on its OTLP gRPC port.
    const samplerPort = RECEIVER_PORTS.otlpGrpc.port;
    const collectorEgress: k8s.NetworkPolicyEgressRule[] = [dnsRule, samplerLabels ? { to: [exportingPods], ports: tcp(samplerPort) } : toTempo];
    if (apiCidrs.length) collectorEgress.push({ to: apiCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(...apiPorts) });
    policies.push(
      new k8s.KubeNetworkPolicy(this, 'Collector', {
        metadata: metadata(`${collector.serviceName}${samplerLabels ? '-agent' : ''}-flows`),
        spec: { podSelector: { matchLabels: { ...collector.selectorLabels } }, policyTypes: ['Ingress', 'Egress'], ingress: collectorIngress, egress: collectorEgress },
      }),
    );
    if (samplerLabels) {
      // The samplers hear only the agents and Prometheus, and call only DNS and Tempo: no API
      // server (their ServiceAccount mounts no token).
      policies.push(
        new k8s.KubeNetworkPolicy(this, 'CollectorSampler', {
          metadata: metadata(`${collector.serviceName}-sampler-flows`),
          spec: {
            podSelector: { matchLabels: { ...samplerLabels } },
            policyTypes: ['Ingress', 'Egress'],
            ingress: [
              { from: [collectorPods], ports: tcp(samplerPort) },
              { from: [pods(prometheus)], ports: tcp(collector.metricsPort) },
            ],
            egress: [dnsRule, toTempo],
          },
        }),
      );
    }

    const storageEgress: k8s.NetworkPolicyEgressRule[] = storageCidrs.length ? [{ to: storageCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(443) }] : [];
    const remoteWriteEgress: k8s.NetworkPolicyEgressRule[] = remoteWritePort === undefined ? [] : [{ to: [pods(prometheus)], ports: tcp(remoteWritePort) }];
    const spansIn: k8s.NetworkPolicyIngressRule = { from: [exportingPods], ports: tcp(exportPort) };
    const queriesIn: k8s.NetworkPolicyIngressRule = { from: [pods(grafana), verifyPods], ports: tcp(tempo.httpPort) };
    const scrapesIn: k8s.NetworkPolicyIngressRule = { from: [pods(prometheus)], ports: tcp(tempo.httpPort) };
    const tempoPolicy = (id: string, name: string, selector: Readonly<Record<string, string>>, ingress: k8s.NetworkPolicyIngressRule[], egress: k8s.NetworkPolicyEgressRule[]) =>
      new k8s.KubeNetworkPolicy(this, id, {
        metadata: metadata(name),
        spec: { podSelector: { matchLabels: { ...selector } }, policyTypes: ['Ingress', 'Egress'], ...(ingress.length ? { ingress } : {}), ...(egress.length ? { egress } : {}) },
      });

    if (components.length === 0) {
      policies.push(tempoPolicy('Tempo', `${tempo.serviceName}-flows`, tempo.selectorLabels, [spansIn, queriesIn, scrapesIn], [dnsRule, ...remoteWriteEgress, ...storageEgress]));
    } else {
      // Every component: scraped by Prometheus, resolving names.
      policies.push(tempoPolicy('Tempo', `${tempo.serviceName}-flows`, tempo.selectorLabels, [scrapesIn], [dnsRule]));
      // Ring members gossip with each other only (memberlist runs over TCP alone).
      const members = { ...tempo.selectorLabels, [GOSSIP_LABEL]: 'true' };
      const gossip = tcp(GOSSIP_PORT);
      policies.push(tempoPolicy('TempoGossip', `${tempo.serviceName}-gossip-flows`, members, [{ from: [local(members)], ports: gossip }], [{ to: [local(members)], ports: gossip }]));
      const grpc = tcp(SERVER_PORTS.grpc.port);
      const present = (name: TempoComponentName) => components.find((c) => c.component === name);
      const calls = GRPC_CALLS[tempo.version.line].flatMap(([caller, callee]) => {
        const from = present(caller);
        const to = present(callee);
        return from && to ? [{ from, to }] : [];
      });
      for (const component of components) {
        const ingress: k8s.NetworkPolicyIngressRule[] = [];
        const egress: k8s.NetworkPolicyEgressRule[] = [];
        if (component.component === 'distributor') ingress.push(spansIn);
        if (component.component === 'queryFrontend') ingress.push(queriesIn);
        const callers = calls.filter((c) => c.to === component).map((c) => local(c.from.selectorLabels));
        if (callers.length) ingress.push({ from: callers, ports: grpc });
        const callees = calls.filter((c) => c.from === component).map((c) => local(c.to.selectorLabels));
        if (callees.length) egress.push({ to: callees, ports: grpc });
        if (component.objectStore) egress.push(...storageEgress);
        if (component.kafka) egress.push({ to: kafkaPeers, ports: tcp(tempo.kafkaPort!) });
        if (component.component === 'metricsGenerator') egress.push(...remoteWriteEgress);
        const suffix = kebab(component.component);
        policies.push(tempoPolicy(`Tempo${component.component.charAt(0).toUpperCase()}${component.component.slice(1)}`, `${tempo.serviceName}-${suffix}-flows`, component.selectorLabels, ingress, egress));
      }
    }
    this.policies = policies;
  }
}

function checkPeer(prop: string, peer: PodPeer): PodPeer {
  checkFormat(`${prop}.namespace`, peer?.namespace, FORMATS.dnsLabel);
  const labels = peer.podLabels;
  if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) {
    invalidProp(`${prop}.podLabels`, 'a non-empty map of labels (an empty selector would match every pod of the namespace)', labels);
  }
  for (const [key, value] of Object.entries(labels)) {
    checkFormat(`${prop}.podLabels key`, key, FORMATS.labelKey);
    checkFormat(`${prop}.podLabels.${key}`, value, FORMATS.labelValue);
  }
  return peer;
}

function checkKafka(kafka: KafkaPeer | undefined, port: number, clients: readonly TempoComponentPods[]): Peer[] {
  const names = clients.map((c) => kebab(c.component));
  const users = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  if (kafka === undefined || kafka === null) {
    throw new ValidationError(
      `kafka is required with Tempo's scalable profile on 3.0, got nothing: its ${users} components reach Kafka on port ${port}, which a NetworkPolicy can only allow to the brokers given as kafka.cidrs (outside the cluster) or kafka.pods (in it)`,
    );
  }
  if ((kafka.cidrs === undefined) === (kafka.pods === undefined)) {
    throw new ValidationError(`kafka must give exactly one of cidrs (brokers outside the cluster) or pods (brokers in it), got ${kafka.cidrs === undefined ? 'neither' : 'both'}`);
  }
  if (kafka.pods !== undefined) {
    const peer = checkPeer('kafka.pods', kafka.pods);
    return [{ namespaceSelector: namespaceNameSelector(peer.namespace), podSelector: { matchLabels: { ...peer.podLabels } } }];
  }
  if (!Array.isArray(kafka.cidrs) || kafka.cidrs.length === 0) invalidProp('kafka.cidrs', 'a non-empty list of IPv4 CIDRs', kafka.cidrs);
  return kafka.cidrs!.map((c, i) => ({ ipBlock: { cidr: checkCidr(`kafka.cidrs[${i}]`, c) } }));
}

/** `queryFrontend` → `query-frontend`, as in the components' object names. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function checkPort(prop: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) invalidProp(prop, 'a port number from 1 to 65535', port);
  return port as number;
}

function checkCidr(prop: string, cidr: unknown): string {
  return checkFormat(prop, cidr, FORMATS.ipv4Cidr);
}
