import type { CollectorTopology } from '../collector/otel-collector';
import { checkOneOf, invalidProp } from '../common/errors';
import { retentionToSeconds } from '../common/units';
import type { TempoComponentName, TempoScalableOptions } from '../tempo/scalable';
import type { TempoProfile } from '../tempo/tempo-stack';
import { TempoLine } from '../tempo/version';
import {
  BATCH_SPANS,
  BATCH_TIMEOUT_SECONDS,
  BURST_SECONDS,
  COLLECTOR_BASE_BYTES,
  DEFAULT_QUEUE_SIZE,
  AGENT_DEFAULT_CPU,
  FORWARDER_SPANS_PER_SECOND,
  IN_MEMORY_OVERHEAD,
  INPUT_DEFAULTS,
  LIVE_STORE_ZONES,
  LIVE_TRACE_SECONDS,
  LIVE_TRACES_HEADROOM,
  MAX_COLLECTOR_REPLICAS,
  MAX_SAMPLER_MEMORY_BYTES,
  MB,
  MEMORY_LIMITER_SOFT_FRACTION,
  MEMORY_QUEUE_SECONDS,
  MIN_COLLECTOR_MEMORY_BYTES,
  MIN_HA_REPLICAS,
  MIN_PERSISTENT_QUEUE_BYTES,
  MIN_TEMPO_VOLUME_BYTES,
  MONOLITHIC_MAX_BYTES_PER_SECOND,
  NUM_TRACES_HEADROOM,
  NUM_TRACES_MAX,
  NUM_TRACES_MIN,
  PERSISTENT_QUEUE_HEADROOM,
  PERSISTENT_QUEUE_SECONDS,
  RATE_LIMIT_HEADROOM,
  REPLICATION_FACTOR_2_10,
  SAMPLER_SPANS_PER_SECOND,
  SECONDS_PER_DAY,
  SOURCES,
  STORAGE_HEADROOM,
  STORED_PER_RECEIVED,
  TEMPO_BYTES_PER_REPLICA,
  TEMPO_DEFAULT_LIMITS,
  WAL_HEADROOM,
  WAL_SECONDS,
  ceilTo,
  ceilTwoDigits,
  formatBytes,
  formatNumber,
  formatSeconds,
  memoryQuantity,
  volumeQuantity,
} from './_model';

/** What the plan is computed from. Every figure is a steady peak, not a daily average. */
export interface CapacityInput {
  /** Spans per second Rocket.Chat sends to the collector, before sampling. Above 0. */
  readonly spansPerSecond: number;
  /**
   * Average span size in bytes as Tempo counts it (OTLP protobuf), after the collector's
   * Rocket.Chat hygiene has dropped `db.statement`, parameters and URLs. Tempo's documentation
   * calls about 500 bytes typical. An assumption until measured: after deploying, divide
   * `tempo_distributor_bytes_received_total` by `tempo_distributor_spans_received_total`
   * (rates), and compare the collector's `otelcol_exporter_sent_spans` with Tempo's spans.
   * @default 500
   */
  readonly averageSpanBytes?: number;
  /**
   * How long Tempo keeps blocks, in whole hours, minutes and seconds (`168h`, `72h30m`).
   * @default '168h'
   */
  readonly retention?: string;
  /**
   * Fraction of spans the collector's tail sampling keeps, above 0 and at most 1; 1 means no
   * sampling. The default is the collector's baseline (10%); errors and slow traces, which are
   * always kept, add to it.
   * @default 0.1
   */
  readonly keptFraction?: number;
  /**
   * Tail sampling's decision wait, in whole seconds from 1 to 300 (the collector's range).
   * @default 30
   */
  readonly decisionWaitSeconds?: number;
  /**
   * Average spans per trace, at least 1.
   * @default 20
   */
  readonly averageSpansPerTrace?: number;
  /**
   * The Tempo release line planned for.
   * @default '3.0'
   */
  readonly tempoVersion?: TempoLine;
}

/** The input with every default applied. */
export type ResolvedCapacityInput = Required<CapacityInput>;

/** A figure of the plan: its value, the value for people, and how it was computed. */
export interface PlanFigure<T = number> {
  readonly value: T;
  /** The value with its unit: `2.5 MB/s`, `2Gi`, `15,000`. */
  readonly text: string;
  /** The formula with this input's numbers. */
  readonly why: string;
}

