import { FORMATS } from '../common/formats';
import { DEFAULT_RESOURCES } from '../common/resources';
import { DEFAULT_LIMITS, TENANT_IDS } from '../tempo/_limits';
import { LOG_LEVELS } from '../common/defaults';
import { DEFAULT_TEMPO_VERSION, TEMPO_PINNED_VERSIONS, TEMPO_VERSION_FORMAT } from '../tempo/version';
import { ZONE_SPREADS } from '../tempo/scalable';
import { TEMPO_PROFILES } from '../tempo/tempo-stack';
import { SENSITIVE_ACTIONS } from '../collector/_rocketchat';
import { GRAFANA_FORMATS } from '../grafana/_formats';
import { PROPAGATORS } from '../rocketchat/_environment';
import { ALL_WORKLOADS, DEFAULT_WORKLOADS } from '../rocketchat/workloads';
import { Infer, bool, int, list, map, num, obj, oneOf, optional, record, str, tagged } from './_schema';

// Every string format here is the one the constructs check, so the file, its JSON Schema and the
// library accept exactly the same values.

const positive = (description: string) => int({ description, min: 1 });

const resources = (description: string) =>
  obj(
    {
      cpuRequest: optional(str({ description: `CPU request. Default ${DEFAULT_RESOURCES.cpuRequest}.`, format: FORMATS.cpu })),
      cpuLimit: optional(str({ description: `CPU limit. Default ${DEFAULT_RESOURCES.cpuLimit}.`, format: FORMATS.cpu })),
      memoryRequest: optional(str({ description: `Memory request. Default ${DEFAULT_RESOURCES.memoryRequest}.`, format: FORMATS.quantity })),
      memoryLimit: optional(str({ description: `Memory limit, at least 256Mi (also sets GOMEMLIMIT). Default ${DEFAULT_RESOURCES.memoryLimit}.`, format: FORMATS.quantity })),
    },
    { description },
  );

const serviceMonitor = (description: string) =>
  obj(
    {
      enabled: optional(bool('Emit a ServiceMonitor (prometheus-operator CRDs). Default true.')),
      releaseLabel: optional(str({ description: 'The release label kube-prometheus-stack selects by. Default kube-prometheus-stack.', format: FORMATS.labelValue })),
      interval: optional(str({ description: 'Scrape interval. Default 30s.', format: FORMATS.prometheusDuration, examples: ['30s'] })),
    },
    { description },
  );

const limitMembers = {
  maxTracesPerUser: optional(positive(`Live traces a tenant may hold in memory at once. Default ${DEFAULT_LIMITS.maxTracesPerUser}.`)),
  maxBytesPerTrace: optional(positive(`Largest trace accepted, in bytes. Default ${DEFAULT_LIMITS.maxBytesPerTrace}.`)),
  ingestionRateLimitBytes: optional(positive(`Sustained ingestion rate per tenant, bytes per second. Default ${DEFAULT_LIMITS.ingestionRateLimitBytes}.`)),
  ingestionBurstSizeBytes: optional(positive(`Ingestion burst per tenant, bytes; at least the rate. Default ${DEFAULT_LIMITS.ingestionBurstSizeBytes}.`)),
};
const limits = obj(limitMembers, { description: 'Default per-tenant limits (Tempo scoped overrides).' });
const tenantLimits = obj(
  {
    ...limitMembers,
    blockRetention: optional(str({ description: "Retention of this tenant's blocks. Default: tempo.retention.", format: FORMATS.retention, examples: ['72h'] })),
  },
  { description: 'Limits for one tenant; unset keys take the defaults.' },
);

const secretName = str({ description: 'Name of an existing Secret in the tracing namespace.', format: FORMATS.dnsSubdomain });
const secretKey = (description: string) => optional(str({ description, format: FORMATS.secretKey }));

