import { Testing } from 'cdk8s';
import { TempoStack, TempoStackProps, TracingStack, ValidationError } from '../src';

function tempo(props: TempoStackProps): () => void {
  return () => new TempoStack(Testing.chart(), 'Tempo', props);
}

// Each case: props, and the error message it must produce (naming the prop, the value, what is allowed).
const BAD_INPUT: [string, TempoStackProps, RegExp][] = [
  ['unsupported version line', { version: '2.9.1' }, /^version must be a release of a supported line, 3\.0\.x or 2\.10\.x .*got "2\.9\.1"$/],
  ['malformed version', { version: 'latest' }, /^version must be .*got "latest"$/],
  ['retention in days', { retention: '7d' }, /^retention must be a Go duration such as "168h".*got "7d"$/],
  ['zero retention', { retention: '0s' }, /^retention must be a positive Go duration.*got "0s"$/],
  ['volume size not a quantity', { volumeSize: '20GB' }, /^volumeSize must be a Kubernetes quantity.*got "20GB"$/],
  ['namespace not a DNS label', { namespace: 'Monitoring' }, /^namespace must be an RFC 1123 label.*got "Monitoring"$/],
  ['name too long', { name: 'a'.repeat(41) }, /^name must be an RFC 1123 label .*at most 40 characters\), got "a{41}"$/],
  ['negative limit', { limits: { maxTracesPerUser: -1 } }, /^limits\.maxTracesPerUser must be a positive integer, got -1$/],
  ['fractional limit', { limits: { maxBytesPerTrace: 1.5 } }, /^limits\.maxBytesPerTrace must be a positive integer, got 1\.5$/],
  ['burst below rate', { limits: { ingestionRateLimitBytes: 30_000_000 } }, /^limits\.ingestionBurstSizeBytes must be at least limits\.ingestionRateLimitBytes \(30000000\), got 20000000$/],
  ['tenant id with a slash', { tenantOverrides: { 'team/a': {} } }, /^tenantOverrides key must be a tenant id .*got "team\/a"$/],
  ['tenant limit', { tenantOverrides: { t1: { maxTracesPerUser: 0 } } }, /^tenantOverrides\.t1\.maxTracesPerUser must be a positive integer, got 0$/],
  ['no receiver', { receivers: { otlpGrpc: false, otlpHttp: false } }, /^receivers must be a selection with at least one receiver enabled/],
  ['unknown receiver', { receivers: { opencensus: true } as never }, /^receivers must be keys among otlpGrpc, .*got "opencensus"$/],
  ['remote write URL', { metricsGenerator: { remoteWriteUrl: 'prometheus:9090' } }, /^metricsGenerator\.remoteWriteUrl must be an http:\/\/ or https:\/\/ URL, got "prometheus:9090"$/],
  ['memory request above limit', { resources: { memoryRequest: '2Gi', memoryLimit: '1Gi' } }, /^resources\.memoryRequest must not exceed resources\.memoryLimit \(1Gi\), got "2Gi"$/],
  ['CPU not a quantity', { resources: { cpuRequest: 'half' } }, /^resources\.cpuRequest must be a CPU quantity.*got "half"$/],
  ['log level', { logLevel: 'verbose' as never }, /^logLevel must be one of "debug", "info", "warn", "error", got "verbose"$/],
  ['storage backend', { storage: { backend: 'filesystem' } as never }, /^storage\.backend must be one of "local", "azure", "s3", "gcs", got "filesystem"$/],
  [
    'azure without container',
    { storage: { backend: 'azure', storageAccountName: 'acct', containerName: '', auth: { type: 'workloadIdentity', clientId: 'x' } } },
    /^storage\.containerName must be a non-empty string, got ""$/,
  ],
  [
    'azure auth type',
    { storage: { backend: 'azure', storageAccountName: 'acct', containerName: 'c', auth: { type: 'password' } } as never },
    /^storage\.auth\.type must be "workloadIdentity" or "secret", got "password"$/,
  ],
  [
    's3 endpoint with scheme',
    { storage: { backend: 's3', bucket: 'b', endpoint: 'https://s3.amazonaws.com', auth: { type: 'iamRole', roleArn: 'arn' } } },
    /^storage\.endpoint must be a host\[:port\] without a scheme .*got "https:\/\/s3\.amazonaws\.com"$/,
  ],
  ['scrape interval', { serviceMonitor: { interval: 'often' } }, /^serviceMonitor\.interval must be a Go duration.*got "often"$/],
];

describe('bad input fails at synth time with an error naming the prop', () => {
  test.each(BAD_INPUT)('%s', (_name, props, message) => {
    const build = tempo(props);
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(message);
  });

  test('the chart validates its own namespace', () => {
    expect(() => new TracingStack(Testing.app(), 'x', { namespace: 'bad_ns' })).toThrow(/^namespace must be an RFC 1123 label.*got "bad_ns"$/);
  });
});
