import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { serviceHost } from '../common/defaults';
import { ValidationError, checkOneOf, describeValue, invalidProp } from '../common/errors';
import { FORMATS, checkFormat } from '../common/formats';
import { ComponentLabelsOptions, selectorLabels, standardLabels } from '../common/labels';
import { PortSpec, containerPort, servicePort, splitHostPort, volumeClaimTemplate } from '../common/ports';
import { ResolvedResources, resolveResources, toResourceRequirements } from '../common/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';
import { goMemLimit } from '../common/units';
import { COMPONENTS, ComponentSpec, FIXED_REPLICAS } from './_components';
import { DATA_DIR, GOSSIP_PORT, ScalableWiring } from './_config';
import { GOMEMLIMIT_FRACTION, MIN_MEMORY_LIMIT_BYTES, TEMPO_UID, TEMPO_VOLUME } from './_pod';
import { SERVER_PORTS } from './_receivers';
import { TempoAutoscaling, TempoScalableOptions, ZONE_SPREADS, ZoneSpread } from './scalable';
import { TempoLine } from './version';

/** Marks every pod that joins memberlist; the gossip Service selects them. */
export const GOSSIP_LABEL = 'rocketchat-tracing/tempo-gossip-member';
/** On every scraped Service; its value (the stack name) becomes the `job` label of all components. */
export const TEMPO_JOB_LABEL = 'rocketchat-tracing/tempo';
/** Tells the live-store zones' pods apart. */
export const ZONE_LABEL = 'rocketchat-tracing/tempo-zone';
const GOSSIP: PortSpec = { name: 'gossip', port: GOSSIP_PORT, protocol: 'TCP', appProtocol: 'tcp' };
const SASL_ENV = { username: 'TEMPO_KAFKA_SASL_USERNAME', password: 'TEMPO_KAFKA_SASL_PASSWORD' } as const;
const BACKEND_SCHEDULER_VOLUME = '1Gi';

export interface ResolvedComponent {
  readonly spec: ComponentSpec;
  /** Gets the storage credentials: it opens the bucket, or usage reporting does in every component. */
  readonly store: boolean;
  /** Produces to or consumes from Kafka (a 3.0 component that does, with Kafka configured). */
  readonly kafka: boolean;
  readonly replicas: number;
  readonly resources: ResolvedResources;
  readonly goMemLimit: string;
  readonly autoscaling?: Required<TempoAutoscaling>;
}

export interface ResolvedScalable {
  readonly line: TempoLine;
  readonly components: readonly ResolvedComponent[];
  readonly replicationFactor?: number;
  readonly liveStoreZones: readonly string[];
  readonly zoneSpread: ZoneSpread;
  readonly volumeSize: string;
  readonly kafka?: { readonly address: string; readonly port: number; readonly topic: string; readonly sasl?: { readonly secretName: string; readonly usernameKey: string; readonly passwordKey: string } };
  /** Partitions the Kafka topic needs: one per live-store ordinal. */
  readonly kafkaPartitions?: number;
}

const ZONE_NAMES = ['zone-a', 'zone-b', 'zone-c'];