/** Replicas of one Tempo component in the scalable profile. */
export interface TempoComponentPlan {
  /** Tempo's `-target` name, e.g. `live-store`. */
  readonly component: string;
  /** Pods in all (for the live-store: every zone). */
  readonly replicas: number;
  /**
   * The TempoStack setting that gives them: `scalable.components.<name>.replicas` (per zone for
   * the live-store); undefined where the profile decides (block-builder, backend-scheduler).
   */
  readonly setting?: { readonly component: TempoComponentName; readonly replicas: number };
  readonly why: string;
  /** CPU and memory of one replica in the upstream sizing example. */
  readonly perReplica: string;
}


/** One assumption behind the plan and where it comes from. */
export interface PlanAssumption {
  readonly figure: string;
  readonly value: string;
  readonly source: string;
}

export interface CapacityPlan {
  readonly input: ResolvedCapacityInput;
  readonly traffic: {
    /** Bytes/s through the collector, at the after-hygiene span size. */
    readonly collectorIngestBytesPerSecond: PlanFigure;
    /** New traces per second, before sampling. */
    readonly newTracesPerSecond: PlanFigure;
    readonly keptSpansPerSecond: PlanFigure;
    /** Bytes/s into Tempo, after sampling. */
    readonly tempoIngestBytesPerSecond: PlanFigure;
    readonly tempoIngestBytesPerDay: PlanFigure;
  };
  readonly tempo: {
    readonly profile: PlanFigure<TempoProfile>;
    /** Blocks in object storage over the retention, with headroom. */
    readonly objectStorageBytes: PlanFigure;
    /** Data volume (WAL) of each replica that holds one: the monolith, a live-store or an ingester. */
    readonly volumePerReplica: PlanFigure;
    /** The monolith's data volume when blocks are stored on it (`storage.backend: local`); monolithic profile only. */
    readonly localBackendVolume?: PlanFigure;
    readonly limits: {
      readonly ingestionRateLimitBytes: PlanFigure;
      readonly ingestionBurstSizeBytes: PlanFigure;
      readonly maxTracesPerUser: PlanFigure;
    };
    /** Replicas of each component in the scalable profile of the planned line. */
    readonly components: readonly TempoComponentPlan[];
    /** The same replicas as TempoStack's `scalable.components`, to pass as they are. */
    readonly scalableComponents: NonNullable<TempoScalableOptions['components']>;
    /** Partitions of the Kafka topic (3.0 scalable only). */
    readonly kafkaPartitions?: PlanFigure;
  };
  readonly collector: {
    /** Tail sampling runs (keptFraction below 1). */
    readonly tailSampling: boolean;
    /** `collector.replicas`: the collector's (`gateway`) or the samplers' (`agentGateway`). */
    readonly replicas: PlanFigure;
    /**
     * `gateway`: one tier receives, samples and exports. `agentGateway`: node agents route spans
     * by trace id (`load_balancing` exporter) to the samplers, so tail sampling runs on several.
     */
    readonly topology: PlanFigure<CollectorTopology>;
    readonly spansPerReplica: PlanFigure;
    /** Tail sampling's `num_traces` for each sampler; absent without tail sampling. */
    readonly numTraces?: PlanFigure;
    /** Memory limit of each replica. */
    readonly memoryLimit: PlanFigure;
    /** In-memory export queue, in batches. */
    readonly queueSize: PlanFigure;
    /** `persistentQueue.size` of each replica for a one-hour outage. */
    readonly persistentQueueSize: PlanFigure;
    /** `queueSize` with the persistent queue, in batches on disk. */
    readonly persistentQueueBatches: PlanFigure;
  };
  readonly assumptions: readonly PlanAssumption[];
  /** Consequences of the plan to act on. */
  readonly notes: readonly string[];
}

const TEMPO_LINES: readonly TempoLine[] = ['3.0', '2.10'];

