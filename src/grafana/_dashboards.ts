import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { requestEstimates } from './_estimates';
import { MetricSources, COLLECTOR_METRICS, KUBELET_METRICS, SERVICE_GRAPH, SPAN_METRICS, STATUS_CODE_ERROR, TEMPO_LIMIT_NAMES, TEMPO_METRICS } from './_metrics';
import { Matcher, percent, quantile, rate, sel, sumBy } from './_promql';

/** The pinned @grafana/grafana-foundation-sdk release the dashboards are built with. */
export const FOUNDATION_SDK_VERSION = '0.0.21';

/** Uids of the dashboards (Grafana's uid rules). */
export const DASHBOARD_UIDS = { overview: 'rocketchat-tracing', pipeline: 'tracing-pipeline' } as const;

export interface DashboardInputs extends MetricSources {
  readonly tempoUid: string;
  readonly prometheusUid: string;
  /**
   * With Tempo tenants: the Tempo datasources to choose from (the first is the default), offered by
   * a datasource variable that the trace panels query.
   */
  readonly tempoChoices?: readonly { readonly uid: string; readonly name: string }[];
}

/** The datasource variable choosing which Tempo datasource (which tenants) the trace panels query. */
export const TEMPO_VARIABLE = 'tempo';

// Grafana variables and ranges, resolved by Grafana at query time (dashboard JSON is not
// environment-expanded, so `$` stays as is).
const INTERVAL = '$__rate_interval';
const RANGE = '$__range';
const SERVICE = '$service';
const OPERATION = '$operation';
const ALL = '.*';

/** Both dashboards: v1 dashboard JSON, the format Grafana's file provisioning and the Grafana Operator read. */
export function tracingDashboards(input: DashboardInputs): dashboard.Dashboard[] {
  return [overview(input), pipeline(input)];
}

/** Assigns panel ids in order (links and library tooling rely on stable ids). */
class PanelIds {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

function refs(input: DashboardInputs) {
  const prom: common.DataSourceRef = { type: 'prometheus', uid: input.prometheusUid };
  const traces: common.DataSourceRef = { type: 'tempo', uid: input.tempoChoices ? `\${${TEMPO_VARIABLE}}` : input.tempoUid };
  const promQuery = (refId: string, expr: string, legend: string) =>
    new prometheus.DataqueryBuilder().refId(refId).datasource(prom).expr(expr).legendFormat(legend).range();
  const instant = (refId: string, expr: string, format: prometheus.PromQueryFormat) =>
    new prometheus.DataqueryBuilder().refId(refId).datasource(prom).expr(expr).instant().format(format);
  return { prom, traces, promQuery, instant };
}

const legend = () => new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);

function thresholdLine(value: number) {
  return {
    thresholds: new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
      { value: null, color: 'green' },
      { value, color: 'red' },
    ]),
    style: new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line),
  };
}

function timeseriesPanel(ids: PanelIds, title: string, description: string, unit: string, datasource: common.DataSourceRef, targets: cog.Builder<cog.Dataquery>[], threshold?: number) {
  const panel = new timeseries.PanelBuilder()
    .id(ids.take())
    .title(title)
    .description(description)
    .datasource(datasource)
    .targets(targets)
    .unit(unit)
    .legend(legend())
    .span(12)
    .height(8);
  if (threshold !== undefined) {
    const line = thresholdLine(threshold);
    panel.thresholds(line.thresholds).thresholdsStyle(line.style);
  }
  return panel;
}

