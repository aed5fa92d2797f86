import { ValidationError, invalidProp } from '../common/errors';
import { definedOnly } from '../common/objects';
import { goDurationToSeconds } from '../common/units';
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

/** Validates a positive Go duration such as `168h`. */
export function validatePositiveDuration(prop: string, value: string): void {
  if (goDurationToSeconds(prop, value) <= 0) invalidProp(prop, 'a positive Go duration such as "168h"', value);
}

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
  validatePositiveDuration(`${prop}.blockRetention`, limits.blockRetention);
  return limits;
}

// Tempo tenant ids follow Cortex's rules: 1-150 safe characters, and not "." or "..".
export const TENANT_ID_PATTERN = /^[A-Za-z0-9!._*'()-]{1,150}$/;

export function validateTenantId(prop: string, tenant: string): void {
  if (!TENANT_ID_PATTERN.test(tenant) || tenant === '.' || tenant === '..') {
    invalidProp(prop, "a tenant id of 1-150 characters from A-Z a-z 0-9 ! - _ . * ' ( ), or \"*\" for every tenant", tenant);
  }
}