const storage = tagged(
  'backend',
  {
    local: obj({}, { description: 'Blocks on the data volume (monolithic only).' }),
    azure: obj(
      {
        storageAccountName: str({ description: 'Azure storage account name.', format: FORMATS.azureStorageAccount }),
        containerName: str({ description: 'Blob container (must exist).', format: FORMATS.azureContainer }),
        endpointSuffix: optional(str({ description: 'Endpoint suffix of the Azure cloud. Default blob.core.windows.net.', format: FORMATS.hostname })),
        auth: tagged(
          'type',
          {
            workloadIdentity: obj(
              { clientId: str({ description: "Client id of the managed identity federated with Tempo's ServiceAccount.", format: FORMATS.uuid }) },
              { description: 'Azure workload identity.' },
            ),
            secret: obj({ secretName, key: secretKey('Key holding the storage account key. Default account-key.') }, { description: 'Account key from an existing Secret.' }),
          },
          { description: 'How Tempo authenticates to the storage account.' },
        ),
      },
      { description: 'Azure Blob Storage.' },
    ),
    s3: obj(
      {
        bucket: str({ description: 'Bucket (must exist).', format: FORMATS.bucket }),
        endpoint: str({ description: 'Endpoint host[:port] without scheme.', format: FORMATS.hostPort }),
        region: optional(str({ description: 'Bucket region.', format: FORMATS.awsRegion })),
        forcePathStyle: optional(bool('Path-style addressing. Default false.')),
        insecure: optional(bool('Plain HTTP to the endpoint. Default false.')),
        auth: tagged(
          'type',
          {
            iamRole: obj({ roleArn: str({ description: 'IAM role ARN (IRSA).', format: FORMATS.iamRoleArn }) }, { description: 'IAM role for the ServiceAccount.' }),
            secret: obj(
              {
                secretName,
                accessKeyIdKey: secretKey('Key holding the access key id. Default access-key-id.'),
                secretAccessKeyKey: secretKey('Key holding the secret access key. Default secret-access-key.'),
              },
              { description: 'Access key pair from an existing Secret.' },
            ),
          },
          { description: 'How Tempo authenticates to S3.' },
        ),
      },
      { description: 'Amazon S3 or an S3-compatible store.' },
    ),
    gcs: obj(
      {
        bucketName: str({ description: 'Bucket (must exist).', format: FORMATS.bucket }),
        auth: tagged(
          'type',
          {
            workloadIdentity: obj({ serviceAccount: str({ description: 'Google service account email.', format: FORMATS.gcpServiceAccount }) }, { description: 'GKE workload identity.' }),
            secret: obj({ secretName, key: secretKey('Key holding the JSON key file. Default key.json.') }, { description: 'Key file from an existing Secret.' }),
          },
          { description: 'How Tempo authenticates to GCS.' },
        ),
      },
      { description: 'Google Cloud Storage.' },
    ),
  },
  { description: 'Where Tempo stores trace blocks. Default: local.' },
);

const receivers = obj(
  {
    otlpGrpc: optional(bool('OTLP gRPC on 4317. Default true.')),
    otlpHttp: optional(bool('OTLP HTTP on 4318. Default true.')),
    jaegerGrpc: optional(bool('Jaeger gRPC on 14250. Default false.')),
    jaegerThriftHttp: optional(bool('Jaeger Thrift HTTP on 14268. Default false.')),
    jaegerThriftCompact: optional(bool('Jaeger Thrift compact on 6831/UDP. Default false.')),
    jaegerThriftBinary: optional(bool('Jaeger Thrift binary on 6832/UDP. Default false.')),
    zipkin: optional(bool('Zipkin on 9411. Default false.')),
  },
  { description: 'Receivers Tempo runs; each enabled one gets a Service port.' },
);

