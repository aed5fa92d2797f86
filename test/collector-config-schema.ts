import { KeyTree } from './tempo-config-schema';

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
    },
    debug: { verbosity: 'string' },
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