/** Validates the scalable options for a line; every error names the prop under `scalable`. */
export function resolveScalable(options: TempoScalableOptions, line: TempoLine, generatorEnabled: boolean, volumeSize: string, usageReporting: boolean): ResolvedScalable {
  const specs = COMPONENTS[line].filter((c) => generatorEnabled || c.name !== 'metricsGenerator');
  const given = options.components ?? {};
  for (const key of Object.keys(given)) {
    if (!specs.some((c) => c.name === key)) {
      const reason = key === 'metricsGenerator' ? 'the metrics-generator is disabled' : `Tempo ${line} has no such component`;
      invalidProp('scalable.components key', `one of ${specs.map((c) => `"${c.name}"`).join(', ')} (${reason})`, key);
    }
  }
  const integer = (prop: string, value: unknown, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalidProp(prop, `an integer from ${min} to ${max}`, value);
    return value as number;
  };

  let replicationFactor: number | undefined;
  let liveStoreZones: string[] = [];
  let kafka: ResolvedScalable['kafka'];
  if (line === '2.10') {
    if (options.kafka !== undefined) throw new ValidationError('scalable.kafka must be unset on Tempo 2.10, got a Kafka address: 2.10 writes through its ingesters; Kafka ingest is 3.0\'s write path');
    if (options.liveStoreZones !== undefined) throw new ValidationError(`scalable.liveStoreZones must be unset on Tempo 2.10, got ${describeValue(options.liveStoreZones)}: live-stores are 3.0 components`);
    replicationFactor = integer('scalable.replicationFactor', options.replicationFactor ?? 3, 1, 5);
  } else {
    if (options.replicationFactor !== undefined) {
      throw new ValidationError(`scalable.replicationFactor must be unset on Tempo 3.0, got ${describeValue(options.replicationFactor)}: Kafka keeps the copies; use scalable.liveStoreZones for live-store redundancy`);
    }
    if (options.kafka === undefined) {
      throw new ValidationError('scalable.kafka is required on Tempo 3.0, got nothing: the distributors write spans to a Kafka-compatible log (an existing cluster reachable in plaintext, optionally with SASL PLAIN) that the live-stores and block-builders read');
    }
    const zones = integer('scalable.liveStoreZones', options.liveStoreZones ?? 2, 1, ZONE_NAMES.length);
    liveStoreZones = ZONE_NAMES.slice(0, zones);
    const sasl = options.kafka.sasl;
    kafka = {
      ...kafkaAddress(checkFormat('scalable.kafka.address', options.kafka.address, FORMATS.hostAndPort)),
      topic: checkFormat('scalable.kafka.topic', options.kafka.topic ?? 'tempo-ingest', FORMATS.kafkaTopic),
      sasl: sasl && {
        secretName: checkFormat('scalable.kafka.sasl.secretName', sasl.secretName, FORMATS.dnsSubdomain),
        usernameKey: checkFormat('scalable.kafka.sasl.usernameKey', sasl.usernameKey ?? 'username', FORMATS.secretKey),
        passwordKey: checkFormat('scalable.kafka.sasl.passwordKey', sasl.passwordKey ?? 'password', FORMATS.secretKey),
      },
    };
  }

  const liveStoreReplicas = (given.liveStore?.replicas ?? specs.find((c) => c.name === 'liveStore')?.replicas) as number;
  const components = specs.map((spec): ResolvedComponent => {
    const prop = `scalable.components.${spec.name}`;
    const options = given[spec.name] ?? {};
    const fixed = FIXED_REPLICAS[spec.name];
    if (fixed !== undefined && options.replicas !== undefined) throw new ValidationError(`${prop}.replicas must be unset, got ${describeValue(options.replicas)}: ${fixed}`);
    let replicas = options.replicas ?? (spec.name === 'blockBuilder' ? liveStoreReplicas : spec.replicas);
    replicas = integer(`${prop}.replicas`, replicas, 1, 100);
    if (spec.name === 'ingester' && replicationFactor !== undefined && replicas < replicationFactor) {
      throw new ValidationError(`${prop}.replicas must be at least scalable.replicationFactor (${replicationFactor}), got ${replicas}: every trace is written to ${replicationFactor} ingesters`);
    }
    let autoscaling: Required<TempoAutoscaling> | undefined;
    if (options.autoscaling !== undefined) {
      if (spec.autoscalable !== true) throw new ValidationError(`${prop}.autoscaling must be unset, got ${describeValue(options.autoscaling)}: ${spec.autoscalable}`);
      if (options.replicas !== undefined) throw new ValidationError(`${prop}.replicas must be unset with ${prop}.autoscaling, got ${options.replicas}: the autoscaler sets the replicas`);
      const minReplicas = integer(`${prop}.autoscaling.minReplicas`, options.autoscaling.minReplicas ?? 2, 1, 100);
      const maxReplicas = integer(`${prop}.autoscaling.maxReplicas`, options.autoscaling.maxReplicas, minReplicas, 100);
      const targetCpuUtilizationPercent = integer(`${prop}.autoscaling.targetCpuUtilizationPercent`, options.autoscaling.targetCpuUtilizationPercent ?? 75, 10, 100);
      autoscaling = { minReplicas, maxReplicas, targetCpuUtilizationPercent };
      replicas = minReplicas;
    }
    const resources = resolveResources(`${prop}.resources`, options.resources, spec.resources);
    const goMemoryLimit = goMemLimit(`${prop}.resources.memoryLimit`, resources.memoryLimit, GOMEMLIMIT_FRACTION, MIN_MEMORY_LIMIT_BYTES);
    return { spec, store: spec.store || usageReporting, kafka: spec.kafka && kafka !== undefined, replicas, resources, goMemLimit: goMemoryLimit, autoscaling };
  });
  return {
    line,
    components,
    replicationFactor,
    liveStoreZones,
    zoneSpread: checkOneOf('scalable.zoneSpread', options.zoneSpread ?? 'preferred', ZONE_SPREADS),
    volumeSize,
    kafka,
    kafkaPartitions: line === '3.0' ? liveStoreReplicas : undefined,
  };
}

