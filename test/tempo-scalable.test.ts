import { parse } from 'yaml';
import { TempoStack, TempoStackProps, TracingStack, ValidationError } from '../src';
import { OVERRIDES_FILE_KEYS, TEMPO_KEYS, checkKeys } from './tempo-config-schema';
import { K8sObject, findObject, stackProps } from './util';
import { validateObjects } from './validate-objects';
import { Testing } from 'cdk8s';

const AZURE = { backend: 'azure', storageAccountName: 'acct1', containerName: 'tempo', auth: { type: 'workloadIdentity', clientId: '11111111-2222-3333-4444-555555555555' } } as const;
const KAFKA = { address: 'kafka-bootstrap.kafka.svc:9092', sasl: { secretName: 'tempo-kafka' } };

/** The scalable profile as each line needs it at least. */
function scalableTempo(version: string, extra: Partial<TempoStackProps> = {}): TempoStackProps {
  return { version, profile: 'scalable', storage: AZURE, ...(version.startsWith('3.') ? { scalable: { kafka: KAFKA } } : {}), ...extra };
}

function synth(tempo: TempoStackProps): { stack: TracingStack; objects: K8sObject[] } {
  const app = Testing.app();
  const stack = new TracingStack(app, 'rocketchat-tracing', stackProps({ tempo }));
  return { stack, objects: Testing.synth(stack) as K8sObject[] };
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const isTempo = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/name'] === 'tempo';
const workloadsOf = (objects: K8sObject[]) => objects.filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && isTempo(o));
const container = (w: K8sObject) => w.spec.template.spec.containers[0];
const target = (w: K8sObject) => container(w).args.find((a: string) => a.startsWith('-target='))?.slice('-target='.length);
const podLabels = (w: K8sObject) => w.spec.template.metadata.labels;
const env = (w: K8sObject) => Object.fromEntries((container(w).env ?? []).map((e: any) => [e.name, e]));
const hostPort = (address: string) => {
  const [, host, port] = /^(?:dns\+)?(.+):(\d+)$/.exec(address)!;
  return { host, port: Number(port) };
};
/** The Service a cluster DNS name (`svc.ns.svc.cluster.local.`) resolves to. */
function serviceFor(objects: K8sObject[], host: string): K8sObject {
  const [name, namespace] = host.split('.');
  expect(host).toMatch(new RegExp(`^${name}\\.${namespace}\\.svc(\\.cluster\\.local\\.)?$`));
  return findObject(objects, 'Service', name);
}
/** Pods behind a Service port must listen on it. */
function expectServedBy(service: K8sObject, port: number, workloads: K8sObject[]): void {
  const servicePort = service.spec.ports.find((p: any) => p.port === port);
  expect(servicePort).toBeDefined();
  const behind = workloads.filter((w) => matches(service.spec.selector, podLabels(w)));
  expect(behind.length).toBeGreaterThan(0);
  for (const w of behind) expect(container(w).ports.map((p: any) => p.name)).toContain(servicePort.targetPort);
}

const EXPECTED_TARGETS = {
  '2.10.8': ['ingester', 'distributor', 'querier', 'query-frontend', 'compactor', 'metrics-generator'],
  '3.0.3': ['live-store', 'live-store', 'block-builder', 'distributor', 'querier', 'query-frontend', 'backend-scheduler', 'backend-worker', 'metrics-generator'],
};