const component = (description: string) =>
  optional(
    obj(
      {
        replicas: optional(int({ description: 'Replicas (liveStore: per zone, = Kafka partitions). Fixed for blockBuilder and backendScheduler.', min: 1, max: 100 })),
        resources: optional(resources('Container resources.')),
        autoscaling: optional(
          obj(
            {
              minReplicas: optional(int({ description: 'Fewest replicas. Default 2.', min: 1, max: 100 })),
              maxReplicas: int({ description: 'Most replicas.', min: 1, max: 100 }),
              targetCpuUtilizationPercent: optional(int({ description: 'Average CPU use kept, percent of the request. Default 75.', min: 10, max: 100 })),
            },
            { description: 'A HorizontalPodAutoscaler on CPU (stateless components only: distributor, querier, compactor, backendWorker).' },
          ),
        ),
      },
      { description },
    ),
  );

const scalable = obj(
  {
    kafka: optional(
      obj(
        {
          address: str({ description: 'One bootstrap address host:port (plaintext Kafka; Tempo has no Kafka TLS).', format: FORMATS.hostAndPort }),
          topic: optional(str({ description: 'The topic, created beforehand with at least one partition per live-store. Default tempo-ingest.', format: FORMATS.kafkaTopic })),
          sasl: optional(
            obj(
              { secretName, usernameKey: secretKey('Key of the user name. Default username.'), passwordKey: secretKey('Key of the password. Default password.') },
              { description: 'SASL PLAIN credentials from a Secret in the tracing namespace.' },
            ),
          ),
        },
        { description: 'The Kafka-compatible ingest log (required on 3.0, refused on 2.10).' },
      ),
    ),
    replicationFactor: optional(int({ description: 'Ingester replication factor (2.10 only). Default 3.', min: 1, max: 5 })),
    liveStoreZones: optional(int({ description: 'Live-store zones (3.0 only), each consuming every partition. Default 2.', min: 1, max: 3 })),
    zoneSpread: optional(oneOf(ZONE_SPREADS, { description: 'Spread over topology.kubernetes.io/zone: preferred (schedule anyway) or required. Default preferred.' })),
    components: optional(
      obj(
        {
          distributor: component('Distributors (both lines).'),
          ingester: component('Ingesters (2.10). Default 3, at least replicationFactor.'),
          querier: component('Queriers (both lines).'),
          queryFrontend: component('Query-frontends (both lines).'),
          compactor: component('Compactors (2.10).'),
          metricsGenerator: component('Metrics-generators (both lines).'),
          liveStore: component('Live-stores per zone (3.0). Default 2.'),
          blockBuilder: component('Block-builders (3.0), one per partition.'),
          backendScheduler: component('The backend-scheduler (3.0), exactly one.'),
          backendWorker: component('Backend-workers (3.0).'),
        },
        { description: 'Per-component replicas, resources and autoscaling.' },
      ),
    ),
  },
  { description: 'Settings of the scalable profile.' },
);

