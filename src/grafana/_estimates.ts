import { TraceSamplingModel } from '../common/trace-sampling';
import { rate, sumBy } from './_promql';

/**
 * Per-service request rate, error ratio and success ratio, estimated for all requests from the
 * span metrics of the kept traces: kept ordinary requests count 1/keptFraction each, errors 1
 * each when every error is kept. Ordinary traces kept only for being slow are counted
 * 1/keptFraction too, which overstates successes slightly: the error estimate errs low, so an
 * alert fires no earlier than the true ratio warrants.
 */
export function requestEstimates(model: TraceSamplingModel, calls: { all: string; errors: string; successes: string }, by: readonly string[]) {
  const sum = (selector: string, window: string) => sumBy(by, rate(selector, window));
  if (model.keptFraction === 1) {
    const total = (w: string) => sum(calls.all, w);
    return {
      requestRate: total,
      errorRatio: (w: string) => `${sum(calls.errors, w)} / ${total(w)}`,
      // A service whose every request failed has no non-error series: count it as 0 successes.
      successRatio: (w: string) => `(${sum(calls.successes, w)} or 0 * ${total(w)}) / ${total(w)}`,
    };
  }
  const scale = round(1 / model.keptFraction);
  // `or 0 * total`: a service with no error (or no success) series still gets a value.
  const part = (selector: string, w: string) => `(${sum(selector, w)} or 0 * ${sum(calls.all, w)})`;
  const errors = (w: string) => (model.errorsAlwaysKept ? part(calls.errors, w) : `${scale} * ${part(calls.errors, w)}`);
  const successes = (w: string) => `${scale} * ${part(calls.successes, w)}`;
  const total = (w: string) => `(${errors(w)} + ${successes(w)})`;
  return {
    requestRate: total,
    errorRatio: (w: string) => `${errors(w)} / ${total(w)}`,
    successRatio: (w: string) => `${successes(w)} / ${total(w)}`,
  };
}

/**
 * The quantile of the kept spans' latencies that stands for quantile `q` of all requests. When
 * every trace slower than `threshold` is kept and the rest at `keptFraction`, a share s of slow
 * requests shows up as s / (s + keptFraction * (1 - s)); at or above the latency policy's limit
 * that share is exact, so the alert compares the matching kept quantile with the threshold.
 */
export function keptQuantile(model: TraceSamplingModel, q: number, thresholdSeconds: number): number {
  const slow = model.slowTracesKeptAboveSeconds;
  if (model.keptFraction === 1 || slow === undefined || thresholdSeconds < slow) return q;
  const tail = 1 - q;
  return round(1 - tail / (tail + model.keptFraction * (1 - tail)));
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