describe.each(['3.0.3', '2.10.8'] as const)('scalable profile, Tempo %s', (version) => {
  const line = version.startsWith('3.') ? '3.0' : '2.10';
  const { stack, objects } = synth(scalableTempo(version));
  const workloads = workloadsOf(objects);
  const config = parse(findObject(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']);
  const overrides = parse(findObject(objects, 'ConfigMap', 'tempo-config').data['overrides.yaml']);

  test('snapshot of the Tempo objects', () => {
    expect(objects.filter(isTempo)).toMatchSnapshot();
  });

  test('every emitted object is valid; the config has only keys this Tempo line accepts', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(checkKeys(config, TEMPO_KEYS[line])).toEqual([]);
    expect(checkKeys(overrides, OVERRIDES_FILE_KEYS[line])).toEqual([]);
    // Each workload chooses its component by flag; the shared file names none.
    expect(config.target).toBeUndefined();
  });

  test("runs exactly the line's components, each from the one shared config", () => {
    expect(workloads.map(target)).toEqual(EXPECTED_TARGETS[version]);
    for (const w of workloads) {
      expect(container(w).image).toBe(`docker.io/grafana/tempo:${version}`);
      expect(w.spec.template.spec.volumes.find((v: any) => v.name === 'config').configMap.name).toBe('tempo-config');
      expect(w.spec.template.metadata.annotations['checksum/config']).toBe(workloads[0].spec.template.metadata.annotations['checksum/config']);
    }
  });

  test('every pod meets Pod Security "restricted", has requests, limits, probes and a writable data directory', () => {
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      const c = container(w);
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      expect(c.readinessProbe.httpGet.path).toBe('/ready');
      // /ready waits on dependencies (a frontend without queriers): never a liveness check.
      expect(c.livenessProbe.tcpSocket).toBeDefined();
      expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(expect.arrayContaining(['/conf', '/var/tempo', '/tmp']));
      expect(env(w).GOMEMLIMIT).toBeDefined();
    }
  });

  test('memberlist: the join address is a headless Service on the gossip port of exactly the ring members', () => {
    const [member] = config.memberlist.join_members;
    const { host, port } = hostPort(member);
    expect(member.startsWith('dns+')).toBe(true);
    const gossip = serviceFor(objects, host);
    expect(gossip.spec.clusterIP).toBe('None');
    expect(gossip.spec.publishNotReadyAddresses).toBe(true);
    expect(config.memberlist.bind_port).toBe(port);
    const members = workloads.filter((w) => matches(gossip.spec.selector, podLabels(w))).map(target);
    const expected = line === '3.0'
      ? ['live-store', 'live-store', 'block-builder', 'distributor', 'querier', 'backend-worker', 'metrics-generator']
      : ['ingester', 'distributor', 'querier', 'compactor', 'metrics-generator'];
    expect(members).toEqual(expected);
    expectServedBy(gossip, port, workloads);
    expect(config.memberlist.cluster_label).toBe(`monitoring.tempo.${line}`);
  });

  test('rings of sharded components are in memberlist; multi-replica components are sharded', () => {
    if (line === '3.0') {
      expect(config.backend_worker.ring).toEqual({ kvstore: { store: 'memberlist' } });
    } else {
      expect(config.compactor.ring).toEqual({ kvstore: { store: 'memberlist' } });
      expect(config.ingester.lifecycler.ring).toEqual({ kvstore: { store: 'memberlist' }, replication_factor: 3 });
      const ingesters = workloads.find((w) => target(w) === 'ingester')!;
      expect(ingesters.kind).toBe('StatefulSet');
      expect(ingesters.spec.replicas).toBeGreaterThanOrEqual(3);
    }
    // Per distributor: "global" would divide it by distributors a collector connection never spreads over.
    expect(config.overrides.defaults.ingestion.rate_strategy).toBe('local');
  });

  test('queriers reach the frontends through a headless discovery Service that publishes unready frontends', () => {
    const { host, port } = hostPort(config.querier.frontend_worker.frontend_address);
    const discovery = serviceFor(objects, host);
    expect(discovery.spec.clusterIP).toBe('None');
    expect(discovery.spec.publishNotReadyAddresses).toBe(true);
    expect(port).toBe(config.server.grpc_listen_port);
    expectServedBy(discovery, port, workloads);
    expect(workloads.filter((w) => matches(discovery.spec.selector, podLabels(w))).map(target)).toEqual(['query-frontend']);
  });

  test('the write path: the stack Service fronts the distributors, and the collector exports there', () => {
    const front = findObject(objects, 'Service', 'tempo');
    expect(workloads.filter((w) => matches(front.spec.selector, podLabels(w))).map(target)).toEqual(['distributor']);
    const { host, port } = hostPort(stack.tempo.otlpGrpcEndpoint);
    expect(serviceFor(objects, host)).toBe(front);
    expectServedBy(front, port, workloads);
    expect(config.distributor.receivers.otlp.protocols.grpc.endpoint).toBe(`0.0.0.0:${port}`);
  });

  test('the read path: Grafana queries the query-frontends', () => {
    const url = new URL(stack.tempo.queryUrl);
    const service = serviceFor(objects, url.hostname);
    expect(workloads.filter((w) => matches(service.spec.selector, podLabels(w))).map(target)).toEqual(['query-frontend']);
    expectServedBy(service, Number(url.port), workloads);
    expect(JSON.stringify(stack.grafana.datasources[0])).toContain(stack.tempo.queryUrl);
  });

  test('one ServiceMonitor scrapes one Service per component under the job the dashboards use', () => {
    const monitor = findObject(objects, 'ServiceMonitor', 'tempo');
    const scraped = objects.filter((o) => o.kind === 'Service' && matches(monitor.spec.selector.matchLabels, o.metadata.labels ?? {}));
    const scrapedTargets = workloads.filter((w) => scraped.some((s) => matches(s.spec.selector, podLabels(w)))).map(target);
    expect(scrapedTargets).toEqual(EXPECTED_TARGETS[version]);
    // Each workload is behind exactly one scraped Service: no series twice.
    for (const w of workloads) expect(scraped.filter((s) => matches(s.spec.selector, podLabels(w)))).toHaveLength(1);
    expect(scraped.every((s) => s.metadata.labels![monitor.spec.jobLabel] === stack.tempo.serviceName)).toBe(true);
  });

  test('the storage alert watches the volume of every stateful component', () => {
    const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules));
    const expr: string = rules.find((r: any) => r.alert === 'TempoStorageNearFull').expr;
    const claims = workloads.filter((w) => w.spec.volumeClaimTemplates).flatMap((w) => w.spec.volumeClaimTemplates.map((t: any) => `${t.metadata.name}-${w.metadata.name}-0`));
    expect(claims.length).toBe(line === '3.0' ? 4 : 2);
    const pattern = new RegExp(`^(?:${/persistentvolumeclaim=~"([^"]+)"/.exec(expr)![1]})$`);
    for (const claim of claims) expect(claim).toMatch(pattern);
    expect('data-tempo-query-frontend-0').not.toMatch(pattern);
  });

  test('storage credentials and Kafka credentials only where the component uses them', () => {
    for (const w of workloads) {
      const usesStore = !['distributor', 'live-store', ...(line === '3.0' ? ['metrics-generator'] : [])].includes(target(w));
      expect(podLabels(w)['azure.workload.identity/use'] === 'true').toBe(usesStore);
      const usesKafka = line === '3.0' && ['distributor', 'live-store', 'block-builder', 'metrics-generator'].includes(target(w));
      expect(env(w).TEMPO_KAFKA_SASL_PASSWORD?.valueFrom.secretKeyRef).toEqual(usesKafka ? { name: 'tempo-kafka', key: 'password' } : undefined);
    }
  });

  test('PodDisruptionBudgets for multi-replica components, spread over zones and nodes', () => {
    const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget' && isTempo(o));
    for (const w of workloads) {
      const covering = budgets.filter((b) => matches(b.spec.selector.matchLabels, podLabels(w)));
      expect([target(w), covering.length]).toEqual([target(w), w.spec.replicas > 1 ? 1 : 0]);
      const keys = w.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
      expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
  });

  if (line === '3.0') {
    test('Kafka: one address and topic for producers and consumers; no auto-creation; one partition per live-store', () => {
      expect(config.ingest.kafka).toEqual({
        address: KAFKA.address,
        topic: 'tempo-ingest',
        auto_create_topic_enabled: false,
        sasl_username: '${TEMPO_KAFKA_SASL_USERNAME}',
        sasl_password: '${TEMPO_KAFKA_SASL_PASSWORD}',
      });
      expect(config.block_builder.partitions_per_instance).toBe(1);
      const liveStores = workloads.filter((w) => target(w) === 'live-store');
      const builders = workloads.find((w) => target(w) === 'block-builder')!;
      // Partition = the pod ordinal: StatefulSets, as many builders as live-stores per zone.
      for (const w of [...liveStores, builders]) expect(w.kind).toBe('StatefulSet');
      expect(liveStores.map((w) => w.spec.replicas)).toEqual([2, 2]);
      expect(builders.spec.replicas).toBe(2);
      expect(stack.tempo.kafkaPartitions).toBe(2);
      expect(liveStores.map((w) => container(w).args.at(-1))).toEqual(['-live-store.instance-availability-zone=zone-a', '-live-store.instance-availability-zone=zone-b']);
      // The consumer group is the pod name before the ordinal: one per zone.
      expect(liveStores.map((w) => w.metadata.name)).toEqual(['tempo-live-store-zone-a', 'tempo-live-store-zone-b']);
      // Ready once caught up with Kafka; a scaled-down partition stops failing reads after 35m.
      expect(config.live_store).toMatchObject({ readiness_target_lag: '5s', readiness_max_wait: '5m', partition_ring: { delete_inactive_partition_after: '35m' } });
    });

    test("a partition's owners (one per zone) never share a node, and one budget covers every zone", () => {
      const liveStores = workloads.filter((w) => target(w) === 'live-store');
      for (const w of liveStores) {
        const zone = podLabels(w)['rocketchat-tracing/tempo-zone'];
        const [term] = w.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
        expect(term.topologyKey).toBe('kubernetes.io/hostname');
        expect(term.labelSelector.matchExpressions).toEqual([{ key: 'rocketchat-tracing/tempo-zone', operator: 'NotIn', values: [zone] }]);
        const others = liveStores.filter((o) => o !== w).map(podLabels);
        expect(others.every((labels) => matches(term.labelSelector.matchLabels, labels))).toBe(true);
        expect(matches(term.labelSelector.matchLabels, podLabels(w))).toBe(true);
      }
      const budget = findObject(objects, 'PodDisruptionBudget', 'tempo-live-store');
      expect(liveStores.every((w) => matches(budget.spec.selector.matchLabels, podLabels(w)))).toBe(true);
      expect(budget.spec.maxUnavailable).toBe(1);
    });

    test('backend-workers reach the single backend-scheduler on its gRPC port', () => {
      const { host, port } = hostPort(config.backend_worker.backend_scheduler_addr);
      const service = serviceFor(objects, host);
      expect(port).toBe(config.server.grpc_listen_port);
      const behind = workloads.filter((w) => matches(service.spec.selector, podLabels(w)));
      expect(behind.map((w) => [target(w), w.spec.replicas])).toEqual([['backend-scheduler', 1]]);
      expectServedBy(service, port, workloads);
    });
  }
});

