import { ValidationError, describeValue, invalidProp } from '../common/errors';
import { FORMATS, checkFormat, matches } from '../common/formats';

/** Propagators Rocket.Chat's Node.js SDK builds from OTEL_PROPAGATORS without extra packages. */
export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'] as const;
export type Propagator = (typeof PROPAGATORS)[number];

/** The sampler Rocket.Chat gets: root spans sampled by trace id ratio, children follow their parent. */
export const SAMPLER = 'parentbased_traceidratio';

/** Rocket.Chat's tracer exports OTLP over gRPC only (it builds the gRPC exporter itself). */
export const PROTOCOL = 'grpc';

/** The OTLP/HTTP port: a gRPC exporter pointed there fails every export. */
const OTLP_HTTP_PORT = 4318;

/** Resource attributes the contract sets from dedicated props, or that Rocket.Chat overwrites. */
const RESERVED_ATTRIBUTES: Record<string, string> = {
  'service.name': 'Rocket.Chat sets service.name per process (core, ddp-streamer, presence-service, ...) and overwrites any other value',
  'service.version': 'set it with rocketChatVersion',
  'deployment.environment.name': 'set it with environment',
};

export interface EnvironmentInput {
  readonly endpoint: string;
  readonly environment: string;
  readonly rocketChatVersion?: string;
  readonly samplingRatio: number;
  readonly propagators: readonly Propagator[];
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly attributeValueLengthLimit: number;
  /** CA file verifying the collector's certificate (https endpoints). */
  readonly caFile?: string;
}

/** The CA file variable the OTLP exporter (and the Operator) reads for every signal. */
export const CERTIFICATE_ENV = 'OTEL_EXPORTER_OTLP_CERTIFICATE';

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

/**
 * The environment contract: every delivery form (Helm values, Operator Instrumentation,
 * Deployment patches, the library method) carries exactly these variables.
 */
export function tracingEnvironment(input: EnvironmentInput): EnvVar[] {
  const resource: [string, string][] = [
    ['deployment.environment.name', input.environment],
    ...(input.rocketChatVersion ? [['service.version', input.rocketChatVersion] as [string, string]] : []),
    ...Object.entries(input.resourceAttributes),
  ];
  return [
    { name: 'TRACING_ENABLED', value: 'true' },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: input.endpoint },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: PROTOCOL },
    ...(input.caFile ? [{ name: CERTIFICATE_ENV, value: input.caFile }] : []),
    { name: 'OTEL_TRACES_SAMPLER', value: SAMPLER },
    { name: 'OTEL_TRACES_SAMPLER_ARG', value: String(input.samplingRatio) },
    { name: 'OTEL_PROPAGATORS', value: input.propagators.join(',') },
    { name: 'OTEL_RESOURCE_ATTRIBUTES', value: resource.map(([k, v]) => `${k}=${v}`).join(',') },
    { name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', value: String(input.attributeValueLengthLimit) },
  ];
}

/** The collector URL Rocket.Chat exports to: `http(s)://host:port`, not the OTLP/HTTP port. */
export function checkGrpcEndpoint(prop: string, value: unknown): { url: string; port: number } {
  const match = typeof value === 'string' ? /^(https?):\/\/([^/:\s$]+):(\d{1,5})\/?$/.exec(value) : null;
  if (!match || !FORMATS.hostname.pattern.test(match[2]) || Number(match[3]) < 1 || Number(match[3]) > 65535) {
    invalidProp(prop, 'an OTLP gRPC URL such as "http://otel-collector.monitoring.svc:4317" (scheme, host and port, no path)', value);
  }
  if (Number(match[3]) === OTLP_HTTP_PORT) {
    throw new ValidationError(
      `${prop} must be an OTLP gRPC endpoint, got ${describeValue(value)}: port ${OTLP_HTTP_PORT} is OTLP/HTTP, and Rocket.Chat's native tracing exports OTLP over gRPC only (the collector's gRPC port is 4317)`,
    );
  }
  return { url: value as string, port: Number(match[3]) };
}

export function checkProtocol(prop: string, value: unknown): typeof PROTOCOL {
  if (value === undefined || value === PROTOCOL) return PROTOCOL;
  throw new ValidationError(
    `${prop} must be "grpc", got ${describeValue(value)}: Rocket.Chat's native tracing always builds the OTLP gRPC exporter and ignores other protocols (http/protobuf and http/json need a different exporter)`,
  );
}

export function checkSamplingRatio(prop: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    invalidProp(prop, 'a number between 0 and 1 (the fraction of root traces kept)', value);
  }
  return value as number;
}

export function checkPropagators(prop: string, value: unknown): Propagator[] {
  if (!Array.isArray(value) || value.length === 0) invalidProp(prop, `a non-empty list of ${PROPAGATORS.map((p) => `"${p}"`).join(', ')}`, value);
  const seen = new Set<string>();
  for (const [i, p] of (value as unknown[]).entries()) {
    if (typeof p !== 'string' || !(PROPAGATORS as readonly string[]).includes(p)) {
      invalidProp(`${prop}[${i}]`, `one of ${PROPAGATORS.map((x) => `"${x}"`).join(', ')}`, p);
    }
    if (seen.has(p as string)) throw new ValidationError(`${prop}[${i}] repeats ${describeValue(p)}; list each propagator once`);
    seen.add(p as string);
  }
  return value as Propagator[];
}

export function checkResourceAttributes(prop: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidProp(prop, 'a map of attribute names to values', value);
  for (const [key, attributeValue] of Object.entries(value as Record<string, unknown>)) {
    if (RESERVED_ATTRIBUTES[key]) throw new ValidationError(`${prop} must not set ${key}: ${RESERVED_ATTRIBUTES[key]}`);
    if (!matches(FORMATS.attributeKey, key)) throw new ValidationError(`${prop} keys must be ${FORMATS.attributeKey.allowed}, got ${describeValue(key)}`);
    checkFormat(`${prop}.${key}`, attributeValue, FORMATS.attributeValue);
  }
  return value as Record<string, string>;
}