function kafkaAddress(address: string): { address: string; port: number } {
  return { address, port: splitHostPort(address)[1] };
}

/** The label options of one component's objects (`suffix` as in the component catalogue). */
export function componentLabelOptions(name: string, version: string, suffix: string): ComponentLabelsOptions {
  return { name: 'tempo', instance: name, component: `trace-store-${suffix}`, version };
}

/** Object names of the scalable profile, derived from the stack name (public: DNS names). */
export function scalableNames(name: string, namespace: string) {
  const fqdn = (service: string) => `${serviceHost(service, namespace)}.cluster.local.`;
  return {
    gossip: `${name}-gossip-ring`,
    queryFrontend: `${name}-query-frontend`,
    frontendDiscovery: `${name}-query-frontend-discovery`,
    backendScheduler: `${name}-backend-scheduler`,
    fqdn,
  };
}

/** The addresses every component's config carries. */
export function scalableWiring(name: string, namespace: string, resolved: ResolvedScalable): ScalableWiring {
  const names = scalableNames(name, namespace);
  const kafka = resolved.kafka;
  return {
    gossipAddress: `${names.fqdn(names.gossip)}:${GOSSIP_PORT}`,
    // Memberlist refuses gossip with another label, so two Tempo clusters (or the 2.10 and 3.0
    // clusters of a migration) never merge rings.
    clusterLabel: `${namespace}.${name}.${resolved.line}`,
    frontendAddress: `${names.fqdn(names.frontendDiscovery)}:${SERVER_PORTS.grpc.port}`,
    replicationFactor: resolved.replicationFactor,
    backendSchedulerAddress: resolved.kafka ? `${names.fqdn(names.backendScheduler)}:${SERVER_PORTS.grpc.port}` : undefined,
    kafka: kafka && {
      address: kafka.address,
      topic: kafka.topic,
      ...(kafka.sasl ? { saslUsername: `\${${SASL_ENV.username}}`, saslPassword: `\${${SASL_ENV.password}}` } : {}),
    },
  };
}

/** What every component's pod shares. */
export interface ScalablePodBase {
  readonly name: string;
  readonly namespace: string;
  readonly version: string;
  readonly image: string;
  readonly serviceAccountName: string;
  readonly configMapName: string;
  readonly configDir: string;
  readonly configFile: string;
  readonly configChecksum: string;
  readonly storageClassName?: string;
  readonly storage: { readonly env: k8s.EnvVar[]; readonly volumes: k8s.Volume[]; readonly mounts: k8s.VolumeMount[]; readonly podLabels: Record<string, string> };
  /** The distributor's receiver ports, and how to serve them over TLS. */
  readonly receiverPorts: readonly PortSpec[];
  readonly serverTls?: { readonly secretName: string; readonly mountPath: string };
}

