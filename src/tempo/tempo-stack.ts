import { Chart, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_NAMESPACE, KUBE_PROMETHEUS_STACK_RELEASE, LOG_LEVELS, LogLevel, serviceHost } from '../common/defaults';
import { ValidationError, checkOneOf, invalidProp, optionalBoolean } from '../common/errors';
import { FORMATS, checkFormat } from '../common/formats';
import { IMAGES, imageRef } from '../common/images';
import { selectorLabels, standardLabels } from '../common/labels';
import { PortSpec, configChecksum, containerPort, overTls, resolveReceiverSwitches, servicePort, udpPorts, volumeClaimTemplate } from '../common/ports';
import { ContainerResources, DEFAULT_RESOURCES, resolveResources, toResourceRequirements } from '../common/resources';
import { ServiceMonitorOptions, addServiceMonitor, resolveServiceMonitor } from '../common/service-monitor';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';
import { goMemLimit, quantityToBytes, retentionToSeconds } from '../common/units';
import { CONFIG_DIR, DATA_DIR, SERVER_TLS_DIR, buildOverridesFile, buildTempoConfig } from './_config';
import { Certificate } from '../../imports/cert-manager.io';
import { CA_KEY, ServerTlsOptions, TrustedCa, addServerCertificate, resolveServerTls, serviceDnsNames } from '../common/tls';
import { DEFAULT_LIMITS, ResolvedTempoLimits, resolveLimits, validateTenantId } from './_limits';
import { DEFAULT_RECEIVERS, RECEIVER_PORTS, ReceiverName, SERVER_PORTS } from './_receivers';
import { TEMPO_JOB_LABEL, addScalableWorkloads, componentLabelOptions, resolveScalable, scalableNames, scalableWiring } from './_scalable';
import { GOMEMLIMIT_FRACTION, MIN_MEMORY_LIMIT_BYTES, TEMPO_UID, TEMPO_VOLUME } from './_pod';
import { storageWiring } from './_storage';
import { TempoComponentName, TempoScalableOptions } from './scalable';
import { TempoLimits, TenantLimits } from './limits';
import { TempoReceivers } from './receivers';
import { TempoStorage } from './storage';
import { DEFAULT_TEMPO_VERSION, TempoVersion, parseTempoVersion } from './version';

/** Marks the Service the ServiceMonitor scrapes. */
const SCRAPE_LABEL = 'rocketchat-tracing/scrape';

/** Tempo's metrics-generator: RED metrics and the service graph from spans, remote-written. */
export interface TempoMetricsGeneratorOptions {
  /**
   * Run the metrics-generator with the service-graphs and span-metrics processors.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Prometheus remote-write URL. Prometheus must run with its remote-write receiver enabled
   * (kube-prometheus-stack: `prometheus.prometheusSpec.enableRemoteWriteReceiver: true`).
   * @default 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090/api/v1/write'
   */
  readonly remoteWriteUrl?: string;
  /**
   * Send exemplars (trace ids on latency samples). Prometheus needs `exemplar-storage`.
   * @default true
   */
  readonly sendExemplars?: boolean;
  /**
   * How long after its end a span still counts in the generated metrics, in seconds
   * (`metrics_ingestion_time_range_slack`). Spans that wait in a tail-sampling collector arrive
   * late by the decision wait; later ones are dropped from the metrics (not from storage).
   * @default 30 (Tempo's default); TracingStack sets it from its collector's sampling
   */
  readonly ingestionSlackSeconds?: number;
}

