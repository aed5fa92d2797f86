import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { TracingStack, TracingStackProps } from '../src';
import { OtlpGrpcReceiver, ReceivedSpan } from './rocketchat/otlp-receiver';
import { stackProps } from './util';

// The environment this project emits, given to the OpenTelemetry Node SDK and OTLP gRPC exporter
// at the versions Rocket.Chat depends on, started the way Rocket.Chat starts them. Only the
// endpoint is rewritten, to a receiver on loopback.
const SDK_LINES = [
  // Rocket.Chat 7.x, packages/tracing: ^0.54.2.
  { line: '0.54.2', sdk: '@opentelemetry/sdk-node', exporter: '@opentelemetry/exporter-trace-otlp-grpc' },
  // Rocket.Chat 8.x development line: ^0.220.0 (installed under an alias beside 0.54.2).
  { line: '0.220.0', sdk: 'otel-sdk-node-0.220', exporter: 'otel-exporter-trace-otlp-grpc-0.220' },
];

const TRACER = path.join(__dirname, 'rocketchat', 'native-tracer.js');
const REMOTE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const REMOTE_PARENT = `00-${REMOTE_TRACE_ID}-b7ad6b7169203331-01`;

function emittedEnvironment(props: Partial<TracingStackProps>, deployment: string): Record<string, string> {
  const stack = new TracingStack(Testing.app(), 'rocketchat-tracing', stackProps(props));
  // The patch for the Deployment: what the cluster would run.
  const patch = stack.rocketChat.deploymentPatches[deployment] as any;
  const env: { name: string; value: string }[] = patch.spec.template.spec.containers[0].env;
  const out = Object.fromEntries(env.map((v) => [v.name, v.value]));
  expect(out.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(stack.collector.otlpGrpcUrl);
  return out;
}

type SdkLine = (typeof SDK_LINES)[number];

async function runTracer(receiver: OtlpGrpcReceiver, sdk: SdkLine, env: Record<string, string>, service: string, local: Record<string, string> = {}): Promise<ReceivedSpan[]> {
  const before = receiver.spans.length;
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      [TRACER, service, REMOTE_PARENT, sdk.sdk, sdk.exporter],
      // Nothing from the test's own environment but PATH: the contract alone configures the SDK.
      { env: { PATH: process.env.PATH ?? '', ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...local }, cwd: path.join(__dirname, '..'), timeout: 20_000 },
      (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
    ),
  );
  return receiver.spans.slice(before);
}

describe.each(SDK_LINES)('contract: the emitted environment drives sdk-node and the OTLP gRPC exporter $line', (sdk) => {
  const receiver = new OtlpGrpcReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  test('the SDK under test is the declared version', () => {
    expect(require(`${sdk.sdk}/package.json`).version).toBe(sdk.line);
    expect(require(`${sdk.exporter}/package.json`).version).toBe(sdk.line);
  });

  test('defaults: every span arrives over OTLP gRPC from the core, with the contract resource', async () => {
    const spans = await runTracer(receiver, sdk, emittedEnvironment({}, 'rocketchat-rocketchat'), 'core');
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /api/v1/info', 'action presence:updateUserPresence']);
    for (const span of spans) {
      expect(span.resource['service.name']).toBe('core');
      expect(span.resource['deployment.environment.name']).toBe('production');
    }
    // OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT reaches the SDK: the 10000-character value is cut.
    expect((spans.find((s) => s.name === 'GET /api/v1/info')!.attributes.long as string).length).toBe(4096);
    // The broker-style span continues the remote trace.
    const child = spans.find((s) => s.name.startsWith('action'))!;
    expect([child.traceId, child.parentSpanId]).toEqual([REMOTE_TRACE_ID, 'b7ad6b7169203331']);
  });

  test('ratio 0: new traces are not recorded, spans under a sampled parent still are; service.name stays Rocket.Chat\'s', async () => {
    const env = emittedEnvironment(
      { rocketChat: { samplingRatio: 0, rocketChatVersion: '7.13.1', environment: 'staging', resourceAttributes: { 'k8s.cluster.name': 'aks-weu-1' } } },
      'rocketchat-presence',
    );
    // The Operator delivery also sets OTEL_SERVICE_NAME (the Deployment name); Rocket.Chat overrides it.
    const spans = await runTracer(receiver, sdk, { ...env, OTEL_SERVICE_NAME: 'rocketchat-presence' }, 'presence-service');
    expect(spans.map((s) => s.name)).toEqual(['action presence:updateUserPresence']);
    expect(spans[0].resource).toMatchObject({
      'service.name': 'presence-service',
      'service.version': '7.13.1',
      'deployment.environment.name': 'staging',
      'k8s.cluster.name': 'aks-weu-1',
    });
  });
});

/** A CA and a server certificate it signed for 127.0.0.1, made with openssl. */
function makeCertificates(dir: string): { caFile: string; otherCaFile: string; key: Buffer; cert: Buffer } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const newCa = (name: string) => run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`);
  newCa('ca');
  newCa('other-ca');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=collector');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
  return {
    caFile: path.join(dir, 'ca.crt'),
    otherCaFile: path.join(dir, 'other-ca.crt'),
    key: fs.readFileSync(path.join(dir, 'server.key')),
    cert: fs.readFileSync(path.join(dir, 'server.crt')),
  };
}

describe('contract over TLS: the exporter verifies the collector with the CA the contract names', () => {
  const certificates = makeCertificates(fs.mkdtempSync(path.join(os.tmpdir(), 'rct-tls-')));
  const receiver = new OtlpGrpcReceiver({ key: certificates.key, cert: certificates.cert });
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  const tlsProps: Partial<TracingStackProps> = { tls: { enabled: true, certManager: { name: 'tracing-ca' } } };

  test('the emitted environment: an https endpoint and the mounted CA file', () => {
    const env = emittedEnvironment(tlsProps, 'rocketchat-rocketchat');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('https://otel-collector.monitoring.svc:4317');
    expect(env.OTEL_EXPORTER_OTLP_CERTIFICATE).toBe('/etc/rocketchat-tracing/ca/ca.crt');
  });

  test.each(SDK_LINES)('$line: spans arrive over TLS verified with the CA; with another CA, none do', async (sdk) => {
    const env = emittedEnvironment(tlsProps, 'rocketchat-rocketchat');
    // The CA file is where the contract says, here on the local disk instead of the mounted Secret.
    const trusted = await runTracer(receiver, sdk, env, 'core', { OTEL_EXPORTER_OTLP_CERTIFICATE: certificates.caFile });
    expect(trusted.map((s) => s.name).sort()).toEqual(['GET /api/v1/info', 'action presence:updateUserPresence']);
    const received = receiver.spans.length;
    await expect(runTracer(receiver, sdk, env, 'core', { OTEL_EXPORTER_OTLP_CERTIFICATE: certificates.otherCaFile })).rejects.toThrow(
      /shutdown failed: .*unable to verify the first certificate/,
    );
    expect(receiver.spans.length).toBe(received);
  });
});
