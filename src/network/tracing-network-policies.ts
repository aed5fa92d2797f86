import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RECEIVER_PORTS } from '../collector/_ports';
import { OtelCollector } from '../collector/otel-collector';
import { DEFAULT_NAMESPACE } from '../common/defaults';
import { ValidationError, describeValue, invalidProp } from '../common/errors';
import { FORMATS, checkFormat } from '../common/formats';
import { PART_OF, namespaceNameSelector, projectLabels } from '../common/labels';
import { PortSpec } from '../common/ports';
import { RocketChatTracing } from '../rocketchat/rocketchat-tracing';
import { TempoStack } from '../tempo/tempo-stack';

/** Pods in a namespace, selected by labels. */
export interface PodPeer {
  /** Their namespace (matched by its `kubernetes.io/metadata.name` label). */
  readonly namespace: string;
  /** Labels all of them carry. */
  readonly podLabels: Readonly<Record<string, string>>;
}

export interface TracingNetworkPoliciesProps {
  /** The stack's Tempo. */
  readonly tempo: TempoStack;
  /** The stack's collector. */
  readonly collector: OtelCollector;
  /**
   * Rocket.Chat, which sends spans to the collector's OTLP gRPC port.
   * @default - no Rocket.Chat sender
   */
  readonly rocketChat?: RocketChatTracing;
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
 * NetworkPolicies for the tracing stack's pods: deny everything, then allow exactly the flows the
 * stack's own configuration implies, each derived from the constructs (ports, pod selectors,
 * namespaces). Pods of other software sharing the namespace are not selected. With the
 * collector's `agentGateway` topology, senders reach the agents only, the agents the samplers and
 * the Kubernetes API, and the samplers Tempo.
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
    if (tempo.profile !== 'monolithic') {
      throw new ValidationError(`tempo.profile must be "monolithic" for this policy set, got ${describeValue(tempo.profile)}: the flows between the scalable profile's components (gossip, gRPC, Kafka) are not in it`);
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
    if (rocketChat) {
      const rocketChatPods: Peer = { namespaceSelector: namespaceNameSelector(rocketChat.namespace), podSelector: rocketChat.podSelector };
      collectorIngress.push({ from: [rocketChatPods], ports: tcp(rocketChat.collectorPodPort) });
    }
    if (senders.length) collectorIngress.push({ from: senders.map(pods), ports: listening(collector.receiverPorts) });
    if (collector.receivers.otlpHttp) collectorIngress.push({ from: [verifyPods], ports: tcp(RECEIVER_PORTS.otlpHttp.port) });
    collectorIngress.push({ from: [pods(prometheus)], ports: tcp(collector.metricsPort) });
    const toTempo: k8s.NetworkPolicyEgressRule = { to: [tempoPods], ports: tcp(exportPort) };
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

    const tempoIngress: k8s.NetworkPolicyIngressRule[] = [
      { from: [exportingPods], ports: tcp(exportPort) },
      { from: [pods(grafana), verifyPods], ports: tcp(tempo.httpPort) },
      { from: [pods(prometheus)], ports: tcp(tempo.httpPort) },
    ];
    const tempoEgress: k8s.NetworkPolicyEgressRule[] = [dnsRule];
    if (remoteWritePort !== undefined) tempoEgress.push({ to: [pods(prometheus)], ports: tcp(remoteWritePort) });
    if (storageCidrs.length) tempoEgress.push({ to: storageCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(443) });
    policies.push(
      new k8s.KubeNetworkPolicy(this, 'Tempo', {
        metadata: metadata(`${tempo.serviceName}-flows`),
        spec: { podSelector: { matchLabels: { ...tempo.selectorLabels } }, policyTypes: ['Ingress', 'Egress'], ingress: tempoIngress, egress: tempoEgress },
      }),
    );
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

function checkPort(prop: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) invalidProp(prop, 'a port number from 1 to 65535', port);
  return port as number;
}

function checkCidr(prop: string, cidr: unknown): string {
  return checkFormat(prop, cidr, FORMATS.ipv4Cidr);
}

function splitHostPort(endpoint: string): [string, number] {
  const i = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, i), Number(endpoint.slice(i + 1))];
}