function overview(input: DashboardInputs): dashboard.Dashboard {
  const ids = new PanelIds();
  const { prom, traces, promQuery, instant } = refs(input);
  const t = input.thresholds;
  const filters: Matcher[] = [input.requestKinds, ['service', '=~', SERVICE], ['span_name', '=~', OPERATION]];
  const calls = (extra: Matcher[] = []) => sel(SPAN_METRICS.calls, [...filters, ...extra]);
  const latency = sel(SPAN_METRICS.latencyBucket, filters);
  const errors = [['status_code', '=', STATUS_CODE_ERROR]] as Matcher[];
  const successes = [['status_code', '!=', STATUS_CODE_ERROR]] as Matcher[];
  // Span metrics count the kept traces: request rate, error % and success % are estimated for all requests.
  const estimate = requestEstimates(input.sampling, { all: calls(), errors: calls(errors), successes: calls(successes) }, ['service']);
  const sampledNote = input.sampling.keptFraction < 1
    ? ` Estimated for all requests from the sampled traces (ordinary traces kept at ${percent(input.sampling.keptFraction)}${input.sampling.errorsAlwaysKept ? ', every error kept' : ''}).`
    : '';

  // TraceQL: `:pipe` joins multi-value selections as an alternation; "All" is `.*`.
  const traceFilter = 'resource.service.name =~ "${service:pipe}" && name =~ "${operation:pipe}"';
  const traceSearch = (title: string, description: string, condition: string) =>
    new table.PanelBuilder()
      .id(ids.take())
      .title(title)
      .description(description)
      .datasource(traces)
      .withTarget(new tempo.DataqueryBuilder().refId('A').datasource(traces).queryType(tempo.TempoQueryType.Traceql).query(`{ ${traceFilter} && ${condition} }`).limit(20).tableType(tempo.SearchTableType.Traces))
      .span(12)
      .height(10);

  const variable = (name: string, label: string, query: string) =>
    new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(prom)
      .query(query)
      .definition(query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue(ALL)
      .current({ text: 'All', value: '$__all' });

  const serviceGraphFilter: Matcher[] = [['server', '=~', SERVICE]];
  const p = (q: number) => `p${Math.round(q * 100)}`;

  const builder = new dashboard.DashboardBuilder('Rocket.Chat tracing');
  if (input.tempoChoices) {
    const [first] = input.tempoChoices;
    // Grafana offers the Tempo datasources whose name the regex matches: exactly this stack's.
    const names = input.tempoChoices.map((c) => c.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    builder.withVariable(
      new dashboard.DatasourceVariableBuilder(TEMPO_VARIABLE)
        .label('Traces')
        .description('The Tempo datasource the trace panels query: one tenant, or all of them.')
        .type('tempo')
        .regex(`/^(${names.join('|')})$/`)
        .current({ text: first.name, value: first.uid }),
    );
  }
  return builder
    .uid(DASHBOARD_UIDS.overview)
    .description('Requests, errors and latency of Rocket.Chat services from Tempo span metrics, with trace search and the service graph.')
    .tags(['rocketchat', 'tracing', 'tempo'])
    .readonly()
    .time({ from: 'now-3h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(variable('service', 'Service', `label_values(${sel(SPAN_METRICS.calls, [input.requestKinds])}, service)`))
    .withVariable(variable('operation', 'Operation', `label_values(${sel(SPAN_METRICS.calls, [input.requestKinds, ['service', '=~', SERVICE]])}, span_name)`))
    .withRow(new dashboard.RowBuilder('Trace search').id(ids.take()))
    .withPanel(traceSearch('Traces with errors', 'Recent traces with a span in status ERROR for the selected services and operations. Select a trace id to open it.', 'status = error'))
    .withPanel(
      traceSearch(
        'Slow traces',
        `Recent traces with a selected span slower than the ${t.p99LatencySeconds}s latency alert threshold.`,
        `duration > ${t.p99LatencySeconds}s`,
      ),
    )
    .withRow(new dashboard.RowBuilder('Requests by service').id(ids.take()))
    .withPanel(timeseriesPanel(ids, 'Request rate', `Requests per second (spans of the request kinds) by service.${sampledNote}`, 'reqps', prom, [promQuery('A', estimate.requestRate(INTERVAL), '{{service}}')]))
    .withPanel(
      timeseriesPanel(
        ids,
        'Error %',
        `Share of requests ending with status ERROR, by service.${sampledNote}`,
        'percentunit',
        prom,
        [promQuery('A', estimate.errorRatio(INTERVAL), '{{service}}')],
        t.errorRatio,
      ),
    )
    .withPanel(
      new stat.PanelBuilder()
        .id(ids.take())
        .title('Success % over the time range')
        .description(`Share of requests without status ERROR over the selected range, by service; red below the ${percent(t.successRateSlo)} objective.${sampledNote}`)
        .datasource(prom)
        .withTarget(instant('A', estimate.successRatio(RANGE), prometheus.PromQueryFormat.TimeSeries).legendFormat('{{service}}'))
        .unit('percentunit')
        .decimals(2)
        .thresholds(
          new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
            { value: null, color: 'red' },
            { value: t.successRateSlo, color: 'green' },
          ]),
        )
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .span(12)
        .height(8),
    )
    .withPanel(
      timeseriesPanel(
        ids,
        'Latency p50 / p95 / p99',
        'Request duration quantiles by service, from the span latency histogram. Exemplars link to traces.',
        's',
        prom,
        ([0.5, 0.95, 0.99] as const).map((q, i) => promQuery(String.fromCharCode(65 + i), quantile(q, latency, ['service'], INTERVAL), `{{service}} ${p(q)}`).exemplar(q === 0.99)),
        t.p99LatencySeconds,
      ),
    )
    .withRow(new dashboard.RowBuilder('Service graph').id(ids.take()))
    .withPanel(
      new nodegraph.PanelBuilder()
        .id(ids.take())
        .title('Service graph')
        .description("Services and the calls between them, from Tempo's service graph metrics.")
        .datasource(traces)
        .withTarget(new tempo.DataqueryBuilder().refId('A').datasource(traces).queryType(tempo.TempoQueryType.ServiceMap))
        .span(24)
        .height(12),
    )
    .withPanel(
      timeseriesPanel(ids, 'Calls between services', 'Requests and failed requests per second between client and server services.', 'reqps', prom, [
        promQuery('A', sumBy(['client', 'server'], rate(sel(SERVICE_GRAPH.requests, serviceGraphFilter), INTERVAL)), '{{client}} → {{server}}'),
        promQuery('B', sumBy(['client', 'server'], rate(sel(SERVICE_GRAPH.failedRequests, serviceGraphFilter), INTERVAL)), '{{client}} → {{server}} failed'),
      ]),
    )
    .withPanel(
      timeseriesPanel(ids, 'Server latency p95 between services', 'Server-side duration of calls between services.', 's', prom, [
        promQuery('A', quantile(0.95, sel(SERVICE_GRAPH.serverSecondsBucket, serviceGraphFilter), ['client', 'server'], INTERVAL), '{{client}} → {{server}}'),
      ]),
    )
    .withRow(new dashboard.RowBuilder('Operations').id(ids.take()))
    .withPanel(
      operationsTable(ids, prom, 'Slowest operations (p95)', 'The 10 operations with the highest p95 duration over the selected range.', 's', instant('A', `topk(10, ${quantile(0.95, latency, ['service', 'span_name'], RANGE)})`, prometheus.PromQueryFormat.Table)),
    )
    .withPanel(
      operationsTable(ids, prom, 'Operations with most errors', 'The 10 operations with the most failed requests per second over the selected range.', 'reqps', instant('A', `topk(10, ${sumBy(['service', 'span_name'], rate(calls(errors), RANGE))})`, prometheus.PromQueryFormat.Table)),
    )
    .build();
}

function operationsTable(ids: PanelIds, datasource: common.DataSourceRef, title: string, description: string, unit: string, target: cog.Builder<cog.Dataquery>) {
  return new table.PanelBuilder()
    .id(ids.take())
    .title(title)
    .description(description)
    .datasource(datasource)
    .withTarget(target)
    .unit(unit)
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { service: 'Service', span_name: 'Operation', Value: title } } })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(title).desc(true)])
    .span(12)
    .height(10);
}

