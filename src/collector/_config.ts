import { CollectorReceiverName, HEALTH_PORT, METRICS_PORT, RECEIVER_PORTS } from './_ports';
import { RocketChatHygiene, rocketChatSpanStatements } from './_rocketchat';
import { TLS_RELOAD_INTERVAL } from '../common/tls';

// ---- Typed shape of the collector config keys this project emits, checked against
// opentelemetry-collector(-contrib) v0.158.0 (component factories and mapstructure tags).

/** Component type names at 0.158.0. Renamed components use their new names. */
export const COMPONENTS = {
  receivers: { otlp: 'otlp', jaeger: 'jaeger', zipkin: 'zipkin' },
  processors: {
    memoryLimiter: 'memory_limiter',
    k8sAttributes: 'k8s_attributes',
    resource: 'resource',
    transform: 'transform',
    tailSampling: 'tail_sampling',
    probabilisticSampler: 'probabilistic_sampler',
    batch: 'batch',
  },
  exporters: { otlpGrpc: 'otlp_grpc', loadBalancing: 'load_balancing', debug: 'debug' },
  connectors: { routing: 'routing' },
  extensions: { healthCheck: 'health_check', fileStorage: 'file_storage' },
} as const;

/** The header Tempo reads the tenant of a request from (dskit `user.OrgIDHeaderName`). */
export const TENANT_HEADER = 'X-Scope-OrgID';

/** The resource attribute spans are routed to tenants by, set by the Kubernetes attributes processor. */
export const NAMESPACE_ATTRIBUTE = 'k8s.namespace.name';

/** Component and pipeline ids of tenant routing (`type/name`; names may hold any tenant id character). */
export const TENANT_ROUTING = {
  /** The pipeline that receives, samples and hands every span to the routing connector. */
  ingestPipeline: 'traces',
  /** Exports one tenant's spans to the backend with its X-Scope-OrgID header. */
  exporter: (tenant: string) => `${COMPONENTS.exporters.otlpGrpc}/${tenant}`,
  pipeline: (tenant: string) => `traces/tenant-${tenant}`,
  /** Spans from no tenant's namespace when there is no default tenant: counted, logged, dropped. */
  unroutedPipeline: 'traces/unrouted',
  unroutedExporter: `${COMPONENTS.exporters.debug}/unrouted`,
  /** Deletes a sender's own k8s.namespace.name before the Kubernetes attributes processor sets it. */
  namespaceReset: `${COMPONENTS.processors.resource}/namespace-from-pod`,
} as const;

/** An OTTL condition (resource context) true for spans sent from `namespace`. */
export function namespaceCondition(namespace: string): string {
  return `attributes[${JSON.stringify(NAMESPACE_ATTRIBUTE)}] == ${JSON.stringify(namespace)}`;
}

/** The pod IP, from the downward API: listeners bind to it, not to localhost or 0.0.0.0. */
export const POD_IP_ENV = 'MY_POD_IP';
const POD_IP = `\${env:${POD_IP_ENV}}`;

/** Where the server certificate and the backend's CA are mounted. */
export const TLS_PATHS = {
  serverDir: '/tls/server',
  backendCaDir: '/tls/backend',
} as const;

interface Endpoint {
  readonly endpoint: string;
  readonly tls?: { readonly cert_file: string; readonly key_file: string; readonly reload_interval: string };
}

type Policy =
  | { readonly name: string; readonly type: 'status_code'; readonly status_code: { readonly status_codes: readonly string[] } }
  | { readonly name: string; readonly type: 'latency'; readonly latency: { readonly threshold_ms: number } }
  | { readonly name: string; readonly type: 'probabilistic'; readonly probabilistic: { readonly sampling_percentage: number } }
  | {
    readonly name: string;
    readonly type: 'and';
    readonly and: {
      readonly and_sub_policy: readonly (
        | { readonly name: string; readonly type: 'probabilistic'; readonly probabilistic: { readonly sampling_percentage: number } }
        | { readonly name: string; readonly type: 'rate_limiting'; readonly rate_limiting: { readonly spans_per_second: number } }
      )[];
    };
  };

