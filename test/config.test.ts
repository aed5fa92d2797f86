import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { ValidationError, loadTracingConfig, parseTracingConfig } from '../src';
import { tracingConfigJsonSchema } from '../src/config/load-config';
import { synthStack, tempoFiles } from './util';
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
  test('no file: the defaults (seed setup)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-empty-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadTracingConfig({})).toEqual({ props: {} });
    } finally {
      process.chdir(cwd);
    }
  });

  test('TRACING_CONFIG names another file; a missing one is an error', () => {
    const file = tempFile('namespace: tracing\ntempo:\n  version: "2.10.8"\n');
    expect(loadTracingConfig({ TRACING_CONFIG: file })).toEqual({ props: { namespace: 'tracing', tempo: { version: '2.10.8' } }, file });
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
      `${file}: namespace: expected an RFC 1123 label (lowercase letters, digits and "-"), got "Monitoring"`,
      `${file}: tempo.retension: unknown key; allowed keys under tempo: name, version, storage, volumeSize, storageClassName, retention, limits, tenantOverrides, receivers, metricsGenerator, resources, serviceMonitor, usageReporting, logLevel`,
      `${file}: tempo.storage.containerName: required key is missing`,
      `${file}: tempo.storage.auth.secretName: required key is missing`,
      `${file}: tempo.volumeSize: expected a Kubernetes quantity such as "1Gi" or "512Mi", got number 20`,
      `${file}: tempo.retention: expected a Go duration such as "168h" or "30m" (no "d" unit), got "7d"`,
      `${file}: tempo.limits.maxTracesPerUser: expected an integer >= 1, got "10000"`,
    ]);
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

  test('an empty file means the defaults', () => {
    expect(loadTracingConfig({ TRACING_CONFIG: tempFile('# nothing yet\n') }).props).toEqual({});
  });

  test('the commented example config is valid and synthesizes valid objects', () => {
    const { props } = loadTracingConfig({ TRACING_CONFIG: EXAMPLE });
    const objects = synthStack(props);
    expect(validateObjects(objects)).toEqual([]);
    expect(tempoFiles(objects).config.storage.trace.backend).toBe('azure');
  });

  test('tracing.config.schema.json is up to date (npm run schema)', () => {
    expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(tracingConfigJsonSchema());
  });

  test('the JSON Schema accepts the example and refuses what the loader refuses', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(tracingConfigJsonSchema());
    expect(validate(parse(fs.readFileSync(EXAMPLE, 'utf8')))).toBe(true);
    expect(validate({ tempo: { retension: '168h' } })).toBe(false);
    expect(validate({ tempo: { retention: '7d' } })).toBe(false);
    expect(validate({ tempo: { storage: { backend: 'azure', storageAccountName: 'a', containerName: 'c', auth: { type: 'secret' } } } })).toBe(false);
    expect(validate({ tempo: { storage: { backend: 'local', containerName: 'c' } } })).toBe(false);
    expect(validate({ tempo: { storage: { backend: 'local' } } })).toBe(true);
  });
});

describe('the app (cdk8s.yaml `app`)', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'app.js')], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });

  test('a bad config file stops the synth with exit code 1 and the key path, writing nothing', () => {
    const file = tempFile('tempo:\n  version: "2.9.0"\n');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-out-'));
    const result = run({ TRACING_CONFIG: file, CDK8S_OUTDIR: outdir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}: tempo.version: expected a 3.0.x or 2.10.x release such as "3.0.3" or "2.10.8", got "2.9.0"`);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a valid config file synthesizes to CDK8S_OUTDIR', () => {
    const file = tempFile('namespace: tracing\ntempo:\n  version: "2.10.8"\n');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-out-'));
    const result = run({ TRACING_CONFIG: file, CDK8S_OUTDIR: outdir });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const text = fs.readFileSync(path.join(outdir, 'rocketchat-tracing.k8s.yaml'), 'utf8');
    expect(text).toContain('image: docker.io/grafana/tempo:2.10.8');
    expect(text).toContain('namespace: tracing');
  });
});