function pipeline(input: DashboardInputs): dashboard.Dashboard {
  const ids = new PanelIds();
  const { prom, promQuery } = refs(input);
  const t = input.thresholds;
  const collector: Matcher[] = [['namespace', '=', input.collector.namespace], ['job', '=', input.collector.serviceName]];
  const tempoScope: Matcher[] = [['namespace', '=', input.tempo.namespace], ['job', '=', input.tempo.serviceName]];
  const c = (metric: string, extra: Matcher[] = []) => sel(metric, [...collector, ...extra]);
  const tm = (metric: string, extra: Matcher[] = []) => sel(metric, [...tempoScope, ...extra]);
  const limit = (name: string) => `max(${tm(TEMPO_METRICS.limits, [['limit_name', '=', name]])})`;
  const spansPerSecond = 'suffix: spans/s';

  const builder = new dashboard.DashboardBuilder('Tracing pipeline')
    .uid(DASHBOARD_UIDS.pipeline)
    .description(`Spans through the OpenTelemetry Collector (${input.collector.namespace}/${input.collector.serviceName}) into Tempo (${input.tempo.namespace}/${input.tempo.serviceName}), and Tempo's limits.`)
    .tags(['rocketchat', 'tracing', 'tempo', 'opentelemetry-collector'])
    .readonly()
    .time({ from: 'now-3h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withRow(new dashboard.RowBuilder('OpenTelemetry Collector').id(ids.take()))
    .withPanel(
      timeseriesPanel(ids, 'Spans received and refused', 'Spans per second the receivers accepted and refused (refused: the pipeline pushed back, e.g. memory limiter).', spansPerSecond, prom, [
        promQuery('A', sumBy(['receiver', 'transport'], rate(c(COLLECTOR_METRICS.acceptedSpans), INTERVAL)), 'accepted {{receiver}} {{transport}}'),
        promQuery('B', sumBy(['receiver', 'transport'], rate(c(COLLECTOR_METRICS.refusedSpans), INTERVAL)), 'refused {{receiver}} {{transport}}'),
      ]),
    )
    .withPanel(
      timeseriesPanel(ids, 'Spans exported and failed', 'Spans per second each exporter sent, failed to send after retries, or could not enqueue (queue full).', spansPerSecond, prom, [
        promQuery('A', sumBy(['exporter'], rate(c(COLLECTOR_METRICS.sentSpans), INTERVAL)), 'sent {{exporter}}'),
        promQuery('B', sumBy(['exporter'], rate(c(COLLECTOR_METRICS.sendFailedSpans), INTERVAL)), 'send failed {{exporter}}'),
        promQuery('C', sumBy(['exporter'], rate(c(COLLECTOR_METRICS.enqueueFailedSpans), INTERVAL)), 'enqueue failed {{exporter}}'),
      ]),
    )
    .withPanel(
      timeseriesPanel(
        ids,
        'Exporter queue fill',
        `Share of each exporter's sending queue in use; the alert threshold is ${percent(t.queueFillRatio)}.`,
        'percentunit',
        prom,
        [promQuery('A', `max by (exporter) (${c(COLLECTOR_METRICS.queueSize)} / (${c(COLLECTOR_METRICS.queueCapacity)} > 0))`, '{{exporter}}')],
        t.queueFillRatio,
      ),
    )
    .withPanel(
      timeseriesPanel(ids, 'Processor items in and out', 'Items per second entering and leaving each processor; the gap at a sampler is what it dropped.', 'short', prom, [
        promQuery('A', sumBy(['processor'], rate(c(COLLECTOR_METRICS.processorIncoming), INTERVAL)), 'in {{processor}}'),
        promQuery('B', sumBy(['processor'], rate(c(COLLECTOR_METRICS.processorOutgoing), INTERVAL)), 'out {{processor}}'),
      ]),
    )
    .withRow(new dashboard.RowBuilder('Tempo ingestion and limits').id(ids.take()))
    .withPanel(
      timeseriesPanel(ids, 'Spans received and discarded by Tempo', 'Spans per second the distributor received, and spans discarded by reason (rate_limited, trace_too_large, live_traces_exceeded: a limit was hit).', spansPerSecond, prom, [
        promQuery('A', sumBy([], rate(tm(TEMPO_METRICS.spansReceived), INTERVAL)), 'received'),
        promQuery('B', sumBy(['reason'], rate(tm(TEMPO_METRICS.discardedSpans), INTERVAL)), 'discarded {{reason}}'),
      ]),
    )
    .withPanel(
      timeseriesPanel(ids, 'Ingestion rate and its limit', 'Bytes per second offered to and accepted by Tempo, against the per-tenant ingestion rate limit.', 'Bps', prom, [
        promQuery('A', sumBy([], rate(tm(TEMPO_METRICS.ingressBytes), INTERVAL)), 'offered'),
        promQuery('B', sumBy([], rate(tm(TEMPO_METRICS.bytesReceived), INTERVAL)), 'accepted'),
        promQuery('C', limit(TEMPO_LIMIT_NAMES.ingestionRateBytes), 'limit'),
      ]),
    )
    .withPanel(
      timeseriesPanel(ids, 'Live traces and their limit', 'Traces held in memory (live-store on Tempo 3.0, ingester on 2.10) against max traces per tenant.', 'short', prom, [
        promQuery('A', `${sumBy([], tm(TEMPO_METRICS.liveStoreLiveTraces))} or ${sumBy([], tm(TEMPO_METRICS.ingesterLiveTraces))}`, 'live traces'),
        promQuery('B', limit(TEMPO_LIMIT_NAMES.maxLocalTracesPerUser), 'limit'),
      ]),
    )
    .withPanel(
      timeseriesPanel(ids, 'Metrics-generator spans', 'Spans per second the metrics-generator received and discarded by reason (outside_metrics_ingestion_slack: spans arrived too late; *_filtered: skipped by design).', spansPerSecond, prom, [
        promQuery('A', sumBy([], rate(tm(TEMPO_METRICS.generatorSpansReceived), INTERVAL)), 'received'),
        promQuery('B', sumBy(['reason'], rate(tm(TEMPO_METRICS.generatorSpansDiscarded), INTERVAL)), 'discarded {{reason}}'),
      ]),
    )
    .withPanel(
      timeseriesPanel(ids, 'Metrics-generator series and their limit', 'Active series of span metrics and the service graph, their limit, and series refused per second at the limit.', 'short', prom, [
        promQuery('A', sumBy([], tm(TEMPO_METRICS.generatorActiveSeries)), 'active series'),
        promQuery('B', `max(${tm(TEMPO_METRICS.generatorMaxActiveSeries)})`, 'limit'),
        promQuery('C', sumBy([], rate(tm(TEMPO_METRICS.generatorSeriesLimited), INTERVAL)), 'refused series/s'),
      ]),
    );

  if (input.tempoVolumeClaims !== undefined) {
    const claims: Matcher[] = [['namespace', '=', input.tempo.namespace], ['persistentvolumeclaim', '=~', input.tempoVolumeClaims]];
    builder.withPanel(
      timeseriesPanel(
        ids,
        'Tempo data volume fill',
        `Share of Tempo's data volume in use (WAL, and blocks with local storage); the alert threshold is ${percent(t.storageFillRatio)}.`,
        'percentunit',
        prom,
        [promQuery('A', `max by (persistentvolumeclaim) (${sel(KUBELET_METRICS.volumeUsedBytes, claims)} / ${sel(KUBELET_METRICS.volumeCapacityBytes, claims)})`, '{{persistentvolumeclaim}}')],
        t.storageFillRatio,
      ),
    );
  }
  return builder.build();
}