const tempo = obj(
  {
    name: optional(str({ description: 'Base name of the Tempo objects and its Service. Default tempo.', format: FORMATS.serviceName })),
    version: optional(
      str({ description: `Tempo version: a 3.0.x or 2.10.x release. Default ${DEFAULT_TEMPO_VERSION}.`, format: TEMPO_VERSION_FORMAT, examples: Object.values(TEMPO_PINNED_VERSIONS) }),
    ),
    profile: optional(oneOf(TEMPO_PROFILES, { description: 'monolithic (one pod) or scalable (distributed mode on object storage). Default monolithic.' })),
    scalable: optional(scalable),
    storage: optional(storage),
    volumeSize: optional(str({ description: 'Size of the data volume (WAL; blocks with local storage). Default 20Gi.', format: FORMATS.quantity })),
    storageClassName: optional(str({ description: 'StorageClass of the data volume. Default: the cluster default.', format: FORMATS.dnsSubdomain })),
    retention: optional(str({ description: 'How long trace blocks are kept. Default 168h.', format: FORMATS.retention, examples: ['168h', '336h'] })),
    limits: optional(limits),
    tenantOverrides: optional(
      record(tenantLimits, {
        description: 'Limits for single-tenant (every trace, multitenancy being off) or * (re-read by Tempo without a restart); with workspaces, * only (a workspace sets its own in workspaces[].limits).',
        keys: TENANT_IDS,
      }),
    ),
    receivers: optional(receivers),
    metricsGenerator: optional(
      obj(
        {
          enabled: optional(bool('Run service-graphs and span-metrics. Default true.')),
          remoteWriteUrl: optional(str({ description: "Prometheus remote-write URL. Default kube-prometheus-stack's Prometheus in monitoring.", format: FORMATS.httpUrl })),
          sendExemplars: optional(bool('Send exemplars. Default true.')),
          ingestionSlackSeconds: optional(int({ description: "How late (after its end) a span still counts in the metrics, seconds. Default: the collector's tail-sampling wait + 60, at least 30.", min: 1, max: 3600 })),
        },
        { description: 'Tempo metrics-generator.' },
      ),
    ),
    resources: optional(resources('Tempo container resources (monolithic).')),
    serviceMonitor: optional(serviceMonitor("Scraping Tempo's own metrics.")),
    usageReporting: optional(bool('Send anonymous usage statistics to Grafana Labs. Default false.')),
    logLevel: optional(oneOf(LOG_LEVELS, { description: 'Log level. Default info.' })),
  },
  { description: 'Grafana Tempo.' },
);

const sensitive = (description: string) => optional(oneOf(SENSITIVE_ACTIONS, { description }));

const sampling = tagged(
  'type',
  {
    tail: obj(
      {
        keepErrors: optional(bool('Keep every trace with an error span. Default true.')),
        latencyThresholdMs: optional(int({ description: 'Keep every trace longer than this (ms); 0 turns it off. Default 2000.', min: 0, max: 3_600_000 })),
        baselinePercentage: optional(num({ description: 'Percentage of the remaining traces kept. Default 10.', min: 0, max: 100 })),
        spansPerSecondLimit: optional(int({ description: 'Rate limit on the baseline, spans per second; 0 means none. Default 0.', min: 0, max: 10_000_000 })),
        decisionWaitSeconds: optional(int({ description: "Wait for a trace's spans before deciding, seconds. Default 30.", min: 1, max: 300 })),
        numTraces: optional(int({ description: 'Traces held in memory while waiting. Default 50000.', min: 100, max: 10_000_000 })),
      },
      { description: 'Tail sampling (one replica only).' },
    ),
    head: obj({ percentage: num({ description: 'Percentage of traces kept.', min: 0, max: 100 }) }, { description: 'Head (probabilistic) sampling.' }),
    none: obj({}, { description: 'No sampling.' }),
  },
  { description: 'Sampling. Default: tail.' },
);