export interface TempoStackProps {
  /**
   * Namespace for every Tempo object.
   * @default - the enclosing Chart's namespace, else 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Base name of every Tempo object (StatefulSet, Services, ConfigMap, ServiceAccount), an
   * RFC 1035 label of at most 40 characters. Part of the public interface: it becomes the
   * Service DNS name and an immutable selector.
   * @default 'tempo'
   */
  readonly name?: string;
  /**
   * Tempo version, `3.0.x` or `2.10.x`. The emitted configuration follows the chosen line.
   * @default '3.0.3'
   */
  readonly version?: string;
  /**
   * How Tempo runs. `monolithic`: one pod runs every component (up to a few MB/s of spans).
   * `scalable`: Tempo's distributed mode, each component its own workload with its own
   * replicas, on object storage (`npm run size` says when to switch).
   * @default 'monolithic'
   */
  readonly profile?: TempoProfile;
  /**
   * Settings of the `scalable` profile; refused with `monolithic`.
   * @default - the TempoScalableOptions defaults (on 3.0, `kafka` is required)
   */
  readonly scalable?: TempoScalableOptions;
  /**
   * Where blocks are stored. The scalable profile needs an object store.
   * @default - { backend: 'local' }
   */
  readonly storage?: TempoStorage;
  /**
   * Size of the data volume (WAL, and blocks with local storage); in the scalable profile, of
   * each stateful component's volume (the backend-scheduler's is 1Gi).
   * @default '20Gi'
   */
  readonly volumeSize?: string;
  /**
   * StorageClass of the data volume. On AKS, `managed-csi-premium` for production disks.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * How long trace blocks are kept, in whole hours, minutes and seconds (`168h`, `72h30m`).
   * @default '168h'
   */
  readonly retention?: string;
  /**
   * Default per-tenant limits.
   * @default - the TempoLimits defaults
   */
  readonly limits?: TempoLimits;
  /**
   * The tenants that send traces. Non-empty turns multitenancy on: every span must then arrive
   * with its tenant in the `X-Scope-OrgID` header (Tempo refuses spans without one), and every
   * query is answered from the tenant it names in the same header.
   * @default [] - multitenancy off: every trace belongs to `single-tenant`
   */
  readonly tenants?: readonly string[];
  /**
   * Limits for tenants, written to the runtime overrides file that Tempo re-reads every 10 s
   * (a change needs no restart). The keys are `tenants` ids, or `single-tenant` (the tenant
   * every trace belongs to when multitenancy is off), or `*` for any tenant without its own
   * entry. Unset fields take `limits` and `retention`.
   * @default - no tenant entries
   */
  readonly tenantOverrides?: Record<string, TenantLimits>;
  /**
   * Which receivers run; each enabled receiver gets a container and Service port.
   * @default - OTLP gRPC and HTTP only
   */
  readonly receivers?: TempoReceivers;
  /**
   * Serve the receivers over TLS (the UDP Jaeger receivers are refused). Exporters then verify
   * the certificate with `otlpGrpcTrustedCa`. The query API (3200) stays HTTP.
   * @default - plaintext receivers
   */
  readonly tls?: ServerTlsOptions;
  /**
   * Metrics-generator settings.
   * @default - enabled, remote-writing to kube-prometheus-stack's Prometheus with exemplars
   */
  readonly metricsGenerator?: TempoMetricsGeneratorOptions;
  /**
   * CPU and memory of the monolith (the scalable profile sizes each component under
   * `scalable.components`). The memory limit must be at least 256Mi.
   * @default - requests 500m / 1Gi, limits 1 CPU / 1Gi
   */
  readonly resources?: ContainerResources;
  /**
   * ServiceMonitor for Tempo's own metrics.
   * @default - enabled, `release: kube-prometheus-stack`
   */
  readonly serviceMonitor?: ServiceMonitorOptions;
  /**
   * Send anonymous usage statistics to Grafana Labs.
   * @default false
   */
  readonly usageReporting?: boolean;
  /**
   * Tempo's log level.
   * @default 'info'
   */
  readonly logLevel?: LogLevel;
}

/** A component of the scalable profile: how to select its pods, and which outside stores it opens. */
export interface TempoComponentPods {
  /** The component. */
  readonly component: TempoComponentName;
  /** Labels selecting its pods (every zone's, for the live-store). */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** It opens the object store (and holds the storage credentials). */
  readonly objectStore: boolean;
  /** It produces to or consumes from Kafka (3.0). */
  readonly kafka: boolean;
}

/** How Tempo runs: every component in one pod, or each in its own workload. */
export type TempoProfile = 'monolithic' | 'scalable';
/** Every profile, for validation and the config file schema. */
export const TEMPO_PROFILES: readonly TempoProfile[] = ['monolithic', 'scalable'];

const DEFAULT_REMOTE_WRITE_URL = `http://${serviceHost(`${KUBE_PROMETHEUS_STACK_RELEASE}-prometheus`, DEFAULT_NAMESPACE)}:9090/api/v1/write`;
const CONFIG_FILE = 'tempo.yaml';
const OVERRIDES_FILE = 'overrides.yaml';
const COMPONENT = 'trace-store';

