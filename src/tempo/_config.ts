import { ResolvedTempoLimits } from './_limits';
import { RECEIVER_PORTS, ReceiverName, SERVER_PORTS } from './_receivers';
import { StorageBackendConfig } from './_storage';
import { TempoLine, TempoVersion } from './version';
import { TLS_RELOAD_INTERVAL } from '../common/tls';

/** Mount point of the data volume; every path Tempo writes is below it (read-only root). */
export const DATA_DIR = '/var/tempo';
/** Mount point of the ConfigMap holding tempo.yaml and the runtime overrides. */
export const CONFIG_DIR = '/conf';

// ---- Typed shape of the tempo.yaml keys this project emits. Each key was checked against the
// yaml struct tags at the pinned tags v3.0.3 and v2.10.8 (cmd/tempo/app/config.go and modules).

/** Where the receivers' certificate is mounted when they serve TLS. */
export const SERVER_TLS_DIR = '/tls/server';

interface Endpoint {
  readonly endpoint: string;
  readonly tls?: { readonly cert_file: string; readonly key_file: string; readonly reload_interval: string };
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

/**
 * The scoped overrides shape (`overrides.defaults` and each tenant of the runtime file). Tempo
 * uses a tenant's entry whole, without merging `defaults` into it, so every entry this project
 * writes restates Tempo's own non-zero defaults (from Tempo's reference manifest at each pinned
 * tag); an omitted field would otherwise become zero (e.g. an unlimited tag-values query size).
 */
export interface ScopedOverrides {
  readonly ingestion: {
    // Per distributor. "global" would divide the limit by the distributor count, while each
    // collector pod holds one gRPC connection and so sends all its spans to one distributor.
    readonly rate_strategy: 'local';
    readonly rate_limit_bytes: number;
    readonly burst_size_bytes: number;
    readonly max_traces_per_user: number;
    readonly retry_info_enabled: boolean;
  };
  readonly read: {
    readonly max_bytes_per_tag_values_query: number;
    /** 3.0 only. */
    readonly max_condition_groups_per_tag_query?: number;
  };
  readonly global: { readonly max_bytes_per_trace: number };
  readonly compaction: { readonly block_retention: string };
  readonly metrics_generator: {
    readonly processors?: readonly MetricsGeneratorProcessor[];
    readonly generate_native_histograms: 'classic';
    readonly native_histogram_bucket_factor: number;
    readonly native_histogram_max_bucket_number: number;
    readonly native_histogram_min_reset_duration: string;
  };
}

export type MetricsGeneratorProcessor = 'service-graphs' | 'span-metrics' | 'local-blocks';

interface MetricsGeneratorConfig {
  readonly metrics_ingestion_time_range_slack: string;
  readonly registry: {
    readonly external_labels: Readonly<Record<string, string>>;
    /** With multitenancy: the label carrying each series' tenant, so tenants never share a series. */
    readonly inject_tenant_id_as?: string;
  };
  readonly storage: {
    readonly path: string;
    readonly remote_write: readonly { readonly url: string; readonly send_exemplars: boolean }[];
  };
  /** 2.10 only (removed in 3.0): blocks of recent spans for the local-blocks processor. */
  readonly traces_storage?: { readonly path: string };
}

interface CompactionRetention {
  readonly compaction: { readonly block_retention: string };
}

/** A dskit ring kept in memberlist. */
interface MemberlistRing {
  readonly kvstore: { readonly store: 'memberlist' };
}

interface MemberlistConfig {
  readonly abort_if_cluster_join_fails: boolean;
  readonly bind_port: number;
  readonly join_members: readonly string[];
  /** Gossip from another Tempo cluster (e.g. one being migrated from) is refused, not merged. */
  readonly cluster_label: string;
}

interface QuerierConfig {
  readonly frontend_worker: { readonly frontend_address: string };
}

interface TempoConfigCommon {
  /** Absent in the scalable profile: each workload passes `-target`. */
  readonly target?: 'all';
  readonly multitenancy_enabled: boolean;
  readonly stream_over_http_enabled: boolean;
  readonly server: { readonly http_listen_port: number; readonly grpc_listen_port: number; readonly log_level: string };
  readonly usage_report: { readonly reporting_enabled: boolean };
  readonly distributor: { readonly receivers: ReceiversConfig };
  readonly memberlist?: MemberlistConfig;
  readonly querier?: QuerierConfig;
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
  readonly compactor: CompactionRetention & { readonly ring?: MemberlistRing };
  /** Scalable only: distributors and queriers read the ingester ring with this replication factor. */
  readonly ingester?: { readonly lifecycler: { readonly ring: MemberlistRing & { readonly replication_factor: number } } };
}

/**
 * Tempo 3.0: `ingester` and `compactor` are gone (strict parsing refuses them); the live-store
 * holds live traces and the backend worker applies retention. A monolith needs no Kafka.
 */
export interface Tempo30Config extends TempoConfigCommon {
  readonly live_store: {
    readonly wal: { readonly path: string };
    readonly shutdown_marker_dir: string;
    /** Scalable only: a live-store is ready once it has caught up with Kafka (or waited 5m). */
    readonly readiness_target_lag?: string;
    readonly readiness_max_wait?: string;
    /** Scalable only: how long an owner-less partition fails reads before it is dropped (13h by default). */
    readonly partition_ring?: { readonly delete_inactive_partition_after: string };
  };
  readonly backend_scheduler: { readonly local_work_path: string };
  readonly backend_worker: CompactionRetention & { readonly backend_scheduler_addr?: string; readonly ring?: MemberlistRing };
  /** Scalable only: the Kafka log between distributors and the live-stores, block-builders and generator. */
  readonly ingest?: { readonly kafka: KafkaConfig };
  /** Scalable only: each block-builder consumes the partition of its ordinal. */
  readonly block_builder?: { readonly partitions_per_instance: number };
}

interface KafkaConfig {
  readonly address: string;
  readonly topic: string;
  // Auto-creation would set the broker-wide default partition count (num.partitions) to 1000.
  readonly auto_create_topic_enabled: false;
  readonly sasl_username?: string;
  readonly sasl_password?: string;
}

export type TempoConfig = Tempo210Config | Tempo30Config;

/** The per-tenant runtime overrides file. It must never be empty: Tempo refuses to start. */
export interface TempoOverridesFile {
  readonly overrides: Readonly<Record<string, ScopedOverrides>>;
}

export interface TempoConfigInput {
  readonly version: TempoVersion;
  /** Tenants come from the X-Scope-OrgID header; every component must agree. */
  readonly multitenancy: boolean;
  readonly storage: StorageBackendConfig;
  readonly retention: string;
  readonly limits: ResolvedTempoLimits;
  readonly receivers: readonly ReceiverName[];
  /** Serve the (TCP) receivers over TLS with the certificate under SERVER_TLS_DIR. */
  readonly receiverTls: boolean;
  readonly generator: { readonly enabled: boolean; readonly remoteWriteUrl: string; readonly sendExemplars: boolean; readonly ingestionSlackSeconds: number };
  readonly usageReporting: boolean;
  readonly logLevel: string;
  readonly overridesFile: string;
  /** Set for the scalable profile: how its components find each other. */
  readonly scalable?: ScalableWiring;
}

/** Addresses and settings the components of the scalable profile share. */
export interface ScalableWiring {
  /** `host:port` of the headless gossip Service. */
  readonly gossipAddress: string;
  readonly clusterLabel: string;
  /** `host:port` of the query-frontends' headless discovery Service (gRPC). */
  readonly frontendAddress: string;
  /** 2.10. */
  readonly replicationFactor?: number;
  /** 3.0. */
  readonly backendSchedulerAddress?: string;
  /** 3.0; the SASL values are environment references, never the credentials. */
  readonly kafka?: { readonly address: string; readonly topic: string; readonly saslUsername?: string; readonly saslPassword?: string };
}

/**
 * The Prometheus label of the tenant on generated metrics when multitenancy is on: without it
 * the tenants' span metrics (same services, same names) would be one series.
 */
export const TENANT_LABEL = 'tenant';

/** The memberlist port every gossiping component listens on. */
export const GOSSIP_PORT = 7946;

/**
 * Processors per line. On 2.10, TraceQL metrics over recent data (Grafana's Traces Drilldown,
 * `rate()` queries) are answered by the generator's local-blocks processor and fail without it;
 * 3.0 removed that processor and answers them from the live-store.
 */
const GENERATOR_PROCESSORS: Readonly<Record<TempoLine, readonly MetricsGeneratorProcessor[]>> = {
  '3.0': ['service-graphs', 'span-metrics'],
  '2.10': ['service-graphs', 'span-metrics', 'local-blocks'],
};

function listen(receiver: ReceiverName, tls: boolean): Endpoint {
  // Receivers bind to localhost unless told otherwise (since Tempo 2.7).
  const endpoint = `0.0.0.0:${RECEIVER_PORTS[receiver].port}`;
  if (!tls) return { endpoint };
  // The rotated certificate is re-read from the mounted Secret.
  return { endpoint, tls: { cert_file: `${SERVER_TLS_DIR}/tls.crt`, key_file: `${SERVER_TLS_DIR}/tls.key`, reload_interval: TLS_RELOAD_INTERVAL } };
}

function receiversConfig(enabled: readonly ReceiverName[], tls: boolean): ReceiversConfig {
  const on = (r: ReceiverName) => (enabled.includes(r) ? listen(r, tls) : undefined);
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

/** A complete scoped overrides entry for one tenant or the defaults. */
export function scopedOverrides(limits: ResolvedTempoLimits, generatorEnabled: boolean, line: TempoLine): ScopedOverrides {
  return {
    ingestion: {
      rate_strategy: 'local',
      rate_limit_bytes: limits.ingestionRateLimitBytes,
      burst_size_bytes: limits.ingestionBurstSizeBytes,
      max_traces_per_user: limits.maxTracesPerUser,
      retry_info_enabled: true,
    },
    read: {
      max_bytes_per_tag_values_query: 1_000_000,
      ...(line === '3.0' ? { max_condition_groups_per_tag_query: 100 } : {}),
    },
    global: { max_bytes_per_trace: limits.maxBytesPerTrace },
    compaction: { block_retention: limits.blockRetention },
    metrics_generator: {
      // The generator only processes spans of tenants whose overrides list processors.
      ...(generatorEnabled ? { processors: GENERATOR_PROCESSORS[line] } : {}),
      generate_native_histograms: 'classic',
      native_histogram_bucket_factor: 1.1,
      native_histogram_max_bucket_number: 100,
      native_histogram_min_reset_duration: '15m',
    },
  };
}

/** Builds tempo.yaml for the chosen version as a typed object. */
export function buildTempoConfig(input: TempoConfigInput): TempoConfig {
  const retention: CompactionRetention = { compaction: { block_retention: input.retention } };
  const scalable = input.scalable;
  const memberlist: MemberlistRing = { kvstore: { store: 'memberlist' } };
  const common: TempoConfigCommon = {
    ...(scalable ? {} : { target: 'all' as const }),
    multitenancy_enabled: input.multitenancy,
    stream_over_http_enabled: true,
    server: { http_listen_port: SERVER_PORTS.http.port, grpc_listen_port: SERVER_PORTS.grpc.port, log_level: input.logLevel },
    usage_report: { reporting_enabled: input.usageReporting },
    distributor: { receivers: receiversConfig(input.receivers, input.receiverTls) },
    ...(scalable
      ? {
        memberlist: {
          abort_if_cluster_join_fails: false,
          bind_port: GOSSIP_PORT,
          // "dns+" makes dskit resolve the headless Service to every member's address.
          join_members: [`dns+${scalable.gossipAddress}`],
          cluster_label: scalable.clusterLabel,
        },
        querier: { frontend_worker: { frontend_address: scalable.frontendAddress } },
      }
      : {}),
    ...(input.generator.enabled
      ? {
        metrics_generator: {
          metrics_ingestion_time_range_slack: `${input.generator.ingestionSlackSeconds}s`,
          registry: { external_labels: { source: 'tempo' }, ...(input.multitenancy ? { inject_tenant_id_as: TENANT_LABEL } : {}) },
          // Without a storage path the generator silently disables itself.
          storage: {
            path: `${DATA_DIR}/generator/wal`,
            remote_write: [{ url: input.generator.remoteWriteUrl, send_exemplars: input.generator.sendExemplars }],
          },
          ...(input.version.line === '2.10' ? { traces_storage: { path: `${DATA_DIR}/generator/traces` } } : {}),
        },
      }
      : {}),
    storage: {
      trace: {
        ...input.storage,
        wal: { path: `${DATA_DIR}/wal` },
      },
    },
    overrides: {
      per_tenant_override_config: input.overridesFile,
      per_tenant_override_period: '10s',
      defaults: scopedOverrides(input.limits, input.generator.enabled, input.version.line),
    },
  };
  if (input.version.line === '2.10') {
    const config: Tempo210Config = scalable
      ? {
        ...common,
        // Unsharded by default: with several compactors each would compact every block.
        compactor: { ...retention, ring: memberlist },
        ingester: { lifecycler: { ring: { ...memberlist, replication_factor: required(scalable.replicationFactor, 'replicationFactor') } } },
      }
      : { ...common, compactor: retention };
    return config;
  }
  const config: Tempo30Config = {
    ...common,
    live_store: {
      wal: { path: `${DATA_DIR}/live-store/traces` },
      shutdown_marker_dir: `${DATA_DIR}/live-store/shutdown-marker`,
      // As upstream's distributed example and Kubernetes manifests: a restarted live-store
      // stays unready while it replays, and a scaled-down partition leaves the ring in 35m.
      ...(scalable ? { readiness_target_lag: '5s', readiness_max_wait: '5m', partition_ring: { delete_inactive_partition_after: '35m' } } : {}),
    },
    backend_scheduler: { local_work_path: `${DATA_DIR}/backend-scheduler` },
    backend_worker: scalable
      ? {
        ...retention,
        // The monolith fills it in itself; a worker alone fails without it. gRPC port: 9095.
        backend_scheduler_addr: required(scalable.backendSchedulerAddress, 'backendSchedulerAddress'),
        // Shards tenant-index writing between workers; unsharded by default.
        ring: memberlist,
      }
      : retention,
    ...(scalable
      ? {
        ingest: { kafka: kafkaConfig(required(scalable.kafka, 'kafka')) },
        // Without an assignment the block-builder fails validation; partition = pod ordinal.
        block_builder: { partitions_per_instance: 1 },
      }
      : {}),
  };
  return config;
}

function kafkaConfig(kafka: NonNullable<ScalableWiring['kafka']>): KafkaConfig {
  return {
    address: kafka.address,
    topic: kafka.topic,
    auto_create_topic_enabled: false,
    ...(kafka.saslUsername !== undefined ? { sasl_username: kafka.saslUsername, sasl_password: kafka.saslPassword } : {}),
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`scalable wiring lacks ${what}`);
  return value;
}

/** Builds the runtime overrides file; each tenant entry is complete (defaults merged in). */
export function buildOverridesFile(
  tenants: Readonly<Record<string, ResolvedTempoLimits>>,
  generatorEnabled: boolean,
  line: TempoLine,
): TempoOverridesFile {
  const overrides: Record<string, ScopedOverrides> = {};
  for (const tenant of Object.keys(tenants).sort()) {
    overrides[tenant] = scopedOverrides(tenants[tenant], generatorEnabled, line);
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
