/** What every Tempo pod shares, whichever profile runs it. */

/** Tempo's image runs as this user. */
export const TEMPO_UID = 10001;

/** Volume names of a Tempo pod. */
export const TEMPO_VOLUME = { config: 'config', data: 'data', tmp: 'tmp', serverTls: 'server-tls' } as const;

/** GOMEMLIMIT below the hard limit leaves room for non-heap memory before an OOM kill. */
export const GOMEMLIMIT_FRACTION = 0.85;

/** Tempo does not start in less. */
export const MIN_MEMORY_LIMIT_BYTES = 256 * 2 ** 20;