/** Validates the input and applies the defaults. */
export function resolveCapacityInput(input: CapacityInput): ResolvedCapacityInput {
  const given = (input ?? {}) as Partial<Record<keyof CapacityInput, unknown>>;
  const resolved: ResolvedCapacityInput = {
    spansPerSecond: checkNumber('spansPerSecond', given.spansPerSecond, (n) => n > 0, 'a number above 0'),
    averageSpanBytes: checkNumber('averageSpanBytes', given.averageSpanBytes ?? INPUT_DEFAULTS.averageSpanBytes, (n) => n > 0, 'a number of bytes above 0'),
    retention: checkRetention(given.retention ?? INPUT_DEFAULTS.retention),
    keptFraction: checkNumber('keptFraction', given.keptFraction ?? INPUT_DEFAULTS.keptFraction, (n) => n > 0 && n <= 1, 'a number above 0 and at most 1 (1 = no sampling)'),
    decisionWaitSeconds: checkNumber(
      'decisionWaitSeconds',
      given.decisionWaitSeconds ?? INPUT_DEFAULTS.decisionWaitSeconds,
      (n) => Number.isInteger(n) && n >= 1 && n <= 300,
      'an integer from 1 to 300 (seconds)',
    ),
    averageSpansPerTrace: checkNumber('averageSpansPerTrace', given.averageSpansPerTrace ?? INPUT_DEFAULTS.averageSpansPerTrace, (n) => n >= 1, 'a number of at least 1'),
    tempoVersion: checkOneOf('tempoVersion', given.tempoVersion ?? INPUT_DEFAULTS.tempoVersion, TEMPO_LINES),
  };
  return resolved;
}

function checkRetention(value: unknown): string {
  retentionToSeconds('retention', value as string);
  return value as string;
}

function traceSizeOf(i: ResolvedCapacityInput): number {
  return i.averageSpansPerTrace * i.averageSpanBytes;
}

function checkNumber(prop: string, value: unknown, ok: (n: number) => boolean, allowed: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) invalidProp(prop, allowed, value);
  return value as number;
}

