import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, Yaml } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { TracingStack, loadTracingConfig } from '../src';
import { deliveryFiles } from '../src/delivery-files';
import { PATCHES_DIR } from '../src/rocketchat/delivery-files';
import { synthStack } from './util';
import { validateObjects } from './validate-objects';

const DIST_FILE = path.join(__dirname, '..', 'dist', 'rocketchat-tracing.k8s.yaml');

describe('TracingStack (default, as `cdk8s synth` emits it)', () => {
  const objects = synthStack();

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object is valid for its kind', () => {
    expect(validateObjects(objects)).toEqual([]);
  });

  test('emits exactly the expected objects, Namespace first', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/monitoring',
      'ServiceAccount/tempo',
      'ConfigMap/tempo-config',
      'Service/tempo',
      'Service/tempo-headless',
      'StatefulSet/tempo',
      'ServiceMonitor/tempo',
      'ServiceAccount/otel-collector',
      'ConfigMap/otel-collector-config',
      'ClusterRole/otel-collector-monitoring',
      'ClusterRoleBinding/otel-collector-monitoring',
      'Service/otel-collector',
      'Deployment/otel-collector',
      'ServiceMonitor/otel-collector',
      'ConfigMap/rocketchat-tracing-grafana-datasources',
      'ConfigMap/grafana-dashboard-rocketchat-tracing',
      'ConfigMap/grafana-dashboard-tracing-pipeline',
      'PrometheusRule/rocketchat-tracing-alerts',
    ]);
  });

  test('namespace only on namespaced objects', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const o of objects) expect(o.metadata.namespace).toBe(clusterScoped.has(o.kind) ? undefined : 'monitoring');
  });

  test('the collector exports to the Service of the stack\'s Tempo, on a port that Service declares', () => {
    const config = parse(objects.find((o) => o.metadata.name === 'otel-collector-config')!.data['collector.yaml']);
    const [host, port] = config.exporters.otlp_grpc.endpoint.split(':');
    const [serviceName, namespace, svc] = host.split('.');
    expect(svc).toBe('svc');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName && o.metadata.namespace === namespace)!;
    expect(service).toBeDefined();
    const servicePort = service.spec.ports.find((p: { port: number }) => p.port === Number(port));
    expect(servicePort).toMatchObject({ name: 'otlp-grpc', protocol: 'TCP', appProtocol: 'grpc' });
  });

  test('every object carries the standard labels', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'rocketchat-tracing', 'app.kubernetes.io/managed-by': 'cdk8s' });
    }
  });

  test('the namespace warns and audits on Pod Security "restricted" without enforcing it', () => {
    expect(objects[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(objects[0].metadata.labels!['pod-security.kubernetes.io/enforce']).toBeUndefined();
  });

  test('the pipeline alerts need the collector and Tempo scraped', () => {
    expect(() => synthStack({ collector: { serviceMonitor: { enabled: false } } })).toThrow(
      "grafana.alerts needs collector.serviceMonitor: the pipeline alerts read the collector's own metrics, which nothing scrapes with collector.serviceMonitor.enabled: false; set grafana.alerts: false too, or scrape it",
    );
    const kinds = synthStack({ collector: { serviceMonitor: { enabled: false } }, tempo: { serviceMonitor: { enabled: false } }, grafana: { alerts: false } }).map((o) => o.kind);
    expect(kinds).not.toContain('PrometheusRule');
    expect(kinds).not.toContain('ServiceMonitor');
  });

  test('createNamespace: false leaves the Namespace out', () => {
    const kinds = synthStack({ createNamespace: false }).map((o) => o.kind);
    expect(kinds).not.toContain('Namespace');
  });

});

describe('dist/', () => {
  // The same input `cdk8s synth` reads: tracing.config.yaml when present, else the defaults.
  const objects = synthStack(loadTracingConfig().props);

  test('is up to date with the sources and config (run `npx cdk8s synth` after a change)', () => {
    expect(fs.readFileSync(DIST_FILE, 'utf8')).toBe(Yaml.stringify(...objects));
  });

  test('the Helm values and Rocket.Chat patches are up to date, with no stale files among them', () => {
    const root = path.join(__dirname, '..');
    const stack = new TracingStack(Testing.app(), 'rocketchat-tracing', loadTracingConfig().props);
    const files = deliveryFiles(stack, { chartVersion: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version });
    for (const [file, content] of Object.entries(files)) expect([file, fs.readFileSync(path.join(root, file), 'utf8')]).toEqual([file, content]);
    const onDisk = fs.readdirSync(path.join(root, PATCHES_DIR)).map((f) => `${PATCHES_DIR}/${f}`);
    expect(onDisk.sort()).toEqual(Object.keys(files).filter((f) => f.startsWith(`${PATCHES_DIR}/`)).sort());
    const helmOnDisk = (fs.readdirSync(path.join(root, 'helm'), { recursive: true }) as string[])
      .map((f) => `helm/${f}`)
      .filter((f) => fs.statSync(path.join(root, f)).isFile());
    expect(helmOnDisk.sort()).toEqual(Object.keys(files).filter((f) => f.startsWith('helm/')).sort());
    // dist/ holds only the manifests: `kubectl apply -f`, validators and GitOps tools read all of it.
    expect(fs.readdirSync(path.join(root, 'dist'))).toEqual(['rocketchat-tracing.k8s.yaml']);
  });

  test('parses back to exactly the synthesized objects', () => {
    const docs = parseAllDocuments(fs.readFileSync(DIST_FILE, 'utf8')).map((d) => d.toJS());
    expect(docs).toEqual(objects);
  });
});
