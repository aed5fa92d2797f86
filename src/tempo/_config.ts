import { ResolvedTempoLimits } from './_limits';
import { RECEIVER_PORTS, ReceiverName } from './_receivers';
import { storageBackendConfig, StorageBackendConfig } from './_storage';
import { TempoStorage } from './storage';
import { TempoVersion } from './version';

/** Mount point of the data volume; every path Tempo writes is below it (read-only root). */
export const DATA_DIR = '/var/tempo';
/** Mount point of the ConfigMap holding tempo.yaml and the runtime overrides. */
export const CONFIG_DIR = '/conf';

// ---- Typed shape of the tempo.yaml keys this project emits. Each key was checked against the
// yaml struct tags at the pinned tags v3.0.3 and v2.10.8 (cmd/tempo/app/config.go and modules).

interface Endpoint {
  readonly endpoint: string;
}

/** `distributor.receivers`: the OpenTelemetry receiver configs Tempo embeds. */
interface ReceiversConfig {
  readonly otlp?: { readonly protocols: { readonly grpc?: Endpoint; readonly http?: Endpoint } };
  readonly jaeger?: {
    readonly protocols: {
      readonly grpc?: Endpoint;
      readonly thrift_http?: Endpoint;
      readonly thrift_compact?: Endpoint;
      readonly thrift_binary?: Endpoint;
    };
  };
  readonly zipkin?: Endpoint;
}

/** The scoped overrides shape (`overrides.defaults` and each tenant of the runtime file). */
export interface ScopedOverrides {
  readonly ingestion: {
    // "global" would divide the limit over a distributor ring a monolith does not run.
    readonly rate_strategy: 'local';
    readonly rate_limit_bytes: number;
    readonly burst_size_bytes: number;
    readonly max_traces_per_user: number;
  };
  readonly global: { readonly max_bytes_per_trace: number };
  readonly compaction: { readonly block_retention: string };
  readonly metrics_generator?: { readonly processors: readonly MetricsGeneratorProcessor[] };
}

export type MetricsGeneratorProcessor = 'service-graphs' | 'span-metrics';

interface MetricsGeneratorConfig {
  readonly registry: { readonly external_labels: Readonly<Record<string, string>> };
  readonly storage: {
    readonly path: string;
    readonly remote_write: readonly { readonly url: string; readonly send_exemplars: boolean }[];
  };
}

interface CompactionRetention {
  readonly compaction: { readonly block_retention: string };
}

interface TempoConfigCommon {
  readonly target: 'all';
  readonly multitenancy_enabled: boolean;
  readonly stream_over_http_enabled: boolean;
  readonly server: { readonly http_listen_port: number; readonly grpc_listen_port: number; readonly log_level: string };
  readonly usage_report: { readonly reporting_enabled: boolean };
  readonly distributor: { readonly receivers: ReceiversConfig };
  readonly metrics_generator?: MetricsGeneratorConfig;
  readonly storage: { readonly trace: StorageBackendConfig & { readonly wal: { readonly path: string } } };
  readonly overrides: {
    readonly per_tenant_override_config: string;
    readonly per_tenant_override_period: string;
    readonly defaults: ScopedOverrides;
  };
}

/** Tempo 2.10: the ingester holds live traces; the compactor applies retention. */
export interface Tempo210Config extends TempoConfigCommon {
  readonly compactor: CompactionRetention;
}

/**
 * Tempo 3.0: `ingester` and `compactor` are gone (strict parsing refuses them); the live-store
 * holds live traces and the backend worker applies retention. A monolith needs no Kafka.
 */
export interface Tempo30Config extends TempoConfigCommon {
  readonly live_store: { readonly wal: { readonly path: string }; readonly shutdown_marker_dir: string };
  readonly backend_scheduler: { readonly local_work_path: string };
  readonly backend_worker: CompactionRetention;
}

export type TempoConfig = Tempo210Config | Tempo30Config;

/** The per-tenant runtime overrides file. It must never be empty: Tempo refuses to start. */
export interface TempoOverridesFile {
  readonly overrides: Readonly<Record<string, ScopedOverrides>>;
}

export interface TempoConfigInput {
  readonly version: TempoVersion;
  readonly storage: TempoStorage;
  readonly retention: string;
  readonly limits: ResolvedTempoLimits;
  readonly receivers: readonly ReceiverName[];
  readonly generator: { readonly enabled: boolean; readonly remoteWriteUrl: string; readonly sendExemplars: boolean };
  readonly usageReporting: boolean;
  readonly logLevel: string;
  readonly overridesFile: string;
}