/**
 * Grafana Tempo with its config and runtime overrides, Services for the query API and the
 * enabled receivers, and a ServiceMonitor. Monolithic: one StatefulSet running every component.
 * Scalable: Tempo's distributed mode on object storage, each component its own workload.
 */
export class TempoStack extends Construct {
  /** The Tempo version deployed. */
  public readonly version: TempoVersion;
  /** Namespace of every Tempo object. */
  public readonly namespace: string;
  /** How Tempo runs. */
  public readonly profile: TempoProfile;
  /**
   * Name of the Service fronting Tempo's write path (the monolith, or the distributors), and
   * the `job` label of every Tempo metric.
   */
  public readonly serviceName: string;
  /** Cluster DNS name of the Service. */
  public readonly serviceHost: string;
  /** Tempo's HTTP API (query, search, `/ready`, `/metrics`), e.g. for a Grafana datasource. */
  public readonly queryUrl: string;
  /** Labels selecting Tempo's pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /**
   * The tenants that send traces; empty when multitenancy is off. Senders and readers must put
   * one of them in the `X-Scope-OrgID` header.
   */
  public readonly tenants: readonly string[];
  /** The receivers that run. */
  public readonly receivers: Readonly<Required<TempoReceivers>>;
  /** The rendered tempo.yaml (for inspection and tests). */
  public readonly configYaml: string;
  /** The rendered runtime overrides file. */
  public readonly overridesYaml: string;
  /** The Tempo ServiceAccount (workload identity annotations live here). */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The StatefulSet holding the write path's volume: the monolith, the 2.10 ingesters or the first live-store zone. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** Every StatefulSet, in start order. */
  public readonly statefulSets: readonly k8s.KubeStatefulSet[];
  /**
   * Partitions the Kafka topic needs (scalable on 3.0): one per live-store replica of a zone.
   * Create the topic with at least this many before deploying.
   */
  public readonly kafkaPartitions?: number;
  /** The port of `scalable.kafka.address`, which the Kafka clients dial (scalable on 3.0). */
  public readonly kafkaPort?: number;
  /** The components of the scalable profile, in start order; undefined for the monolith. */
  public readonly components?: readonly TempoComponentPods[];
  /** The Service fronting Tempo. */
  public readonly service: k8s.KubeService;
  /** Where blocks are stored: `local`, or an object store reached over HTTPS. */
  public readonly storageBackend: TempoStorage['backend'];
  /** The port of the HTTP API (query, search, `/metrics`) on the pod and the Service. */
  public readonly httpPort: number;
  /** The metrics-generator's remote-write target; undefined when the generator is off. */
  public readonly remoteWriteUrl?: string;
  /** The CA exporters verify the receivers' certificate with; undefined when they are plaintext. */
  public readonly otlpGrpcTrustedCa?: Required<TrustedCa>;
  /** The cert-manager Certificate of the receivers, when cert-manager issues it. */
  public readonly certificate?: Certificate;

