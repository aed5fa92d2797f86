/** Thresholds of the trace and pipeline alerts. Ratios are between 0 and 1. */
export interface TracingAlertThresholds {
  /**
   * Error ratio of a service's requests (spans of the request kinds with status ERROR) over 5
   * minutes above which `TracingHighErrorRatio` fires.
   * @default 0.05
   */
  readonly errorRatio?: number;
  /**
   * p99 request latency of a service over 5 minutes, in seconds, above which
   * `TracingHighLatencyP99` fires.
   * @default 2
   */
  readonly p99LatencySeconds?: number;
  /**
   * Success ratio objective: `TracingSuccessRateBelowSlo` fires when a service's non-error ratio
   * over 1 hour falls below it.
   * @default 0.99
   */
  readonly successRateSlo?: number;
  /**
   * Requests per second a service needs before the error, latency and success alerts judge it,
   * so a handful of failed requests on an idle service does not page.
   * @default 1
   */
  readonly minRequestsPerSecond?: number;
  /**
   * Fill ratio of a collector exporter's sending queue above which `OtelCollectorQueueNearFull` fires.
   * @default 0.8
   */
  readonly queueFillRatio?: number;
  /**
   * Fill ratio of Tempo's data volume above which `TempoStorageNearFull` fires.
   * @default 0.85
   */
  readonly storageFillRatio?: number;
}