/** A `traces` pipeline: receivers (or connectors), processors in order, exporters (or connectors). */
export interface TracesPipeline {
  readonly receivers: readonly string[];
  readonly processors?: readonly string[];
  readonly exporters: readonly string[];
}

/** The contrib `routing` connector (connector/routingconnector config.go): first matching route wins. */
export interface RoutingConnectorConfig {
  /** `ignore`: a condition that fails to evaluate sends the data to `default_pipelines`. */
  readonly error_mode: 'ignore';
  readonly default_pipelines: readonly string[];
  readonly table: readonly { readonly context: 'resource'; readonly condition: string; readonly pipelines: readonly string[] }[];
}

export interface CollectorConfig {
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly receivers: Readonly<Record<string, unknown>>;
  readonly processors: Readonly<Record<string, unknown>>;
  readonly exporters: Readonly<Record<string, unknown>>;
  /** Only with tenant routing. */
  readonly connectors?: { readonly routing: RoutingConnectorConfig };
  readonly service: {
    readonly extensions: readonly string[];
    readonly telemetry: {
      readonly logs: { readonly level: string; readonly encoding: 'json' };
      readonly metrics: {
        readonly level: 'normal' | 'detailed';
        readonly readers: readonly { readonly pull: { readonly exporter: { readonly prometheus: { readonly host: string; readonly port: number } } } }[];
      };
    };
    /** `traces`, and with tenant routing one pipeline per tenant behind it. */
    readonly pipelines: Readonly<Record<string, TracesPipeline>>;
  };
}

/** Resolved sampling, as the config builder needs it. */
export type ResolvedSampling =
  | {
    readonly type: 'tail';
    readonly keepErrors: boolean;
    readonly latencyThresholdMs: number;
    readonly baselinePercentage: number;
    readonly spansPerSecondLimit: number;
    readonly decisionWaitSeconds: number;
    readonly numTraces: number;
  }
  | { readonly type: 'head'; readonly percentage: number }
  | { readonly type: 'none' };

/** Spans routed to Tempo tenants by the namespace that sent them. */
export interface TenantRouting {
  /** Each tenant and the namespaces whose spans it receives; a namespace belongs to one tenant. */
  readonly tenants: readonly { readonly id: string; readonly namespaces: readonly string[] }[];
  /** Tenant of spans from no listed namespace; without one they are counted and dropped. */
  readonly defaultTenant?: string;
}

export interface CollectorConfigInput {
  readonly receivers: readonly CollectorReceiverName[];
  /** memory_limiter thresholds, derived from the container memory limit. */
  readonly memoryLimiter: { readonly limitMib: number; readonly spikeLimitMib: number };
  readonly k8sAttributes: boolean;
  /** Only the pods of the node named by this environment variable (a DaemonSet agent). */
  readonly k8sAttributesNodeEnv?: string;
  /**
   * Spans carry a namespace only the cluster vouches for: the sender's own k8s.namespace.name is
   * deleted and the pod is found by the connection's address alone (tenant routing trusts it).
   */
  readonly k8sNamespaceFromConnection?: boolean;
  /** Resource attributes inserted when absent (never overwritten). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly rocketChat?: RocketChatHygiene;
  readonly sampling: ResolvedSampling;
  readonly exporter: {
    /**
     * `otlp_grpc` to the endpoint, or `load_balancing` by trace id over the pods behind a
     * headless Service (`name.namespace`, resolved through its EndpointSlices).
     */
    readonly loadBalancing?: { readonly service: string; readonly port: number };
    readonly endpoint: string;
    readonly persistentQueueDir?: string;
    readonly queueSize: number;
    /** Verify the backend's certificate with this CA file; plaintext without it. */
    readonly caFile?: string;
    /** One exporter per tenant behind a routing connector, instead of one exporter. */
    readonly tenantRouting?: TenantRouting;
  };
  /** Serve every TCP receiver over TLS with the certificate under TLS_PATHS.serverDir. */
  readonly receiverTls: boolean;
  readonly debugExporter: boolean;
  readonly logLevel: string;
}

