import { DNS_LABEL_PATTERN } from '../common/names';
import { CPU_PATTERN, GO_DURATION_PATTERN, QUANTITY_PATTERN } from '../common/units';
import { TENANT_ID_PATTERN } from '../tempo/_limits';
import { Infer, bool, int, obj, oneOf, optional, record, str, tagged } from './_schema';

const dnsLabel = (description: string) =>
  str({ description, pattern: DNS_LABEL_PATTERN, allowed: 'an RFC 1123 label (lowercase letters, digits and "-")' });
const duration = (description: string, examples: string[]) =>
  str({ description, pattern: GO_DURATION_PATTERN, allowed: 'a Go duration such as "168h" or "30m" (no "d" unit)', examples });
const quantity = (description: string) =>
  str({ description, pattern: QUANTITY_PATTERN, allowed: 'a Kubernetes quantity such as "1Gi" or "512Mi"' });
const cpu = (description: string) => str({ description, pattern: CPU_PATTERN, allowed: 'a CPU quantity such as "500m" or "1"' });
const text = (description: string) => str({ description, pattern: /\S/, allowed: 'a non-empty string' });
const httpUrl = (description: string) =>
  str({ description, pattern: /^https?:\/\/\S+$/, allowed: 'an http:// or https:// URL' });
const positive = (description: string) => int({ description, min: 1 });

const limitMembers = {
  maxTracesPerUser: optional(positive('Live traces a tenant may hold in memory at once. Default 10000.')),
  maxBytesPerTrace: optional(positive('Largest trace accepted, in bytes. Default 5000000.')),
  ingestionRateLimitBytes: optional(positive('Sustained ingestion rate per tenant, bytes per second. Default 15000000.')),
  ingestionBurstSizeBytes: optional(positive('Ingestion burst per tenant, bytes; at least the rate. Default 20000000.')),
};
const limits = obj(limitMembers, { description: 'Default per-tenant limits (Tempo scoped overrides).' });
const tenantLimits = obj(
  { ...limitMembers, blockRetention: optional(duration('Retention of this tenant\'s blocks. Default: tempo.retention.', ['72h'])) },
  { description: 'Limits for one tenant; unset keys take the defaults.' },
);

const secretRef = (keyDescription: string) =>
  obj(
    {
      secretName: dnsLabel('Name of an existing Secret in the tracing namespace.'),
      key: optional(text(keyDescription)),
    },
    { description: 'A key read from an existing Secret.' },
  );

