import { createHash } from 'node:crypto';
import { GrafanaDatasourceDefinition } from './datasources';
import { ExemplarTraceIdDestination } from './kube-prometheus-stack-values';
import { SPAN_METRICS, STATUS_CODE_ERROR } from './_metrics';
import { quantile, rate, sumBy } from './_promql';

export interface ResolvedDatasource {
  readonly uid: string;
  readonly name: string;
  readonly url: string;
  readonly managed: boolean;
}

export interface ResolvedLoki extends ResolvedDatasource {
  readonly logLabels: Readonly<Record<string, string>>;
  readonly traceIdPattern: string;
  readonly filterByTraceId: boolean;
}

/** A Tempo datasource; with multitenancy it names its tenants in the X-Scope-OrgID header. */
export interface ResolvedTempo extends Omit<ResolvedDatasource, 'managed'> {
  /** One tenant, or several joined by "|" (Tempo's cross-tenant query); undefined without multitenancy. */
  readonly tenantHeader?: string;
}

/**
 * `<stem>-<tenant>` when that has only characters of the class `allowed` (e.g. `a-z0-9-`) and
 * fits `maxLength`; otherwise those characters, cut to fit, then a hash of the tenant id: stable
 * for a tenant. Callers check the results are distinct.
 */
export function tenantIdentifier(stem: string, tenant: string, allowed: string, maxLength: number): string {
  const plain = `${stem}-${tenant}`;
  const outside = new RegExp(`[^${allowed}]`, 'g');
  if (plain.length <= maxLength && !outside.test(plain)) return plain;
  const hash = createHash('sha256').update(tenant).digest('hex').slice(0, 8);
  return `${plain.replace(outside, '-').slice(0, maxLength - hash.length - 1)}-${hash}`;
}

/** The header Tempo reads the tenant(s) of a query from. */
const TENANT_HEADER = 'X-Scope-OrgID';

export interface DatasourceInputs {
  /** The Tempo datasource links and dashboards point at: every tenant's traces. */
  readonly tempo: ResolvedTempo;
  /** One datasource per Tempo tenant; empty without multitenancy. */
  readonly tenantTempos: readonly (ResolvedTempo & { readonly tenant: string })[];
  readonly prometheus: ResolvedDatasource;
  /** Undefined when there is no Loki to link to. */
  readonly loki?: ResolvedLoki;
}

/** The label Tempo's metrics-generator puts the trace id of an exemplar under (registry/histogram.go). */
const EXEMPLAR_TRACE_ID_LABEL = 'traceID';

/** Time around a span searched for its logs and metrics, and around a trace-id lookup. */
const SPAN_TIME_SHIFT = { spanStartTimeShift: '-5m', spanEndTimeShift: '5m' } as const;
const TRACE_QUERY_TIME_SHIFT = { timeShiftEnabled: true, spanStartTimeShift: '-30m', spanEndTimeShift: '30m' } as const;

/**
 * Grafana substitutes `$__tags` with the span's mapped tags (`service="…"`) and
 * `$__rate_interval` in traces→metrics queries.
 */
const TRACES_TO_METRICS_TAGS = '$__tags';
const RANGE = '$__rate_interval';
const spanCalls = (extra = '') => `${SPAN_METRICS.calls}{${extra}${TRACES_TO_METRICS_TAGS}}`;
const spanLatency = `${SPAN_METRICS.latencyBucket}{${TRACES_TO_METRICS_TAGS}}`;

/** Traces→metrics links: rate, error ratio and latency quantiles of the span's service. */
const TRACES_TO_METRICS_QUERIES: readonly { readonly name: string; readonly query: string }[] = [
  { name: 'Request rate', query: sumBy(['span_name'], rate(spanCalls(), RANGE)) },
  {
    name: 'Error ratio',
    query: `${sumBy(['span_name'], rate(spanCalls(`status_code=${JSON.stringify(STATUS_CODE_ERROR)}, `), RANGE))} / ${sumBy(['span_name'], rate(spanCalls(), RANGE))}`,
  },
  ...([0.5, 0.95, 0.99] as const).map((q) => ({ name: `p${Math.round(q * 100)} latency`, query: quantile(q, spanLatency, [], RANGE) })),
];