const collector = obj(
  {
    name: optional(str({ description: 'Base name of the collector objects and its Service. Default otel-collector.', format: FORMATS.serviceName })),
    topology: optional(oneOf(['gateway', 'agentGateway'], { description: 'gateway (one tier) or agentGateway (node agents routing by trace id to tail-sampling samplers). Default gateway.' })),
    replicas: optional(int({ description: 'Replicas of the collector (gateway: 1 with tail sampling) or of the samplers (agentGateway). Default 1, agentGateway 2.', min: 1, max: 50 })),
    agent: optional(obj({ resources: optional(resources('Agent container resources. Default requests 100m/256Mi, limits 500m/512Mi.')) }, { description: 'The node agents of agentGateway.' })),
    receivers: optional(
      obj(
        {
          otlpGrpc: optional(bool('OTLP gRPC on 4317. Default true.')),
          otlpHttp: optional(bool('OTLP HTTP on 4318. Default true.')),
          jaegerGrpc: optional(bool('Jaeger gRPC on 14250. Default true.')),
          jaegerThriftHttp: optional(bool('Jaeger Thrift HTTP on 14268. Default true.')),
          jaegerThriftCompact: optional(bool('Jaeger Thrift compact on 6831/UDP. Default true.')),
          zipkin: optional(bool('Zipkin on 9411. Default true.')),
          opencensus: optional(bool('Removed from the collector; true is refused. Default false.')),
        },
        { description: 'Receivers the collector runs.' },
      ),
    ),
    sampling: optional(sampling),
    kubernetesAttributes: optional(bool('Add Kubernetes metadata to spans. Default true.')),
    environment: optional(str({ description: 'deployment.environment.name added to spans lacking it.', format: FORMATS.attributeValue })),
    clusterName: optional(str({ description: 'k8s.cluster.name added to spans lacking it.', format: FORMATS.attributeValue })),
    rocketChat: optional(
      obj(
        {
          enabled: optional(bool('Clean Rocket.Chat spans. Default true.')),
          normalizeSpanNames: optional(bool('Normalise span names. Default true.')),
          setSpanKind: optional(bool('Set SERVER/CLIENT span kinds. Default true.')),
          markServerErrors: optional(bool('Set status ERROR on REST spans that answered 5xx. Default true.')),
          dbStatement: sensitive('db.statement: drop, hash or keep. Default drop.'),
          parameters: sensitive('parameters: drop, hash or keep. Default drop.'),
          userId: sensitive('userId: drop, hash or keep. Default hash.'),
          url: sensitive('url: drop, hash or keep. Default drop.'),
        },
        { description: 'Rocket.Chat span hygiene.' },
      ),
    ),
    queueSize: optional(int({ description: 'Export queue capacity in batches. Default 1000.', min: 1 })),
    persistentQueue: optional(
      obj(
        {
          enabled: optional(bool('Keep the export queue on a volume (StatefulSet). Default false.')),
          size: optional(str({ description: 'Queue volume size. Default 5Gi.', format: FORMATS.quantity })),
          storageClassName: optional(str({ description: 'Queue volume StorageClass.', format: FORMATS.dnsSubdomain })),
        },
        { description: 'Persistent export queue.' },
      ),
    ),
    debugExporter: optional(bool('Log a summary of every batch. Default false.')),
    resources: optional(resources('Collector (gateway) or sampler (agentGateway) container resources.')),
    serviceMonitor: optional(serviceMonitor("Scraping the collector's own metrics.")),
    logLevel: optional(oneOf(LOG_LEVELS, { description: 'Log level. Default info.' })),
  },
  { description: 'The gateway OpenTelemetry Collector.' },
);

/** Rocket.Chat's tracing settings other than where the release is. */
const rocketChatSettings = {
  workloads: optional(
    list(oneOf(ALL_WORKLOADS, { description: 'A workload of the RocketChat chart.' }), {
      description: `The chart's workloads to trace. Default ${DEFAULT_WORKLOADS.join(', ')}.`,
      unique: true,
      minItems: 1,
    }),
  ),
  environment: optional(str({ description: 'deployment.environment.name on every span. Default production.', format: FORMATS.attributeValue })),
  rocketChatVersion: optional(str({ description: 'Rocket.Chat version, sent as service.version. Default: none.', format: FORMATS.releaseVersion, examples: ['7.13.1'] })),
  samplingRatio: optional(num({ description: 'Fraction of new traces recorded (parentbased_traceidratio). Default 1.', min: 0, max: 1 })),
  propagators: optional(
    list(oneOf(PROPAGATORS, { description: 'A propagation format.' }), { description: 'OTEL_PROPAGATORS. Default tracecontext, baggage.', unique: true, minItems: 1 }),
  ),
  resourceAttributes: optional(
    map(str({ description: 'Attribute value.', format: FORMATS.attributeValue }), {
      description: 'Extra resource attributes on every span (not service.name, service.version, deployment.environment.name).',
      keyFormat: FORMATS.attributeKey,
    }),
  ),
  attributeValueLengthLimit: optional(int({ description: 'Longest attribute value exported, in characters. Default 4096.', min: 256, max: 1_048_576 })),
  protocol: optional(oneOf(['grpc'], { description: 'OTLP protocol; Rocket.Chat speaks gRPC only. Default grpc.' })),
  instrumentation: optional(
    obj(
      {
        enabled: optional(bool('Emit an OpenTelemetry Operator Instrumentation (inject-sdk). Default false.')),
        name: optional(str({ description: 'Name of the Instrumentation. Default rocketchat-tracing.', format: FORMATS.dnsSubdomain })),
      },
      { description: 'OpenTelemetry Operator delivery.' },
    ),
  ),
  networkPolicies: optional(bool('NetworkPolicies for Rocket.Chat to collector OTLP gRPC (for default-deny namespaces). Default false.')),
};

