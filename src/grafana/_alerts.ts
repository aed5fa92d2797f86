import { COLLECTOR_METRICS, KUBELET_METRICS, MetricSources, SPAN_METRICS, STATUS_CODE_ERROR, TEMPO_METRICS } from './_metrics';
import { keptQuantile, requestEstimates } from './_estimates';
import { Matcher, percent, quantile, rate, sel, sumBy } from './_promql';

/** An alerting rule in Prometheus' rule-file form (also the PrometheusRule CRD's). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The alert names, also the README anchors their runbook links point at (lowercased). */
export const ALERT_NAMES = [
  'TracingHighErrorRatio',
  'TracingHighLatencyP99',
  'TracingSuccessRateBelowSlo',
  'TracingNoSpansReceived',
  'OtelCollectorExportFailing',
  'OtelCollectorQueueNearFull',
  'TempoIngestionRefused',
  'TempoStorageNearFull',
  'TempoMetricsGeneratorDroppingSpans',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** What the rules select and compare against. */
export interface AlertInputs extends MetricSources {
  readonly groupPrefix: string;
  /** Human-readable request kinds, e.g. `server/consumer`. */
  readonly requestKindsText: string;
  readonly runbookUrl: (alert: AlertName) => string;
}

/** Window of the short-term request alerts; the success-rate objective is judged over an hour. */
const WINDOW = '5m';
const SLO_WINDOW = '1h';
/** A shorter window for the no-spans check: with `for: 5m` it fires 5 to 7 minutes after the last span. */
const NO_SPANS_WINDOW = '2m';

const scoped = (t: { namespace: string; serviceName: string }): Matcher[] => [['namespace', '=', t.namespace], ['job', '=', t.serviceName]];

export function alertGroups(input: AlertInputs): RuleGroup[] {
  const t = input.thresholds;
  const rule = (alert: AlertName, expr: string, forDuration: string, severity: 'critical' | 'warning', summary: string, description: string, labels: Record<string, string> = {}): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity, ...labels },
    annotations: { summary, description, runbook_url: input.runbookUrl(alert) },
  });

  const calls = (extra: Matcher[] = []) => sel(SPAN_METRICS.calls, [input.requestKinds, ...extra]);
  // Span metrics count the traces sampling kept; rates and ratios are estimated for all requests.
  const estimate = requestEstimates(
    input.sampling,
    { all: calls(), errors: calls([['status_code', '=', STATUS_CODE_ERROR]]), successes: calls([['status_code', '!=', STATUS_CODE_ERROR]]) },
    ['service'],
  );
  const sampled = input.sampling.keptFraction < 1;
  const estimated = sampled ? ' (estimated for all requests from the sampled traces)' : '';
  // Only services with enough traffic are judged: a few failures on an idle service are noise.
  const guarded = (expr: string, window: string) => `(${expr}) and on (service) (${estimate.requestRate(window)} >= ${t.minRequestsPerSecond})`;
  const guardText = `at least ${t.minRequestsPerSecond} request/s`;

  const errorRatio = estimate.errorRatio(WINDOW);
  const successRatio = estimate.successRatio(SLO_WINDOW);
  const p99Level = keptQuantile(input.sampling, 0.99, t.p99LatencySeconds);
  const p99 = quantile(p99Level, sel(SPAN_METRICS.latencyBucket, [input.requestKinds]), ['service'], WINDOW);
  const p99Note = p99Level === 0.99 ? '' : ` (the ${p99Level} quantile of the sampled spans, which keep every trace slower than ${input.sampling.slowTracesKeptAboveSeconds}s)`;

  const collector = scoped(input.collector);
  const collectorName = `${input.collector.namespace}/${input.collector.serviceName}`;
  const tempo = scoped(input.tempo);
  const byExporter = ['namespace', 'exporter'];

  const traces: AlertRule[] = [
    rule(
      'TracingHighErrorRatio',
      guarded(`${errorRatio} > ${t.errorRatio}`, WINDOW),
      '10m',
      'critical',
      '{{ $labels.service }}: {{ $value | humanizePercentage }} of requests fail',
      `{{ $value | humanizePercentage }} of {{ $labels.service }} requests (${input.requestKindsText} spans) ended with status ERROR over ${WINDOW}${estimated}; threshold ${percent(t.errorRatio)}, judged from ${guardText}.`,
    ),
    rule(
      'TracingHighLatencyP99',
      guarded(`${p99} > ${t.p99LatencySeconds}`, WINDOW),
      '10m',
      'warning',
      '{{ $labels.service }}: p99 latency {{ $value | humanizeDuration }}',
      `The 99th percentile duration of {{ $labels.service }} requests (${input.requestKindsText} spans) over ${WINDOW} is {{ $value | humanizeDuration }}${p99Note}; threshold ${t.p99LatencySeconds}s, judged from ${guardText}.`,
    ),
    rule(
      'TracingSuccessRateBelowSlo',
      guarded(`${successRatio} < ${t.successRateSlo}`, SLO_WINDOW),
      '5m',
      'warning',
      '{{ $labels.service }}: success rate {{ $value | humanizePercentage }} below objective',
      `Only {{ $value | humanizePercentage }} of {{ $labels.service }} requests (${input.requestKindsText} spans) over the last hour ended without error${estimated}; the objective is ${percent(t.successRateSlo)}.`,
    ),
  ];

  const pipeline: AlertRule[] = [
    rule(
      'TracingNoSpansReceived',
      // An absent series (collector down, or not scraped) counts as zero spans.
      `(${sumBy([], rate(sel(COLLECTOR_METRICS.acceptedSpans, collector), NO_SPANS_WINDOW))} or vector(0)) == 0`,
      '5m',
      'critical',
      'No spans reach the OpenTelemetry Collector',
      `The collector ${collectorName} has accepted no spans for 5 minutes, or Prometheus has no metrics from it (collector down or not scraped): traces are not being recorded.`,
      { namespace: input.collector.namespace },
    ),
    rule(
      'OtelCollectorExportFailing',
      `(${sumBy(byExporter, rate(sel(COLLECTOR_METRICS.sendFailedSpans, collector), WINDOW))} > 0) or (${sumBy(byExporter, rate(sel(COLLECTOR_METRICS.enqueueFailedSpans, collector), WINDOW))} > 0)`,
      '5m',
      'critical',
      'Collector exporter {{ $labels.exporter }} is losing spans',
      `The ${collectorName} exporter {{ $labels.exporter }} failed to send or enqueue {{ $value | humanize }} spans/s over ${WINDOW}; those spans are lost.`,
    ),
    rule(
      'OtelCollectorQueueNearFull',
      `max by (namespace, exporter) (${sel(COLLECTOR_METRICS.queueSize, collector)} / (${sel(COLLECTOR_METRICS.queueCapacity, collector)} > 0)) > ${t.queueFillRatio}`,
      '5m',
      'warning',
      'Collector exporter {{ $labels.exporter }} queue is {{ $value | humanizePercentage }} full',
      `The sending queue of the ${collectorName} exporter {{ $labels.exporter }} is {{ $value | humanizePercentage }} full (threshold ${percent(t.queueFillRatio)}); once full, new spans are refused.`,
    ),
    rule(
      'TempoIngestionRefused',
      `${sumBy(['namespace', 'reason'], rate(sel(TEMPO_METRICS.discardedSpans, tempo), WINDOW))} > 0`,
      '5m',
      'warning',
      'Tempo discards spans: {{ $labels.reason }}',
      `Tempo (${input.tempo.namespace}/${input.tempo.serviceName}) discarded {{ $value | humanize }} spans/s over ${WINDOW} with reason {{ $labels.reason }}; rate_limited, trace_too_large and live_traces_exceeded mean a limit was hit.`,
    ),
    ...(input.tempoVolumeClaims !== undefined
      ? [
        rule(
          'TempoStorageNearFull',
          `max by (namespace, persistentvolumeclaim) (${volume(KUBELET_METRICS.volumeUsedBytes, input.tempo.namespace, input.tempoVolumeClaims)} / ${volume(KUBELET_METRICS.volumeCapacityBytes, input.tempo.namespace, input.tempoVolumeClaims)}) > ${t.storageFillRatio}`,
          '10m',
          'warning',
          'Tempo volume {{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full',
          `Tempo's data volume {{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full (threshold ${percent(t.storageFillRatio)}); a full volume stops the WAL and ingestion.`,
        ),
      ]
      : []),
    rule(
      'TempoMetricsGeneratorDroppingSpans',
      // `*_filtered` reasons are spans the processors' filter policies skip on purpose.
      `(${sumBy(['namespace', 'reason'], rate(sel(TEMPO_METRICS.generatorSpansDiscarded, [...tempo, ['reason', '!~', '.*_filtered']]), WINDOW))} > 0) or label_replace(${sumBy(['namespace'], rate(sel(TEMPO_METRICS.generatorSeriesLimited, tempo), WINDOW))} > 0, "reason", "series_limited", "", "")`,
      '10m',
      'warning',
      "Tempo's metrics-generator drops data: {{ $labels.reason }}",
      `The metrics-generator of Tempo (${input.tempo.namespace}/${input.tempo.serviceName}) dropped {{ $value | humanize }}/s over ${WINDOW} with reason {{ $labels.reason }}: span metrics and the service graph undercount.`,
    ),
  ];

  return [
    { name: `${input.groupPrefix}.traces`, rules: traces },
    { name: `${input.groupPrefix}.pipeline`, rules: pipeline },
  ];
}

function volume(metric: string, namespace: string, claims: string): string {
  return sel(metric, [['namespace', '=', namespace], ['persistentvolumeclaim', '=~', claims]]);
}
