/** Namespace of the stack when none is given: where kube-prometheus-stack usually runs too. */
export const DEFAULT_NAMESPACE = 'monitoring';
/** The RocketChat chart's usual namespace and release name. */
export const DEFAULT_ROCKETCHAT_NAMESPACE = 'rocketchat';
export const DEFAULT_ROCKETCHAT_RELEASE = 'rocketchat';

/** kube-prometheus-stack's Helm release name assumed by default (its `release` label value). */
export const KUBE_PROMETHEUS_STACK_RELEASE = 'kube-prometheus-stack';

/**
 * Cluster-local DNS name of a Service. `<name>.<namespace>.svc` resolves through the pod's DNS
 * search path whatever the cluster domain is (it is not always `cluster.local`).
 */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc`;
}

/** Log levels both Tempo and the collector accept. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