function receiversConfig(enabled: readonly CollectorReceiverName[], tls: boolean): Record<string, unknown> {
  const serverTls = { cert_file: `${TLS_PATHS.serverDir}/tls.crt`, key_file: `${TLS_PATHS.serverDir}/tls.key`, reload_interval: TLS_RELOAD_INTERVAL };
  const listen = (r: CollectorReceiverName): Endpoint | undefined => {
    if (!enabled.includes(r)) return undefined;
    const endpoint = `${POD_IP}:${RECEIVER_PORTS[r].port}`;
    // UDP (Jaeger Thrift compact) has no TLS; the collector refuses it with TLS on.
    return tls && RECEIVER_PORTS[r].protocol === 'TCP' ? { endpoint, tls: serverTls } : { endpoint };
  };
  const out: Record<string, unknown> = {};
  const otlp = prune({ grpc: listen('otlpGrpc'), http: listen('otlpHttp') });
  if (Object.keys(otlp).length) out[COMPONENTS.receivers.otlp] = { protocols: otlp };
  const jaeger = prune({ grpc: listen('jaegerGrpc'), thrift_http: listen('jaegerThriftHttp'), thrift_compact: listen('jaegerThriftCompact') });
  if (Object.keys(jaeger).length) out[COMPONENTS.receivers.jaeger] = { protocols: jaeger };
  const zipkin = listen('zipkin');
  if (zipkin) out[COMPONENTS.receivers.zipkin] = zipkin;
  return out;
}

