import { CollectorSampling } from './sampling';

/** Tail sampling waits this long for a trace's spans before deciding, unless told otherwise. */
export const DEFAULT_DECISION_WAIT_SECONDS = 30;

/**
 * How long the collector holds spans before exporting them: the tail-sampling decision wait
 * (batching adds about a second). Backends that judge spans by arrival time need this slack.
 */
export function samplingHoldSeconds(sampling: CollectorSampling | undefined): number {
  if (sampling !== undefined && sampling.type !== 'tail') return 0;
  const wait = sampling?.decisionWaitSeconds;
  return typeof wait === 'number' && Number.isFinite(wait) ? wait : DEFAULT_DECISION_WAIT_SECONDS;
}
