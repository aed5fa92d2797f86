import { ContainerResources } from '../common/resources';

/**
 * The components of Tempo's distributed mode. 2.10 runs distributor, ingester, querier,
 * queryFrontend, compactor and metricsGenerator; 3.0 runs distributor, liveStore, blockBuilder,
 * querier, queryFrontend, backendScheduler, backendWorker and metricsGenerator.
 */
export type TempoComponentName =
  | 'distributor'
  | 'ingester'
  | 'querier'
  | 'queryFrontend'
  | 'compactor'
  | 'metricsGenerator'
  | 'liveStore'
  | 'blockBuilder'
  | 'backendScheduler'
  | 'backendWorker';

/** A HorizontalPodAutoscaler on CPU (metrics-server, which AKS runs by default, serves it). */
export interface TempoAutoscaling {
  /**
   * Fewest replicas.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU use, in percent of the CPU request, the autoscaler keeps the pods at.
   * @default 75
   */
  readonly targetCpuUtilizationPercent?: number;
}

/** One component's workload. */
export interface TempoComponentOptions {
  /**
   * Replicas. For the live-store: replicas per zone, which is also the number of Kafka
   * partitions (and block-builders). Fixed for the block-builder (one per partition) and the
   * backend-scheduler (exactly one may run).
   * @default - per component: ingester 3 (the replication factor), liveStore 2, backendScheduler 1, others 2
   */
  readonly replicas?: number;
  /**
   * CPU and memory; the memory limit must be at least 256Mi.
   * @default - per component, from Tempo's sizing guide (see the README)
   */
  readonly resources?: ContainerResources;
  /**
   * Scale on CPU with a HorizontalPodAutoscaler; `replicas` is then left to it. Only the
   * stateless components (distributor, querier, compactor, backendWorker) take one.
   * @default - fixed replicas
   */
  readonly autoscaling?: TempoAutoscaling;
}

/**
 * The Kafka-compatible log 3.0 writes through (distributors produce; live-stores, block-builders
 * and metrics-generators consume). This project does not run Kafka. Tempo 3.0 speaks plaintext
 * Kafka only (no TLS option), with optional SASL PLAIN.
 */
export interface TempoKafkaOptions {
  /** One bootstrap address `host:port`, e.g. `kafka-bootstrap.kafka.svc:9092`. */
  readonly address: string;
  /**
   * The topic. Create it beforehand with at least `kafkaPartitions` partitions: topic
   * auto-creation is off, because Tempo would change the broker-wide default partition count.
   * @default 'tempo-ingest'
   */
  readonly topic?: string;
  /**
   * SASL PLAIN credentials, read from a Secret in Tempo's namespace.
   * @default - no authentication
   */
  readonly sasl?: TempoKafkaSasl;
}

/** Where the SASL PLAIN credentials are. */
export interface TempoKafkaSasl {
  /** The Secret holding them. */
  readonly secretName: string;
  /**
   * Key of the user name.
   * @default 'username'
   */
  readonly usernameKey?: string;
  /**
   * Key of the password.
   * @default 'password'
   */
  readonly passwordKey?: string;
}

/** How pods spread over zones: `preferred` schedules anyway when zones are short, `required` waits. */
export type ZoneSpread = 'preferred' | 'required';
/** Every zone spread, for validation and the config file schema. */
export const ZONE_SPREADS: readonly ZoneSpread[] = ['preferred', 'required'];

/** How the `scalable` profile runs. */
export interface TempoScalableOptions {
  /**
   * The Kafka-compatible ingest log. Required on 3.0, refused on 2.10 (whose write path is the
   * ingesters).
   * @default - none
   */
  readonly kafka?: TempoKafkaOptions;
  /**
   * Copies of each trace the distributors write to ingesters (2.10 only). Writes and reads need
   * a majority of them, so ingester replicas must be at least this.
   * @default 3
   */
  readonly replicationFactor?: number;
  /**
   * Live-store zones (3.0 only): each zone is a StatefulSet consuming every partition, so one
   * zone can be down (a rollout, a node) while the other answers queries for recent traces.
   * @default 2
   */
  readonly liveStoreZones?: number;
  /**
   * How pods of a component spread across `topology.kubernetes.io/zone`: `preferred` schedules
   * anyway when zones are short, `required` leaves pods pending instead.
   * @default 'preferred'
   */
  readonly zoneSpread?: ZoneSpread;
  /**
   * Per-component replicas, resources and autoscaling.
   * @default - the TempoComponentOptions defaults
   */
  readonly components?: { readonly [C in TempoComponentName]?: TempoComponentOptions };
}