function tailSamplingPolicies(s: Extract<ResolvedSampling, { type: 'tail' }>): Policy[] {
  const policies: Policy[] = [];
  if (s.keepErrors) policies.push({ name: 'keep-errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } });
  if (s.latencyThresholdMs > 0) policies.push({ name: 'keep-slow', type: 'latency', latency: { threshold_ms: s.latencyThresholdMs } });
  if (s.baselinePercentage > 0) {
    const baseline = { name: 'baseline', type: 'probabilistic', probabilistic: { sampling_percentage: s.baselinePercentage } } as const;
    policies.push(
      s.spansPerSecondLimit > 0
        ? {
          name: 'baseline-rate-limited',
          type: 'and',
          and: { and_sub_policy: [baseline, { name: 'rate-limit', type: 'rate_limiting', rate_limiting: { spans_per_second: s.spansPerSecondLimit } }] },
        }
        : baseline,
    );
  }
  return policies;
}

/** Builds the collector config as a typed object; processors in the order the pipeline runs them. */
export function buildCollectorConfig(input: CollectorConfigInput): CollectorConfig {
  const P = COMPONENTS.processors;
  const processors: [string, unknown][] = [
    // First: refuse data before the process runs out of memory.
    [P.memoryLimiter, { check_interval: '1s', limit_mib: input.memoryLimiter.limitMib, spike_limit_mib: input.memoryLimiter.spikeLimitMib }],
  ];
  if (input.k8sNamespaceFromConnection) {
    // The Kubernetes attributes processor never overwrites an attribute the sender set
    // (setResourceAttribute): without this, a pod could claim another namespace, and its tenant.
    processors.push([TENANT_ROUTING.namespaceReset, { attributes: [{ key: NAMESPACE_ATTRIBUTE, action: 'delete' }] }]);
  }
  if (input.k8sAttributes) {
    processors.push([
      P.k8sAttributes,
      {
        auth_type: 'serviceAccount',
        passthrough: false,
        extract: {
          metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.deployment.name', 'k8s.node.name', 'k8s.pod.start_time'],
        },
        // An agent only ever sees pods of its own node: watching only those keeps its cache small.
        ...(input.k8sAttributesNodeEnv ? { filter: { node_from_env_var: input.k8sAttributesNodeEnv } } : {}),
        // Rocket.Chat's SDK sends no pod identity: match by the sender's pod IP. The uid and IP
        // resource attributes come first for senders that do set them (e.g. via the downward API),
        // unless the namespace decides a tenant: a sender could name another namespace's pod.
        pod_association: input.k8sNamespaceFromConnection
          ? [{ sources: [{ from: 'connection' }] }]
          : [
            { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
            { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
            { sources: [{ from: 'connection' }] },
          ],
        // The namespace decides the tenant: spans received before the pod cache has synced would
        // go to the default tenant or be dropped, so the collector starts only once it has.
        ...(input.k8sNamespaceFromConnection ? { wait_for_metadata: true, wait_for_metadata_timeout: '30s' } : {}),
      },
    ]);
  }
  if (Object.keys(input.resourceAttributes).length) {
    processors.push([
      P.resource,
      // `insert` only adds a missing attribute: service.name and anything a sender set stay as they are.
      { attributes: Object.entries(input.resourceAttributes).map(([key, value]) => ({ key, value, action: 'insert' })) },
    ]);
  }
  if (input.rocketChat) {
    const statements = rocketChatSpanStatements(input.rocketChat);
    // A statement that fails on one span (e.g. hashing a non-string) must not drop the batch.
    if (statements.length) processors.push([P.transform, { error_mode: 'ignore', trace_statements: [{ context: 'span', statements }] }]);
  }
  const s = input.sampling;
  if (s.type === 'tail') {
    processors.push([
      P.tailSampling,
      { decision_wait: `${s.decisionWaitSeconds}s`, num_traces: s.numTraces, policies: tailSamplingPolicies(s) },
    ]);
  } else if (s.type === 'head') {
    processors.push([P.probabilisticSampler, { sampling_percentage: s.percentage }]);
  }
  // Last: batch what survived. With tenant routing each tenant's pipeline batches its own spans,
  // so its exporter sends full batches; the ingest pipeline hands spans to the router unbatched.
  const batch = { timeout: '1s', send_batch_size: 1024, send_batch_max_size: 2048 };
  const routing = input.exporter.tenantRouting;
  if (routing && input.exporter.loadBalancing) throw new Error('tenant routing happens where spans are exported to the backend, not in front of a load-balancing exporter');
  if (!routing) processors.push([P.batch, batch]);

  const E = COMPONENTS.exporters;
  // A fresh object for each exporter: shared objects would serialise as YAML aliases.
  const otlp = () => ({
    // Plaintext only when the backend has no TLS. The CA is read at start: a new CA needs a restart.
    tls: input.exporter.caFile ? { ca_file: input.exporter.caFile } : { insecure: true },
    compression: 'gzip',
    timeout: '10s',
    sending_queue: {
      enabled: true,
      num_consumers: 4,
      queue_size: input.exporter.queueSize,
      ...(input.exporter.persistentQueueDir ? { storage: COMPONENTS.extensions.fileStorage } : {}),
    },
    // With a persistent queue, batches wait on disk for the backend however long it is away
    // (0 = retry without a time limit); in memory, they are given up after 5 minutes.
    retry_on_failure: { enabled: true, initial_interval: '5s', max_interval: '30s', max_elapsed_time: input.exporter.persistentQueueDir ? '0s' : '300s' },
  });
  const lb = input.exporter.loadBalancing;
  const exporters: Record<string, unknown> = {};
  if (routing) {
    // One exporter per tenant, each with the backend exporter's settings and its tenant's header.
    for (const tenant of routedTenants(routing)) {
      exporters[TENANT_ROUTING.exporter(tenant)] = { endpoint: input.exporter.endpoint, ...otlp(), headers: { [TENANT_HEADER]: tenant } };
    }
    if (routing.defaultTenant === undefined) exporters[TENANT_ROUTING.unroutedExporter] = { verbosity: 'basic' };
  } else if (lb) {
    exporters[E.loadBalancing] = {
      // Every span of a trace goes to the same sampler, which can then decide on the whole trace.
      routing_key: 'traceID',
      // The per-sampler otlp_grpc exporter; its endpoint is each resolved sampler.
      protocol: { otlp: otlp() },
      // Pod hostnames (<pod>.<service>.<namespace>) rather than IPs: a restarted sampler keeps
      // its place in the hash ring, and TLS verifies a name.
      resolver: { k8s: { service: lb.service, ports: [lb.port], timeout: '1m', return_hostnames: true } },
    };
  } else {
    exporters[E.otlpGrpc] = { endpoint: input.exporter.endpoint, ...otlp() };
  }
  if (input.debugExporter) exporters[E.debug] = { verbosity: 'basic' };

  const X = COMPONENTS.extensions;
  const extensions: Record<string, unknown> = { [X.healthCheck]: { endpoint: `${POD_IP}:${HEALTH_PORT.port}` } };
  if (input.exporter.persistentQueueDir) extensions[X.fileStorage] = { directory: input.exporter.persistentQueueDir };

  const receivers = receiversConfig(input.receivers, input.receiverTls);
  const ingest: TracesPipeline = { receivers: Object.keys(receivers), processors: processors.map(([name]) => name), exporters: Object.keys(exporters) };
  const pipelines: Record<string, TracesPipeline> = { [TENANT_ROUTING.ingestPipeline]: ingest };
  let connectors: CollectorConfig['connectors'];
  if (routing) {
    const router = COMPONENTS.connectors.routing;
    const fallback = routing.defaultTenant === undefined ? TENANT_ROUTING.unroutedPipeline : TENANT_ROUTING.pipeline(routing.defaultTenant);
    connectors = {
      [router]: {
        error_mode: 'ignore',
        default_pipelines: [fallback],
        // One route per namespace; a namespace belongs to one tenant, so at most one matches.
        table: routing.tenants.flatMap((t) =>
          t.namespaces.map((namespace) => ({ context: 'resource' as const, condition: namespaceCondition(namespace), pipelines: [TENANT_ROUTING.pipeline(t.id)] })),
        ),
      },
    };
    // Sampling decides in the ingest pipeline, on whole traces, before the router splits them by tenant.
    pipelines[TENANT_ROUTING.ingestPipeline] = { ...ingest, exporters: [router, ...(input.debugExporter ? [E.debug] : [])] };
    for (const tenant of routedTenants(routing)) {
      pipelines[TENANT_ROUTING.pipeline(tenant)] = { receivers: [router], processors: [P.batch], exporters: [TENANT_ROUTING.exporter(tenant)] };
    }
    if (routing.defaultTenant === undefined) pipelines[TENANT_ROUTING.unroutedPipeline] = { receivers: [router], exporters: [TENANT_ROUTING.unroutedExporter] };
    processors.push([P.batch, batch]);
  }
  return {
    extensions,
    receivers,
    processors: Object.fromEntries(processors),
    exporters,
    ...(connectors ? { connectors } : {}),
    service: {
      extensions: Object.keys(extensions),
      telemetry: {
        logs: { level: input.logLevel, encoding: 'json' },
        metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: POD_IP, port: METRICS_PORT.port } } } }] },
      },
      pipelines,
    },
  };
}

/** Every tenant that gets an exporter: the listed ones, then a default tenant outside them. */
function routedTenants(routing: TenantRouting): string[] {
  const ids = routing.tenants.map((t) => t.id);
  return routing.defaultTenant === undefined || ids.includes(routing.defaultTenant) ? ids : [...ids, routing.defaultTenant];
}

function prune<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
