import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../imports/monitoring.coreos.com';
import { KUBE_PROMETHEUS_STACK_RELEASE } from './defaults';
import { optionalBoolean } from './errors';
import { FORMATS, checkFormat } from './formats';
import { checkPositivePrometheusDuration } from './units';

/** Scraping a component's own metrics with a prometheus-operator ServiceMonitor. */
export interface ServiceMonitorOptions {
  /**
   * Emit the ServiceMonitor (needs the prometheus-operator CRDs).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Value of the `release` label kube-prometheus-stack selects ServiceMonitors by.
   * @default 'kube-prometheus-stack'
   */
  readonly releaseLabel?: string;
  /**
   * Scrape interval, a Prometheus duration.
   * @default '30s'
   */
  readonly interval?: string;
}

export interface ResolvedServiceMonitor {
  readonly enabled: boolean;
  readonly releaseLabel: string;
  readonly interval: string;
}

/** Fills defaults and validates, naming props under `prop`. */
export function resolveServiceMonitor(prop: string, options: ServiceMonitorOptions | undefined): ResolvedServiceMonitor {
  return {
    enabled: optionalBoolean(`${prop}.enabled`, options?.enabled, true),
    releaseLabel: checkFormat(`${prop}.releaseLabel`, options?.releaseLabel ?? KUBE_PROMETHEUS_STACK_RELEASE, FORMATS.labelValue),
    interval: checkPositivePrometheusDuration(`${prop}.interval`, options?.interval ?? '30s'),
  };
}

export interface ScrapeTarget {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Labels of the Service to scrape. */
  readonly selector: Record<string, string>;
  /** Named Service port serving `/metrics`. */
  readonly port: string;
  /** A Service label whose value becomes the `job` label (several Services, one job). */
  readonly jobLabel?: string;
}

/** Emits the ServiceMonitor for `target` when enabled. */
export function addServiceMonitor(scope: Construct, options: ResolvedServiceMonitor, target: ScrapeTarget): ServiceMonitor | undefined {
  if (!options.enabled) return undefined;
  return new ServiceMonitor(scope, 'ServiceMonitor', {
    metadata: { name: target.name, namespace: target.namespace, labels: { ...target.labels, release: options.releaseLabel } },
    spec: {
      ...(target.jobLabel ? { jobLabel: target.jobLabel } : {}),
      selector: { matchLabels: target.selector },
      namespaceSelector: { matchNames: [target.namespace] },
      endpoints: [{ port: target.port, path: '/metrics', interval: options.interval, scheme: ServiceMonitorSpecEndpointsScheme.HTTP }],
    },
  });
}
