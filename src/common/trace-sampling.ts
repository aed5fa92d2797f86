/**
 * How the collector keeps traces, so request rates and error ratios can be estimated from span
 * metrics, which Tempo computes from the traces that were kept. An OtelCollector states its own.
 */
export interface TraceSamplingModel {
  /** Fraction of ordinary traces kept, in (0, 1]; 1 when nothing is sampled out. */
  readonly keptFraction: number;
  /** Every trace with an error is kept (tail sampling's error policy), whatever `keptFraction`. */
  readonly errorsAlwaysKept: boolean;
  /**
   * Every trace slower than this many seconds is kept (tail sampling's latency policy).
   * @default - no such policy
   */
  readonly slowTracesKeptAboveSeconds?: number;
}

/** All traces kept. */
export const ALL_TRACES_KEPT: TraceSamplingModel = { keptFraction: 1, errorsAlwaysKept: true };