/**
 * Sizes Tempo and the collector for a span rate: traffic, object storage, volumes, Tempo's
 * ingestion limits, component replicas, the tail sampler's `num_traces`, memory and queue.
 * Pure: the same input always gives the same plan. Throws ValidationError for bad input.
 */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const i = resolveCapacityInput(input);
  const given = (key: keyof CapacityInput) => (input as unknown as Record<string, unknown>)[key] !== undefined;
  const line = i.tempoVersion;
  const retentionSeconds = retentionToSeconds('retention', i.retention);
  const retentionDays = retentionSeconds / SECONDS_PER_DAY;
  const bytesPerSecond = (b: number) => `${formatBytes(b)}/s`;

  // Traffic.
  const collectorBps = i.spansPerSecond * i.averageSpanBytes;
  const keptSpans = i.spansPerSecond * i.keptFraction;
  const tempoBps = collectorBps * i.keptFraction;
  const tempoPerDay = tempoBps * SECONDS_PER_DAY;
  const newTraces = i.spansPerSecond / i.averageSpansPerTrace;
  const keptTraces = newTraces * i.keptFraction;
  const traffic: CapacityPlan['traffic'] = {
    collectorIngestBytesPerSecond: {
      value: collectorBps,
      text: bytesPerSecond(collectorBps),
      why: `${formatNumber(i.spansPerSecond)} spans/s × ${formatNumber(i.averageSpanBytes)} B (spans arrive larger, before the hygiene)`,
    },
    newTracesPerSecond: {
      value: newTraces,
      text: `${formatNumber(newTraces)}/s`,
      why: `${formatNumber(i.spansPerSecond)} spans/s ÷ ${formatNumber(i.averageSpansPerTrace)} spans per trace`,
    },
    keptSpansPerSecond: {
      value: keptSpans,
      text: `${formatNumber(keptSpans)}/s`,
      why: `${formatNumber(i.spansPerSecond)} spans/s × keptFraction ${formatNumber(i.keptFraction)}`,
    },
    tempoIngestBytesPerSecond: {
      value: tempoBps,
      text: bytesPerSecond(tempoBps),
      why: `${bytesPerSecond(collectorBps)} × keptFraction ${formatNumber(i.keptFraction)}`,
    },
    tempoIngestBytesPerDay: {
      value: tempoPerDay,
      text: `${formatBytes(tempoPerDay)}/day`,
      why: `${bytesPerSecond(tempoBps)} × 86,400 s`,
    },
  };

  // Tempo: profile, components, storage, limits.
  const monolithic = tempoBps <= MONOLITHIC_MAX_BYTES_PER_SECOND;
  const profile: PlanFigure<TempoProfile> = {
    value: monolithic ? 'monolithic' : 'scalable',
    text: monolithic ? 'monolithic' : 'scalable',
    why: `${bytesPerSecond(tempoBps)} ${monolithic ? '≤' : '>'} ${bytesPerSecond(MONOLITHIC_MAX_BYTES_PER_SECOND)}, what the monolith's one querier handles (1 per 1-2 MB/s)`,
  };
  const per = (bytes: number, perReplica: number) => Math.ceil(bytes / perReplica);
  const rateWhy = (perReplica: number, min: number) => `max(${min}, ⌈${bytesPerSecond(tempoBps)} ÷ ${bytesPerSecond(perReplica)}⌉)`;
  const components: TempoComponentPlan[] = [];
  const add = (component: string, replicas: number, why: string, perReplica: string, setting?: TempoComponentPlan['setting']) =>
    components.push({ component, replicas, why, perReplica, ...(setting ? { setting } : {}) });
  const set = (component: TempoComponentName, replicas: number) => ({ component, replicas });
  const distributors = Math.max(MIN_HA_REPLICAS, per(tempoBps, TEMPO_BYTES_PER_REPLICA.distributor));
  const queriers = Math.max(MIN_HA_REPLICAS, per(tempoBps, TEMPO_BYTES_PER_REPLICA.querier));
  const compaction = Math.max(1, per(tempoBps, TEMPO_BYTES_PER_REPLICA.compactor));
  add('distributor', distributors, rateWhy(TEMPO_BYTES_PER_REPLICA.distributor, MIN_HA_REPLICAS), '2 CPU, 2 GB', set('distributor', distributors));
  let kafkaPartitions: PlanFigure | undefined;
  let walShare: number;
  let walWhy: string;
  if (line === '3.0') {
    const partitions = Math.max(1, per(tempoBps, TEMPO_BYTES_PER_REPLICA.liveStore));
    kafkaPartitions = { value: partitions, text: formatNumber(partitions), why: `one per live-store of a zone: ${rateWhy(TEMPO_BYTES_PER_REPLICA.liveStore, 1)}` };
    add('live-store', partitions * LIVE_STORE_ZONES, `${LIVE_STORE_ZONES} zones × ${rateWhy(TEMPO_BYTES_PER_REPLICA.liveStore, 1)}`, '1 CPU, 4-20 GB', set('liveStore', partitions));
    add('block-builder', partitions, 'one per Kafka partition', '0.5 CPU, 5-10 GB');
    add('querier', queriers, rateWhy(TEMPO_BYTES_PER_REPLICA.querier, MIN_HA_REPLICAS), 'CPU by queries, 4-20 GB', set('querier', queriers));
    add('query-frontend', MIN_HA_REPLICAS, 'two, for high availability', 'CPU by queries, 4-20 GB', set('queryFrontend', MIN_HA_REPLICAS));
    add('backend-scheduler', 1, 'only one may run', '0.5 CPU, 1-2 GB');
    add('backend-worker', compaction, `${rateWhy(TEMPO_BYTES_PER_REPLICA.compactor, 1)}, the 2.10 compactor's figure`, '0.5 CPU, 1-2 GB', set('backendWorker', compaction));
    walShare = monolithic ? tempoBps : tempoBps / partitions;
    walWhy = monolithic ? 'the monolith' : `each live-store (one partition of ${partitions})`;
  } else {
    const ingesters = Math.max(REPLICATION_FACTOR_2_10, per(tempoBps, TEMPO_BYTES_PER_REPLICA.ingester));
    add('ingester', ingesters, rateWhy(TEMPO_BYTES_PER_REPLICA.ingester, REPLICATION_FACTOR_2_10), '2.5 CPU, 4-20 GB', set('ingester', ingesters));
    add('querier', queriers, rateWhy(TEMPO_BYTES_PER_REPLICA.querier, MIN_HA_REPLICAS), 'CPU by queries, 4-20 GB', set('querier', queriers));
    add('query-frontend', MIN_HA_REPLICAS, 'two, for high availability', 'CPU by queries, 4-20 GB', set('queryFrontend', MIN_HA_REPLICAS));
    add('compactor', compaction, rateWhy(TEMPO_BYTES_PER_REPLICA.compactor, 1), '1 CPU, 4-20 GB', set('compactor', compaction));
    walShare = monolithic ? tempoBps : (tempoBps * REPLICATION_FACTOR_2_10) / ingesters;
    walWhy = monolithic ? 'the monolith' : `each ingester (${REPLICATION_FACTOR_2_10} copies over ${ingesters})`;
  }

  const stored = tempoPerDay * retentionDays * STORED_PER_RECEIVED * STORAGE_HEADROOM;
  const walBytes = walShare * WAL_SECONDS[line] * WAL_HEADROOM;
  const volume = volumeQuantity(Math.max(MIN_TEMPO_VOLUME_BYTES, walBytes));
  const monolithWal = tempoBps * WAL_SECONDS[line] * WAL_HEADROOM;
  const localVolume = volumeQuantity(Math.max(MIN_TEMPO_VOLUME_BYTES, stored + monolithWal));

  const rate = Math.max(TEMPO_DEFAULT_LIMITS.ingestionRateLimitBytes, ceilTo(RATE_LIMIT_HEADROOM * tempoBps, MB));
  const burst = Math.max(rate, TEMPO_DEFAULT_LIMITS.ingestionBurstSizeBytes, ceilTo(BURST_SECONDS * tempoBps, MB));
  const liveTraces = keptTraces * LIVE_TRACE_SECONDS[line] * LIVE_TRACES_HEADROOM;
  const maxTraces = Math.max(TEMPO_DEFAULT_LIMITS.maxTracesPerUser, ceilTwoDigits(liveTraces));

  const tempo: CapacityPlan['tempo'] = {
    profile,
    objectStorageBytes: {
      value: stored,
      text: formatBytes(stored),
      why: `${formatBytes(tempoPerDay)}/day × ${formatNumber(retentionDays)} days × ${STORED_PER_RECEIVED} stored/received × ${STORAGE_HEADROOM} headroom`,
    },
    volumePerReplica: {
      value: volume.bytes,
      text: volume.text,
      why: `${walWhy}: max(20Gi default, ${bytesPerSecond(walShare)} × ${formatSeconds(WAL_SECONDS[line])} on disk × ${WAL_HEADROOM})`,
    },
    ...(monolithic
      ? {
          localBackendVolume: {
            value: localVolume.bytes,
            text: localVolume.text,
            why: `max(20Gi default, ${formatBytes(stored)} blocks + ${formatBytes(monolithWal)} WAL)`,
          },
        }
      : {}),
    limits: {
      ingestionRateLimitBytes: {
        value: rate,
        text: formatNumber(rate),
        why: `max(Tempo default ${formatBytes(TEMPO_DEFAULT_LIMITS.ingestionRateLimitBytes)}, ${RATE_LIMIT_HEADROOM} × ${bytesPerSecond(tempoBps)}), per distributor`,
      },
      ingestionBurstSizeBytes: {
        value: burst,
        text: formatNumber(burst),
        why: `max(Tempo default ${formatBytes(TEMPO_DEFAULT_LIMITS.ingestionBurstSizeBytes)}, ${BURST_SECONDS} s × ${bytesPerSecond(tempoBps)}), at least the rate`,
      },
      maxTracesPerUser: {
        value: maxTraces,
        text: formatNumber(maxTraces),
        why: `max(Tempo default ${formatNumber(TEMPO_DEFAULT_LIMITS.maxTracesPerUser)}, ${formatNumber(keptTraces)} kept traces/s × ${LIVE_TRACE_SECONDS[line]} s live × ${LIVE_TRACES_HEADROOM})`,
      },
    },
    components,
    scalableComponents: Object.fromEntries(components.flatMap((c) => (c.setting ? [[c.setting.component, { replicas: c.setting.replicas }]] : []))),
    ...(kafkaPartitions ? { kafkaPartitions } : {}),
  };

  // Collector: replicas until each fits its memory cap, then what each holds.
  const tail = i.keptFraction < 1;
  const spansPerCollector = tail ? SAMPLER_SPANS_PER_SECOND : FORWARDER_SPANS_PER_SECOND;
  const traceBytes = i.averageSpansPerTrace * i.averageSpanBytes * IN_MEMORY_OVERHEAD;
  const numTracesTotal = NUM_TRACES_HEADROOM * newTraces * i.decisionWaitSeconds;
  const keptBps = tempoBps;
  const cpuReplicas = Math.max(1, Math.ceil(i.spansPerSecond / spansPerCollector));
  // Each replica holds at least NUM_TRACES_MIN traces: with very large traces no replica count
  // brings the limit down to the cap, and the replicas stop growing once that floor is reached.
  const floorLimit = memoryQuantity((NUM_TRACES_MIN * traceBytes + COLLECTOR_BASE_BYTES) / MEMORY_LIMITER_SOFT_FRACTION);
  const capReachable = !tail || floorLimit.bytes <= MAX_SAMPLER_MEMORY_BYTES;
  let replicas = cpuReplicas;
  let numTraces: number;
  let memory: { bytes: number; text: string };
  for (; ; replicas++) {
    numTraces = tail ? Math.max(NUM_TRACES_MIN, ceilTwoDigits(numTracesTotal / replicas)) : 0;
    const working = numTraces * traceBytes + (keptBps / replicas) * MEMORY_QUEUE_SECONDS * IN_MEMORY_OVERHEAD + COLLECTOR_BASE_BYTES;
    memory = memoryQuantity(Math.max(MIN_COLLECTOR_MEMORY_BYTES, working / MEMORY_LIMITER_SOFT_FRACTION));
    if (numTraces > NUM_TRACES_MAX) continue;
    if (memory.bytes <= MAX_SAMPLER_MEMORY_BYTES || (!capReachable && numTraces === NUM_TRACES_MIN)) break;
  }
  const agentGateway = tail && replicas > 1;
  const keptPerReplica = keptSpans / replicas;
  const batchesPerSecond = Math.max(1 / BATCH_TIMEOUT_SECONDS, keptPerReplica / BATCH_SPANS);
  const queueSize = Math.max(DEFAULT_QUEUE_SIZE, Math.ceil(batchesPerSecond * MEMORY_QUEUE_SECONDS));
  const persistentBatches = Math.max(DEFAULT_QUEUE_SIZE, Math.ceil(batchesPerSecond * PERSISTENT_QUEUE_SECONDS));
  const persistentBytes = (keptBps / replicas) * PERSISTENT_QUEUE_SECONDS * PERSISTENT_QUEUE_HEADROOM;
  const persistent = volumeQuantity(Math.max(MIN_PERSISTENT_QUEUE_BYTES, persistentBytes));
  const batchesText = `${formatNumber(batchesPerSecond)} batch${batchesPerSecond === 1 ? '' : 'es'}/s`;
  const memoryParts = [
    ...(tail ? [`${formatNumber(numTraces)} traces × ${formatNumber(i.averageSpansPerTrace)} spans × ${formatNumber(i.averageSpanBytes)} B × ${IN_MEMORY_OVERHEAD}`] : []),
    `${formatBytes((keptBps / replicas) * MEMORY_QUEUE_SECONDS)} queue × ${IN_MEMORY_OVERHEAD}`,
    '256 MiB',
  ];

  const collector: CapacityPlan['collector'] = {
    tailSampling: tail,
    replicas: {
      value: replicas,
      text: formatNumber(replicas),
      why:
        `⌈${formatNumber(i.spansPerSecond)} ÷ ${formatNumber(spansPerCollector)} spans/s per replica⌉ = ${cpuReplicas}` +
        (replicas > cpuReplicas ? `, raised to ${replicas} to keep each at most 2Gi` : memory.bytes <= MAX_SAMPLER_MEMORY_BYTES ? ', each within 2Gi' : ''),
    },
    topology: {
      value: agentGateway ? 'agentGateway' : 'gateway',
      text: agentGateway ? 'agentGateway' : 'gateway',
      why: agentGateway
        ? `${replicas} samplers: node agents route each trace to one of them`
        : tail
          ? 'one sampler sees every span of a trace'
          : 'no tail sampling: any replica may take any span',
    },
    spansPerReplica: {
      value: i.spansPerSecond / replicas,
      text: `${formatNumber(i.spansPerSecond / replicas)}/s`,
      why: `${formatNumber(i.spansPerSecond)} spans/s ÷ ${replicas}`,
    },
    ...(tail
      ? {
          numTraces: {
            value: numTraces,
            text: formatNumber(numTraces),
            why: `${NUM_TRACES_HEADROOM} × ${formatNumber(newTraces)} traces/s × ${i.decisionWaitSeconds} s wait ÷ ${replicas}, rounded up`,
          },
        }
      : {}),
    memoryLimit: {
      value: memory.bytes,
      text: memory.text,
      why: `(${memoryParts.join(' + ')}) ÷ ${Number(MEMORY_LIMITER_SOFT_FRACTION.toFixed(2))} (memory_limiter soft limit)`,
    },
    queueSize: {
      value: queueSize,
      text: formatNumber(queueSize),
      why: `max(${formatNumber(DEFAULT_QUEUE_SIZE)} default, ${batchesText} × ${MEMORY_QUEUE_SECONDS} s of retries)`,
    },
    persistentQueueSize: {
      value: persistent.bytes,
      text: persistent.text,
      why: `max(5Gi default, ${bytesPerSecond(keptBps / replicas)} × 1 h × ${PERSISTENT_QUEUE_HEADROOM})`,
    },
    persistentQueueBatches: {
      value: persistentBatches,
      text: formatNumber(persistentBatches),
      why: `max(${formatNumber(DEFAULT_QUEUE_SIZE)} default, ${batchesText} × 1 h)`,
    },
  };

  const notes: string[] = [
    `ingestionRateLimitBytes applies per distributor (rate_strategy local, Tempo's default): the figure lets one distributor take the whole rate, as it does when a collector's one gRPC connection lands on it.`,
  ];
  if (agentGateway) {
    notes.push(
      `Each agent handles the spans of its node: about ${formatNumber(FORWARDER_SPANS_PER_SECOND * AGENT_DEFAULT_CPU)} spans/s at its default ${AGENT_DEFAULT_CPU * 1000}m CPU limit; raise collector.agent.resources for nodes that send more.`,
    );
  } else if (tail) {
    notes.push('One sampler is a single point of failure: its restart loses the traces awaiting a decision. agentGateway runs 2 or more.');
  }
  notes.push('With persistentQueue the export queue is on disk, so the memory figure needs no queue term.');
  if (!capReachable) {
    notes.push(
      `Traces of ${formatBytes(traceSizeOf(i))} do not fit the 2Gi planned per sampler: ${formatNumber(NUM_TRACES_MIN)} of them need a ${memory.text} limit.`,
    );
  }
  const traceSize = traceSizeOf(i);
  if (traceSize > TEMPO_DEFAULT_LIMITS.maxBytesPerTrace) {
    notes.push(`Traces of ${formatBytes(traceSize)} exceed Tempo's maxBytesPerTrace (${formatNumber(TEMPO_DEFAULT_LIMITS.maxBytesPerTrace)} by default): Tempo drops their spans beyond it.`);
  }
  if (replicas > MAX_COLLECTOR_REPLICAS) notes.push(`${replicas} collector replicas exceed the ${MAX_COLLECTOR_REPLICAS} OtelCollector allows.`);
  if (!monolithic && line === '3.0') {
    notes.push(`Scalable Tempo 3.0 writes through Kafka: a Kafka-compatible system with a topic of at least ${kafkaPartitions!.value} partition${kafkaPartitions!.value === 1 ? '' : 's'}.`);
  }
  if (monolithic) notes.push('The monolith is one pod: choose the scalable profile for a write path that survives losing a pod, whatever the volume.');

  return { input: i, traffic, tempo, collector, assumptions: assumptions(i, given), notes };
}