  constructor(scope: Construct, id: string, props: TempoStackProps = {}) {
    super(scope, id);

    // Validate everything before creating any object.
    const name = checkFormat('name', props.name ?? 'tempo', FORMATS.serviceName);
    this.namespace = checkFormat('namespace', props.namespace ?? Chart.of(this).namespace ?? DEFAULT_NAMESPACE, FORMATS.dnsLabel);
    this.version = parseTempoVersion('version', props.version ?? DEFAULT_TEMPO_VERSION);
    const storage = storageWiring(props.storage ?? { backend: 'local' }, `${DATA_DIR}/blocks`);
    const volumeSize = props.volumeSize ?? '20Gi';
    quantityToBytes('volumeSize', volumeSize);
    if (props.storageClassName !== undefined) checkFormat('storageClassName', props.storageClassName, FORMATS.dnsSubdomain);
    const retention = props.retention ?? '168h';
    retentionToSeconds('retention', retention);
    // The stack's retention is the default tenants' retention too; tenant entries may override it.
    const limits = { ...resolveLimits('limits', props.limits, { ...DEFAULT_LIMITS, blockRetention: retention }), blockRetention: retention };
    const tenants = props.tenants ?? [];
    tenants.forEach((tenant, i) => checkFormat(`tenants[${i}]`, tenant, FORMATS.tenantId));
    const repeated = tenants.find((tenant, i) => tenants.indexOf(tenant) !== i);
    if (repeated !== undefined) throw new ValidationError(`tenants must not repeat a tenant, got "${repeated}" twice`);
    if (tenants.includes('single-tenant')) {
      throw new ValidationError('tenants must not contain "single-tenant", got it: Tempo gives that id to every trace when multitenancy is off');
    }
    this.tenants = [...tenants];
    const tenantLimits: Record<string, ResolvedTempoLimits> = {};
    for (const [tenant, given] of Object.entries(props.tenantOverrides ?? {})) {
      validateTenantId('tenantOverrides key', tenant, tenants);
      tenantLimits[tenant] = resolveLimits(`tenantOverrides.${tenant}`, given, limits);
    }
    const { switches, enabled: enabledReceivers } = resolveReceiverSwitches<ReceiverName>(props.receivers, DEFAULT_RECEIVERS);
    this.receivers = switches;
    const tls = props.tls === undefined ? undefined : resolveServerTls('tls', props.tls, name);
    const plaintextOnly = udpPorts(enabledReceivers.map((r) => RECEIVER_PORTS[r]));
    if (tls && plaintextOnly.length) {
      const receiver = enabledReceivers.find((r) => RECEIVER_PORTS[r] === plaintextOnly[0]);
      throw new ValidationError(`receivers.${receiver} must be false with tls, got true: it is UDP (port ${plaintextOnly[0].port}), which TLS cannot protect; send OTLP instead`);
    }
    const generator = {
      enabled: optionalBoolean('metricsGenerator.enabled', props.metricsGenerator?.enabled, true),
      remoteWriteUrl: checkFormat('metricsGenerator.remoteWriteUrl', props.metricsGenerator?.remoteWriteUrl ?? DEFAULT_REMOTE_WRITE_URL, FORMATS.httpUrl),
      sendExemplars: optionalBoolean('metricsGenerator.sendExemplars', props.metricsGenerator?.sendExemplars, true),
      ingestionSlackSeconds: props.metricsGenerator?.ingestionSlackSeconds ?? 30,
    };
    if (!generator.enabled && props.metricsGenerator?.ingestionSlackSeconds !== undefined) {
      throw new ValidationError('metricsGenerator.ingestionSlackSeconds needs metricsGenerator.enabled: true; without the generator it would be ignored');
    }
    if (!Number.isInteger(generator.ingestionSlackSeconds) || generator.ingestionSlackSeconds < 1 || generator.ingestionSlackSeconds > 3600) {
      invalidProp('metricsGenerator.ingestionSlackSeconds', 'an integer from 1 to 3600 (seconds)', props.metricsGenerator?.ingestionSlackSeconds);
    }
    const resources = resolveResources('resources', props.resources, DEFAULT_RESOURCES);
    const goMemoryLimit = goMemLimit('resources.memoryLimit', resources.memoryLimit, GOMEMLIMIT_FRACTION, MIN_MEMORY_LIMIT_BYTES);
    const logLevel = checkOneOf('logLevel', props.logLevel ?? 'info', LOG_LEVELS);
    this.profile = checkOneOf('profile', props.profile ?? 'monolithic', TEMPO_PROFILES);
    if (this.profile === 'monolithic' && props.scalable !== undefined) {
      throw new ValidationError('scalable must be unset with profile "monolithic", got settings: set profile: "scalable" to use them');
    }
    if (this.profile === 'scalable') {
      const backend = (props.storage ?? { backend: 'local' }).backend;
      if (backend === 'local') {
        throw new ValidationError('storage.backend must be "azure", "s3" or "gcs" with profile "scalable", got "local": its components run in separate pods and share blocks only through an object store');
      }
      if (props.resources !== undefined) throw new ValidationError('resources must be unset with profile "scalable", got settings: size each component under scalable.components.<component>.resources');
    }
    const monitor = resolveServiceMonitor('serviceMonitor', props.serviceMonitor);
    const usageReporting = optionalBoolean('usageReporting', props.usageReporting, false);
    const scalable = this.profile === 'scalable' ? resolveScalable(props.scalable ?? {}, this.version.line, generator.enabled, volumeSize, usageReporting) : undefined;

    const labelOptions = { name: 'tempo', instance: name, component: COMPONENT, version: this.version.version };
    const labels = standardLabels(labelOptions);
    // In the scalable profile, every Tempo pod whatever its component.
    this.selectorLabels = scalable ? { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': name } : selectorLabels(labelOptions);
    this.serviceName = name;
    this.serviceHost = serviceHost(name, this.namespace);
    const queryHost = scalable ? serviceHost(scalableNames(name, this.namespace).queryFrontend, this.namespace) : this.serviceHost;
    this.queryUrl = `http://${queryHost}:${SERVER_PORTS.http.port}`;
    this.kafkaPartitions = scalable?.kafkaPartitions;
    this.kafkaPort = scalable?.kafka?.port;
    this.components = scalable?.components.map((c) => ({
      component: c.spec.name,
      selectorLabels: selectorLabels(componentLabelOptions(name, this.version.version, c.spec.suffix)),
      objectStore: c.store,
      kafka: c.kafka,
    }));
    this.httpPort = SERVER_PORTS.http.port;
    this.storageBackend = (props.storage ?? { backend: 'local' }).backend;
    this.remoteWriteUrl = generator.enabled ? generator.remoteWriteUrl : undefined;

    this.configYaml = Yaml.stringify(
      buildTempoConfig({
        version: this.version,
        multitenancy: tenants.length > 0,
        storage: storage.config,
        retention,
        limits,
        receivers: enabledReceivers,
        receiverTls: tls !== undefined,
        generator,
        usageReporting,
        logLevel,
        overridesFile: `${CONFIG_DIR}/${OVERRIDES_FILE}`,
        scalable: scalable && scalableWiring(name, this.namespace, scalable),
      }),
    );
    this.overridesYaml = Yaml.stringify(buildOverridesFile(tenantLimits, generator.enabled, this.version.line));
    const metadata = (objectName: string) => ({ name: objectName, namespace: this.namespace, labels });

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { ...metadata(name), annotations: storage.serviceAccountAnnotations },
      // Tempo never calls the Kubernetes API.
      automountServiceAccountToken: false,
    });