describe('scalable profile options', () => {
  test('autoscaling: an HPA on CPU for a stateless component, which then leaves replicas to it', () => {
    const { objects } = synth(scalableTempo('3.0.3', { scalable: { kafka: KAFKA, components: { querier: { autoscaling: { maxReplicas: 8 } } } } }));
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'tempo-querier');
    const querier = findObject(objects, 'Deployment', 'tempo-querier');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: querier.metadata.name },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } }],
    });
    expect(querier.spec.replicas).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toHaveLength(1);
    expect(validateObjects(objects)).toEqual([]);
  });

  test('live-store replicas set the block-builders, partitions and zones', () => {
    const { stack, objects } = synth(scalableTempo('3.0.3', { scalable: { kafka: KAFKA, liveStoreZones: 3, zoneSpread: 'required', components: { liveStore: { replicas: 4 } } } }));
    const liveStores = workloadsOf(objects).filter((w) => target(w) === 'live-store');
    expect(liveStores.map((w) => [w.metadata.name, w.spec.replicas])).toEqual([
      ['tempo-live-store-zone-a', 4],
      ['tempo-live-store-zone-b', 4],
      ['tempo-live-store-zone-c', 4],
    ]);
    expect(findObject(objects, 'StatefulSet', 'tempo-block-builder').spec.replicas).toBe(4);
    expect(stack.tempo.kafkaPartitions).toBe(4);
    expect(liveStores[0].spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
  });

  test('without the metrics-generator, no generator workload', () => {
    const { objects } = synth(scalableTempo('2.10.8', { metricsGenerator: { enabled: false } }));
    expect(workloadsOf(objects).map(target)).not.toContain('metrics-generator');
  });

  test('usage reporting opens the bucket in every component, so every component gets the credentials', () => {
    const { objects } = synth(scalableTempo('3.0.3', { usageReporting: true }));
    for (const w of workloadsOf(objects)) expect([target(w), podLabels(w)['azure.workload.identity/use']]).toEqual([target(w), 'true']);
  });

  test('multitenancy is one setting of the shared file, so every component agrees', () => {
    const chart = Testing.chart();
    new TempoStack(chart, 'Tempo', { ...scalableTempo('3.0.3'), namespace: 'monitoring', tenants: ['team-a'] });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(parse(findObject(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']).multitenancy_enabled).toBe(true);
    // Every workload mounts that one file.
    expect(workloadsOf(objects).every((w) => w.spec.template.spec.volumes.find((v: any) => v.name === 'config').configMap.name === 'tempo-config')).toBe(true);
  });
});

// Each case: props, and the error it must produce (naming the prop, the value, what is allowed).
const BAD_INPUT: [string, TempoStackProps, RegExp][] = [
  ['scalable on local storage', { profile: 'scalable', version: '2.10.8' }, /^storage\.backend must be "azure", "s3" or "gcs" with profile "scalable", got "local": .*object store$/],
  ['3.0 scalable without Kafka', { profile: 'scalable', storage: AZURE }, /^scalable\.kafka is required on Tempo 3\.0, got nothing: /],
  ['Kafka on 2.10', { ...scalableTempo('2.10.8'), scalable: { kafka: KAFKA } }, /^scalable\.kafka must be unset on Tempo 2\.10/],
  [
    'ingesters below the replication factor',
    { ...scalableTempo('2.10.8'), scalable: { components: { ingester: { replicas: 2 } } } },
    /^scalable\.components\.ingester\.replicas must be at least scalable\.replicationFactor \(3\), got 2: /,
  ],
  ['replication factor on 3.0', { ...scalableTempo('3.0.3'), scalable: { kafka: KAFKA, replicationFactor: 3 } }, /^scalable\.replicationFactor must be unset on Tempo 3\.0, got 3: /],
  ['a 2.10 component on 3.0', { ...scalableTempo('3.0.3'), scalable: { kafka: KAFKA, components: { ingester: { replicas: 3 } } } }, /^scalable\.components key must be one of "liveStore", .*\(Tempo 3\.0 has no such component\), got "ingester"$/],
  ['autoscaling a stateful component', { ...scalableTempo('3.0.3'), scalable: { kafka: KAFKA, components: { liveStore: { autoscaling: { maxReplicas: 4 } } } } }, /^scalable\.components\.liveStore\.autoscaling must be unset, got .*: each live-store owns the Kafka partition/],
  ['autoscaling with fixed replicas', { ...scalableTempo('3.0.3'), scalable: { kafka: KAFKA, components: { querier: { replicas: 3, autoscaling: { maxReplicas: 4 } } } } }, /^scalable\.components\.querier\.replicas must be unset with scalable\.components\.querier\.autoscaling, got 3/],
  ['max below min', { ...scalableTempo('3.0.3'), scalable: { kafka: KAFKA, components: { querier: { autoscaling: { minReplicas: 3, maxReplicas: 2 } } } } }, /^scalable\.components\.querier\.autoscaling\.maxReplicas must be an integer from 3 to 100, got 2$/],
  ['block-builder replicas', { ...scalableTempo('3.0.3'), scalable: { kafka: KAFKA, components: { blockBuilder: { replicas: 3 } } } }, /^scalable\.components\.blockBuilder\.replicas must be unset, got 3: one block-builder runs per Kafka partition/],
  ['two backend-schedulers', { ...scalableTempo('3.0.3'), scalable: { kafka: KAFKA, components: { backendScheduler: { replicas: 2 } } } }, /^scalable\.components\.backendScheduler\.replicas must be unset, got 2: exactly one/],
  ['Kafka address without a port', { ...scalableTempo('3.0.3'), scalable: { kafka: { address: 'kafka.kafka.svc' } } }, /^scalable\.kafka\.address must be host:port .*got "kafka\.kafka\.svc"$/],
  ['Kafka topic with a space', { ...scalableTempo('3.0.3'), scalable: { kafka: { address: 'kafka:9092', topic: 'tempo ingest' } } }, /^scalable\.kafka\.topic must be a Kafka topic name .*got "tempo ingest"$/],
  ['scalable settings on the monolith', { scalable: { liveStoreZones: 2 } }, /^scalable must be unset with profile "monolithic"/],
  ['monolith resources on scalable', { ...scalableTempo('2.10.8'), resources: { memoryLimit: '2Gi' } }, /^resources must be unset with profile "scalable".*scalable\.components\.<component>\.resources$/],
  ['unknown profile', { profile: 'distributed' as never }, /^profile must be one of "monolithic", "scalable", got "distributed"$/],
  ['component memory too small', { ...scalableTempo('2.10.8'), scalable: { components: { querier: { resources: { memoryRequest: '128Mi', memoryLimit: '128Mi' } } } } }, /^scalable\.components\.querier\.resources\.memoryLimit must be at least 256Mi, got "128Mi"$/],
  ['live-store zones on 2.10', { ...scalableTempo('2.10.8'), scalable: { liveStoreZones: 2 } }, /^scalable\.liveStoreZones must be unset on Tempo 2\.10/],
];

describe('bad scalable input fails at synth time, naming the prop', () => {
  test.each(BAD_INPUT)('%s', (_name, props, message) => {
    const build = () => new TempoStack(Testing.chart(), 'Tempo', props);
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(message);
  });
});