const GENERATOR_PROCESSORS: readonly MetricsGeneratorProcessor[] = ['service-graphs', 'span-metrics'];

function listen(receiver: ReceiverName): Endpoint {
  // Receivers bind to localhost unless told otherwise (since Tempo 2.7).
  return { endpoint: `0.0.0.0:${RECEIVER_PORTS[receiver].port}` };
}

function receiversConfig(enabled: readonly ReceiverName[]): ReceiversConfig {
  const on = (r: ReceiverName) => (enabled.includes(r) ? listen(r) : undefined);
  const otlp = { grpc: on('otlpGrpc'), http: on('otlpHttp') };
  const jaeger = {
    grpc: on('jaegerGrpc'),
    thrift_http: on('jaegerThriftHttp'),
    thrift_compact: on('jaegerThriftCompact'),
    thrift_binary: on('jaegerThriftBinary'),
  };
  return prune({
    otlp: hasAny(otlp) ? { protocols: otlp } : undefined,
    jaeger: hasAny(jaeger) ? { protocols: jaeger } : undefined,
    zipkin: on('zipkin'),
  });
}

/** Scoped overrides for one tenant (or the defaults), complete: Tempo does not merge entries. */
export function scopedOverrides(limits: ResolvedTempoLimits, generatorEnabled: boolean): ScopedOverrides {
  return {
    ingestion: {
      rate_strategy: 'local',
      rate_limit_bytes: limits.ingestionRateLimitBytes,
      burst_size_bytes: limits.ingestionBurstSizeBytes,
      max_traces_per_user: limits.maxTracesPerUser,
    },
    global: { max_bytes_per_trace: limits.maxBytesPerTrace },
    compaction: { block_retention: limits.blockRetention },
    // The generator only processes spans of tenants whose overrides list processors.
    ...(generatorEnabled ? { metrics_generator: { processors: GENERATOR_PROCESSORS } } : {}),
  };
}

/** Builds tempo.yaml for the chosen version as a typed object. */
export function buildTempoConfig(input: TempoConfigInput): TempoConfig {
  const retention: CompactionRetention = { compaction: { block_retention: input.retention } };
  const common: TempoConfigCommon = {
    target: 'all',
    multitenancy_enabled: false,
    stream_over_http_enabled: true,
    server: { http_listen_port: 3200, grpc_listen_port: 9095, log_level: input.logLevel },
    usage_report: { reporting_enabled: input.usageReporting },
    distributor: { receivers: receiversConfig(input.receivers) },
    ...(input.generator.enabled
      ? {
        metrics_generator: {
          registry: { external_labels: { source: 'tempo' } },
          // Without a storage path the generator silently disables itself.
          storage: {
            path: `${DATA_DIR}/generator/wal`,
            remote_write: [{ url: input.generator.remoteWriteUrl, send_exemplars: input.generator.sendExemplars }],
          },
        },
      }
      : {}),
    storage: {
      trace: {
        ...storageBackendConfig(input.storage, `${DATA_DIR}/blocks`),
        wal: { path: `${DATA_DIR}/wal` },
      },
    },
    overrides: {
      per_tenant_override_config: input.overridesFile,
      per_tenant_override_period: '10s',
      defaults: scopedOverrides(input.limits, input.generator.enabled),
    },
  };
  if (input.version.line === '2.10') {
    const config: Tempo210Config = { ...common, compactor: retention };
    return config;
  }
  const config: Tempo30Config = {
    ...common,
    live_store: {
      wal: { path: `${DATA_DIR}/live-store/traces` },
      shutdown_marker_dir: `${DATA_DIR}/live-store/shutdown-marker`,
    },
    backend_scheduler: { local_work_path: `${DATA_DIR}/backend-scheduler` },
    backend_worker: retention,
  };
  return config;
}

/** Builds the runtime overrides file; each tenant entry is complete (defaults merged in). */
export function buildOverridesFile(tenants: Readonly<Record<string, ResolvedTempoLimits>>, generatorEnabled: boolean): TempoOverridesFile {
  const overrides: Record<string, ScopedOverrides> = {};
  for (const tenant of Object.keys(tenants).sort()) {
    overrides[tenant] = scopedOverrides(tenants[tenant], generatorEnabled);
  }
  return { overrides };
}

function hasAny(o: object): boolean {
  return Object.values(o).some((v) => v !== undefined);
}

/** Drops undefined members so the serialised YAML holds only what is set. */
function prune<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? prune(v) : v;
  }
  return out as T;
}
