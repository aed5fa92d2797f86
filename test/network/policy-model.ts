import type { K8sObject } from '../util';

/**
 * A small model of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), enough to decide
 * whether one connection is allowed by a set of policies: isolation by selection, peers by
 * namespace and pod selectors or ipBlock, ports by number or name and protocol.
 */

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Container ports by name (for named policy ports). */
  readonly ports?: Readonly<Record<string, number>>;
}

/** Something outside the pod network, reached by address. */
export interface External {
  readonly ip: string;
}

export type Endpoint = Pod | External;

export interface Flow {
  readonly why: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

const isPod = (e: Endpoint): e is Pod => 'namespace' in e;

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In': if (!has || !e.values!.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && e.values!.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  }
  return true;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToNumber(base) / size) * size;
  const n = ipToNumber(ip);
  return n >= start && n < start + size;
}

function peerMatches(peer: any, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    if (isPod(other)) return false;
    return cidrContains(peer.ipBlock.cidr, other.ip) && !(peer.ipBlock.except ?? []).some((c: string) => cidrContains(c, other.ip));
  }
  if (!isPod(other)) return false;
  const namespaceLabels = { 'kubernetes.io/metadata.name': other.namespace };
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels)) return false;
  } else if (other.namespace !== policyNamespace) {
    return false;
  }
  return selectorMatches(peer.podSelector, other.labels);
}

function portMatches(ports: any[] | undefined, port: number, protocol: string, target: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : isPod(target) ? target.ports?.[p.port] : undefined;
    return number === port || (p.endPort !== undefined && port >= number! && port <= p.endPort);
  });
}

const policiesOf = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'NetworkPolicy');
const types = (policy: K8sObject): string[] => policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);

/** Whether the policies let `flow` through: the sender's egress and the receiver's ingress. */
export function allowed(objects: K8sObject[], flow: Flow): boolean {
  return direction(objects, flow, 'Egress') && direction(objects, flow, 'Ingress');
}

function direction(objects: K8sObject[], flow: Flow, type: 'Ingress' | 'Egress'): boolean {
  const subject = type === 'Ingress' ? flow.to : flow.from;
  const other = type === 'Ingress' ? flow.from : flow.to;
  if (!isPod(subject)) return true;
  const selecting = policiesOf(objects).filter(
    (p) => p.metadata.namespace === subject.namespace && types(p).includes(type) && selectorMatches(p.spec.podSelector, subject.labels),
  );
  if (selecting.length === 0) return true;
  const rulesKey = type === 'Ingress' ? 'ingress' : 'egress';
  const peersKey = type === 'Ingress' ? 'from' : 'to';
  return selecting.some((p) =>
    (p.spec[rulesKey] ?? []).some(
      (rule: any) =>
        (rule[peersKey] === undefined || rule[peersKey].some((peer: any) => peerMatches(peer, p.metadata.namespace!, other))) &&
        portMatches(rule.ports, flow.port, flow.protocol, flow.to),
    ),
  );
}

/**
 * Rule entries (policy, rule, peer, port) that no flow uses: whatever they allow is more than the
 * stack needs.
 */
export function unusedAllowances(objects: K8sObject[], flows: Flow[]): string[] {
  const unused: string[] = [];
  for (const policy of policiesOf(objects)) {
    for (const type of ['Ingress', 'Egress'] as const) {
      const rulesKey = type === 'Ingress' ? 'ingress' : 'egress';
      const peersKey = type === 'Ingress' ? 'from' : 'to';
      for (const [r, rule] of (policy.spec[rulesKey] ?? []).entries()) {
        for (const [i, peer] of (rule[peersKey] ?? [undefined]).entries()) {
          for (const [j, port] of (rule.ports ?? [undefined]).entries()) {
            const used = flows.some((flow) => {
              const subject = type === 'Ingress' ? flow.to : flow.from;
              const other = type === 'Ingress' ? flow.from : flow.to;
              return (
                isPod(subject) &&
                subject.namespace === policy.metadata.namespace &&
                selectorMatches(policy.spec.podSelector, subject.labels) &&
                (peer === undefined || peerMatches(peer, policy.metadata.namespace!, other)) &&
                (port === undefined || portMatches([port], flow.port, flow.protocol, flow.to))
              );
            });
            if (!used) unused.push(`${policy.metadata.name} ${rulesKey}[${r}].${peersKey}[${i}] port[${j}]: ${JSON.stringify({ peer, port })}`);
          }
        }
      }
    }
  }
  return unused;
}
