/**
 * How the collector samples traces. The choice is explicit: tail sampling decides per trace
 * once it is complete (keeps every error and slow trace), head sampling decides per span from
 * the trace id alone (cheaper, blind to errors), or none keeps everything.
 */
export type CollectorSampling = TailSampling | HeadSampling | NoSampling;

/** Tail sampling: a trace is kept when any policy keeps it. */
export interface TailSampling {
  readonly type: 'tail';
  /**
   * Keep every trace with a span whose status is ERROR.
   * @default true
   */
  readonly keepErrors?: boolean;
  /**
   * Keep every trace longer than this, in milliseconds; 0 turns the policy off.
   * @default 2000
   */
  readonly latencyThresholdMs?: number;
  /**
   * Percentage of the remaining traces kept, 0 to 100.
   * @default 10
   */
  readonly baselinePercentage?: number;
  /**
   * Keep at most this many spans per second through the baseline; 0 means no rate limit.
   * @default 0
   */
  readonly spansPerSecondLimit?: number;
  /**
   * How long to wait for a trace's spans before deciding, in seconds.
   * @default 30
   */
  readonly decisionWaitSeconds?: number;
  /**
   * Traces held in memory while waiting.
   * @default 50000
   */
  readonly numTraces?: number;
}

/** Head sampling: a fixed percentage of traces, chosen by trace id. */
export interface HeadSampling {
  readonly type: 'head';
  /** Percentage of traces kept, 0 to 100. */
  readonly percentage: number;
}

/** No sampling: every span is exported. */
export interface NoSampling {
  readonly type: 'none';
}