function assumptions(i: ResolvedCapacityInput, given: (key: keyof CapacityInput) => boolean): PlanAssumption[] {
  const mark = (key: keyof CapacityInput) => (given(key) ? 'given' : 'default');
  return [
    {
      figure: 'Span size',
      value: `${formatNumber(i.averageSpanBytes)} B (${mark('averageSpanBytes')})`,
      source: `Tempo calls about 500 bytes typical (${SOURCES.ingestion}); Rocket.Chat spans after the hygiene. Measure it`,
    },
    {
      figure: 'Kept fraction',
      value: `${formatNumber(i.keptFraction)} (${mark('keptFraction')})`,
      source: "The collector's baselinePercentage 10 (src/collector/sampling.ts); kept errors and slow traces add to it. Measure it",
    },
    {
      figure: 'Spans per trace',
      value: `${formatNumber(i.averageSpansPerTrace)} (${mark('averageSpansPerTrace')})`,
      source: 'Ours. Measure it',
    },
    {
      figure: 'Stored / received bytes',
      value: `${STORED_PER_RECEIVED}×`,
      source: `Tempo: "ingested bytes per day times retention days = stored bytes" (${SOURCES.storage}). Parquet compression is not credited`,
    },
    { figure: 'Storage headroom', value: `${STORAGE_HEADROOM}×`, source: 'Ours: growth, and blocks past retention not yet deleted' },
    {
      figure: 'Tempo traffic per replica',
      value: 'distributor 10, live-store 6, ingester 3, querier 1, compactor 3 MB/s',
      source: `${SOURCES.size}: the end of each range that gives more replicas`,
    },
    {
      figure: 'Replication (2.10)',
      value: `${REPLICATION_FACTOR_2_10} ingesters per trace`,
      source: `2.10: ingester replication_factor 3; 3.0: one copy, Kafka gives durability (${SOURCES.replication})`,
    },
    {
      figure: 'Live-store zones (3.0)',
      value: `${LIVE_STORE_ZONES}`,
      source: `One live-store per partition and zone (${SOURCES.liveStore}); size.md: "Typically deployed across multiple availability zones"`,
    },
    {
      figure: 'Monolithic limit',
      value: `${formatBytes(MONOLITHIC_MAX_BYTES_PER_SECOND)}/s into Tempo`,
      source: `Ours: one querier per 1-2 MB/s (size.md); ${SOURCES.deploymentModes} gives no figure`,
    },
    {
      figure: 'Ingestion limits',
      value: `rate ${RATE_LIMIT_HEADROOM}×, burst ${BURST_SECONDS} s of traffic`,
      source: `Ours; floors are Tempo's defaults (src/tempo/_limits.ts, ${SOURCES.ingestion})`,
    },
    {
      figure: 'Trace live time',
      value: `${LIVE_TRACE_SECONDS[i.tempoVersion]} s × ${LIVE_TRACES_HEADROOM}`,
      source: `max_trace_live 30 s + flush check (${i.tempoVersion === '3.0' ? SOURCES.liveStoreConfig : SOURCES.ingesterConfig}); ${LIVE_TRACES_HEADROOM}× ours`,
    },
    {
      figure: 'Data on a WAL volume',
      value: `${formatSeconds(WAL_SECONDS[i.tempoVersion])} of traffic × ${WAL_HEADROOM}`,
      source: `Block cut and complete-block timeouts (${i.tempoVersion === '3.0' ? SOURCES.liveStoreConfig : SOURCES.ingesterConfig}); ${WAL_HEADROOM}× ours`,
    },
    {
      figure: 'Tail sampling num_traces',
      value: `${NUM_TRACES_HEADROOM} × traces/s × decision wait`,
      source: `Ours; traces beyond num_traces are dropped before their decision (${SOURCES.tailSampling}, FAQ)`,
    },
    { figure: 'Span in memory', value: `${IN_MEMORY_OVERHEAD}× its protobuf size`, source: 'Ours' },
    { figure: 'Collector base memory', value: '256 MiB', source: "Ours (OtelCollector's minimum memory limit)" },
    {
      figure: 'memory_limiter soft limit',
      value: `${Number(MEMORY_LIMITER_SOFT_FRACTION.toFixed(2))} of the memory limit`,
      source: 'src/collector/otel-collector.ts: hard limit 80%, spike 25% of it',
    },
    {
      figure: 'Collector throughput',
      value: `${formatNumber(SAMPLER_SPANS_PER_SECOND)} spans/s with tail sampling, ${formatNumber(FORWARDER_SPANS_PER_SECOND)} without (1 CPU)`,
      source: SOURCES.collectorPerformance,
    },
    { figure: 'Sampler memory cap', value: '2Gi per replica', source: 'Ours (the 2 GB of that measurement)' },
    {
      figure: 'Export queue',
      value: `${MEMORY_QUEUE_SECONDS} s in memory, 1 h persistent`,
      source: 'Retries give a batch up after 300 s in memory (src/collector/_config.ts); 1 h ours',
    },
  ];
}
