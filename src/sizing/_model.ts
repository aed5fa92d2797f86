import { DEFAULT_DECISION_WAIT_SECONDS } from '../collector/_hold';
import { DEFAULT_LIMITS } from '../tempo/_limits';
import { TempoLine } from '../tempo/version';

/**
 * The constants of the capacity model, each with where it comes from. Upstream Tempo paths are
 * in grafana/tempo at the pinned tags; "ours" marks a figure this project chose.
 */

export const MB = 1e6;
export const MiB = 2 ** 20;
export const GiB = 2 ** 30;
export const SECONDS_PER_DAY = 86_400;

/** Defaults of the optional inputs. */
export const INPUT_DEFAULTS = {
  averageSpanBytes: 500,
  retention: '168h',
  keptFraction: 0.1,
  decisionWaitSeconds: DEFAULT_DECISION_WAIT_SECONDS,
  averageSpansPerTrace: 20,
  tempoVersion: '3.0' as TempoLine,
} as const;

/** Stored block bytes per received byte: Tempo's own estimate, which credits no compression. */
export const STORED_PER_RECEIVED = 1;
/** Object storage headroom (ours): growth, and blocks past retention not yet deleted. */
export const STORAGE_HEADROOM = 1.25;

/**
 * Received traffic one replica of each component handles, in bytes/s: the end of each upstream
 * range that gives more replicas (size.md at v3.0.3 and v2.10.8).
 */
export const TEMPO_BYTES_PER_REPLICA = {
  distributor: 10 * MB,
  liveStore: 6 * MB,
  ingester: 3 * MB,
  querier: 1 * MB,
  compactor: 3 * MB,
} as const;

/** 2.10 ingesters write every trace to 3 of them (ingester.lifecycler.ring.replication_factor). */
export const REPLICATION_FACTOR_2_10 = 3;
/** Zones of 3.0 live-stores: each Kafka partition has one live-store per zone. */
export const LIVE_STORE_ZONES = 2;
/** Replicas kept for high availability of stateless components. */
export const MIN_HA_REPLICAS = 2;

/**
 * Above this rate into Tempo, the scalable profile (ours): a monolith runs one querier in
 * process, and size.md gives one querier per 1-2 MB/s of received traffic.
 */
export const MONOLITHIC_MAX_BYTES_PER_SECOND = 1 * MB;

/** Ingestion limits: headroom over the expected rate (ours), never below Tempo's defaults. */
export const RATE_LIMIT_HEADROOM = 1.5;
export const BURST_SECONDS = 2;
export const TEMPO_DEFAULT_LIMITS = DEFAULT_LIMITS;

/**
 * How long a trace stays live in Tempo at most: max_trace_live (30 s) plus one flush check
 * (live-store 5 s at v3.0.3, modules/livestore/config.go; ingester 10 s at v2.10.8,
 * modules/ingester/config.go).
 */
export const LIVE_TRACE_SECONDS: Readonly<Record<TempoLine, number>> = { '3.0': 35, '2.10': 40 };
/** Headroom on live traces (ours). */
export const LIVE_TRACES_HEADROOM = 2;

/**
 * How long received data stays on a live-store's or ingester's disk. 3.0 live-store:
 * max_trace_live 30 s + max_block_duration 30 s + complete_block_timeout 20 min +
 * block_reclaim_grace 2 min. 2.10 ingester: trace_live_period 30 s + max_block_duration 30 min +
 * complete_block_timeout 15 min.
 */
export const WAL_SECONDS: Readonly<Record<TempoLine, number>> = { '3.0': 30 + 30 + 20 * 60 + 2 * 60, '2.10': 30 + 30 * 60 + 15 * 60 };
/** WAL headroom (ours): encoding overhead, the generator's WAL, replay after a restart. */
export const WAL_HEADROOM = 2;
/** The TempoStack's default `volumeSize`: never recommend less. */
export const MIN_TEMPO_VOLUME_BYTES = 20 * GiB;

/** Tail sampling holds twice the traces one decision wait brings (ours). */
export const NUM_TRACES_HEADROOM = 2;
/** The collector's `num_traces` bounds (OtelCollector's checks). */
export const NUM_TRACES_MIN = 1000;
export const NUM_TRACES_MAX = 10_000_000;
/** In-memory size of a span over its protobuf size (ours). */
export const IN_MEMORY_OVERHEAD = 3;
/** Collector memory besides held spans and the queue (ours; OtelCollector's minimum limit). */
export const COLLECTOR_BASE_BYTES = 256 * MiB;
/** The collector's own memory_limiter soft limit, as a share of the container limit. */
export { MEMORY_LIMITER_SOFT_FRACTION } from '../collector/_memory';
/** The OtelCollector's default memory limit: never recommend less. */
export const MIN_COLLECTOR_MEMORY_BYTES = 1 * GiB;
/** Largest memory limit planned per sampler (ours, the 2 GB of the throughput figure below). */
export const MAX_SAMPLER_MEMORY_BYTES = 2 * GiB;
/**
 * Spans/s one collector replica with 1 CPU sustains, OTLP in: 8,000 with tail sampling, 10,000
 * without (opentelemetry-collector docs/performance.md, measured on v0.1.3, since removed).
 */
