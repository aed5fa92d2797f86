import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { kustomize } from './util';

// The ways the synthesized stack is delivered besides `kubectl apply -f dist/`: the Helm chart in
// helm/rocketchat-tracing and the kustomization beside dist/.

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist', 'rocketchat-tracing.k8s.yaml');
const distObjects = () => parseAllDocuments(fs.readFileSync(DIST, 'utf8')).map((d) => d.toJS());
const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('Helm chart', () => {
  const chartDir = path.join(ROOT, 'helm', 'rocketchat-tracing');
  const template = fs.readFileSync(path.join(chartDir, 'templates', 'rocketchat-tracing.yaml'), 'utf8');
  const ESCAPED = '{{ "{{" }}';

  test('Chart.yaml is a v2 chart versioned with the project', () => {
    const chart = parse(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'rocketchat-tracing', type: 'application', version, kubeVersion: '>=1.28.0-0' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  test('the only template actions are the escapes that print "{{" literally', () => {
    expect(template.split(ESCAPED).join('')).not.toContain('{{');
    // There is something to escape: alert annotations use Prometheus templates.
    expect(template.split(ESCAPED).length - 1).toBeGreaterThan(0);
  });

  test('rendered, it is exactly dist/ without the Namespace (helm install --create-namespace makes it)', () => {
    const rendered = parseAllDocuments(template.split(ESCAPED).join('{{')).map((d) => d.toJS());
    expect(rendered).toEqual(distObjects().filter((o) => o.kind !== 'Namespace'));
  });
});

describe('kustomization beside dist/', () => {
  test('kubectl kustomize renders exactly the objects of dist/', () => {
    expect(kustomize(ROOT).map(key).sort()).toEqual(distObjects().map(key).sort());
  });

  test('works as the base of an overlay', () => {
    const overlay = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-overlay-'));
    try {
      fs.writeFileSync(
        path.join(overlay, 'kustomization.yaml'),
        `resources: [${path.relative(overlay, ROOT)}]\nlabels:\n  - pairs: { team: observability }\n`,
      );
      const objects = kustomize(overlay);
      expect(objects.length).toBe(distObjects().length);
      for (const o of objects) expect([key(o), o.metadata.labels.team]).toEqual([key(o), 'observability']);
    } finally {
      fs.rmSync(overlay, { recursive: true, force: true });
    }
  });
});

describe('npm package', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-pack-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  let tarball = '';
  let integrity = '';
  let packedFiles: string[] = [];

  beforeAll(() => {
    // `npm pack` runs `prepare`, so lib/ is built from the current sources.
    const out = execFileSync('npm', ['pack', '--pack-destination', work, '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [info] = JSON.parse(out.slice(out.indexOf('[')));
    tarball = path.join(work, info.filename);
    integrity = info.integrity;
    packedFiles = info.files.map((f: { path: string }) => f.path);
  }, 120_000);

  test('contains lib/, the docs and the config schema, and nothing else', () => {
    const outsideLib = packedFiles.filter((f) => !f.startsWith('lib/') && !f.startsWith('docs/api/'));
    expect(outsideLib.sort()).toEqual(['LICENSE', 'README.md', 'package.json', 'tracing.config.example.yaml', 'tracing.config.schema.json']);
    expect(packedFiles).toContain('lib/src/index.js');
    expect(packedFiles).toContain('lib/src/index.d.ts');
    expect(packedFiles).toContain('docs/api/README.md');
    // Every compiled file comes from a current source (lib/ is rebuilt from scratch).
    for (const file of packedFiles.filter((f) => f.startsWith('lib/') && f.endsWith('.js'))) {
      expect([file, fs.existsSync(path.join(ROOT, file.replace(/^lib\//, '').replace(/\.js$/, '.ts')))]).toEqual([file, true]);
    }
    // The app entry point and tests stay out.
    expect(packedFiles.filter((f) => /main\.(js|d\.ts)$|\.test\.|^test\//.test(f))).toEqual([]);
  });

  test('a cdk8s app installs the tarball (offline) and synthesizes with it, in TypeScript', () => {
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.copyFileSync(tarball, path.join(app, path.basename(tarball)));
    writeConsumerProject(app, path.basename(tarball), integrity);
    // `npm ci` from a lockfile needs only the tarballs in npm's cache, which `npm ci` of this
    // project filled: no registry metadata, no network.
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, stdio: 'pipe' });
    fs.writeFileSync(
      path.join(app, 'main.ts'),
      [
        "import { App, Chart } from 'cdk8s';",
        "import { OtelCollector, RocketChatTracing, TempoStack, TracingStack } from 'rocketchat-tracing';",
        "const app = new App({ outdir: 'out' });",
        "new TracingStack(app, 'tracing', { namespace: 'observability', rocketChat: { releaseName: 'chat' }, tls: { enabled: false } });",
        "const chart = new Chart(app, 'own', { namespace: 'obs' });",
        "const tempo = new TempoStack(chart, 'Tempo', {});",
        'const collector = new OtelCollector(chart, "Collector", { traceBackend: tempo });',
        "new RocketChatTracing(chart, 'RocketChat', { collector });",
        'app.synth();',
        '',
      ].join('\n'),
    );
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--skipLibCheck', 'false', 'main.ts'], { cwd: app, stdio: 'pipe' });
    execFileSync(process.execPath, ['main.js'], { cwd: app, stdio: 'pipe' });
    const kinds = (file: string) => parseAllDocuments(fs.readFileSync(path.join(app, 'out', file), 'utf8')).map((d) => d.toJS().kind);
    expect(kinds('tracing.k8s.yaml')).toContain('StatefulSet');
    expect(kinds('own.k8s.yaml')).toEqual(expect.arrayContaining(['StatefulSet', 'Deployment', 'Service']));
  }, 120_000);
});

describe('API reference', () => {
  test('docs/api is generated from the current TSDoc (npm run docs)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-docs-'));
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: ROOT, stdio: 'pipe' });
      const generated = fs.readdirSync(out, { recursive: true }) as string[];
      const committed = fs.readdirSync(path.join(ROOT, 'docs', 'api'), { recursive: true }) as string[];
      expect(committed.sort()).toEqual(generated.sort());
      for (const file of generated.filter((f) => f.endsWith('.md'))) {
        expect([file, fs.readFileSync(path.join(ROOT, 'docs', 'api', file), 'utf8')]).toEqual([file, fs.readFileSync(path.join(out, file), 'utf8')]);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

interface LockEntry {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/**
 * A consumer's package.json and package-lock.json: the packed tarball, this project's peer
 * dependencies, and every package they need, copied from this project's lockfile (same versions,
 * same integrity), resolved the way Node.js resolves them.
 */
function writeConsumerProject(app: string, tarballName: string, integrity: string): void {
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const lock: Record<string, LockEntry> = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages;
  const entries: Record<string, LockEntry> = {};
  const resolveFrom = (location: string, name: string): string => {
    let dir = location;
    for (;;) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock[candidate]) return candidate;
      if (!dir) throw new Error(`${name} (needed by ${location}) is not in package-lock.json`);
      const i = dir.lastIndexOf('/node_modules/');
      dir = i === -1 ? '' : dir.slice(0, i);
    }
  };
  const add = (location: string): void => {
    if (entries[location]) return;
    const entry = lock[location];
    entries[location] = entry;
    for (const name of Object.keys({ ...entry.dependencies, ...entry.peerDependencies })) {
      if (!entry.peerDependenciesMeta?.[name]?.optional) add(resolveFrom(location, name));
    }
  };
  for (const name of Object.keys({ ...own.dependencies, ...own.peerDependencies })) add(`node_modules/${name}`);
  const dependencies = { [own.name]: `file:${tarballName}`, ...own.peerDependencies };
  const manifest = { name: 'consumer', version: '1.0.0', private: true, dependencies };
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  const packed = { version: own.version, resolved: `file:${tarballName}`, integrity, license: own.license, dependencies: own.dependencies, peerDependencies: own.peerDependencies };
  const packageLock = { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': manifest, [`node_modules/${own.name}`]: packed, ...entries } };
  fs.writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify(packageLock, null, 2));
}
