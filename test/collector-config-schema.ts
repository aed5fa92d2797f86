import { KeyTree, checkKeys } from './tempo-config-schema';

/**
 * The collector config keys this project may emit, transcribed from
 * opentelemetry-collector(-contrib) v0.158.0 (component factories' type names, mapstructure
 * tags). The collector rejects unknown keys and unknown component names at start-up.
 */
const endpoint: KeyTree = { endpoint: 'string' };

export const COLLECTOR_KEYS: KeyTree = {
  extensions: {
    health_check: endpoint,
    file_storage: { directory: 'string' },
  },
  receivers: {
    otlp: { protocols: { grpc: endpoint, http: endpoint } },
    jaeger: { protocols: { grpc: endpoint, thrift_http: endpoint, thrift_compact: endpoint } },
    zipkin: endpoint,
  },
  processors: {
    memory_limiter: { check_interval: 'duration', limit_mib: 'int', spike_limit_mib: 'int' },
    k8s_attributes: {
      auth_type: 'string',
      passthrough: 'bool',
      extract: { metadata: 'string' },
      pod_association: [{ sources: [{ from: 'string', name: 'string' }] }],
      // processor/k8sattributesprocessor config.go (WaitForMetadata, WaitForMetadataTimeout).
      wait_for_metadata: 'bool',
      wait_for_metadata_timeout: 'duration',
    },
    resource: { attributes: [{ key: 'string', value: 'string', action: 'string' }] },
    transform: { error_mode: 'string', trace_statements: [{ context: 'string', statements: 'string' }] },
    tail_sampling: {
      decision_wait: 'duration',
      num_traces: 'int',
      policies: [
        {
          name: 'string',
          type: 'string',
          status_code: { status_codes: 'string' },
          latency: { threshold_ms: 'int' },
          probabilistic: { sampling_percentage: 'number' },
          and: {
            and_sub_policy: [
              { name: 'string', type: 'string', probabilistic: { sampling_percentage: 'number' }, rate_limiting: { spans_per_second: 'int' } },
            ],
          },
        },
      ],
    },
    probabilistic_sampler: { sampling_percentage: 'number' },
    batch: { timeout: 'duration', send_batch_size: 'int', send_batch_max_size: 'int' },
  },
  exporters: {
    otlp_grpc: {
      endpoint: 'string',
      tls: { insecure: 'bool' },
      compression: 'string',
      timeout: 'duration',
      sending_queue: { enabled: 'bool', num_consumers: 'int', queue_size: 'int', storage: 'string' },
      retry_on_failure: { enabled: 'bool', initial_interval: 'duration', max_interval: 'duration', max_elapsed_time: 'duration' },
      // configgrpc.ClientConfig `headers` (configopaque.MapList: a map of header names to values).
      headers: { '*': 'string' },
    },
    debug: { verbosity: 'string' },
  },
  // contrib connector/routingconnector config.go: Config{error_mode, default_pipelines, table},
  // RoutingTableItem{context, statement, condition, pipelines}; `match_once` was removed in 0.120.
  connectors: {
    routing: {
      error_mode: 'string',
      default_pipelines: 'string',
      table: [{ context: 'string', condition: 'string', statement: 'string', pipelines: 'string' }],
    },
  },
  service: {
    extensions: 'string',
    telemetry: {
      logs: { level: 'string', encoding: 'string' },
      metrics: { level: 'string', readers: [{ pull: { exporter: { prometheus: { host: 'string', port: 'int' } } } }] },
    },
    pipelines: { traces: { receivers: 'string', processors: 'string', exporters: 'string' } },
  },
};

/** Component names removed from the collector, or kept only as deprecated aliases, at 0.158.0. */
export const REMOVED_OR_DEPRECATED: Record<'receivers' | 'processors' | 'exporters', readonly string[]> = {
  receivers: ['opencensus'],
  processors: ['k8sattributes', 'resourcedetection', 'spanmetrics'],
  exporters: ['logging', 'otlp', 'otlphttp', 'loadbalancing'],
};

/** component.ID / pipeline.ID name rule at 0.158.0 (component/identifiable.go `nameRegexp`). */
const ID_NAME = /^[^\p{Z}\p{C}\p{S}]+$/u;
const SECTIONS = ['extensions', 'receivers', 'processors', 'exporters', 'connectors'] as const;

/**
 * Like `checkKeys(config, COLLECTOR_KEYS)`, for configs with several components of one type:
 * component ids are `type[/name]` and pipeline ids `signal[/name]`, so each is checked against the
 * tree of its type (or signal), and each name against the collector's rule for names.
 */
export function checkCollectorKeys(config: Record<string, any>): string[] {
  const problems: string[] = [];
  const checkId = (at: string, id: string, tree: KeyTree, value: unknown) => {
    const [type, name, ...rest] = id.split('/');
    if (rest.length || (name !== undefined && !ID_NAME.test(name))) problems.push(`${at}: not a valid id`);
    const sub = tree[type];
    if (sub === undefined) problems.push(`${at}: unknown key`);
    else problems.push(...checkKeys(value, sub, at));
  };
  for (const key of Object.keys(config)) {
    if (key !== 'service' && !(SECTIONS as readonly string[]).includes(key)) problems.push(`${key}: unknown key`);
  }
  for (const section of SECTIONS) {
    for (const [id, value] of Object.entries(config[section] ?? {})) checkId(`${section}.${id}`, id, COLLECTOR_KEYS[section] as KeyTree, value);
  }
  const { pipelines, ...service } = config.service ?? {};
  problems.push(...checkKeys({ service }, { service: COLLECTOR_KEYS.service } as KeyTree));
  const pipelineTree = (COLLECTOR_KEYS.service as KeyTree).pipelines as KeyTree;
  for (const [id, pipeline] of Object.entries(pipelines ?? {})) checkId(`service.pipelines.${id}`, id, pipelineTree, pipeline);
  return problems;
}
