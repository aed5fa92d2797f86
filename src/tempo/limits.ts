/** Per-tenant limits, emitted in Tempo's scoped overrides format. */
export interface TempoLimits {
  /**
   * Live traces a tenant may hold in memory at once.
   * @default 10000
   */
  readonly maxTracesPerUser?: number;
  /**
   * Largest trace accepted, in bytes; spans beyond it are refused.
   * @default 5000000
   */
  readonly maxBytesPerTrace?: number;
  /**
   * Sustained ingestion rate per tenant, in bytes per second.
   * @default 15000000
   */
  readonly ingestionRateLimitBytes?: number;
  /**
   * Ingestion burst per tenant, in bytes. At least `ingestionRateLimitBytes`.
   * @default 20000000
   */
  readonly ingestionBurstSizeBytes?: number;
}

/** Limits for one tenant: the default limits plus its own retention. */
export interface TenantLimits extends TempoLimits {
  /**
   * How long this tenant's blocks are kept, as a Go duration.
   * @default - the stack's `retention`
   */
  readonly blockRetention?: string;
}
