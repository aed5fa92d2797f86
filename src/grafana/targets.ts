import { TraceSamplingModel } from '../common/trace-sampling';
import { ApiObject } from 'cdk8s';

/**
 * The Tempo a Grafana integration queries and watches; a TempoStack is one. Prometheus labels
 * Tempo's own metrics with the scraped Service (`job`) and its namespace, as a prometheus-operator
 * ServiceMonitor does.
 */
export interface TempoTarget {
  /** Tempo's HTTP API (query, search, `/metrics`): the Tempo datasource URL. */
  readonly queryUrl: string;
  /** The Service Prometheus scrapes Tempo through: the `job` label of Tempo's metrics. */
  readonly serviceName: string;
  /** Namespace of that Service: the `namespace` label of Tempo's metrics. */
  readonly namespace: string;
  /**
   * The tenants Tempo holds traces for (queried with their id in the `X-Scope-OrgID` header);
   * empty when multitenancy is off.
   * @default []
   */
  readonly tenants?: readonly string[];
  /**
   * Tempo's StatefulSet. Its volume claim templates name the PersistentVolumeClaims the storage
   * panel and alert watch.
   * @default - no storage panel or alert
   */
  readonly statefulSet?: ApiObject;
  /**
   * Every Tempo StatefulSet (the scalable profile has several); their volume claim templates
   * name the PersistentVolumeClaims the storage panel and alert watch.
   * @default - `[statefulSet]`
   */
  readonly statefulSets?: readonly ApiObject[];
}

/** The OpenTelemetry Collector whose self-metrics (port 8888) Prometheus scrapes; an OtelCollector is one. */
export interface CollectorTarget {
  /** The Service Prometheus scrapes the collector through: the `job` label of its metrics. */
  readonly serviceName: string;
  /** Namespace of that Service: the `namespace` label of its metrics. */
  readonly namespace: string;
  /**
   * How it samples traces: span metrics count only kept traces, so the request panels and
   * alerts estimate rates and ratios for all requests from it.
   * @default - every trace kept
   */
  readonly samplingModel?: TraceSamplingModel;
}
