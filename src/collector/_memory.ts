// memory_limiter: hard limit at 80% of the container limit, spikes of 25% of that, so it starts
// refusing data at the soft limit (hard minus spike). GOMEMLIMIT sits at that soft limit: the Go
// runtime collects harder from the point where the limiter starts pushing back.
export const MEMORY_LIMIT_FRACTION = 0.8;
export const SPIKE_FRACTION = 0.25;
/** Share of the container memory limit below which the memory_limiter accepts data. */
export const MEMORY_LIMITER_SOFT_FRACTION = MEMORY_LIMIT_FRACTION * (1 - SPIKE_FRACTION);
