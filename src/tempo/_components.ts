import { ResolvedResources } from '../common/resources';
import { TempoComponentName } from './scalable';
import { TempoLine } from './version';

/** What a component of the distributed mode needs from Kubernetes. */
export interface ComponentSpec {
  readonly name: TempoComponentName;
  /** The `-target` flag value. */
  readonly target: string;
  /** Object name suffix and part of the component label, e.g. `query-frontend`. */
  readonly suffix: string;
  /**
   * StatefulSet where the pod name matters (ring identity, Kafka partition from the ordinal) or
   * data must survive a restart; Deployment otherwise.
   */
  readonly workload: 'Deployment' | 'StatefulSet';
  /** Joins memberlist (it reads or writes a ring). */
  readonly gossip: boolean;
  /**
   * `true` when it holds nothing a replacement pod would miss, so a HorizontalPodAutoscaler may
   * add and remove pods; otherwise why not.
   */
  readonly autoscalable: true | string;
  /** Initialises Tempo's object store module, so it needs the storage credentials. */
  readonly store: boolean;
  /** Produces to or consumes from Kafka (3.0). */
  readonly kafka: boolean;
  /** A ReadWriteOnce volume at the data directory; else an emptyDir of `scratchSize`. */
  readonly persistent: boolean;
  readonly scratchSize: string;
  readonly replicas: number;
  readonly resources: ResolvedResources;
  readonly terminationGracePeriodSeconds: number;
}

const spec = (s: Omit<ComponentSpec, 'suffix' | 'scratchSize' | 'terminationGracePeriodSeconds'> & Partial<ComponentSpec>): ComponentSpec => ({
  suffix: s.target,
  scratchSize: '1Gi',
  terminationGracePeriodSeconds: 60,
  ...s,
});

// Resources follow Tempo's sizing guide (size.md at the pinned tags) scaled to a start of a few
// MB/s, with memory limit = request so a node's memory pressure never evicts a pod under its limit.
const res = (cpuRequest: string, cpuLimit: string, memory: string): ResolvedResources => ({ cpuRequest, cpuLimit, memoryRequest: memory, memoryLimit: memory });

const DISTRIBUTOR = spec({ name: 'distributor', target: 'distributor', workload: 'Deployment', gossip: true, autoscalable: true, store: false, kafka: true, persistent: false, replicas: 2, resources: res('500m', '2', '1Gi') });
const QUERIER = spec({ name: 'querier', target: 'querier', workload: 'Deployment', gossip: true, autoscalable: true, store: true, kafka: false, persistent: false, replicas: 2, resources: res('500m', '2', '2Gi') });
const QUERY_FRONTEND = spec({ name: 'queryFrontend', target: 'query-frontend', workload: 'Deployment', gossip: false, autoscalable: 'the query-frontend scales vertically (Tempo keeps it at 2 replicas)', store: true, kafka: false, persistent: false, replicas: 2, resources: res('500m', '2', '2Gi') });
// The 2.10 generator may open the bucket (local-blocks); the 3.0 one never does.
const generator = (store: boolean) =>
  spec({ name: 'metricsGenerator', target: 'metrics-generator', workload: 'StatefulSet', gossip: true, autoscalable: 'the metrics-generator holds series state that a scale-down would lose', store, kafka: !store, persistent: true, replicas: 2, resources: res('500m', '1', '2Gi') });

/** The components of each line, in start order (the write path's consumers before its producers). */
export const COMPONENTS: Readonly<Record<TempoLine, readonly ComponentSpec[]>> = {
  '2.10': [
    // The ingester's WAL must survive a restart; it gets 20 minutes to flush on shutdown, as upstream.
    spec({ name: 'ingester', target: 'ingester', workload: 'StatefulSet', gossip: true, autoscalable: 'the ingester holds live traces and its place in the ring; scale it by hand', store: true, kafka: false, persistent: true, replicas: 3, resources: res('1', '2500m', '4Gi'), terminationGracePeriodSeconds: 1200 }),
    DISTRIBUTOR,
    QUERIER,
    QUERY_FRONTEND,
    spec({ name: 'compactor', target: 'compactor', workload: 'Deployment', gossip: true, autoscalable: true, store: true, kafka: false, persistent: false, replicas: 2, resources: res('500m', '1', '2Gi') }),
    generator(true),
  ],
  '3.0': [
    // The partition is the pod ordinal and the consumer group the name before it: a StatefulSet.
    spec({ name: 'liveStore', target: 'live-store', workload: 'StatefulSet', gossip: true, autoscalable: 'each live-store owns the Kafka partition of its ordinal; scale it by hand, with the topic', store: false, kafka: true, persistent: true, replicas: 2, resources: res('1', '2', '4Gi'), terminationGracePeriodSeconds: 1200 }),
    spec({ name: 'blockBuilder', target: 'block-builder', workload: 'StatefulSet', gossip: true, autoscalable: 'one block-builder runs per Kafka partition', store: true, kafka: true, persistent: false, replicas: 2, resources: res('500m', '1', '4Gi'), scratchSize: '10Gi' }),
    DISTRIBUTOR,
    QUERIER,
    QUERY_FRONTEND,
    // Only one scheduler may run; its job state is flushed to the bucket every minute, the volume spares the replay.
    spec({ name: 'backendScheduler', target: 'backend-scheduler', workload: 'StatefulSet', gossip: false, autoscalable: 'exactly one backend-scheduler may run', store: true, kafka: false, persistent: true, replicas: 1, resources: res('250m', '500m', '1Gi') }),
    spec({ name: 'backendWorker', target: 'backend-worker', workload: 'Deployment', gossip: true, autoscalable: true, store: true, kafka: false, persistent: false, replicas: 2, resources: res('500m', '1', '2Gi') }),
    generator(false),
  ],
};

/** Components whose replica count the profile decides. */
export const FIXED_REPLICAS: Readonly<Partial<Record<TempoComponentName, string>>> = {
  blockBuilder: 'one block-builder runs per Kafka partition, so it follows components.liveStore.replicas',
  backendScheduler: 'exactly one backend-scheduler may run',
};