const rocketChat = obj(
  {
    namespace: optional(str({ description: 'Namespace Rocket.Chat runs in. Default rocketchat.', format: FORMATS.dnsLabel })),
    releaseName: optional(str({ description: 'Helm release name of the RocketChat chart. Default rocketchat.', format: FORMATS.helmRelease })),
    ...rocketChatSettings,
  },
  { description: "Rocket.Chat's native tracing, for a stack serving one release (instead of workspaces)." },
);

const workspace = obj(
  {
    namespace: str({ description: "Namespace of the release; its pods' spans go to this workspace's tenant.", format: FORMATS.dnsLabel }),
    releaseName: optional(str({ description: 'Helm release name of the RocketChat chart there. Default rocketchat.', format: FORMATS.helmRelease })),
    tenant: optional(str({ description: 'Tempo tenant (X-Scope-OrgID) holding its traces. Default: the namespace.', format: FORMATS.tenantId })),
    limits: optional(tenantLimits),
    rocketChat: optional(obj(rocketChatSettings, { description: "The release's tracing settings." })),
  },
  { description: 'One Rocket.Chat release, in its own namespace, with its own Tempo tenant.' },
);

const ratio = (description: string) => optional(num({ description, min: 0, max: 1 }));
const nonNegative = (description: string) => optional(num({ description, min: 0, max: Number.MAX_SAFE_INTEGER }));

