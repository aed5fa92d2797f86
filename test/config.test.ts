import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { ConfigFileError, ValidationError, loadTracingConfig, parseTracingConfig } from '../src';
import { tracingConfigJsonSchema } from '../src/config/load-config';
import { PLAINTEXT, synthStack, tempoFiles } from './util';
import { validateObjects } from './validate-objects';

const ROOT = path.join(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'tracing.config.example.yaml');
const SCHEMA_FILE = path.join(ROOT, 'tracing.config.schema.json');

function tempFile(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-config-'));
  const file = path.join(dir, 'tracing.config.yaml');
  fs.writeFileSync(file, content);
  return file;
}

describe('config file', () => {
  test('no file: an error naming what the file must decide', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-empty-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(() => loadTracingConfig({})).toThrow(/^tracing\.config\.yaml not found in .*: copy tracing\.config\.example\.yaml, or write one with at least `tls: \{ enabled: false \}`/);
    } finally {
      process.chdir(cwd);
    }
  });

  test('TRACING_CONFIG names another file; a missing one is an error', () => {
    const file = tempFile('namespace: tracing\ntempo:\n  version: "2.10.8"\ntls:\n  enabled: false\n');
    expect(loadTracingConfig({ TRACING_CONFIG: file })).toEqual({ props: { namespace: 'tracing', tempo: { version: '2.10.8' }, tls: { enabled: false } }, file });
    expect(() => loadTracingConfig({ TRACING_CONFIG: '/nonexistent/x.yaml' })).toThrow('TRACING_CONFIG=/nonexistent/x.yaml: file not found');
  });

  test('unknown keys, wrong types and bad values: every problem, with file and key path', () => {
    const file = tempFile(
      [
        'namespace: Monitoring',
        'tempo:',
        '  retention: 7d',
        '  volumeSize: 20',
        '  storage:',
        '    backend: azure',
        '    storageAccountName: acct',
        '    auth: { type: secret }',
        '  limits: { maxTracesPerUser: "10000" }',
        '  retension: 168h',
        'tls: { enabled: false }',
      ].join('\n'),
    );
    let message = '';
    try {
      loadTracingConfig({ TRACING_CONFIG: file });
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      message = (error as Error).message;
    }
    const lines = message.split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      `${file}: namespace: expected an RFC 1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters), got "Monitoring"`,
      `${file}: tempo.retension: unknown key; allowed keys under tempo: name, version, profile, scalable, storage, volumeSize, storageClassName, retention, limits, tenantOverrides, receivers, metricsGenerator, resources, serviceMonitor, usageReporting, logLevel`,
      `${file}: tempo.storage.containerName: required key is missing`,
      `${file}: tempo.storage.auth.secretName: required key is missing`,
      `${file}: tempo.volumeSize: expected a Kubernetes quantity such as "1Gi", "512Mi" or "500M", got number 20`,
      `${file}: tempo.retention: expected a duration in whole hours, minutes and seconds such as "168h" or "72h30m" (no "d", no fractions), got "7d"`,
      `${file}: tempo.limits.maxTracesPerUser: expected an integer from 1 to 9007199254740991, got "10000"`,
    ]);
  });

  test('rocketChat: lists and attribute maps are checked item by item', () => {
    const config = {
      rocketChat: {
        workloads: ['core', 'queue-worker', 'core'],
        propagators: [],
        resourceAttributes: { 'K8s.Cluster': 'x', team: 'a b' },
        samplingRatio: 1.5,
        protocol: 'http/protobuf',
      },
      tls: { enabled: false },
    };
    let message = '';
    try {
      parseTracingConfig(config, 'f.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1).map((l) => l.trim())).toEqual([
      'f.yaml: rocketChat.workloads[1]: expected one of "core", "presence", "ddp-streamer", "account", "authorization", "stream-hub", got "queue-worker"',
      'f.yaml: rocketChat.workloads[2]: repeats "core"; list each item once',
      'f.yaml: rocketChat.samplingRatio: expected a number from 0 to 1, got number 1.5',
      'f.yaml: rocketChat.propagators: expected a list of at least 1 item, got a list',
      'f.yaml: rocketChat.resourceAttributes.K8s.Cluster: key must be a lowercase dotted attribute name such as "k8s.cluster.name"',
      'f.yaml: rocketChat.resourceAttributes.team: expected a non-empty value of letters, digits, "-", "_" and "." (at most 63 characters), got "a b"',
      'f.yaml: rocketChat.protocol: expected one of "grpc", got "http/protobuf"',
    ]);
  });

  test('rocketChat: a full section parses to the construct props', () => {
    const rocketChat = {
      namespace: 'chat',
      releaseName: 'rc',
      workloads: ['core', 'presence'],
      environment: 'staging',
      rocketChatVersion: '7.13.1',
      samplingRatio: 0.5,
      propagators: ['tracecontext'],
      resourceAttributes: { 'k8s.cluster.name': 'aks-1' },
      attributeValueLengthLimit: 2048,
      protocol: 'grpc',
      instrumentation: { enabled: true, name: 'rc-tracing' },
      networkPolicies: true,
    };
    expect(parseTracingConfig({ rocketChat, tls: PLAINTEXT }, 'f.yaml')).toEqual({ rocketChat, tls: PLAINTEXT });
    expect(validateObjects(synthStack({ rocketChat } as any))).toEqual([]);
  });

  test('grafana: a full section parses to the construct props and synthesizes valid objects', () => {
    const grafana = {
      name: 'chat-tracing',
      grafanaNamespace: 'grafana',
      delivery: 'operator',
      operatorInstanceSelector: { 'example.com/grafana': 'main' },
      folderName: 'Chat traces',
      tempoDatasource: { uid: 'tempo-main', name: 'Tempo main' },
      prometheusDatasource: { uid: 'prom', managed: true, url: 'http://prometheus.grafana.svc:9090', name: 'Prom' },
      lokiDatasource: { enabled: true, uid: 'logs', managed: true, url: 'http://loki.grafana.svc:3100', name: 'Logs', logLabels: { 'k8s.pod.name': 'pod' }, traceIdPattern: 'trace_id=(\\w+)' },
      requestSpanKinds: ['server', 'internal'],
      dashboards: true,
      alerts: true,
      alertThresholds: { errorRatio: 0.1, p99LatencySeconds: 5, successRateSlo: 0.95, minRequestsPerSecond: 0.5, queueFillRatio: 0.9, storageFillRatio: 0.9 },
      releaseLabel: 'prom-stack',
      runbookBaseUrl: 'https://git.example.com/ops/tracing/README.md',
    };
    expect(parseTracingConfig({ grafana, tls: PLAINTEXT }, 'f.yaml')).toEqual({ grafana, tls: PLAINTEXT });
    const objects = synthStack({ grafana } as any);
    expect(validateObjects(objects)).toEqual([]);
    expect(objects.filter((o) => o.apiVersion.startsWith('grafana.integreatly.org')).map((o) => o.kind).sort()).toEqual([
      'GrafanaDashboard', 'GrafanaDashboard', 'GrafanaDatasource', 'GrafanaDatasource', 'GrafanaDatasource', 'GrafanaFolder',
    ]);
  });

  test('grafana: bad values are reported with their key path', () => {
    expect(() => parseTracingConfig({ grafana: { tempoDatasource: { uid: 'has space' }, alertThresholds: { errorRatio: 2 }, releaseLabel: '' } }, 'f.yaml')).toThrow(
      /grafana\.tempoDatasource\.uid: expected a Grafana uid[\s\S]*grafana\.alertThresholds\.errorRatio: expected a number from 0 to 1, got number 2[\s\S]*grafana\.releaseLabel: expected a non-empty label value/,
    );
  });

  test('a wrong storage backend names the allowed ones', () => {
    expect(() => parseTracingConfig({ tempo: { storage: { backend: 'nfs' } } }, 'f.yaml')).toThrow(
      'f.yaml: tempo.storage.backend: expected one of "local", "azure", "s3", "gcs", got "nfs"',
    );
  });

  test('duplicate keys are refused', () => {
    const file = tempFile('namespace: a\nnamespace: b\n');
    expect(() => loadTracingConfig({ TRACING_CONFIG: file })).toThrow(/invalid YAML in .*Map keys must be unique/);
  });

  test('an empty file is refused: tls must be decided', () => {
    expect(() => loadTracingConfig({ TRACING_CONFIG: tempFile('# nothing yet\n') })).toThrow(/: tls: required key is missing$/);
  });

  test('the committed config decides plaintext explicitly', () => {
    expect(loadTracingConfig({ TRACING_CONFIG: path.join(ROOT, 'tracing.config.yaml') }).props).toEqual({ tls: { enabled: false } });
  });

  test('the commented example config is valid and synthesizes valid objects', () => {
    const { props } = loadTracingConfig({ TRACING_CONFIG: EXAMPLE });
    const objects = synthStack(props);
    expect(validateObjects(objects)).toEqual([]);
    expect(tempoFiles(objects).config.storage.trace.backend).toBe('azure');
    const collector = parse(objects.find((o) => o.metadata.name === 'otel-collector-config')!.data['collector.yaml']);
    expect(collector.processors.resource.attributes).toContainEqual({ key: 'deployment.environment.name', value: 'production', action: 'insert' });
  });

  test('tracing.config.schema.json is up to date (npm run schema)', () => {
    expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(tracingConfigJsonSchema());
  });

  // Values the editor (JSON Schema) and the synth (loader) must judge alike.
  const AGREEMENT: [string, unknown, boolean][] = [
    ['the example', parse(fs.readFileSync(EXAMPLE, 'utf8')), true],
    ['nothing', {}, false],
    ['only the plaintext decision', { tls: PLAINTEXT }, true],
    ['TLS from a ClusterIssuer', { tls: { enabled: true, certManager: { name: 'ca' } } }, true],
    ['TLS without a kind of issuer it knows', { tls: { enabled: true, certManager: { name: 'ca', kind: 'Vault' } } }, false],
    ['TLS undecided', { tls: {} }, false],
    ['a misspelt key', { tempo: { retension: '168h' } }, false],
    ['retention in days', { tempo: { retention: '7d' } }, false],
    ['fractional retention', { tempo: { retention: '1.5h' } }, false],
    ['composite retention', { tempo: { retention: '72h30m' } }, true],
    ['an empty value', { tempo: { retention: null } }, false],
    ['a version of another line', { tempo: { version: '2.9.0' } }, false],
    ['a later patch', { tempo: { version: '3.0.4' } }, true],
    ['a secret without its name', { tempo: { storage: { backend: 'azure', storageAccountName: 'acct1', containerName: 'tempo', auth: { type: 'secret' } } } }, false],
    ['a key of another backend', { tempo: { storage: { backend: 'local', containerName: 'c' } } }, false],
    ['local storage', { tempo: { storage: { backend: 'local' } } }, true],
    ['an unknown backend', { tempo: { storage: { backend: 'constructor' } } }, false],
    ['a built-in object key', { tempo: { toString: 5 } }, false],
    ['a tenant multitenancy never routes to', { tempo: { tenantOverrides: { 'team-a': {} } } }, false],
    ['the single tenant', { tempo: { tenantOverrides: { 'single-tenant': { blockRetention: '72h' } } } }, true],
    ['a zero limit', { tempo: { limits: { maxTracesPerUser: 0 } } }, false],
    ['a fractional limit', { tempo: { limits: { maxTracesPerUser: 1.5 } } }, false],
    ['a dotted storage class', { tempo: { storageClassName: 'gp3.encrypted' } }, true],
    ['a Service name starting with a digit', { tempo: { name: '1tempo' } }, false],
    ['a Go-only scrape interval', { tempo: { serviceMonitor: { interval: '500us' } } }, false],
    ['a log level', { tempo: { logLevel: 'warn' } }, true],
    ['the scalable profile with its Kafka', { tempo: { profile: 'scalable', scalable: { kafka: { address: 'kafka.kafka.svc:9092', sasl: { secretName: 'tempo-kafka' } }, liveStoreZones: 3, components: { querier: { autoscaling: { maxReplicas: 8 } } } } } }, true],
    ['a profile Tempo does not have', { tempo: { profile: 'distributed' } }, false],
    ['a component of no line', { tempo: { scalable: { components: { ruler: { replicas: 2 } } } } }, false],
    ['four live-store zones', { tempo: { scalable: { liveStoreZones: 4 } } }, false],
    ['in-cluster Kafka brokers for the policy set', { networkPolicies: { kafka: { pods: { namespace: 'kafka', podLabels: { 'strimzi.io/kind': 'Kafka' } } } } }, true],
  ];

  test.each(AGREEMENT)('JSON Schema and loader agree on %s', (_name, given, valid) => {
    // Every case but the tls ones is about something else: give it the plaintext decision.
    const value = typeof given === 'object' && given !== null && !('tls' in given) && _name !== 'nothing' ? { ...given, tls: PLAINTEXT } : given;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(tracingConfigJsonSchema());
    expect(validate(value)).toBe(valid);
    const load = () => parseTracingConfig(value, 'f.yaml');
    if (valid) expect(load).not.toThrow();
    else expect(load).toThrow(ConfigFileError);
  });

  test('a key named after a built-in object member is an unknown key, not a crash', () => {
    expect(() => parseTracingConfig({ tempo: { storage: { backend: 'constructor' } } }, 'f.yaml')).toThrow(
      'f.yaml: tempo.storage.backend: expected one of "local", "azure", "s3", "gcs", got "constructor"',
    );
    expect(() => parseTracingConfig({ tempo: { toString: 5 } }, 'f.yaml')).toThrow('f.yaml: tempo.toString: unknown key');
    const file = tempFile('tempo:\n  __proto__:\n    retention: 1h\n');
    expect(() => loadTracingConfig({ TRACING_CONFIG: file })).toThrow(/tempo\.__proto__: unknown key/);
  });

  test('an empty value is refused rather than silently taken as the default', () => {
    expect(() => parseTracingConfig({ tempo: { retention: null } }, 'f.yaml')).toThrow('f.yaml: tempo.retention: expected a duration in whole hours');
  });
});