export interface ScalableObjects {
  /** The distributors' Service: receivers and the write path. */
  readonly distributorService: k8s.KubeService;
  readonly queryFrontendService: k8s.KubeService;
  readonly statefulSets: readonly k8s.KubeStatefulSet[];
  readonly workloads: readonly ApiObject[];
}


/** Creates the components' workloads, Services, PodDisruptionBudgets and autoscalers. */
export function addScalableWorkloads(scope: Construct, base: ScalablePodBase, resolved: ResolvedScalable): ScalableObjects {
  const names = scalableNames(base.name, base.namespace);
  const instanceLabels = (component: string) => componentLabelOptions(base.name, base.version, component);
  const scraped = (labels: Record<string, string>) => ({ ...labels, [TEMPO_JOB_LABEL]: base.name });
  const serverPorts = [SERVER_PORTS.http, SERVER_PORTS.grpc];

  let distributorService: k8s.KubeService | undefined;
  let queryFrontendService: k8s.KubeService | undefined;
  const statefulSets: k8s.KubeStatefulSet[] = [];
  const workloads: ApiObject[] = [];

  for (const component of resolved.components) {
    const { spec } = component;
    const labelOptions = instanceLabels(spec.suffix);
    const labels = standardLabels(labelOptions);
    const componentSelector = selectorLabels(labelOptions);
    const isDistributor = spec.name === 'distributor';
    const ports = [...serverPorts, ...(spec.gossip ? [GOSSIP] : []), ...(isDistributor ? base.receiverPorts : [])];
    const id = spec.name.charAt(0).toUpperCase() + spec.name.slice(1);

    if (isDistributor) {
      // The stack name fronts the write path, as the monolith's Service does.
      distributorService = new k8s.KubeService(scope, 'Service', {
        metadata: { name: base.name, namespace: base.namespace, labels: scraped(labels) },
        spec: { type: 'ClusterIP', selector: componentSelector, ports: ports.filter((p) => p !== GOSSIP).map(servicePort) },
      });
    } else if (spec.name === 'queryFrontend') {
      queryFrontendService = new k8s.KubeService(scope, `${id}Service`, {
        metadata: { name: names.queryFrontend, namespace: base.namespace, labels: scraped(labels) },
        spec: { type: 'ClusterIP', selector: componentSelector, ports: serverPorts.map(servicePort) },
      });
      // Queriers find every frontend through it; a frontend is unready until a querier connects.
      new k8s.KubeService(scope, `${id}DiscoveryService`, {
        metadata: { name: names.frontendDiscovery, namespace: base.namespace, labels },
        spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: componentSelector, ports: serverPorts.map(servicePort) },
      });
    }

    const zones = spec.name === 'liveStore' ? resolved.liveStoreZones : [undefined];
    for (const zone of zones) {
      const objectName = `${base.name}-${spec.suffix}${zone ? `-${zone}` : ''}`;
      const zoneId = zone ? zone.replace(/^zone-(\w)/, (_m, z: string) => `Zone${z.toUpperCase()}`) : '';
      const selector = { ...componentSelector, ...(zone ? { [ZONE_LABEL]: zone } : {}) };
      const metadata = { name: objectName, namespace: base.namespace, labels: { ...labels, ...(zone ? { [ZONE_LABEL]: zone } : {}) } };
      let governing = objectName;
      if (!isDistributor && spec.name !== 'queryFrontend') {
        // Scrape target of the component; the StatefulSets' governing Service (stable pod names).
        new k8s.KubeService(scope, `${id}${zoneId}Service`, {
          metadata: { ...metadata, labels: scraped(metadata.labels) },
          spec: { clusterIp: 'None', selector, ports: serverPorts.map(servicePort) },
        });
      } else {
        governing = isDistributor ? base.name : names.queryFrontend;
      }
      const store = component.store;
      const podLabels = { ...metadata.labels, ...(spec.gossip ? { [GOSSIP_LABEL]: 'true' } : {}), ...(store ? base.storage.podLabels : {}) };
      const template = podTemplate(base, resolved, component, { podLabels, ports, zone, store, spreadSelector: componentSelector, isDistributor });
      const replicas = component.autoscaling ? undefined : component.replicas;
      if (spec.workload === 'StatefulSet') {
        const volumeSize = spec.name === 'backendScheduler' ? BACKEND_SCHEDULER_VOLUME : resolved.volumeSize;
        const statefulSet = new k8s.KubeStatefulSet(scope, `${id}${zoneId}StatefulSet`, {
          metadata,
          spec: {
            replicas,
            serviceName: governing,
            // Ordinals carry identity (partition, ring token), not order: start them together.
            podManagementPolicy: 'Parallel',
            selector: { matchLabels: selector },
            updateStrategy: { type: 'RollingUpdate' },
            template,
            ...(spec.persistent ? { volumeClaimTemplates: [volumeClaimTemplate(TEMPO_VOLUME.data, selector, volumeSize, base.storageClassName)] } : {}),
          },
        });
        statefulSets.push(statefulSet);
        workloads.push(statefulSet);
      } else {
        workloads.push(
          new k8s.KubeDeployment(scope, `${id}Deployment`, {
            metadata,
            spec: {
              replicas,
              selector: { matchLabels: selector },
              strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
              template,
            },
          }),
        );
      }
      // The live-store zones share one budget: a partition is unreadable when all its owners are down.
      if (!zone && (component.replicas > 1 || component.autoscaling)) {
        new k8s.KubePodDisruptionBudget(scope, `${id}PodDisruptionBudget`, {
          metadata,
          spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
        });
      }
      if (component.autoscaling) {
        new k8s.KubeHorizontalPodAutoscalerV2(scope, `${id}HorizontalPodAutoscaler`, {
          metadata,
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: objectName },
            minReplicas: component.autoscaling.minReplicas,
            maxReplicas: component.autoscaling.maxReplicas,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: component.autoscaling.targetCpuUtilizationPercent } } }],
          },
        });
      }
    }
  }

  if (resolved.liveStoreZones.length > 1) {
    const labelOptions = instanceLabels('live-store');
    new k8s.KubePodDisruptionBudget(scope, 'LiveStorePodDisruptionBudget', {
      metadata: { name: `${base.name}-live-store`, namespace: base.namespace, labels: standardLabels(labelOptions) },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(labelOptions) } },
    });
  }

  // Every ring member finds the others here, ready or not: a first start has no ready pod.
  new k8s.KubeService(scope, 'GossipRingService', {
    metadata: { name: names.gossip, namespace: base.namespace, labels: standardLabels(instanceLabels('gossip-ring')) },
    spec: {
      clusterIp: 'None',
      publishNotReadyAddresses: true,
      selector: { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': base.name, [GOSSIP_LABEL]: 'true' },
      ports: [servicePort(GOSSIP)],
    },
  });

  if (!distributorService || !queryFrontendService) throw new Error('the scalable profile lacks a distributor or query-frontend');
  return { distributorService, queryFrontendService, statefulSets, workloads };
}

