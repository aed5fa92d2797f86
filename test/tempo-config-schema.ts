/**
 * The tempo.yaml keys Tempo accepts at each pinned version, for the parts this project emits,
 * transcribed from the yaml struct tags at tags v3.0.3 and v2.10.8 (cmd/tempo/app/config.go,
 * modules/*, tempodb/backend/*, modules/overrides). Tempo parses strictly, so a key outside
 * this tree would crash the pod; a value of the wrong type would too.
 */
// 'duration': a Go duration; 'retention': also a Prometheus duration (overrides are parsed with
// Prometheus' rules), so whole hours/minutes/seconds only.
type Leaf = 'string' | 'int' | 'number' | 'bool' | 'duration' | 'retention';
export interface KeyTree {
  readonly [key: string]: Leaf | KeyTree | readonly [KeyTree];
}

const endpoint: KeyTree = { endpoint: 'string' };

const memberlistRing: KeyTree = { kvstore: { store: 'string' } };

const common: KeyTree = {
  target: 'string',
  multitenancy_enabled: 'bool',
  stream_over_http_enabled: 'bool',
  server: { http_listen_port: 'int', grpc_listen_port: 'int', log_level: 'string' },
  usage_report: { reporting_enabled: 'bool' },
  distributor: {
    receivers: {
      otlp: { protocols: { grpc: endpoint, http: endpoint } },
      jaeger: { protocols: { grpc: endpoint, thrift_http: endpoint, thrift_compact: endpoint, thrift_binary: endpoint } },
      zipkin: endpoint,
    },
  },
  // dskit memberlist.KVConfig (vendor/github.com/grafana/dskit/kv/memberlist), bind_port inlined from tcp_transport.go.
  memberlist: { abort_if_cluster_join_fails: 'bool', bind_port: 'int', join_members: 'string', cluster_label: 'string' },
  // modules/querier/config.go, worker/worker.go.
  querier: { frontend_worker: { frontend_address: 'string' } },
  metrics_generator: {
    metrics_ingestion_time_range_slack: 'duration',
    // modules/generator/registry/config.go.
    registry: { external_labels: { '*': 'string' }, inject_tenant_id_as: 'string' },
    storage: { path: 'string', remote_write: [{ url: 'string', send_exemplars: 'bool' }] },
  },
  storage: {
    trace: {
      backend: 'string',
      wal: { path: 'string' },
      local: { path: 'string' },
      azure: {
        storage_account_name: 'string',
        storage_account_key: 'string',
        container_name: 'string',
        endpoint_suffix: 'string',
        use_federated_token: 'bool',
      },
      s3: { bucket: 'string', endpoint: 'string', region: 'string', forcepathstyle: 'bool', insecure: 'bool', access_key: 'string', secret_key: 'string' },
      gcs: { bucket_name: 'string' },
    },
  },
};

/** The scoped overrides shape, shared by `overrides.defaults` and each runtime-file tenant. */
const scopedOverrides = (line: '3.0' | '2.10'): KeyTree => ({
  ingestion: { rate_strategy: 'string', rate_limit_bytes: 'int', burst_size_bytes: 'int', max_traces_per_user: 'int', retry_info_enabled: 'bool' },
  read: line === '3.0' ? { max_bytes_per_tag_values_query: 'int', max_condition_groups_per_tag_query: 'int' } : { max_bytes_per_tag_values_query: 'int' },
  global: { max_bytes_per_trace: 'int' },
  compaction: { block_retention: 'retention' },
  metrics_generator: {
    processors: 'string',
    generate_native_histograms: 'string',
    native_histogram_bucket_factor: 'number',
    native_histogram_max_bucket_number: 'int',
    native_histogram_min_reset_duration: 'duration',
  },
});

const overrides = (line: '3.0' | '2.10'): KeyTree => ({
  per_tenant_override_config: 'string',
  per_tenant_override_period: 'duration',
  defaults: scopedOverrides(line),
});

const retention: KeyTree = { compaction: { block_retention: 'retention' } };

export const TEMPO_KEYS: Record<'3.0' | '2.10', KeyTree> = {
  '3.0': {
    ...common,
    overrides: overrides('3.0'),
    // modules/livestore/config.go, partition_ring.go.
    live_store: {
      wal: { path: 'string' },
      shutdown_marker_dir: 'string',
      readiness_target_lag: 'duration',
      readiness_max_wait: 'duration',
      partition_ring: { delete_inactive_partition_after: 'duration' },
    },
    backend_scheduler: { local_work_path: 'string' },
    // modules/backendworker/config.go, backendworker_ring.go.
    backend_worker: { ...retention, backend_scheduler_addr: 'string', ring: memberlistRing },
    // pkg/ingest/config.go (KafkaConfig).
    ingest: { kafka: { address: 'string', topic: 'string', auto_create_topic_enabled: 'bool', sasl_username: 'string', sasl_password: 'string' } },
    // modules/blockbuilder/config.go.
    block_builder: { partitions_per_instance: 'int' },
  },
  '2.10': {
    ...common,
    overrides: overrides('2.10'),
    // modules/compactor/config.go, compactor_ring.go.
    compactor: { ...retention, ring: memberlistRing },
    // modules/ingester/config.go: lifecycler is dskit's LifecyclerConfig, whose ring is ring.Config.
    ingester: { lifecycler: { ring: { ...memberlistRing, replication_factor: 'int' } } },
    // traces_storage (for the local-blocks processor) was removed in 3.0.
    metrics_generator: { ...(common.metrics_generator as KeyTree), traces_storage: { path: 'string' } },
  },
};

export const OVERRIDES_FILE_KEYS: Record<'3.0' | '2.10', KeyTree> = {
  '3.0': { overrides: { '*': scopedOverrides('3.0') } },
  '2.10': { overrides: { '*': scopedOverrides('2.10') } },
};

const GO_DURATION = /^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$/;
const RETENTION = /^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/;

/** Returns `path: problem` for every key outside `tree` and every value of the wrong type. */
export function checkKeys(value: unknown, tree: KeyTree | Leaf | readonly [KeyTree], path = ''): string[] {
  if (typeof tree === 'string') {
    const ok =
      tree === 'string' ? typeof value === 'string'
        : tree === 'int' ? Number.isInteger(value)
          : tree === 'number' ? typeof value === 'number'
          : tree === 'bool' ? typeof value === 'boolean'
            : tree === 'retention' ? typeof value === 'string' && RETENTION.test(value)
              : typeof value === 'string' && GO_DURATION.test(value);
    // Lists of scalars (e.g. processors) are checked element-wise.
    if (!ok && Array.isArray(value)) return value.flatMap((v, i) => checkKeys(v, tree, `${path}[${i}]`));
    return ok ? [] : [`${path}: expected ${tree}, got ${JSON.stringify(value)}`];
  }
  if (Array.isArray(tree)) {
    if (!Array.isArray(value)) return [`${path}: expected a list`];
    return value.flatMap((v, i) => checkKeys(v, tree[0], `${path}[${i}]`));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected a mapping`];
  const keyTree = tree as KeyTree;
  return Object.entries(value).flatMap(([k, v]) => {
    const sub = keyTree[k] ?? keyTree['*'];
    const at = path ? `${path}.${k}` : k;
    return sub === undefined ? [`${at}: unknown key`] : checkKeys(v, sub, at);
  });
}