const storage = tagged(
  'backend',
  {
    local: obj({}, { description: 'Blocks on the data volume (monolithic only).' }),
    azure: obj(
      {
        storageAccountName: text('Azure storage account name.'),
        containerName: text('Blob container (must exist).'),
        endpointSuffix: optional(text('Endpoint suffix of the Azure cloud. Default blob.core.windows.net.')),
        auth: tagged(
          'type',
          {
            workloadIdentity: obj({ clientId: text('Client id of the managed identity federated with Tempo\'s ServiceAccount.') }, { description: 'Azure workload identity.' }),
            secret: secretRef('Key holding the storage account key. Default account-key.'),
          },
          { description: 'How Tempo authenticates to the storage account.' },
        ),
      },
      { description: 'Azure Blob Storage.' },
    ),
    s3: obj(
      {
        bucket: text('Bucket (must exist).'),
        endpoint: text('Endpoint host[:port] without scheme.'),
        region: optional(text('Bucket region.')),
        forcePathStyle: optional(bool('Path-style addressing. Default false.')),
        insecure: optional(bool('Plain HTTP to the endpoint. Default false.')),
        auth: tagged(
          'type',
          {
            iamRole: obj({ roleArn: text('IAM role ARN (IRSA).') }, { description: 'IAM role for the ServiceAccount.' }),
            secret: obj(
              {
                secretName: dnsLabel('Name of an existing Secret in the tracing namespace.'),
                accessKeyIdKey: optional(text('Key holding the access key id. Default access-key-id.')),
                secretAccessKeyKey: optional(text('Key holding the secret access key. Default secret-access-key.')),
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
        bucketName: text('Bucket (must exist).'),
        auth: tagged(
          'type',
          {
            workloadIdentity: obj({ serviceAccount: text('Google service account email.') }, { description: 'GKE workload identity.' }),
            secret: secretRef('Key holding the JSON key file. Default key.json.'),
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

const tempo = obj(
  {
    name: optional(dnsLabel('Base name of the Tempo objects and its Service. Default tempo.')),
    version: optional(str({ description: 'Tempo version: 3.0.x or 2.10.x. Default 3.0.3.', pattern: /^(3\.0|2\.10)\.\d+$/, allowed: 'a 3.0.x or 2.10.x release such as "3.0.3" or "2.10.8"', examples: ['3.0.3', '2.10.8'] })),
    storage: optional(storage),
    volumeSize: optional(quantity('Size of the data volume (WAL; blocks with local storage). Default 20Gi.')),
    storageClassName: optional(str({ description: 'StorageClass of the data volume. Default: the cluster default.', pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, allowed: 'a StorageClass name' })),
    retention: optional(duration('How long trace blocks are kept. Default 168h.', ['168h', '336h'])),
    limits: optional(limits),
    tenantOverrides: optional(
      record(tenantLimits, {
        description: 'Limits for named tenants (complete entries; Tempo does not merge them with defaults).',
        keyPattern: TENANT_ID_PATTERN,
        keyAllowed: 'a tenant id of 1-150 characters from A-Z a-z 0-9 ! - _ . * \' ( )',
      }),
    ),
    receivers: optional(receivers),
    metricsGenerator: optional(
      obj(
        {
          enabled: optional(bool('Run service-graphs and span-metrics. Default true.')),
          remoteWriteUrl: optional(httpUrl('Prometheus remote-write URL. Default kube-prometheus-stack\'s Prometheus in monitoring.')),
          sendExemplars: optional(bool('Send exemplars. Default true.')),
        },
        { description: 'Tempo metrics-generator.' },
      ),
    ),
    resources: optional(
      obj(
        {
          cpuRequest: optional(cpu('CPU request. Default 500m.')),
          cpuLimit: optional(cpu('CPU limit. Default 1.')),
          memoryRequest: optional(quantity('Memory request. Default 1Gi.')),
          memoryLimit: optional(quantity('Memory limit (also sets GOMEMLIMIT). Default 1Gi.')),
        },
        { description: 'Tempo container resources.' },
      ),
    ),
    serviceMonitor: optional(
      obj(
        {
          enabled: optional(bool('Emit a ServiceMonitor (prometheus-operator CRDs). Default true.')),
          releaseLabel: optional(str({ description: 'The release label kube-prometheus-stack selects by. Default kube-prometheus-stack.', pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, allowed: 'a label value' })),
          interval: optional(duration('Scrape interval. Default 30s.', ['30s'])),
        },
        { description: 'Scraping Tempo\'s own metrics.' },
      ),
    ),
    usageReporting: optional(bool('Send anonymous usage statistics to Grafana Labs. Default false.')),
    logLevel: optional(oneOf(['debug', 'info', 'warn', 'error'], { description: 'Log level. Default info.' })),
  },
  { description: 'Grafana Tempo (monolithic).' },
);

/** The schema of `tracing.config.yaml`. */
export const tracingConfigSchema = obj(
  {
    namespace: optional(dnsLabel('Namespace of the tracing stack. Default monitoring.')),
    createNamespace: optional(bool('Emit the Namespace object. Default true.')),
    tempo: optional(tempo),
  },
  { description: 'Deployment of the Rocket.Chat tracing stack.' },
);

/** The contents of `tracing.config.yaml`, as validated. */
export type TracingConfig = Infer<typeof tracingConfigSchema>;
