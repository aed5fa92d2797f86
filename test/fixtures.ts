import { TempoReceivers, TempoStorage, TracingStackProps } from '../src';

/** Every receiver switched on. */
export const ALL_RECEIVERS: Required<TempoReceivers> = {
  otlpGrpc: true,
  otlpHttp: true,
  jaegerGrpc: true,
  jaegerThriftHttp: true,
  jaegerThriftCompact: true,
  jaegerThriftBinary: true,
  zipkin: true,
};

/** One example of each storage backend and authentication choice. */
export const STORAGES: Record<string, TempoStorage> = {
  local: { backend: 'local' },
  'azure workload identity': {
    backend: 'azure',
    storageAccountName: 'tracesacct',
    containerName: 'tempo',
    auth: { type: 'workloadIdentity', clientId: '11111111-2222-3333-4444-555555555555' },
  },
  'azure account key': { backend: 'azure', storageAccountName: 'tracesacct', containerName: 'tempo', auth: { type: 'secret', secretName: 'tempo-azure' } },
  's3 access key': { backend: 's3', bucket: 'traces', endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1', auth: { type: 'secret', secretName: 'tempo-s3' } },
  's3 iam role': { backend: 's3', bucket: 'traces', endpoint: 's3.eu-west-1.amazonaws.com', auth: { type: 'iamRole', roleArn: 'arn:aws:iam::123456789012:role/tempo' } },
  'gcs key': { backend: 'gcs', bucketName: 'traces', auth: { type: 'secret', secretName: 'tempo-gcs' } },
  'gcs workload identity': { backend: 'gcs', bucketName: 'traces', auth: { type: 'workloadIdentity', serviceAccount: 'tempo-traces@my-project.iam.gserviceaccount.com' } },
};

/** Rocket.Chat tracing with every option used: all chart workloads, the Operator, network policies. */
export const ROCKETCHAT_FULL: TracingStackProps['rocketChat'] = {
  namespace: 'chat',
  releaseName: 'rc',
  workloads: ['core', 'presence', 'ddp-streamer', 'account', 'authorization', 'stream-hub'],
  environment: 'staging',
  rocketChatVersion: '7.13.1',
  samplingRatio: 0.25,
  propagators: ['tracecontext', 'baggage', 'b3'],
  resourceAttributes: { 'k8s.cluster.name': 'aks-weu-1' },
  instrumentation: { enabled: true },
  networkPolicies: true,
};
