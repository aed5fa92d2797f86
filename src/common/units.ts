import { ValidationError, invalidProp } from './errors';
import { FORMATS, checkFormat } from './formats';

const BYTES_PER_UNIT: Record<string, number> = {
  '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const SECONDS_PER_UNIT: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** Parses a Kubernetes memory/storage quantity (`1Gi`, `500M`, `1073741824`) into bytes. */
export function quantityToBytes(prop: string, quantity: string): number {
  const match = FORMATS.quantity.pattern.exec(checkFormat(prop, quantity, FORMATS.quantity))!;
  const bytes = Number(match[1]) * BYTES_PER_UNIT[match[3] ?? ''];
  if (bytes <= 0) return invalidProp(prop, 'greater than zero', quantity);
  return bytes;
}

/** Parses a Kubernetes CPU quantity (`500m`, `1`, `0.5`) into millicores. */
export function cpuToMillis(prop: string, cpu: string): number {
  checkFormat(prop, cpu, FORMATS.cpu);
  const millis = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
  if (millis <= 0) return invalidProp(prop, 'greater than zero', cpu);
  return millis;
}

/** Parses a retention (`168h`, `72h30m`) into seconds; it must be positive. */
export function retentionToSeconds(prop: string, retention: string): number {
  checkFormat(prop, retention, FORMATS.retention);
  let seconds = 0;
  for (const [, amount, unit] of retention.matchAll(/(\d+)([hms])/g)) seconds += Number(amount) * SECONDS_PER_UNIT[unit];
  if (seconds <= 0) return invalidProp(prop, 'a positive duration', retention);
  return seconds;
}

/** Validates a Prometheus duration that must be positive (scrape intervals). */
export function checkPositivePrometheusDuration(prop: string, duration: string): string {
  checkFormat(prop, duration, FORMATS.prometheusDuration);
  if (!/[1-9]/.test(duration)) return invalidProp(prop, 'a positive duration', duration);
  return duration;
}

/**
 * GOMEMLIMIT for a container: a soft limit below the hard memory limit so the Go runtime
 * collects garbage before the kernel OOM-kills the process.
 */
export function goMemLimit(prop: string, memoryLimit: string, fraction: number, minimumBytes: number): string {
  const bytes = quantityToBytes(prop, memoryLimit);
  if (bytes < minimumBytes) {
    throw new ValidationError(`${prop} must be at least ${minimumBytes / 2 ** 20}Mi, got ${JSON.stringify(memoryLimit)}`);
  }
  return `${Math.floor((bytes * fraction) / 2 ** 20)}MiB`;
}
