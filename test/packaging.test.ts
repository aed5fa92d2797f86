import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

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
  function kustomize(dir: string): any[] {
    try {
      const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return parseAllDocuments(out).map((d) => d.toJS());
    } catch (error: any) {
      if (error.code === 'ENOENT') throw new Error('kubectl is needed for the kustomize check (kubectl kustomize); install kubectl');
      throw new Error(`kubectl kustomize failed: ${error.stderr}`);
    }
  }

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
