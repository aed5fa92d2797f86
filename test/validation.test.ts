import { Testing } from 'cdk8s';
import { TempoStack, TempoStackProps, TracingStack, ValidationError } from '../src';
import { stackProps } from './util';

function tempo(props: TempoStackProps): () => void {
  return () => new TempoStack(Testing.chart(), 'Tempo', props);
}

// Each case: props, and the error message it must produce (naming the prop, the value, what is allowed).
const BAD_INPUT: [string, TempoStackProps, RegExp][] = [
  ['unsupported version line', { version: '2.9.1' }, /^version must be a release of a supported line, 3\.0\.x or 2\.10\.x \(pinned: 3\.0\.3, 2\.10\.8\), got "2\.9\.1"$/],
  ['version with a leading zero', { version: '3.0.03' }, /^version must be a release of a supported line.*got "3\.0\.03"$/],
  ['retention in days', { retention: '7d' }, /^retention must be a duration in whole hours, minutes and seconds .*got "7d"$/],
  ['fractional retention (Tempo parses overrides with Prometheus rules)', { retention: '1.5h' }, /^retention must be a duration in whole hours.*got "1\.5h"$/],
  ['zero retention', { retention: '0h' }, /^retention must be a positive duration, got "0h"$/],
  ['volume size not a quantity', { volumeSize: '20GB' }, /^volumeSize must be a Kubernetes quantity.*got "20GB"$/],
  ['namespace not a DNS label', { namespace: 'Monitoring' }, /^namespace must be an RFC 1123 label.*got "Monitoring"$/],
  ['name starting with a digit (Services must start with a letter)', { name: '1tempo' }, /^name must be an RFC 1035 label.*got "1tempo"$/],
  ['name too long', { name: 'a'.repeat(41) }, /^name must be an RFC 1035 label .*at most 40 characters\), got "a{41}"$/],
  ['storage class with capitals', { storageClassName: 'Premium' }, /^storageClassName must be an RFC 1123 subdomain.*got "Premium"$/],
  ['negative limit', { limits: { maxTracesPerUser: -1 } }, /^limits\.maxTracesPerUser must be a positive integer, got -1$/],
  ['fractional limit', { limits: { maxBytesPerTrace: 1.5 } }, /^limits\.maxBytesPerTrace must be a positive integer, got 1\.5$/],
  ['burst below rate', { limits: { ingestionRateLimitBytes: 30_000_000 } }, /^limits\.ingestionBurstSizeBytes must be at least limits\.ingestionRateLimitBytes \(30000000\), got 20000000$/],
  ['tenant that can never receive traces', { tenantOverrides: { 'team-a': {} } }, /^tenantOverrides key must be "single-tenant" or "\*" \(multitenancy is off.*got "team-a"$/],
  ['overrides for a tenant that is not sending', { tenants: ['team-a'], tenantOverrides: { 'team-b': {} } }, /^tenantOverrides key must be one of tenants \("team-a"\) or "\*", got "team-b"$/],
  ['tenant id with "|" (Tempo joins query tenants with it)', { tenants: ['a|b'] }, /^tenants\[0\] must be a tenant id .*got "a\|b"$/],
  ['repeated tenant', { tenants: ['team-a', 'team-a'] }, /^tenants must not repeat a tenant, got "team-a" twice$/],
  ['the implicit tenant as a tenant', { tenants: ['single-tenant'] }, /^tenants must not contain "single-tenant"/],
  ['tenant limit', { tenantOverrides: { 'single-tenant': { maxTracesPerUser: 0 } } }, /^tenantOverrides\.single-tenant\.maxTracesPerUser must be a positive integer, got 0$/],
  ['tenant retention', { tenantOverrides: { '*': { blockRetention: '30d' } } }, /^tenantOverrides\.\*\.blockRetention must be a duration in whole hours.*got "30d"$/],
  ['no receiver', { receivers: { otlpGrpc: false, otlpHttp: false } }, /^receivers must be a selection with at least one receiver enabled/],
  ['unknown receiver', { receivers: { opencensus: true } as never }, /^receivers key must be one of "otlpGrpc", .*got "opencensus"$/],
  ['receiver switch not a boolean', { receivers: { zipkin: 'yes' } as never }, /^receivers\.zipkin must be true or false, got "yes"$/],
  ['remote write URL without scheme', { metricsGenerator: { remoteWriteUrl: 'prometheus:9090' } }, /^metricsGenerator\.remoteWriteUrl must be an http:\/\/ or https:\/\/ URL.*got "prometheus:9090"$/],
  ['remote write URL with "$" (Tempo would expand it)', { metricsGenerator: { remoteWriteUrl: 'http://prom:9090/${PATH}' } }, /^metricsGenerator\.remoteWriteUrl must be .*without spaces or "\$", got/],
  ['memory request above limit', { resources: { memoryRequest: '2Gi', memoryLimit: '1Gi' } }, /^resources\.memoryRequest must not exceed resources\.memoryLimit \(1Gi\), got "2Gi"$/],
  ['memory limit too small for Tempo', { resources: { memoryRequest: '64Mi', memoryLimit: '128Mi' } }, /^resources\.memoryLimit must be at least 256Mi, got "128Mi"$/],
  ['CPU not a quantity', { resources: { cpuRequest: 'half' } }, /^resources\.cpuRequest must be a CPU quantity.*got "half"$/],
  ['log level', { logLevel: 'verbose' as never }, /^logLevel must be one of "debug", "info", "warn", "error", got "verbose"$/],
  ['storage backend', { storage: { backend: 'filesystem' } as never }, /^storage\.backend must be one of "local", "azure", "s3", "gcs", got "filesystem"$/],
  [
    'azure container name not allowed by Azure',
    { storage: { backend: 'azure', storageAccountName: 'acct1', containerName: 'Tempo_Blocks', auth: { type: 'workloadIdentity', clientId: '11111111-2222-3333-4444-555555555555' } } },
    /^storage\.containerName must be an Azure blob container name.*got "Tempo_Blocks"$/,
  ],
  [
    'azure client id not a UUID',
    { storage: { backend: 'azure', storageAccountName: 'acct1', containerName: 'tempo', auth: { type: 'workloadIdentity', clientId: 'tempo' } } },
    /^storage\.auth\.clientId must be a client id \(UUID\).*got "tempo"$/,
  ],
  [
    'azure auth type',
    { storage: { backend: 'azure', storageAccountName: 'acct1', containerName: 'tempo', auth: { type: 'password' } } as never },
    /^storage\.auth\.type must be "workloadIdentity" or "secret", got "password"$/,
  ],
  [
    's3 endpoint with scheme',
    { storage: { backend: 's3', bucket: 'traces', endpoint: 'https://s3.amazonaws.com', auth: { type: 'iamRole', roleArn: 'arn:aws:iam::123456789012:role/tempo' } } },
    /^storage\.endpoint must be a host\[:port\] without a scheme.*got "https:\/\/s3\.amazonaws\.com"$/,
  ],
  [
    'secret name not a Kubernetes name',
    { storage: { backend: 'gcs', bucketName: 'traces', auth: { type: 'secret', secretName: 'Tempo GCS' } } },
    /^storage\.auth\.secretName must be an RFC 1123 subdomain.*got "Tempo GCS"$/,
  ],
  ['scrape interval not a Prometheus duration', { serviceMonitor: { interval: '1.5m' } }, /^serviceMonitor\.interval must be a Prometheus duration.*got "1\.5m"$/],
  ['release label not a label value', { serviceMonitor: { releaseLabel: 'kube prometheus' } }, /^serviceMonitor\.releaseLabel must be a label value.*got "kube prometheus"$/],
  ['boolean switch given as a string', { usageReporting: 'false' as never }, /^usageReporting must be true or false, got "false"$/],
];

describe('bad input fails at synth time with an error naming the prop', () => {
  test.each(BAD_INPUT)('%s', (_name, props, message) => {
    const build = tempo(props);
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(message);
  });

  test('the chart validates its own props and reports Tempo errors under "tempo."', () => {
    expect(() => new TracingStack(Testing.app(), 'x', stackProps({ namespace: 'bad_ns' }))).toThrow(/^namespace must be an RFC 1123 label.*got "bad_ns"$/);
    expect(() => new TracingStack(Testing.app(), 'x', stackProps({ createNamespace: 'no' as never }))).toThrow(/^createNamespace must be true or false, got "no"$/);
    expect(() => new TracingStack(Testing.app(), 'x', stackProps({ tempo: { retention: '7d' } }))).toThrow(/^tempo\.retention must be a duration/);
  });

  test('accepted edge values', () => {
    expect(tempo({ retention: '72h30m', serviceMonitor: { interval: '1m' }, storageClassName: 'gp3.encrypted' })).not.toThrow();
    expect(tempo({ name: 'a'.repeat(40), version: '2.10.0', resources: { memoryRequest: '256Mi', memoryLimit: '256Mi' } })).not.toThrow();
  });
});
