import { TraceSamplingModel } from '../common/trace-sampling';
import { TracingAlertThresholds } from './alert-thresholds';
import { Matcher } from './_promql';

/**
 * Metric names the dashboards and alerts query, each checked in upstream source at the pinned
 * versions (see README "Grafana integration").
 */

/**
 * Tempo metrics-generator, remote-written to Prometheus (grafana/tempo v3.0.3 and v2.10.8,
 * modules/generator/processor/{spanmetrics,servicegraphs}). Labels of span metrics: service,
 * span_name, span_kind, status_code (modules/generator/processor/dimension_names.go). Histograms
 * are classic (`generate_native_histograms: classic`), so `_bucket` series exist.
 */
export const SPAN_METRICS = {
  calls: 'traces_spanmetrics_calls_total',
  latencyBucket: 'traces_spanmetrics_latency_bucket',
} as const;

export const SERVICE_GRAPH = {
  requests: 'traces_service_graph_request_total',
  failedRequests: 'traces_service_graph_request_failed_total',
  serverSecondsBucket: 'traces_service_graph_request_server_seconds_bucket',
} as const;

/** `status_code` and `span_kind` values: the OTLP enum names (`Status_StatusCode.String()`). */
export const STATUS_CODE_ERROR = 'STATUS_CODE_ERROR';

/**
 * The collector's own metrics at 0.158.0 (opentelemetry-collector v0.158.0,
 * {receiver/receiverhelper,exporter/exporterhelper,processor/processorhelper}/metadata.yaml).
 * No `_total` suffix and no unit suffix: a Prometheus pull reader configured without
 * `without_type_suffix`/`without_units` gets both set to true
 * (service/telemetry/otelconftelemetry/internal/migration/v0.3.0.go, applyPrometheusDefaults).
 * Labels: `receiver`, `transport`; `exporter`; `exporter`, `data_type` on queue gauges; `processor`.
 * Receiver errors count as refused unless a feature gate splits out `_failed_` (receiverhelper/obsreport.go).
 */
export const COLLECTOR_METRICS = {
  acceptedSpans: 'otelcol_receiver_accepted_spans',
  refusedSpans: 'otelcol_receiver_refused_spans',
  sentSpans: 'otelcol_exporter_sent_spans',
  sendFailedSpans: 'otelcol_exporter_send_failed_spans',
  enqueueFailedSpans: 'otelcol_exporter_enqueue_failed_spans',
  queueSize: 'otelcol_exporter_queue_size',
  queueCapacity: 'otelcol_exporter_queue_capacity',
  processorIncoming: 'otelcol_processor_incoming_items',
  processorOutgoing: 'otelcol_processor_outgoing_items',
} as const;

/**
 * Tempo's own metrics, present in both v3.0.3 and v2.10.8 unless noted
 * (modules/distributor/distributor.go, modules/overrides/{discarded_spans,config}.go,
 * modules/generator/instance.go, modules/generator/localserieslimiter/local_series_limiter.go).
 */
export const TEMPO_METRICS = {
  spansReceived: 'tempo_distributor_spans_received_total',
  /** Bytes offered, before limits. */
  ingressBytes: 'tempo_distributor_ingress_bytes_total',
  /** Bytes accepted, after limits. */
  bytesReceived: 'tempo_distributor_bytes_received_total',
  /** Label `reason`: rate_limited, trace_too_large, live_traces_exceeded, … */
  discardedSpans: 'tempo_discarded_spans_total',
  /** Label `limit_name`, e.g. ingestion_rate_limit_bytes, max_local_traces_per_user. */
  limits: 'tempo_limits_defaults',
  /** 3.0 (live-store). */
  liveStoreLiveTraces: 'tempo_live_store_live_traces',
  /** 2.10 (ingester). */
  ingesterLiveTraces: 'tempo_ingester_live_traces',
  generatorSpansReceived: 'tempo_metrics_generator_spans_received_total',
  /** Label `reason`: outside_metrics_ingestion_slack, invalid_utf8, *_filtered (by design). */
  generatorSpansDiscarded: 'tempo_metrics_generator_spans_discarded_total',
  generatorActiveSeries: 'tempo_metrics_generator_registry_active_series',
  generatorMaxActiveSeries: 'tempo_metrics_generator_registry_max_active_series',
  generatorSeriesLimited: 'tempo_metrics_generator_registry_series_limited_total',
} as const;

/** kubelet volume statistics, as kube-prometheus-stack scrapes them (labels namespace, persistentvolumeclaim). */
export const KUBELET_METRICS = {
  volumeUsedBytes: 'kubelet_volume_stats_used_bytes',
  volumeCapacityBytes: 'kubelet_volume_stats_capacity_bytes',
} as const;

/** Tempo's limit names in `tempo_limits_defaults` (modules/overrides/config.go). */
export const TEMPO_LIMIT_NAMES = {
  ingestionRateBytes: 'ingestion_rate_limit_bytes',
  maxLocalTracesPerUser: 'max_local_traces_per_user',
} as const;

/** What the dashboards and the alerts read: the stack's metric sources and how spans were sampled. */
export interface MetricSources {
  /** `span_kind` matcher of the spans counted as requests. */
  readonly requestKinds: Matcher;
  readonly thresholds: Required<TracingAlertThresholds>;
  readonly collector: { readonly namespace: string; readonly serviceName: string };
  readonly tempo: { readonly namespace: string; readonly serviceName: string };
  /** Regex of Tempo's data PersistentVolumeClaims; no volume panel or alert without it. */
  readonly tempoVolumeClaims?: string;
  /** How the collector samples: span metrics count kept traces only. */
  readonly sampling: TraceSamplingModel;
}
