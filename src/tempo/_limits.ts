import { ValidationError, invalidProp } from '../common/errors';
import { definedOnly } from '../common/objects';
import { retentionToSeconds } from '../common/units';
import { TenantLimits } from './limits';

/** Limits with every field decided. */
export type ResolvedTempoLimits = Required<TenantLimits>;

export const DEFAULT_LIMITS: Required<Omit<TenantLimits, 'blockRetention'>> = {
  maxTracesPerUser: 10000,
  maxBytesPerTrace: 5_000_000,
  ingestionRateLimitBytes: 15_000_000,
  ingestionBurstSizeBytes: 20_000_000,
};

const INTEGER_LIMITS = ['maxTracesPerUser', 'maxBytesPerTrace', 'ingestionRateLimitBytes', 'ingestionBurstSizeBytes'] as const;

/**
 * Tenants an overrides entry can apply to with multitenancy off: every trace belongs to
 * `single-tenant`; `*` is the entry for any tenant without its own.
 */
export const TENANT_IDS = ['single-tenant', '*'] as const;

/** The overrides entry for every tenant without its own. */
export const ANY_TENANT = '*';

/**
 * Fills limits from `base` and validates them. Tempo replaces (never merges) the defaults with a
 * tenant's entry, so every tenant entry is resolved against the defaults here.
 */
export function resolveLimits(prop: string, given: TenantLimits | undefined, base: ResolvedTempoLimits): ResolvedTempoLimits {
  const limits: ResolvedTempoLimits = { ...base, ...definedOnly(given ?? {}) };
  for (const key of INTEGER_LIMITS) {
    const value = limits[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      invalidProp(`${prop}.${key}`, 'a positive integer', value);
    }
  }
  if (limits.ingestionBurstSizeBytes < limits.ingestionRateLimitBytes) {
    throw new ValidationError(
      `${prop}.ingestionBurstSizeBytes must be at least ${prop}.ingestionRateLimitBytes (${limits.ingestionRateLimitBytes}), got ${limits.ingestionBurstSizeBytes}`,
    );
  }
  retentionToSeconds(`${prop}.blockRetention`, limits.blockRetention);
  return limits;
}

/** Checks an overrides key against the tenants that can send traces. */
export function validateTenantId(prop: string, tenant: string, tenants: readonly string[]): void {
  if (tenants.length === 0) {
    if (!(TENANT_IDS as readonly string[]).includes(tenant)) {
      invalidProp(prop, `${TENANT_IDS.map((t) => `"${t}"`).join(' or ')} (multitenancy is off: every trace belongs to "single-tenant")`, tenant);
    }
    return;
  }
  if (tenant !== ANY_TENANT && !tenants.includes(tenant)) {
    invalidProp(prop, `one of tenants (${tenants.map((t) => `"${t}"`).join(', ')}) or "${ANY_TENANT}"`, tenant);
  }
}