function definition(ds: Omit<ResolvedDatasource, 'managed'>, type: GrafanaDatasourceDefinition['type'], jsonData: Record<string, unknown>): GrafanaDatasourceDefinition {
  return { name: ds.name, type, uid: ds.uid, url: ds.url, access: 'proxy', isDefault: false, editable: false, jsonData };
}

/**
 * A Tempo datasource: `tempo` (every tenant's traces) unless another is given, e.g. one of
 * `tenantTempos`. With a tenant header, Grafana sends it with every query (custom HTTP header:
 * `jsonData.httpHeaderName1` and `secureJsonData.httpHeaderValue1`).
 */
export function tempoDatasource(input: DatasourceInputs, tempo: ResolvedTempo = input.tempo): GrafanaDatasourceDefinition {
  const base = tempoDefinition(input, tempo);
  if (tempo.tenantHeader === undefined) return base;
  return {
    ...base,
    jsonData: {
      ...base.jsonData,
      // Streaming queries (gRPC) send the tenant header twice in Grafana 13.0 to 13.1.3 and Tempo
      // answers "no org id" (grafana/grafana#123772, #130528; fixed in grafana-tempo-datasource#207,
      // unreleased): with a tenant header, queries go over plain HTTP.
      streamingEnabled: { search: false, metrics: false },
      httpHeaderName1: TENANT_HEADER,
    },
    secureJsonData: { httpHeaderValue1: tempo.tenantHeader },
  };
}

function tempoDefinition(input: DatasourceInputs, tempo: ResolvedTempo): GrafanaDatasourceDefinition {
  const { prometheus, loki } = input;
  return definition(tempo, 'tempo', {
    ...(loki
      ? {
        tracesToLogsV2: {
          datasourceUid: loki.uid,
          ...SPAN_TIME_SHIFT,
          tags: Object.entries(loki.logLabels).map(([key, value]) => ({ key, value })),
          filterByTraceID: loki.filterByTraceId,
          filterBySpanID: false,
        },
      }
      : {}),
    tracesToMetrics: {
      datasourceUid: prometheus.uid,
      ...SPAN_TIME_SHIFT,
      tags: [{ key: 'service.name', value: 'service' }],
      queries: TRACES_TO_METRICS_QUERIES,
    },
    serviceMap: { datasourceUid: prometheus.uid },
    nodeGraph: { enabled: true },
    search: { hide: false },
    traceQuery: TRACE_QUERY_TIME_SHIFT,
    streamingEnabled: { search: true, metrics: true },
  });
}

export function exemplarDestination(tempoUid: string): ExemplarTraceIdDestination {
  return { datasourceUid: tempoUid, traceIdLabelName: EXEMPLAR_TRACE_ID_LABEL, urlDisplayLabel: 'View trace' };
}

export function prometheusDatasource(input: DatasourceInputs): GrafanaDatasourceDefinition {
  const destination = exemplarDestination(input.tempo.uid);
  return definition(input.prometheus, 'prometheus', {
    httpMethod: 'POST',
    exemplarTraceIdDestinations: [{ datasourceUid: destination.datasourceUid, name: destination.traceIdLabelName, urlDisplayLabel: destination.urlDisplayLabel }],
  });
}

export function lokiDatasource(input: DatasourceInputs & { readonly loki: ResolvedLoki }): GrafanaDatasourceDefinition {
  return definition(input.loki, 'loki', {
    derivedFields: [
      {
        name: 'TraceID',
        matcherRegex: input.loki.traceIdPattern,
        datasourceUid: input.tempo.uid,
        // Grafana fills in the matched trace id; for an internal link the URL is the Tempo query.
        url: '${__value.raw}',
        urlDisplayLabel: 'View trace',
      },
    ],
  });
}
