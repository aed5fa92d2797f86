import { COLLECTOR_KEYS } from './collector-config-schema';
import { TEMPO_KEYS, checkKeys } from './tempo-config-schema';
import { synthStack } from './util';
import { validateObjects } from './validate-objects';

// The checks other tests rely on must be able to fail.
describe('test checks catch what they claim to', () => {
  test('checkKeys refuses removed, unknown and mistyped Tempo keys', () => {
    expect(checkKeys({ ingester: {} }, TEMPO_KEYS['3.0'])).toEqual(['ingester: unknown key']);
    expect(checkKeys({ compactor: { compaction: { block_retention: '168h' } } }, TEMPO_KEYS['3.0'])).toEqual(['compactor: unknown key']);
    expect(checkKeys({ live_store: {} }, TEMPO_KEYS['2.10'])).toEqual(['live_store: unknown key']);
    expect(checkKeys({ storage: { trace: { azure: { container: 'x' } } } }, TEMPO_KEYS['3.0'])).toEqual(['storage.trace.azure.container: unknown key']);
    expect(checkKeys({ backend_worker: { compaction: { block_retention: '7d' } } }, TEMPO_KEYS['3.0'])).toEqual([
      'backend_worker.compaction.block_retention: expected retention, got "7d"',
    ]);
    expect(checkKeys({ overrides: { defaults: { compaction: { block_retention: '1.5h' } } } }, TEMPO_KEYS['2.10'])).toEqual([
      'overrides.defaults.compaction.block_retention: expected retention, got "1.5h"',
    ]);
    expect(checkKeys({ overrides: { per_tenant_override_period: 10 } }, TEMPO_KEYS['2.10'])).toEqual([
      'overrides.per_tenant_override_period: expected duration, got 10',
    ]);
    expect(checkKeys({ metrics_generator: { storage: { remote_write: [{ endpoint: 'x' }] } } }, TEMPO_KEYS['3.0'])).toEqual([
      'metrics_generator.storage.remote_write[0].endpoint: unknown key',
    ]);
  });

  test('the collector key tree refuses deprecated names and misspelt keys', () => {
    expect(checkKeys({ exporters: { otlp_grpc: { sending_queue: { blocking: true } } } }, COLLECTOR_KEYS)).toEqual(['exporters.otlp_grpc.sending_queue.blocking: unknown key']);
    expect(checkKeys({ processors: { memory_limiter: { limit_percent: 80 } } }, COLLECTOR_KEYS)).toEqual(['processors.memory_limiter.limit_percent: unknown key']);
    expect(checkKeys({ exporters: { logging: {} } }, COLLECTOR_KEYS)).toEqual(['exporters.logging: unknown key']);
    expect(checkKeys({ service: { telemetry: { metrics: { address: ':8888' } } } }, COLLECTOR_KEYS)).toEqual(['service.telemetry.metrics.address: unknown key']);
  });

  test('validateObjects refuses invalid objects, unknown kinds and stray namespaces', () => {
    const objects = synthStack();
    const broken = structuredClone(objects);
    const sts = broken.find((o) => o.kind === 'StatefulSet')!;
    sts.spec.replicas = 'one';
    broken[0].metadata.namespace = 'monitoring';
    broken.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } });
    broken.push(structuredClone(objects[1]));
    const svc = broken.find((o) => o.kind === 'Service')!;
    svc.metadata.name = '1tempo';
    svc.spec.ports[0].name = 'a-very-long-port-name';
    svc.metadata.labels!['app.kubernetes.io/version'] = 'not a label value';
    const problems = validateObjects(broken).join('\n');
    expect(problems).toMatch(/Service monitoring\/1tempo: metadata\.name must be an RFC 1035 label/);
    expect(problems).toMatch(/Service monitoring\/1tempo: spec\.ports\[0\]\.name must be an IANA service name/);
    expect(problems).toMatch(/metadata\.labels\.app\.kubernetes\.io\/version must be a label value/);
    expect(problems).toMatch(/StatefulSet monitoring\/tempo: .*replicas/);
    expect(problems).toMatch(/Namespace monitoring\/monitoring: cluster-scoped object carries a namespace/);
    expect(problems).toMatch(/Widget x\/w: no validator for this kind/);
    expect(problems).toMatch(/ServiceAccount monitoring\/tempo: duplicate object/);
  });
});