const grafana = obj(
  {
    name: optional(str({ description: 'Base name of the Grafana objects, alert group prefix and folder uid. Default rocketchat-tracing.', format: FORMATS.serviceName })),
    grafanaNamespace: optional(str({ description: "Grafana's namespace (the sidecar reads ConfigMaps there). Default monitoring.", format: FORMATS.dnsLabel })),
    delivery: optional(oneOf(['sidecar', 'operator'], { description: 'sidecar ConfigMaps or Grafana Operator resources. Default sidecar.' })),
    operatorInstanceSelector: optional(
      map(str({ description: 'Label value.', format: GRAFANA_FORMATS.nonEmptyLabelValue }), {
        description: 'Labels of the Grafana resource the operator resources apply to (operator only). Default dashboards: grafana.',
        keyFormat: GRAFANA_FORMATS.labelKey,
      }),
    ),
    folderName: optional(str({ description: 'Grafana folder of the dashboards. Default Rocket.Chat tracing.', format: GRAFANA_FORMATS.displayName })),
    tempoDatasource: optional(
      obj(
        {
          uid: optional(str({ description: 'Datasource uid. Default tempo.', format: GRAFANA_FORMATS.uid })),
          name: optional(str({ description: 'Datasource name. Default Tempo.', format: GRAFANA_FORMATS.displayName })),
        },
        { description: 'The Tempo datasource.' },
      ),
    ),
    prometheusDatasource: optional(
      obj(
        {
          uid: optional(str({ description: "Uid of the Prometheus datasource. Default prometheus (kube-prometheus-stack's).", format: GRAFANA_FORMATS.uid })),
          managed: optional(bool('Provision it here. Default false.')),
          url: optional(str({ description: 'URL (managed only).', format: FORMATS.httpUrl })),
          name: optional(str({ description: 'Name (managed only).', format: GRAFANA_FORMATS.displayName })),
        },
        { description: 'The Prometheus datasource with span and pipeline metrics.' },
      ),
    ),
    lokiDatasource: optional(
      obj(
        {
          enabled: optional(bool('Link traces and logs. Default true.')),
          uid: optional(str({ description: 'Uid of the Loki datasource. Default loki.', format: GRAFANA_FORMATS.uid })),
          managed: optional(bool('Provision it here. Default false.')),
          url: optional(str({ description: 'URL (managed only).', format: FORMATS.httpUrl })),
          name: optional(str({ description: 'Name (managed only).', format: GRAFANA_FORMATS.displayName })),
          logLabels: optional(
            map(str({ description: 'Loki label.', format: GRAFANA_FORMATS.lokiLabel }), {
              description: 'Span attributes mapped to Loki labels for traces to logs.',
              keyFormat: GRAFANA_FORMATS.spanAttribute,
            }),
          ),
          traceIdPattern: optional(str({ description: 'Regex finding a trace id in log lines (one capture group).', format: { pattern: /^.+$/, allowed: 'a non-empty regular expression' } })),
          filterByTraceId: optional(bool('Traces to logs also filters by trace id (Rocket.Chat logs carry none). Default false.')),
        },
        { description: 'The Loki datasource for traces to logs and logs to traces.' },
      ),
    ),
    requestSpanKinds: optional(
      list(oneOf(['server', 'consumer', 'client', 'producer', 'internal'], { description: 'A span kind.' }), {
        description: 'Span kinds counted as requests. Default server, consumer.',
        unique: true,
        minItems: 1,
      }),
    ),
    dashboards: optional(bool('Emit the dashboards. Default true.')),
    alerts: optional(bool('Emit the PrometheusRule. Default true.')),
    alertThresholds: optional(
      obj(
        {
          errorRatio: ratio('Error ratio alert threshold. Default 0.05.'),
          p99LatencySeconds: nonNegative('p99 latency alert threshold, seconds. Default 2.'),
          successRateSlo: ratio('Success ratio objective. Default 0.99.'),
          minRequestsPerSecond: nonNegative('Traffic a service needs before it is judged. Default 1.'),
          queueFillRatio: ratio('Collector queue fill alert threshold. Default 0.8.'),
          storageFillRatio: ratio('Tempo volume fill alert threshold. Default 0.85.'),
        },
        { description: 'Alert thresholds.' },
      ),
    ),
    releaseLabel: optional(str({ description: 'release label of the PrometheusRule. Default kube-prometheus-stack.', format: GRAFANA_FORMATS.nonEmptyLabelValue })),
    runbookBaseUrl: optional(str({ description: 'Page holding the runbooks (this README). Default the npm package page.', format: GRAFANA_FORMATS.runbookBaseUrl })),
  },
  { description: 'Grafana datasources, dashboards and alerts.' },
);

const podPeer = (description: string) =>
  obj(
    {
      namespace: str({ description: 'Namespace of the pods.', format: FORMATS.dnsLabel }),
      podLabels: map(str({ description: 'Label value.', format: FORMATS.labelValue }), { description: 'Labels the pods carry (at least one).', keyFormat: FORMATS.labelKey }),
    },
    { description },
  );
const cidrs = (description: string) => list(str({ description: 'An IPv4 CIDR.', format: FORMATS.ipv4Cidr }), { description, minItems: 1 });

