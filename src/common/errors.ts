/**
 * Thrown for input that would produce a manifest the cluster rejects or that crash-loops.
 * The message always names the prop, what it got and what is allowed.
 */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** Renders a value for an error message: strings quoted, everything else as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws a ValidationError of the form `<prop> must be <allowed>, got <value>`. */
export function invalidProp(prop: string, allowed: string, got: unknown): never {
  throw new ValidationError(`${prop} must be ${allowed}, got ${describeValue(got)}`);
}

/** Returns a boolean prop or its default; refuses other types (possible from JavaScript). */
export function optionalBoolean(prop: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidProp(prop, 'true or false', value);
  return value as boolean;
}

/** Returns `value` when it is one of `allowed`. */
export function checkOneOf<T extends string>(prop: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalidProp(prop, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
  }
  return value as T;
}