export const SAMPLER_SPANS_PER_SECOND = 8000;
export const FORWARDER_SPANS_PER_SECOND = 10_000;
/** CPU limit of an agentGateway node agent by default (OtelCollector's agent resources). */
export const AGENT_DEFAULT_CPU = 0.5;
/** The batch processor sends 1,024 spans or whatever 1 s brought (src/collector/_config.ts). */
export const BATCH_SPANS = 1024;
export const BATCH_TIMEOUT_SECONDS = 1;
/** In memory, the exporter gives a batch up after 300 s of retries (max_elapsed_time). */
export const MEMORY_QUEUE_SECONDS = 300;
/** The OtelCollector's default queueSize: never recommend less. */
export const DEFAULT_QUEUE_SIZE = 1000;
/** Outage a persistent queue rides out (ours), with headroom for file storage that does not shrink. */
export const PERSISTENT_QUEUE_SECONDS = 3600;
export const PERSISTENT_QUEUE_HEADROOM = 2;
/** The OtelCollector's default persistentQueue.size: never recommend less. */
export const MIN_PERSISTENT_QUEUE_BYTES = 5 * GiB;
/** OtelCollector refuses more replicas than this. */
export const MAX_COLLECTOR_REPLICAS = 50;

/** Upstream sizing documents, for the sources column. */
export const SOURCES = {
  size: 'grafana/tempo docs/sources/tempo/set-up-for-tracing/setup-tempo/plan/size.md@v3.0.3 and @v2.10.8',
  replication: 'grafana/tempo docs/sources/tempo/configuration/_index.md@v2.10.8 and docs/sources/tempo/set-up-for-tracing/setup-tempo/migrate-to-3.md@v3.0.3',
  storage: 'grafana/tempo docs/sources/tempo/configuration/_index.md@v3.0.3 and @v2.10.8, "Local storage recommendations"',
  ingestion: 'grafana/tempo docs/sources/tempo/operations/manage-trace-ingestion.md@v3.0.3',
  deploymentModes: 'grafana/tempo docs/sources/tempo/reference-tempo-architecture/deployment-modes.md@v3.0.3',
  liveStore: 'grafana/tempo docs/sources/tempo/reference-tempo-architecture/components/live-store.md@v3.0.3',
  liveStoreConfig: 'grafana/tempo modules/livestore/config.go@v3.0.3',
  ingesterConfig: 'grafana/tempo modules/ingester/config.go@v2.10.8',
  collectorPerformance: 'open-telemetry/opentelemetry-collector docs/performance.md (measured on v0.1.3; removed in commit d2b66a5)',
  tailSampling: 'opentelemetry-collector-contrib processor/tailsamplingprocessor/README.md',
} as const;

/** Rounds up to two significant digits: 15,000 stays, 21,429 becomes 22,000. */
export function ceilTwoDigits(n: number): number {
  if (n <= 0) return 0;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / step - 1e-9) * step;
}

/** Rounds up to a whole multiple of `step`. */
export function ceilTo(n: number, step: number): number {
  return Math.ceil(n / step - 1e-9) * step;
}

/** A memory limit: 256Mi steps up to 1Gi, whole Gi above. */
export function memoryQuantity(bytes: number): { bytes: number; text: string } {
  if (bytes <= GiB) {
    const mib = ceilTo(bytes / MiB, 256);
    return mib === 1024 ? { bytes: GiB, text: '1Gi' } : { bytes: mib * MiB, text: `${mib}Mi` };
  }
  const gib = Math.ceil(bytes / GiB - 1e-9);
  return { bytes: gib * GiB, text: `${gib}Gi` };
}

/** A volume size in Gi, rounded up to two significant digits. */
export function volumeQuantity(bytes: number): { bytes: number; text: string } {
  const gib = ceilTwoDigits(Math.ceil(bytes / GiB - 1e-9));
  return { bytes: gib * GiB, text: `${gib}Gi` };
}

/** Bytes in decimal units with three significant digits: `250 kB`, `2.5 MB`, `189 GB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (i < units.length - 1 && bytes >= 1000 ** (i + 1) - 0.5) i++;
  return `${Number((bytes / 1000 ** i).toPrecision(3))} ${units[i]}`;
}

/** A number with thousands separators: whole from 100 up, else three significant digits (`15,000`, `7,143`, `2.17`, `0.1`). */
export function formatNumber(n: number): string {
  const rounded = Math.abs(n) >= 100 ? Math.round(n) : Number(n.toPrecision(3));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/** A duration in the largest unit that keeps it whole enough: `35 s`, `23 min`, `7 days`. */
export function formatSeconds(seconds: number): string {
  if (seconds % SECONDS_PER_DAY === 0) return `${seconds / SECONDS_PER_DAY} day${seconds === SECONDS_PER_DAY ? '' : 's'}`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60) return `${formatNumber(seconds / 60)} min`;
  return `${seconds} s`;
}
