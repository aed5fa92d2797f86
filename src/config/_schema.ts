/**
 * A small schema language for the config file: one definition validates a parsed YAML value
 * (collecting every error with its key path) and renders the JSON Schema editors use.
 */

import { Format, matches } from '../common/formats';

export type JsonSchema = { readonly [key: string]: unknown };

export interface Schema<T> {
  /** Validates `value` at `path`; appends `path: problem` messages to `errors`. */
  check(value: unknown, path: string, errors: string[]): T | undefined;
  /** The JSON Schema (draft-07) for this node. */
  jsonSchema(): JsonSchema;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

interface Common {
  readonly description: string;
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

function fail(errors: string[], path: string, allowed: string, value: unknown): undefined {
  errors.push(`${path || '(top level)'}: expected ${allowed}, got ${show(value)}`);
  return undefined;
}

export interface StringOptions extends Common {
  /** The format the value must have (shared with the constructs' own validation). */
  readonly format: Format;
  readonly examples?: readonly string[];
}

export function str(options: StringOptions): Schema<string> {
  const { format } = options;
  return {
    check(value, path, errors) {
      return matches(format, value) ? value : fail(errors, path, format.allowed, value);
    },
    jsonSchema: () => ({
      type: 'string',
      description: options.description,
      pattern: format.pattern.source,
      ...(format.maxLength !== undefined ? { maxLength: format.maxLength } : {}),
      ...(options.examples ? { examples: options.examples } : {}),
    }),
  };
}

export function oneOf<const V extends string>(values: readonly V[], options: Common): Schema<V> {
  const allowed = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    check(value, path, errors) {
      return typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as V) : fail(errors, path, allowed, value);
    },
    jsonSchema: () => ({ type: 'string', enum: values, description: options.description }),
  };
}

export interface IntOptions extends Common {
  readonly min: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

export function int(options: IntOptions): Schema<number> {
  const { min } = options;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const allowed = `an integer from ${min} to ${max}`;
  return {
    check(value, path, errors) {
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fail(errors, path, allowed, value);
    },
    jsonSchema: () => ({ type: 'integer', description: options.description, minimum: min, maximum: max }),
  };
}

/** A finite number within [min, max] (percentages). */
export function num(options: IntOptions & { readonly max: number }): Schema<number> {
  const allowed = `a number from ${options.min} to ${options.max}`;
  return {
    check(value, path, errors) {
      return typeof value === 'number' && Number.isFinite(value) && value >= options.min && value <= options.max ? value : fail(errors, path, allowed, value);
    },
    jsonSchema: () => ({ type: 'number', description: options.description, minimum: options.min, maximum: options.max }),
  };
}

export function bool(description: string): Schema<boolean> {
  return {
    check: (value, path, errors) => (typeof value === 'boolean' ? value : fail(errors, path, 'true or false', value)),
    jsonSchema: () => ({ type: 'boolean', description }),
  };
}

/** Marks an object member optional. */
export interface Optional<T> {
  readonly optional: Schema<T>;
}

export function optional<T>(schema: Schema<T>): Optional<T> {
  return { optional: schema };
}

type Member = Schema<unknown> | Optional<unknown>;
type Members = Readonly<Record<string, Member>>;
type RequiredKeys<M extends Members> = { [K in keyof M]: M[K] extends Optional<unknown> ? never : K }[keyof M];
type OptionalKeys<M extends Members> = { [K in keyof M]: M[K] extends Optional<unknown> ? K : never }[keyof M];
type MemberType<X> = X extends Optional<infer T> ? T : X extends Schema<infer T> ? T : never;
export type ObjectOf<M extends Members> = { readonly [K in RequiredKeys<M>]: MemberType<M[K]> } & { readonly [K in OptionalKeys<M>]?: MemberType<M[K]> };

function isOptional(member: Member): member is Optional<unknown> {
  return 'optional' in member;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function obj<M extends Members>(members: M, options: Common): Schema<ObjectOf<M>> {
  const keys = Object.keys(members);
  return {
    check(value, path, errors) {
      if (!isPlainObject(value)) return fail(errors, path, 'a mapping', value);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(members, key)) {
          errors.push(`${join(path, key)}: unknown key; allowed keys${path ? ` under ${path}` : ''}: ${keys.join(', ')}`);
        }
      }
      for (const key of keys) {
        const member = members[key];
        // `key:` with nothing after it is null: refused like any other wrong type (as the JSON
        // Schema does), so editors and synth agree.
        if (!Object.hasOwn(value, key)) {
          if (!isOptional(member)) errors.push(`${join(path, key)}: required key is missing`);
          continue;
        }
        const schema = isOptional(member) ? member.optional : member;
        const checked = schema.check(value[key], join(path, key), errors);
        if (checked !== undefined) out[key] = checked;
      }
      return out as ObjectOf<M>;
    },
    jsonSchema: () => ({
      type: 'object',
      description: options.description,
      additionalProperties: false,
      properties: Object.fromEntries(keys.map((k) => [k, (isOptional(members[k]) ? (members[k] as Optional<unknown>).optional : (members[k] as Schema<unknown>)).jsonSchema()])),
      ...(keys.some((k) => !isOptional(members[k])) ? { required: keys.filter((k) => !isOptional(members[k])) } : {}),
    }),
  };
}