function podTemplate(
  base: ScalablePodBase,
  resolved: ResolvedScalable,
  component: ResolvedComponent,
  options: { podLabels: Record<string, string>; ports: readonly PortSpec[]; zone?: string; store: boolean; spreadSelector: Record<string, string>; isDistributor: boolean },
): k8s.PodTemplateSpec {
  const { spec } = component;
  const httpPort = k8s.IntOrString.fromString(SERVER_PORTS.http.name);
  const sasl = component.kafka ? resolved.kafka?.sasl : undefined;
  const saslEnv: k8s.EnvVar[] = sasl
    ? [
      { name: SASL_ENV.username, valueFrom: { secretKeyRef: { name: sasl.secretName, key: sasl.usernameKey } } },
      { name: SASL_ENV.password, valueFrom: { secretKeyRef: { name: sasl.secretName, key: sasl.passwordKey } } },
    ]
    : [];
  const tls = options.isDistributor ? base.serverTls : undefined;
  const spread = (topologyKey: string, whenUnsatisfiable: 'ScheduleAnyway' | 'DoNotSchedule'): k8s.TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: options.spreadSelector },
  });
  return {
    metadata: {
      labels: options.podLabels,
      // A tempo.yaml change alters the pod template, so pods restart with it; the overrides
      // file is re-read without a restart and left out.
      annotations: { 'checksum/config': base.configChecksum },
    },
    spec: {
      serviceAccountName: base.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(TEMPO_UID),
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      // The owners of a partition (one per zone) never share a node.
      ...(options.zone
        ? {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchLabels: options.spreadSelector, matchExpressions: [{ key: ZONE_LABEL, operator: 'NotIn', values: [options.zone] }] },
                  topologyKey: 'kubernetes.io/hostname',
                },
              ],
            },
          },
        }
        : {}),
      // Replicas (and the live-store zones together) spread over zones, then nodes.
      topologySpreadConstraints: [
        spread('topology.kubernetes.io/zone', resolved.zoneSpread === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway'),
        spread('kubernetes.io/hostname', 'ScheduleAnyway'),
      ],
      containers: [
        {
          name: spec.suffix,
          image: base.image,
          imagePullPolicy: 'IfNotPresent',
          args: [
            `-config.file=${base.configDir}/${base.configFile}`,
            '-config.expand-env=true',
            `-target=${spec.target}`,
            ...(options.zone ? [`-live-store.instance-availability-zone=${options.zone}`] : []),
          ],
          env: [{ name: 'GOMEMLIMIT', value: component.goMemLimit }, ...(options.store ? base.storage.env : []), ...saslEnv],
          ports: options.ports.map(containerPort),
          resources: toResourceRequirements(component.resources),
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [
            { name: TEMPO_VOLUME.config, mountPath: base.configDir, readOnly: true },
            // Every component creates the WAL directory at start, so each has a writable data dir.
            { name: TEMPO_VOLUME.data, mountPath: DATA_DIR },
            { name: TEMPO_VOLUME.tmp, mountPath: '/tmp' },
            ...(options.store ? base.storage.mounts : []),
            ...(tls ? [{ name: TEMPO_VOLUME.serverTls, mountPath: tls.mountPath, readOnly: true }] : []),
          ],
          // /ready also waits on rings, Kafka and attached queriers; liveness only asks that the
          // server answers, so a slow dependency never restarts a pod.
          readinessProbe: { httpGet: { path: '/ready', port: httpPort }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 },
          livenessProbe: { tcpSocket: { port: httpPort }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 5, timeoutSeconds: 5 },
        },
      ],
      volumes: [
        { name: TEMPO_VOLUME.config, configMap: { name: base.configMapName } },
        { name: TEMPO_VOLUME.tmp, emptyDir: { sizeLimit: k8s.Quantity.fromString('100Mi') } },
        ...(spec.persistent ? [] : [{ name: TEMPO_VOLUME.data, emptyDir: { sizeLimit: k8s.Quantity.fromString(spec.scratchSize) } }]),
        ...(options.store ? base.storage.volumes : []),
        ...(tls ? [{ name: TEMPO_VOLUME.serverTls, secret: { secretName: tls.secretName } }] : []),
      ],
    },
  };
}