const networkPolicies = obj(
  {
    enabled: optional(bool('Emit the policy set. Default false.')),
    grafana: optional(podPeer("Grafana's pods. Default kube-prometheus-stack's (monitoring, app.kubernetes.io/name: grafana).")),
    prometheus: optional(podPeer("Prometheus' pods. Default kube-prometheus-stack's (monitoring, app.kubernetes.io/name: prometheus).")),
    dns: optional(podPeer('Cluster DNS pods. Default CoreDNS (kube-system, k8s-app: kube-dns).')),
    kubernetesApiCidrs: optional(cidrs('Kubernetes API server addresses (kubectl get endpoints kubernetes -n default); required with collector.kubernetesAttributes.')),
    kubernetesApiPorts: optional(list(int({ description: 'A port.', min: 1, max: 65535 }), { description: 'API server endpoint ports. Default 443.', minItems: 1 })),
    objectStorageCidrs: optional(cidrs("Object store addresses for Tempo's blocks (port 443). Default 0.0.0.0/0 with an object store.")),
    additionalSenders: optional(list(podPeer('Pods allowed to send spans.'), { description: 'Other pods allowed to send spans to every collector receiver.' })),
    kafka: optional(
      obj(
        {
          cidrs: optional(cidrs('Broker addresses, for a Kafka outside the cluster.')),
          pods: optional(podPeer('The brokers\' pods, for a Kafka in the cluster.')),
        },
        { description: 'The Kafka brokers scalable Tempo 3.0 reaches on the port of tempo.scalable.kafka.address: cidrs or pods. Required with it.' },
      ),
    ),
  },
  { description: "NetworkPolicies for the stack's pods." },
);

const tls = obj(
  {
    enabled: bool('Serve the span path (Rocket.Chat → collector → Tempo) over TLS; false accepts plaintext inside the cluster. Required.'),
    certManager: optional(
      obj(
        {
          name: str({ description: 'Name of the issuer.', format: FORMATS.dnsSubdomain }),
          kind: optional(oneOf(['ClusterIssuer', 'Issuer'], { description: 'Issuer kind. Default ClusterIssuer.' })),
        },
        { description: 'cert-manager issuer of the collector and Tempo certificates (its Secrets must carry ca.crt: CA or Vault issuers).' },
      ),
    ),
    collectorSecretName: optional(str({ description: "Existing Secret (tls.crt, tls.key, ca.crt) for the collector's receivers, instead of certManager.", format: FORMATS.dnsSubdomain })),
    tempoSecretName: optional(str({ description: "Existing Secret (tls.crt, tls.key, ca.crt) for Tempo's receivers, instead of certManager.", format: FORMATS.dnsSubdomain })),
    rocketChatTrustedCa: optional(
      obj(
        {
          secretName: str({ description: "Secret in Rocket.Chat's namespace holding the CA.", format: FORMATS.dnsSubdomain }),
          key: optional(str({ description: 'Key of the CA certificate. Default ca.crt.', format: FORMATS.secretKey })),
        },
        { description: "The CA Rocket.Chat verifies the collector with. Default: with a ClusterIssuer, a Certificate in Rocket.Chat's namespace carries it." },
      ),
    ),
  },
  { description: 'Encryption in transit. Required: say enabled: false to run plaintext inside the cluster.' },
);

/** The schema of `tracing.config.yaml`. */
export const tracingConfigSchema = obj(
  {
    namespace: optional(str({ description: 'Namespace of the tracing stack. Default monitoring.', format: FORMATS.dnsLabel })),
    createNamespace: optional(bool('Emit the Namespace object. Default true.')),
    tempo: optional(tempo),
    collector: optional(collector),
    rocketChat: optional(rocketChat),
    workspaces: optional(
      list(workspace, {
        description: 'Several Rocket.Chat releases, each in its own namespace with its own Tempo tenant (README "Many workspaces"); instead of rocketChat.',
        minItems: 1,
      }),
    ),
    defaultTenant: optional(
      str({
        description: "With workspaces: the Tempo tenant of spans from no workspace's namespace, other than every workspace's. Default: such spans are dropped and counted (exporter debug/unrouted).",
        format: FORMATS.tenantId,
      }),
    ),
    grafana: optional(grafana),
    networkPolicies: optional(networkPolicies),
    tls,
  },
  { description: 'Deployment of the Rocket.Chat tracing stack.' },
);

/** The contents of `tracing.config.yaml`, as validated. */
export type TracingConfig = Infer<typeof tracingConfigSchema>;