    const configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(`${name}-config`),
      data: { [CONFIG_FILE]: this.configYaml, [OVERRIDES_FILE]: this.overridesYaml },
    });

    const ports: PortSpec[] = [SERVER_PORTS.http, SERVER_PORTS.grpc, ...enabledReceivers.map((r) => (tls ? overTls(RECEIVER_PORTS[r]) : RECEIVER_PORTS[r]))];
    if (tls) {
      this.certificate = addServerCertificate(this, tls, metadata(name), serviceDnsNames(name, this.namespace));
      this.otlpGrpcTrustedCa = { secretName: tls.secretName, key: CA_KEY };
    }
    if (scalable) {
      const objects = addScalableWorkloads(
        this,
        {
          name,
          namespace: this.namespace,
          version: this.version.version,
          image: imageRef(IMAGES.tempo, this.version.version),
          serviceAccountName: this.serviceAccount.name,
          configMapName: configMap.name,
          configDir: CONFIG_DIR,
          configFile: CONFIG_FILE,
          configChecksum: configChecksum(this.configYaml),
          storageClassName: props.storageClassName,
          storage,
          receiverPorts: ports.slice(2),
          serverTls: tls && { secretName: tls.secretName, mountPath: SERVER_TLS_DIR },
        },
        scalable,
      );
      this.service = objects.distributorService;
      this.statefulSets = objects.statefulSets;
      this.statefulSet = objects.statefulSets[0];
      // Every component's Service, under one job named after the stack as the monolith's is.
      addServiceMonitor(this, monitor, {
        name,
        namespace: this.namespace,
        labels,
        selector: { ...this.selectorLabels, [TEMPO_JOB_LABEL]: name },
        port: SERVER_PORTS.http.name,
        jobLabel: TEMPO_JOB_LABEL,
      });
      return;
    }
    this.service = new k8s.KubeService(this, 'Service', {
      // Only this Service is scraped: the headless one selects the same pod.
      metadata: { ...metadata(name), labels: { ...labels, [SCRAPE_LABEL]: 'true' } },
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports: ports.map(servicePort) },
    });
    // The StatefulSet's governing Service, giving the pod a stable DNS name.
    const headless = new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(`${name}-headless`),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: [servicePort(SERVER_PORTS.http), servicePort(SERVER_PORTS.grpc)],
      },
    });

    const httpPort = k8s.IntOrString.fromString(SERVER_PORTS.http.name);
    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: metadata(name),
      spec: {
        replicas: 1,
        serviceName: headless.name,
        selector: { matchLabels: this.selectorLabels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: {
            labels: { ...labels, ...storage.podLabels },
            // A tempo.yaml change alters the pod template, so the pod restarts with it. The
            // overrides file is left out: Tempo re-reads it without a restart.
            annotations: { 'checksum/config': configChecksum(this.configYaml) },
          },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(TEMPO_UID),
            // Time to flush live traces to blocks on shutdown.
            terminationGracePeriodSeconds: 300,
            containers: [
              {
                name: 'tempo',
                image: imageRef(IMAGES.tempo, this.version.version),
                imagePullPolicy: 'IfNotPresent',
                args: [`-config.file=${CONFIG_DIR}/${CONFIG_FILE}`, '-config.expand-env=true'],
                env: [
                  { name: 'GOMEMLIMIT', value: goMemoryLimit },
                  ...storage.env,
                ],
                ports: ports.map(containerPort),
                resources: toResourceRequirements(resources),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: TEMPO_VOLUME.config, mountPath: CONFIG_DIR, readOnly: true },
                  { name: TEMPO_VOLUME.data, mountPath: DATA_DIR },
                  { name: TEMPO_VOLUME.tmp, mountPath: '/tmp' },
                  ...storage.mounts,
                  ...(tls ? [{ name: TEMPO_VOLUME.serverTls, mountPath: SERVER_TLS_DIR, readOnly: true }] : []),
                ],
                // WAL replay after a restart can take minutes: up to 5 before liveness applies.
                startupProbe: { httpGet: { path: '/ready', port: httpPort }, periodSeconds: 10, failureThreshold: 30, timeoutSeconds: 5 },
                readinessProbe: { httpGet: { path: '/ready', port: httpPort }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 },
                // /ready also fails while a dependency is unready; restarting would not help, so
                // liveness only checks that the HTTP server answers.
                livenessProbe: { tcpSocket: { port: httpPort }, periodSeconds: 20, failureThreshold: 5, timeoutSeconds: 5 },
              },
            ],
            volumes: [
              { name: TEMPO_VOLUME.config, configMap: { name: configMap.name } },
              // Scratch space for libraries that write temporary files; the root filesystem is read-only.
              { name: TEMPO_VOLUME.tmp, emptyDir: { sizeLimit: k8s.Quantity.fromString('100Mi') } },
              ...storage.volumes,
              // A directory mount (no subPath), so a renewed certificate reaches the running pod.
              ...(tls ? [{ name: TEMPO_VOLUME.serverTls, secret: { secretName: tls.secretName } }] : []),
            ],
          },
        },
        volumeClaimTemplates: [volumeClaimTemplate(TEMPO_VOLUME.data, this.selectorLabels, volumeSize, props.storageClassName)],
      },
    });

    this.statefulSets = [this.statefulSet];
    addServiceMonitor(this, monitor, { name, namespace: this.namespace, labels, selector: { ...this.selectorLabels, [SCRAPE_LABEL]: 'true' }, port: SERVER_PORTS.http.name });
  }

  private requireReceiver(receiver: ReceiverName, attribute: string): PortSpec {
    if (!this.receivers[receiver]) {
      throw new ValidationError(`${attribute} is not available: receivers.${receiver} is disabled on TempoStack "${this.node.path}"`);
    }
    return RECEIVER_PORTS[receiver];
  }

  /** The ports of the enabled receivers, as the pod listens on them. */
  public get receiverPorts(): readonly PortSpec[] {
    return (Object.keys(this.receivers) as ReceiverName[])
      .filter((r) => this.receivers[r])
      .map((r) => (this.otlpGrpcTrustedCa ? overTls(RECEIVER_PORTS[r]) : RECEIVER_PORTS[r]));
  }

  /** OTLP gRPC endpoint as `host:port`, the form OTLP gRPC exporters take. */
  public get otlpGrpcEndpoint(): string {
    return `${this.serviceHost}:${this.requireReceiver('otlpGrpc', 'otlpGrpcEndpoint').port}`;
  }

  /** OTLP HTTP base URL, e.g. for an `otlp_http` exporter. */
  public get otlpHttpEndpoint(): string {
    return `${this.otlpGrpcTrustedCa ? 'https' : 'http'}://${this.serviceHost}:${this.requireReceiver('otlpHttp', 'otlpHttpEndpoint').port}`;
  }
}

