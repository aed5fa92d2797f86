import { invalidProp } from './errors';

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
export const QUANTITY_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
export const CPU_PATTERN = /^(?:[0-9]+(?:\.[0-9]+)?|[0-9]+m)$/;
// Go's time.ParseDuration units; Tempo reads every duration through it.
export const GO_DURATION_PATTERN = /^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION_UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Parses a Kubernetes memory/storage quantity (`1Gi`, `500M`, `1073741824`) into bytes. */
export function quantityToBytes(prop: string, quantity: string): number {
  const match = typeof quantity === 'string' ? QUANTITY_PATTERN.exec(quantity) : null;
  if (!match) {
    return invalidProp(prop, 'a Kubernetes quantity such as "1Gi", "512Mi" or "500M"', quantity);
  }
  const factor = BINARY_SUFFIX[match[2] ?? ''] ?? DECIMAL_SUFFIX[match[2] ?? ''];
  const bytes = Number(match[1]) * factor;
  if (bytes <= 0) return invalidProp(prop, 'greater than zero', quantity);
  return bytes;
}

/** Parses a Kubernetes CPU quantity (`500m`, `1`, `0.5`) into millicores. */
export function cpuToMillis(prop: string, cpu: string): number {
  if (typeof cpu !== 'string' || !CPU_PATTERN.test(cpu)) {
    return invalidProp(prop, 'a CPU quantity such as "500m" or "1"', cpu);
  }
  const millis = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
  if (millis <= 0) return invalidProp(prop, 'greater than zero', cpu);
  return millis;
}

/** Parses a Go duration (`168h`, `1h30m`, `90s`) into seconds. */
export function goDurationToSeconds(prop: string, duration: string): number {
  if (typeof duration !== 'string' || !GO_DURATION_PATTERN.test(duration)) {
    return invalidProp(prop, 'a Go duration such as "168h", "72h" or "30m"', duration);
  }
  let seconds = 0;
  for (const [, amount, unit] of duration.matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)) {
    seconds += Number(amount) * DURATION_UNIT_SECONDS[unit];
  }
  return seconds;
}

/**
 * GOMEMLIMIT for a container: a soft limit below the hard memory limit so the Go runtime
 * collects garbage before the kernel OOM-kills the process.
 */
export function goMemLimit(prop: string, memoryLimit: string, fraction: number): string {
  const bytes = quantityToBytes(prop, memoryLimit);
  return `${Math.floor((bytes * fraction) / 2 ** 20)}MiB`;
}
