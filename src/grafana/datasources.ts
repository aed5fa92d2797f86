/**
 * The Tempo datasource, always provisioned by the integration. With Tempo tenants it queries all
 * of them (`X-Scope-OrgID: a|b|…`, Tempo's cross-tenant query), and each tenant gets a datasource
 * of its own: uid `<uid>-<tenant>`, name `<name> (<tenant>)`.
 */
export interface TempoDatasourceOptions {
  /**
   * Datasource uid; dashboards and the other datasources' trace links point at it. Tenant
   * datasources derive theirs from it (a tenant id with "." or too long for Grafana's 40
   * characters is shortened and suffixed with a hash of the id).
   * @default 'tempo'
   */
  readonly uid?: string;
  /**
   * Datasource name shown in Grafana; tenant datasources add ` (<tenant>)`.
   * @default 'Tempo'
   */
  readonly name?: string;
}

/** The Prometheus holding the span metrics, the service graph and the pipeline metrics. */
export interface PrometheusDatasourceOptions {
  /**
   * Datasource uid. kube-prometheus-stack provisions its Prometheus with uid `prometheus`
   * (`grafana.sidecar.datasources.uid`).
   * @default 'prometheus'
   */
  readonly uid?: string;
  /**
   * Provision the datasource here, with exemplar links to Tempo. Leave off when Grafana already
   * has it (kube-prometheus-stack does): `kubePrometheusStackValues` then carries the exemplar
   * setting to add to it.
   * @default false
   */
  readonly managed?: boolean;
  /**
   * Prometheus URL, for a managed datasource.
   * @default 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090'
   */
  readonly url?: string;
  /**
   * Datasource name, for a managed datasource.
   * @default 'Prometheus'
   */
  readonly name?: string;
}

/** The Loki holding the logs of traced services. */
export interface LokiDatasourceOptions {
  /**
   * Link traces to logs (Tempo's traces→logs) and logs to traces. Turn off without Loki.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Datasource uid.
   * @default 'loki'
   */
  readonly uid?: string;
  /**
   * Provision the datasource here, with trace-id links to Tempo. Leave off when Grafana already
   * has it: `kubePrometheusStackValues` then carries the datasource entry with those links.
   * @default false
   */
  readonly managed?: boolean;
  /**
   * Loki URL (the grafana/loki chart's gateway Service for a release named `loki`).
   * @default 'http://loki-gateway.monitoring.svc'
   */
  readonly url?: string;
  /**
   * Datasource name.
   * @default 'Loki'
   */
  readonly name?: string;
  /**
   * Span attributes that select a span's logs, mapped to Loki label names.
   * @default - { 'k8s.namespace.name': 'namespace', 'k8s.pod.name': 'pod' } (the collector's Kubernetes attributes)
   */
  readonly logLabels?: Readonly<Record<string, string>>;
  /**
   * Regular expression finding a trace id in a log line; its first group is the id.
   * @default - `traceId`, `trace_id` or `traceID` followed by `=` or `:` and 32 hex digits, quoted or not
   */
  readonly traceIdPattern?: string;
  /**
   * Traces→logs also filters log lines by the trace id. Rocket.Chat writes no trace id into its
   * logs, so with it on a Rocket.Chat span finds no logs; turn it on for services that do.
   * @default false
   */
  readonly filterByTraceId?: boolean;
}

/** A Grafana datasource as Grafana's provisioning file and the Grafana Operator describe it. */
export interface GrafanaDatasourceDefinition {
  readonly name: string;
  readonly type: 'tempo' | 'prometheus' | 'loki';
  readonly uid: string;
  readonly url: string;
  readonly access: 'proxy';
  readonly isDefault: boolean;
  readonly editable: boolean;
  readonly jsonData: Readonly<Record<string, unknown>>;
  /**
   * Values Grafana stores encrypted; here only the tenant header value of a Tempo datasource with
   * multitenancy.
   * @default - none
   */
  readonly secureJsonData?: Readonly<Record<string, string>>;
}