export interface RecordOptions extends Common {
  /** The keys allowed. */
  readonly keys: readonly string[];
}

export function record<T>(values: Schema<T>, options: RecordOptions): Schema<Readonly<Record<string, T>>> {
  return {
    check(value, path, errors) {
      if (!isPlainObject(value)) return fail(errors, path, 'a mapping', value);
      const out: Record<string, T> = {};
      for (const key of Object.keys(value)) {
        const item = value[key];
        if (!options.keys.includes(key)) {
          errors.push(`${join(path, key)}: unknown key; allowed keys${path ? ` under ${path}` : ''}: ${options.keys.join(', ')}`);
          continue;
        }
        const checked = values.check(item, join(path, key), errors);
        if (checked !== undefined) out[key] = checked;
      }
      return out;
    },
    jsonSchema: () => ({
      type: 'object',
      description: options.description,
      propertyNames: { enum: options.keys },
      additionalProperties: values.jsonSchema(),
    }),
  };
}

/** A tagged union: the value of `tag` picks which object schema applies. */
export function tagged<const K extends string, V extends Readonly<Record<string, Schema<object>>>>(
  tag: K,
  variants: V,
  options: Common,
): Schema<{ [N in keyof V]: Infer<V[N]> & { readonly [T in K]: N } }[keyof V]> {
  const names = Object.keys(variants);
  const allowed = `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`;
  return {
    check(value, path, errors) {
      if (!isPlainObject(value)) return fail(errors, path, 'a mapping', value);
      const which = value[tag];
      if (typeof which !== 'string' || !Object.hasOwn(variants, which)) return fail(errors, join(path, tag), allowed, which);
      const { [tag]: _tag, ...rest } = value;
      void _tag;
      const checked = variants[which].check(rest, path, errors);
      return checked === undefined ? undefined : ({ ...checked, [tag]: which } as never);
    },
    jsonSchema: () => ({
      description: options.description,
      type: 'object',
      required: [tag],
      properties: { [tag]: { type: 'string', enum: names } },
      oneOf: names.map((n) => {
        const variant = variants[n].jsonSchema() as { properties?: Record<string, unknown>; required?: string[] };
        return {
          ...variant,
          properties: { [tag]: { const: n }, ...variant.properties },
          required: [tag, ...(variant.required ?? [])],
        };
      }),
    }),
  };
}

export interface ListOptions extends Common {
  /** Refuse repeated items. */
  readonly unique?: boolean;
  /** @default 0 */
  readonly minItems?: number;
}

/** A list whose items all have one schema. */
export function list<T>(items: Schema<T>, options: ListOptions): Schema<readonly T[]> {
  const minItems = options.minItems ?? 0;
  return {
    check(value, path, errors) {
      if (!Array.isArray(value) || value.length < minItems) {
        return fail(errors, path, minItems ? `a list of at least ${minItems} item${minItems > 1 ? 's' : ''}` : 'a list', value);
      }
      const out: T[] = [];
      for (const [i, item] of value.entries()) {
        const itemPath = `${path}[${i}]`;
        if (options.unique && value.indexOf(item) !== i) errors.push(`${itemPath}: repeats ${show(item)}; list each item once`);
        const checked = items.check(item, itemPath, errors);
        if (checked !== undefined) out.push(checked);
      }
      return out;
    },
    jsonSchema: () => ({
      type: 'array',
      description: options.description,
      items: items.jsonSchema(),
      ...(minItems ? { minItems } : {}),
      ...(options.unique ? { uniqueItems: true } : {}),
    }),
  };
}

export interface MapOptions extends Common {
  /** The format every key must have. */
  readonly keyFormat: Format;
}

/** A mapping with keys of one format (rather than a fixed set) and values of one schema. */
export function map<T>(values: Schema<T>, options: MapOptions): Schema<Readonly<Record<string, T>>> {
  return {
    check(value, path, errors) {
      if (!isPlainObject(value)) return fail(errors, path, 'a mapping', value);
      const out: Record<string, T> = {};
      for (const key of Object.keys(value)) {
        if (!matches(options.keyFormat, key)) {
          errors.push(`${join(path, key)}: key must be ${options.keyFormat.allowed}`);
          continue;
        }
        const checked = values.check(value[key], join(path, key), errors);
        if (checked !== undefined) out[key] = checked;
      }
      return out;
    },
    jsonSchema: () => ({
      type: 'object',
      description: options.description,
      propertyNames: { pattern: options.keyFormat.pattern.source, ...(options.keyFormat.maxLength ? { maxLength: options.keyFormat.maxLength } : {}) },
      additionalProperties: values.jsonSchema(),
    }),
  };
}