describe('the app (cdk8s.yaml `app`)', () => {
  const run = (env: Record<string, string>, cwd = ROOT) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'app.js')], {
      env: { ...process.env, ...env },
      cwd,
      encoding: 'utf8',
    });

  test('a construct check names the file and the key path too', () => {
    const file = tempFile('tempo:\n  limits:\n    ingestionRateLimitBytes: 30000000\ntls:\n  enabled: false\n');
    const result = run({ TRACING_CONFIG: file, CDK8S_OUTDIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rct-out-')) });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: ${file}: tempo.limits.ingestionBurstSizeBytes must be at least limits.ingestionRateLimitBytes (30000000), got 20000000\n`,
    );
  });

  test('a bad config file stops the synth with exit code 1 and the key path, writing nothing', () => {
    const file = tempFile('tempo:\n  version: "2.9.0"\ntls:\n  enabled: false\n');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-out-'));
    const result = run({ TRACING_CONFIG: file, CDK8S_OUTDIR: outdir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}: tempo.version: expected a release of a supported line, 3.0.x or 2.10.x (pinned: 3.0.3, 2.10.8), got "2.9.0"`);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a valid config file synthesizes to CDK8S_OUTDIR; the project around it gets the Helm values and patches', () => {
    const file = tempFile('namespace: tracing\ntempo:\n  version: "2.10.8"\nrocketChat:\n  releaseName: chat\ntls:\n  enabled: false\n');
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-out-'));
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'tracing', version: '2.3.4' }));
    const outdir = path.join(project, 'dist');
    const result = run({ TRACING_CONFIG: file, CDK8S_OUTDIR: outdir }, project);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const text = fs.readFileSync(path.join(outdir, 'rocketchat-tracing.k8s.yaml'), 'utf8');
    expect(text).toContain('image: docker.io/grafana/tempo:2.10.8');
    expect(text).toContain('namespace: tracing');
    expect(fs.readdirSync(outdir)).toEqual(['rocketchat-tracing.k8s.yaml']);
    expect(fs.readdirSync(path.join(project, 'kustomize', 'rocketchat'))).toContain('chat-presence.yaml');
    const values = fs.readFileSync(path.join(project, 'helm', 'rocketchat-values.yaml'), 'utf8');
    expect(values).toContain('value: http://otel-collector.tracing.svc:4317');
    expect(values).toContain('need the patches in kustomize/rocketchat/');
    expect(fs.readFileSync(path.join(project, 'helm', 'rocketchat-tracing', 'Chart.yaml'), 'utf8')).toContain('version: 2.3.4');
  });

  test('an output folder outside the working directory (cdk8s synth --stdout) gets the manifests only', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-stdout-'));
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-cwd-'));
    const result = run({ TRACING_CONFIG: path.join(ROOT, 'tracing.config.yaml'), CDK8S_OUTDIR: outdir }, cwd);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(outdir)).toEqual(['rocketchat-tracing.k8s.yaml']);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
