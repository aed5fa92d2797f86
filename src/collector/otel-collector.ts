import { Chart, JsonPatch, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_NAMESPACE, LOG_LEVELS, LogLevel, serviceHost } from '../common/defaults';
import { ValidationError, checkOneOf, describeValue, invalidProp, optionalBoolean } from '../common/errors';
import { FORMATS, checkFormat } from '../common/formats';
import { COLLECTOR_VERSION, IMAGES, imageRef } from '../common/images';
import { selectorLabels, standardLabels } from '../common/labels';
import { PortSpec, configChecksum, containerPort, overTls, resolveReceiverSwitches, servicePort, udpPorts, volumeClaimTemplate } from '../common/ports';
import { ContainerResources, DEFAULT_RESOURCES, resolveResources, toResourceRequirements } from '../common/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';
import { ServiceMonitorOptions, addServiceMonitor, resolveServiceMonitor } from '../common/service-monitor';
import { quantityToBytes } from '../common/units';
import { NAMESPACE_ATTRIBUTE, POD_IP_ENV, ResolvedSampling, TENANT_ROUTING, TLS_PATHS, TenantRouting, buildCollectorConfig } from './_config';
import { Certificate } from '../../imports/cert-manager.io';
import { CA_KEY, ServerTlsOptions, TrustedCa, addServerCertificate, caVolume, resolveServerTls, resolveTrustedCa, serviceDnsNames } from '../common/tls';
import { CollectorReceiverName, DEFAULT_RECEIVERS, HEALTH_PORT, METRICS_PORT, RECEIVER_PORTS } from './_ports';
import { RocketChatHygiene, SENSITIVE_ACTIONS, SensitiveAttributeAction } from './_rocketchat';
import { CollectorReceivers } from './receivers';
import { TraceSamplingModel } from '../common/trace-sampling';
import { DEFAULT_DECISION_WAIT_SECONDS } from './_hold';
import { MEMORY_LIMIT_FRACTION, SPIKE_FRACTION } from './_memory';
import { CollectorSampling } from './sampling';

export type { SensitiveAttributeAction } from './_rocketchat';

/** Anything that accepts OTLP over gRPC, e.g. a TempoStack. */
export interface OtlpTraceBackend {
  /** `host:port` of the OTLP gRPC endpoint. */
  readonly otlpGrpcEndpoint: string;
  /**
   * The CA that verifies the endpoint's TLS certificate, in a Secret of the collector's namespace.
   * @default - the endpoint is plaintext
   */
  readonly otlpGrpcTrustedCa?: TrustedCa;
}

/** Cleaning of Rocket.Chat's spans (see README "Rocket.Chat span hygiene"). */
export interface RocketChatSpanOptions {
  /**
   * Apply the Rocket.Chat transform at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Normalise span names: REST spans lose the router's host, query strings, ids in path
   * segments and webhook tokens; Mongo `getMore` spans lose their cursor id.
   * @default true
   */
  readonly normalizeSpanNames?: boolean;
  /**
   * Set SERVER on REST spans and CLIENT on Mongo spans (Rocket.Chat leaves every span INTERNAL,
   * so the service graph and RED metrics by kind are empty without it).
   * @default true
   */
  readonly setSpanKind?: boolean;
  /**
   * Set status ERROR on REST spans whose response code (the `status` attribute) is 500 or more;
   * Rocket.Chat records the code but leaves the span status unset, even for failed requests.
   * @default true
   */
  readonly markServerErrors?: boolean;
  /**
   * Full Mongo commands (`db.statement`), including message text and tokens.
   * @default 'drop'
   */
  readonly dbStatement?: SensitiveAttributeAction;
  /**
   * Model method arguments (`parameters`): user ids, usernames, emails.
   * @default 'drop'
   */
  readonly parameters?: SensitiveAttributeAction;
  /**
   * The calling user's id (`userId`). Hashing keeps one user's traces findable together.
   * @default 'hash'
   */
  readonly userId?: SensitiveAttributeAction;
  /**
   * The request URL with its query string (`url`); the normalised span name keeps the route.
   * @default 'drop'
   */
  readonly url?: SensitiveAttributeAction;
}

/** A disk-backed export queue, so a Tempo restart or outage loses no spans. */
export interface PersistentQueueOptions {
  /**
   * Keep the export queue on a PersistentVolumeClaim (the collector then runs as a StatefulSet).
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * Size of each replica's queue volume.
   * @default '5Gi'
   */
  readonly size?: string;
  /**
   * StorageClass of the queue volume.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** A Tempo tenant and the namespaces whose spans it receives. */
export interface CollectorTenant {
  /** Tenant id, sent to the trace backend as the `X-Scope-OrgID` header. */
  readonly id: string;
  /** Namespaces whose pods' spans go to this tenant; a namespace belongs to one tenant. */
  readonly namespaces: readonly string[];
}

/** Where the collector's work runs: one tier, or node agents in front of trace-aware samplers. */
export type CollectorTopology = 'gateway' | 'agentGateway';

/** The node agents of the `agentGateway` topology. */
export interface CollectorAgentOptions {
  /**
   * CPU and memory of each agent (one per node). The memory limit sets its memory_limiter and
   * must be at least 256Mi.
   * @default - requests 100m / 256Mi, limits 500m / 512Mi
   */
  readonly resources?: ContainerResources;
}

export interface OtelCollectorProps {
  /** Where traces are exported (OTLP gRPC), e.g. the TempoStack. */
  readonly traceBackend: OtlpTraceBackend;
  /**
   * Namespace for every collector object.
   * @default - the enclosing Chart's namespace, else 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Base name of every collector object and its Service, an RFC 1035 label of at most 40
   * characters. Part of the public interface (DNS name, selectors).
   * @default 'otel-collector'
   */
  readonly name?: string;
  /**
   * `gateway`: one tier receives, samples and exports (a Deployment). `agentGateway`: a
   * DaemonSet agent on every node receives (each pod sends to the agent on its own node, which
   * adds Kubernetes metadata for its node's pods) and forwards by trace id, with the
   * load-balancing exporter, to a sampler tier (a StatefulSet behind a headless Service) that
   * runs tail sampling on whole traces and exports; this is what lets tail sampling run on more
   * than one replica.
   * @default 'gateway'
   */
  readonly topology?: CollectorTopology;
  /**
   * Replicas of the collector (`gateway`) or of the sampler tier (`agentGateway`). With
   * `gateway`, tail sampling needs every span of a trace on one replica, so it is refused with
   * more than one.
   * @default 1 with `gateway`, 2 with `agentGateway`
   */
  readonly replicas?: number;
  /**
   * The agent tier of `agentGateway`.
   * @default - requests 100m / 256Mi, limits 500m / 512Mi
   */
  readonly agent?: CollectorAgentOptions;
  /**
   * Receivers to run.
   * @default - OTLP gRPC and HTTP, Jaeger gRPC, Thrift HTTP and Zipkin; Jaeger Thrift compact
   * (UDP) too unless `tls` is set
   */
  readonly receivers?: CollectorReceivers;
  /**
   * Serve every receiver over TLS (all are TCP; Jaeger Thrift compact, which is UDP, is refused).
   * Senders then need the CA: `trustedCa` names it.
   * @default - plaintext receivers
   */
  readonly tls?: ServerTlsOptions;
  /**
   * Sampling.
   * @default - tail sampling: every error, every trace over 2 s, 10% of the rest
   */
  readonly sampling?: CollectorSampling;
  /**
   * Add Kubernetes metadata (namespace, pod, deployment, node) to spans; needs a ClusterRole to
   * read pods, namespaces and replicasets.
   * @default true
   */
  readonly kubernetesAttributes?: boolean;
  /**
   * Route spans to tenants of the trace backend by the namespace of the pod that sent them:
   * `k8s.namespace.name`, which the Kubernetes attributes processor sets from the sending pod,
   * found by the connection's address (a sender's own value is deleted first, so a pod cannot
   * claim another namespace). Each tenant's spans are exported with its id in the
   * `X-Scope-OrgID` header. Sampling runs before the routing, on whole traces; with
   * `agentGateway` the agents find the namespace and the samplers route. Needs
   * `kubernetesAttributes`.
   * @default [] - no routing: one exporter, no tenant header
   */
  readonly tenants?: readonly CollectorTenant[];
  /**
   * Tenant of the spans from no tenant's namespace (other namespaces, or senders that cannot be
   * matched to a pod). One of `tenants` receives them besides its own; another id is exported to
   * as a tenant of its own.
   * @default - those spans are dropped: counted by `otelcol_exporter_sent_spans{exporter="debug/unrouted"}` and logged by that exporter
   */
  readonly defaultTenant?: string;
  /**
   * `deployment.environment.name` added to spans that lack it.
   * @default - none added
   */
  readonly environment?: string;
  /**
   * `k8s.cluster.name` added to spans that lack it.
   * @default - none added
   */
  readonly clusterName?: string;
  /**
   * Cleaning of Rocket.Chat's spans.
   * @default - on: names normalised, kinds set, db.statement/parameters/url dropped, userId hashed
   */
  readonly rocketChat?: RocketChatSpanOptions;
  /**
   * Export queue capacity, in batches.
   * @default 1000
   */
  readonly queueSize?: number;
  /**
   * Persistent export queue.
   * @default - in memory
   */
  readonly persistentQueue?: PersistentQueueOptions;
  /**
   * Also log a summary of every batch with the `debug` exporter (basic verbosity).
   * @default false
   */
  readonly debugExporter?: boolean;
  /**
   * CPU and memory of the collector (`gateway`) or of each sampler (`agentGateway`). The memory
   * limit sets the memory_limiter thresholds and GOMEMLIMIT and must be at least 256Mi.
   * @default - requests 500m / 1Gi, limits 1 CPU / 1Gi
   */
  readonly resources?: ContainerResources;
  /**
   * ServiceMonitor for the collector's own metrics (port 8888).
   * @default - enabled, `release: kube-prometheus-stack`
   */
  readonly serviceMonitor?: ServiceMonitorOptions;
  /**
   * The collector's log level.
   * @default 'info'
   */
  readonly logLevel?: LogLevel;
}

const UID = 10001;
const CONFIG_DIR = '/conf';
const CONFIG_FILE = 'collector.yaml';
const QUEUE_DIR = '/var/lib/otelcol/queue';
const COMPONENT = 'trace-collector';
const VOLUME = { config: 'config', queue: 'queue', serverTls: 'server-tls', backendCa: 'backend-ca' } as const;
const MIN_MEMORY_LIMIT_MIB = 256;
const DEFAULT_SAMPLING: CollectorSampling = { type: 'tail' };
const TOPOLOGIES = ['gateway', 'agentGateway'] as const;
const AGENT_COMPONENT = 'trace-agent';
const SAMPLER_COMPONENT = 'trace-sampler';
/** Carried by the Services of both tiers: the ServiceMonitor selects them and names the job after it. */
const JOB_LABEL = 'rocketchat-tracing/collector';
/** The agent's node, from the downward API: its Kubernetes attributes processor watches only that node's pods. */
const NODE_NAME_ENV = 'K8S_NODE_NAME';
const DEFAULT_AGENT_RESOURCES: Required<ContainerResources> = { cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '500m', memoryLimit: '512Mi' };

interface CollectorTier {
  /** Construct id prefix: '' for the gateway's objects (their ids are public), else the tier. */
  readonly id: string;
  readonly name: string;
  readonly labelOptions: { readonly name: string; readonly instance: string; readonly component: string; readonly version: string };
  readonly configYaml: string;
  readonly ports: readonly PortSpec[];
  readonly resources: Required<ContainerResources>;
  readonly goMemLimitMib: number;
  readonly serverTls?: { readonly secretName: string };
  readonly backendCa?: TrustedCa;
  readonly kubernetesApi: boolean;
  readonly nodeNameEnv: boolean;
  readonly queue?: { readonly enabled: boolean };
}

interface BuiltTier {
  readonly template: k8s.PodTemplateSpec;
  readonly serviceAccountName: string;
  readonly selector: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly name: string;
}

/**
 * The gateway OpenTelemetry Collector (contrib distribution): OTLP/Jaeger/Zipkin in, Kubernetes
 * metadata and Rocket.Chat span hygiene, sampling, OTLP gRPC out to the trace backend.
 */
export class OtelCollector extends Construct {
  /** Namespace of every collector object. */
  public readonly namespace: string;
  /** Name of the collector Service. */
  public readonly serviceName: string;
  /** Cluster DNS name of the Service. */
  public readonly serviceHost: string;
  /** Labels selecting the collector's pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The receivers that run. */
  public readonly receivers: Readonly<Record<CollectorReceiverName, boolean>>;
  /** The rendered collector config (for inspection and tests). */
  public readonly configYaml: string;
  /** The collector Service. */
  public readonly service: k8s.KubeService;
  /** Whether the Kubernetes attributes processor runs (and so calls the Kubernetes API). */
  public readonly kubernetesAttributes: boolean;
  /** The self-metrics port Prometheus scrapes. */
  public readonly metricsPort: number = METRICS_PORT.port;
  /** The trace backend the collector exports to, `host:port`. */
  public readonly exportEndpoint: string;
  /** Which traces it keeps: what span metrics computed behind it count. */
  public readonly samplingModel: TraceSamplingModel;
  /** The CA senders verify the receivers' certificate with, when they serve TLS. */
  public readonly trustedCa?: Required<TrustedCa>;
  /** The cert-manager Certificate of the receivers, when cert-manager issues it. */
  public readonly certificate?: Certificate;
  /** Where the collector's work runs. */
  public readonly topology: CollectorTopology;
  /** The tenants spans are routed to by namespace; empty without tenant routing. */
  public readonly tenants: readonly CollectorTenant[];
  /** Tenant of the spans from no tenant's namespace; undefined when they are dropped. */
  public readonly defaultTenant?: string;
  /**
   * The exporter that counts (in `otelcol_exporter_sent_spans`) and logs the spans tenant routing
   * drops; undefined without tenant routing or with a default tenant.
   */
  public readonly unroutedExporter?: string;
  /** The sampler tier's config (`agentGateway`); the agents' is `configYaml`. */
  public readonly samplerConfigYaml?: string;
  /** The cert-manager Certificate of the samplers (`agentGateway` with TLS). */
  public readonly samplerCertificate?: Certificate;
  /** Labels selecting the sampler pods (`agentGateway`); `selectorLabels` selects the agents. */
  public readonly samplerSelectorLabels?: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    super(scope, id);

    // Validate everything before creating any object.
    const name = checkFormat('name', props.name ?? 'otel-collector', FORMATS.serviceName);
    this.namespace = checkFormat('namespace', props.namespace ?? Chart.of(this).namespace ?? DEFAULT_NAMESPACE, FORMATS.dnsLabel);
    const exportEndpoint = checkFormat('traceBackend.otlpGrpcEndpoint', props.traceBackend?.otlpGrpcEndpoint, FORMATS.hostAndPort);
    const topology = checkOneOf('topology', props.topology ?? 'gateway', TOPOLOGIES);
    this.topology = topology;
    const replicas = props.replicas ?? (topology === 'agentGateway' ? 2 : 1);
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 50) invalidProp('replicas', 'an integer from 1 to 50', props.replicas);
    if (optionalBoolean('receivers.opencensus', props.receivers?.opencensus, false)) {
      throw new ValidationError(
        'receivers.opencensus must be false: the OpenCensus receiver was removed from the collector (contrib 0.132); send OTLP to otlpGrpcEndpoint (4317) or otlpHttpEndpoint (4318) instead',
      );
    }
    // opencensus (necessarily false here) is no receiver this collector can run.
    const { opencensus: _opencensus, ...givenReceivers } = props.receivers ?? {};
    const tls = props.tls === undefined ? undefined : resolveServerTls('tls', props.tls, name);
    // UDP cannot carry TLS, and the Jaeger UDP receiver passes on no sender address, so its spans
    // could never be routed to a tenant by the sending pod: with either, Jaeger Thrift compact is
    // off by default and refused when asked for.
    const tenantsGiven = Array.isArray(props.tenants) && props.tenants.length > 0;
    const receiverDefaults = tls || tenantsGiven ? { ...DEFAULT_RECEIVERS, jaegerThriftCompact: false } : DEFAULT_RECEIVERS;
    const { switches, enabled: enabledReceivers } = resolveReceiverSwitches<CollectorReceiverName>(givenReceivers, receiverDefaults);
    const plaintextOnly = udpPorts(enabledReceivers.map((r) => RECEIVER_PORTS[r]));
    if (tls && plaintextOnly.length) {
      throw new ValidationError(
        `receivers.jaegerThriftCompact must be false with tls, got true: Jaeger Thrift compact is UDP (port ${plaintextOnly[0].port}), which TLS cannot protect; send OTLP instead`,
      );
    }
    if (tenantsGiven && plaintextOnly.length) {
      throw new ValidationError(
        `receivers.jaegerThriftCompact must be false with tenants, got true: Jaeger Thrift compact is UDP (port ${plaintextOnly[0].port}), whose spans arrive without the sending pod's address, so no namespace (and no tenant) could be found for them; send OTLP instead`,
      );
    }
    this.receivers = switches;
    const backendCa = props.traceBackend.otlpGrpcTrustedCa === undefined
      ? undefined
      : resolveTrustedCa('traceBackend.otlpGrpcTrustedCa', props.traceBackend.otlpGrpcTrustedCa);
    const sampling = resolveSampling(props.sampling ?? DEFAULT_SAMPLING);
    this.samplingModel = samplingModel(sampling);
    if (sampling.type === 'tail' && replicas > 1 && topology === 'gateway') {
      throw new ValidationError(
        `replicas must be 1 with tail sampling in the gateway topology, got ${replicas}: tail sampling needs every span of a trace on one replica; use topology: "agentGateway" (agents route by trace id to the samplers) or head sampling to run more replicas`,
      );
    }
    if (topology === 'gateway' && props.agent !== undefined) {
      throw new ValidationError('agent needs topology: "agentGateway"; the gateway topology runs no agents, so it would be ignored');
    }
    if (topology === 'agentGateway' && props.tls?.secretName !== undefined) {
      throw new ValidationError(
        `tls.secretName cannot serve topology "agentGateway": the samplers need a certificate for their pod names (*.${props.name ?? 'otel-collector'}-sampler.<namespace>), which the stack can only request; use tls.certManager`,
      );
    }
    const kubernetesAttributes = optionalBoolean('kubernetesAttributes', props.kubernetesAttributes, true);
    this.kubernetesAttributes = kubernetesAttributes;
    const tenantRouting = resolveTenants(props.tenants, props.defaultTenant, kubernetesAttributes);
    this.tenants = tenantRouting?.tenants ?? [];
    this.defaultTenant = tenantRouting?.defaultTenant;
    this.unroutedExporter = tenantRouting && tenantRouting.defaultTenant === undefined ? TENANT_ROUTING.unroutedExporter : undefined;
    this.exportEndpoint = exportEndpoint;
    const resourceAttributes: Record<string, string> = {};
    if (props.environment !== undefined) resourceAttributes['deployment.environment.name'] = checkFormat('environment', props.environment, FORMATS.attributeValue);
    if (props.clusterName !== undefined) resourceAttributes['k8s.cluster.name'] = checkFormat('clusterName', props.clusterName, FORMATS.attributeValue);
    const rocketChat = resolveRocketChat(props.rocketChat);
    const queueSize = props.queueSize ?? 1000;
    if (!Number.isInteger(queueSize) || queueSize < 1) invalidProp('queueSize', 'a positive integer', props.queueSize);
    const persistent = {
      enabled: optionalBoolean('persistentQueue.enabled', props.persistentQueue?.enabled, false),
      size: props.persistentQueue?.size ?? '5Gi',
      storageClassName: props.persistentQueue?.storageClassName,
    };
    if (!persistent.enabled && (props.persistentQueue?.size !== undefined || persistent.storageClassName !== undefined)) {
      throw new ValidationError('persistentQueue.size and persistentQueue.storageClassName need persistentQueue.enabled: true; without it the queue is in memory and they would be ignored');
    }
    quantityToBytes('persistentQueue.size', persistent.size);
    if (persistent.storageClassName !== undefined) checkFormat('persistentQueue.storageClassName', persistent.storageClassName, FORMATS.dnsSubdomain);
    const debugExporter = optionalBoolean('debugExporter', props.debugExporter, false);
    const resources = resolveResources('resources', props.resources, DEFAULT_RESOURCES);
    const memoryLimitMib = quantityToBytes('resources.memoryLimit', resources.memoryLimit) / 2 ** 20;
    if (memoryLimitMib < MIN_MEMORY_LIMIT_MIB) {
      throw new ValidationError(
        `resources.memoryLimit must be at least ${MIN_MEMORY_LIMIT_MIB}Mi for the memory_limiter to leave room for batches and the queue, got ${JSON.stringify(resources.memoryLimit)}`,
      );
    }
    const samplerLimitMib = Math.floor(memoryLimitMib * MEMORY_LIMIT_FRACTION);
    const samplerSpikeMib = Math.floor(samplerLimitMib * SPIKE_FRACTION);
    const agentResources = resolveResources('agent.resources', props.agent?.resources, DEFAULT_AGENT_RESOURCES);
    const agentMemoryMib = quantityToBytes('agent.resources.memoryLimit', agentResources.memoryLimit) / 2 ** 20;
    if (agentMemoryMib < MIN_MEMORY_LIMIT_MIB) {
      throw new ValidationError(`agent.resources.memoryLimit must be at least ${MIN_MEMORY_LIMIT_MIB}Mi, got ${JSON.stringify(agentResources.memoryLimit)}`);
    }
    // The receiving tier's memory_limiter: the agents' in agentGateway, else the collector's.
    const receivingMemoryMib = topology === 'agentGateway' ? agentMemoryMib : memoryLimitMib;
    const limitMib = Math.floor(receivingMemoryMib * MEMORY_LIMIT_FRACTION);
    const spikeLimitMib = Math.floor(limitMib * SPIKE_FRACTION);
    const monitor = resolveServiceMonitor('serviceMonitor', props.serviceMonitor);
    const logLevel = checkOneOf('logLevel', props.logLevel ?? 'info', LOG_LEVELS);

    const agentGateway = topology === 'agentGateway';
    // The pods that receive spans: the collector itself, or its node agents.
    const receiving = { name: 'opentelemetry-collector', instance: agentGateway ? `${name}-agent` : name, component: agentGateway ? AGENT_COMPONENT : COMPONENT, version: COLLECTOR_VERSION };
    const labels = standardLabels({ ...receiving, instance: name, component: COMPONENT });
    this.selectorLabels = selectorLabels(receiving);
    this.serviceName = name;
    this.serviceHost = serviceHost(name, this.namespace);
    const sampler = agentGateway
      ? { name: `${name}-sampler`, labelOptions: { name: 'opentelemetry-collector', instance: `${name}-sampler`, component: SAMPLER_COMPONENT, version: COLLECTOR_VERSION } }
      : undefined;
    const samplerTls = sampler && tls ? { ...tls, secretName: `${sampler.name}-tls` } : undefined;

    const exporter = {
      endpoint: exportEndpoint,
      queueSize,
      persistentQueueDir: persistent.enabled ? QUEUE_DIR : undefined,
      caFile: backendCa ? `${TLS_PATHS.backendCaDir}/${CA_KEY}` : undefined,
      tenantRouting,
    };
    const receivingConfig = buildCollectorConfig({
      receivers: enabledReceivers,
      memoryLimiter: { limitMib, spikeLimitMib },
      k8sAttributes: kubernetesAttributes,
      k8sAttributesNodeEnv: agentGateway ? NODE_NAME_ENV : undefined,
      k8sNamespaceFromConnection: tenantRouting !== undefined,
      resourceAttributes,
      rocketChat,
      // Agents forward everything; the samplers decide with whole traces.
      sampling: agentGateway ? { type: 'none' } : sampling,
      exporter: sampler
        ? {
          endpoint: `${sampler.name}.${this.namespace}`,
          loadBalancing: { service: `${sampler.name}.${this.namespace}`, port: RECEIVER_PORTS.otlpGrpc.port },
          queueSize,
          // The agent verifies the samplers with the CA of their certificate.
          caFile: samplerTls ? `${TLS_PATHS.backendCaDir}/${CA_KEY}` : undefined,
        }
        : exporter,
      receiverTls: tls !== undefined,
      debugExporter: agentGateway ? false : debugExporter,
      logLevel,
    });
    this.configYaml = Yaml.stringify(receivingConfig);
    const metadata = (objectName: string) => ({ name: objectName, namespace: this.namespace, labels });

    const receiverPorts: PortSpec[] = enabledReceivers.map((r) => (tls ? overTls(RECEIVER_PORTS[r]) : RECEIVER_PORTS[r]));
    const receivingTier = this.addTier({
      id: agentGateway ? 'Agent' : '',
      name: agentGateway ? `${name}-agent` : name,
      labelOptions: receiving,
      configYaml: this.configYaml,
      ports: [...receiverPorts, METRICS_PORT, HEALTH_PORT],
      resources: agentGateway ? agentResources : resources,
      goMemLimitMib: limitMib - spikeLimitMib,
      serverTls: tls,
      backendCa: sampler ? (samplerTls ? { secretName: samplerTls.secretName, key: CA_KEY } : undefined) : backendCa,
      kubernetesApi: kubernetesAttributes || agentGateway,
      nodeNameEnv: agentGateway,
      queue: agentGateway ? undefined : persistent,
    });
    if (kubernetesAttributes) this.addRbac(agentGateway ? `${name}-agent` : name, labels, receivingTier.serviceAccountName);
    if (tls) {
      this.certificate = addServerCertificate(this, tls, metadata(name), serviceDnsNames(name, this.namespace));
      this.trustedCa = { secretName: tls.secretName, key: CA_KEY };
    }
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { ...metadata(name), labels: { ...labels, ...(agentGateway ? { [JOB_LABEL]: name } : {}) } },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        // Each pod sends to the agent on its own node, which sees the sender's pod IP.
        ...(agentGateway ? { internalTrafficPolicy: 'Local' } : {}),
        ports: [...receiverPorts, METRICS_PORT].map(servicePort),
      },
    });


    if (!sampler) {
      this.addWorkload(receivingTier, { kind: persistent.enabled ? 'StatefulSet' : 'Deployment', replicas, serviceName: name, persistent });
      addServiceMonitor(this, monitor, { name, namespace: this.namespace, labels, selector: this.selectorLabels, port: METRICS_PORT.name });
      return;
    }

    // Agent tier: one pod per node, never a node without one during a rollout.
    new k8s.KubeDaemonSet(this, 'AgentDaemonSet', {
      metadata: { ...metadata(`${name}-agent`), labels: standardLabels(receiving) },
      spec: {
        selector: { matchLabels: this.selectorLabels },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: receivingTier.template,
      },
    });
    this.addResolverRbac(`${name}-agent`, labels, receivingTier.serviceAccountName);

    // Sampler tier: tail sampling on whole traces, exporting to the backend.
    const samplerSelector = selectorLabels(sampler.labelOptions);
    this.samplerSelectorLabels = samplerSelector;
    const samplerLabels = standardLabels(sampler.labelOptions);
    const samplerPort = samplerTls ? overTls(RECEIVER_PORTS.otlpGrpc) : RECEIVER_PORTS.otlpGrpc;
    const samplerConfig = Yaml.stringify(
      buildCollectorConfig({
        receivers: ['otlpGrpc'],
        memoryLimiter: { limitMib: samplerLimitMib, spikeLimitMib: samplerSpikeMib },
        k8sAttributes: false,
        resourceAttributes: {},
        sampling,
        exporter,
        receiverTls: samplerTls !== undefined,
        debugExporter,
        logLevel,
      }),
    );
    this.samplerConfigYaml = samplerConfig;
    if (samplerTls) {
      // The agents dial each sampler by its pod hostname under the headless Service.
      const headlessNames = serviceDnsNames(sampler.name, this.namespace).slice(1).map((n) => `*.${n}`);
      this.samplerCertificate = addServerCertificate(this, samplerTls, { name: sampler.name, namespace: this.namespace, labels: samplerLabels }, headlessNames, 'SamplerCertificate');
    }
    new k8s.KubeService(this, 'SamplerService', {
      metadata: { name: sampler.name, namespace: this.namespace, labels: { ...samplerLabels, [JOB_LABEL]: name } },
      spec: {
        clusterIp: 'None',
        // Only ready samplers join the agents' hash ring.
        publishNotReadyAddresses: false,
        selector: samplerSelector,
        ports: [samplerPort, METRICS_PORT].map(servicePort),
      },
    });
    const samplerTier = this.addTier({
      id: 'Sampler',
      name: sampler.name,
      labelOptions: sampler.labelOptions,
      configYaml: samplerConfig,
      ports: [samplerPort, METRICS_PORT, HEALTH_PORT],
      resources,
      goMemLimitMib: samplerLimitMib - samplerSpikeMib,
      serverTls: samplerTls,
      backendCa,
      kubernetesApi: false,
      nodeNameEnv: false,
      queue: persistent,
    });
    this.addWorkload(samplerTier, { kind: 'StatefulSet', replicas, serviceName: sampler.name, persistent, id: 'Sampler' });
    // One job for both tiers: the pipeline alerts sum the collector's metrics over its pods.
    addServiceMonitor(this, monitor, { name, namespace: this.namespace, labels, selector: { [JOB_LABEL]: name }, port: METRICS_PORT.name, jobLabel: JOB_LABEL });
  }

  /** ServiceAccount, ConfigMap and pod template of one collector tier. */
  private addTier(tier: CollectorTier): BuiltTier {
    const prefix = tier.id;
    const tierLabels = standardLabels(tier.labelOptions);
    const metadata = (objectName: string) => ({ name: objectName, namespace: this.namespace, labels: tierLabels });
    const serviceAccount = new k8s.KubeServiceAccount(this, `${prefix}ServiceAccount`, {
      metadata: metadata(tier.name),
      // Only the Kubernetes attributes processor and the load-balancing resolver call the API.
      automountServiceAccountToken: tier.kubernetesApi,
    });
    const configMap = new k8s.KubeConfigMap(this, `${prefix}Config`, { metadata: metadata(`${tier.name}-config`), data: { [CONFIG_FILE]: tier.configYaml } });
    const healthProbe = (periodSeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/', port: k8s.IntOrString.fromString(HEALTH_PORT.name) },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 5,
    });
    const template: k8s.PodTemplateSpec = {
      metadata: { labels: tierLabels, annotations: { 'checksum/config': configChecksum(tier.configYaml) } },
      spec: {
        serviceAccountName: serviceAccount.name,
        automountServiceAccountToken: tier.kubernetesApi,
        enableServiceLinks: false,
        securityContext: restrictedPodSecurityContext(UID),
        // Time for the exporter to drain its queue on shutdown.
        terminationGracePeriodSeconds: 60,
        containers: [
          {
            name: 'otel-collector',
            image: imageRef(IMAGES.collector, COLLECTOR_VERSION),
            imagePullPolicy: 'IfNotPresent',
            args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
            env: [
              // Listeners bind to the pod IP rather than all interfaces.
              { name: POD_IP_ENV, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              ...(tier.nodeNameEnv ? [{ name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] : []),
              { name: 'GOMEMLIMIT', value: `${tier.goMemLimitMib}MiB` },
            ],
            ports: tier.ports.map(containerPort),
            resources: toResourceRequirements(tier.resources),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              { name: VOLUME.config, mountPath: CONFIG_DIR, readOnly: true },
              ...(tier.queue?.enabled ? [{ name: VOLUME.queue, mountPath: QUEUE_DIR }] : []),
              ...(tier.serverTls ? [{ name: VOLUME.serverTls, mountPath: TLS_PATHS.serverDir, readOnly: true }] : []),
              ...(tier.backendCa ? [{ name: VOLUME.backendCa, mountPath: TLS_PATHS.backendCaDir, readOnly: true }] : []),
            ],
            readinessProbe: healthProbe(10, 3),
            livenessProbe: healthProbe(20, 5),
          },
        ],
        volumes: [
          { name: VOLUME.config, configMap: { name: configMap.name } },
          // Mounted as a directory (no subPath), so a renewed certificate reaches the running pod.
          ...(tier.serverTls ? [{ name: VOLUME.serverTls, secret: { secretName: tier.serverTls.secretName } }] : []),
          ...(tier.backendCa ? [caVolume(VOLUME.backendCa, { secretName: tier.backendCa.secretName, key: tier.backendCa.key ?? CA_KEY })] : []),
        ],
      },
    };
    return { template, serviceAccountName: serviceAccount.name, selector: selectorLabels(tier.labelOptions), labels: tierLabels, name: tier.name };
  }

  private addWorkload(
    tier: BuiltTier,
    options: { kind: 'Deployment' | 'StatefulSet'; replicas: number; serviceName: string; persistent: { enabled: boolean; size: string; storageClassName?: string }; id?: string },
  ): void {
    const prefix = options.id ?? '';
    const metadata = { name: tier.name, namespace: this.namespace, labels: tier.labels };
    if (options.kind === 'StatefulSet') {
      // Each replica keeps its own queue volume (and, as a sampler, its place in the agents' ring).
      new k8s.KubeStatefulSet(this, `${prefix}StatefulSet`, {
        metadata,
        spec: {
          replicas: options.replicas,
          serviceName: options.serviceName,
          // Samplers are interchangeable: start and stop them together rather than one by one.
          ...(prefix ? { podManagementPolicy: 'Parallel' } : {}),
          selector: { matchLabels: tier.selector },
          template: tier.template,
          ...(options.persistent.enabled
            ? { volumeClaimTemplates: [volumeClaimTemplate(VOLUME.queue, tier.selector, options.persistent.size, options.persistent.storageClassName)] }
            : {}),
        },
      });
    } else {
      new k8s.KubeDeployment(this, `${prefix}Deployment`, {
        metadata,
        spec: {
          replicas: options.replicas,
          selector: { matchLabels: tier.selector },
          // Bring the new pod up before the old one goes, so senders always have a receiver.
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
          template: tier.template,
        },
      });
    }
    if (options.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, `${prefix}PodDisruptionBudget`, {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: tier.selector } },
      });
    }
  }

  /** The agents' load-balancing resolver watches the samplers' EndpointSlices, in this namespace only. */
  private addResolverRbac(name: string, labels: Record<string, string>, serviceAccountName: string): void {
    const role = new k8s.KubeRole(this, 'ResolverRole', {
      metadata: { name: `${name}-resolver`, namespace: this.namespace, labels },
      rules: [{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeRoleBinding(this, 'ResolverRoleBinding', {
      metadata: { name: `${name}-resolver`, namespace: this.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace: this.namespace }],
    });
  }

  /** Read access to what the Kubernetes attributes processor looks up, and nothing else. */
  private addRbac(name: string, labels: Record<string, string>, serviceAccountName: string): void {
    // ClusterRoles are cluster-wide: the namespace in the name keeps two stacks apart.
    const clusterName = `${name}-${this.namespace}`;
    const role = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterName, labels },
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
        // Deployment names are read from the pod's ReplicaSet owner.
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    const binding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace: this.namespace }],
    });
    // cdk8s stamps a chart's namespace on every object, cluster-scoped ones included.
    if (Chart.of(this).namespace !== undefined) {
      for (const o of [role, binding]) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
  }

  private endpoint(receiver: CollectorReceiverName, attribute: string, withScheme = false, path = ''): string {
    if (!this.receivers[receiver]) {
      throw new ValidationError(`${attribute} is not available: receivers.${receiver} is disabled on OtelCollector "${this.node.path}"`);
    }
    const scheme = withScheme ? (this.trustedCa ? 'https://' : 'http://') : '';
    return `${scheme}${this.serviceHost}:${RECEIVER_PORTS[receiver].port}${path}`;
  }

  /** The ports of the enabled receivers, as the pod listens on them. */
  public get receiverPorts(): readonly PortSpec[] {
    return (Object.keys(this.receivers) as CollectorReceiverName[])
      .filter((r) => this.receivers[r])
      .map((r) => (this.trustedCa ? overTls(RECEIVER_PORTS[r]) : RECEIVER_PORTS[r]));
  }

  /** OTLP gRPC endpoint as `host:port`. */
  public get otlpGrpcEndpoint(): string {
    return this.endpoint('otlpGrpc', 'otlpGrpcEndpoint');
  }

  /** OTLP gRPC endpoint as a URL, the form `OTEL_EXPORTER_OTLP_ENDPOINT` takes. */
  public get otlpGrpcUrl(): string {
    return this.endpoint('otlpGrpc', 'otlpGrpcUrl', true);
  }

  /** OTLP HTTP base URL. */
  public get otlpHttpEndpoint(): string {
    return this.endpoint('otlpHttp', 'otlpHttpEndpoint', true);
  }

  /** Jaeger gRPC endpoint as `host:port`. */
  public get jaegerGrpcEndpoint(): string {
    return this.endpoint('jaegerGrpc', 'jaegerGrpcEndpoint');
  }

  /** Jaeger Thrift HTTP collector URL. */
  public get jaegerThriftHttpEndpoint(): string {
    return this.endpoint('jaegerThriftHttp', 'jaegerThriftHttpEndpoint', true, '/api/traces');
  }

  /** Jaeger Thrift compact (UDP) endpoint as `host:port`. */
  public get jaegerThriftCompactEndpoint(): string {
    return this.endpoint('jaegerThriftCompact', 'jaegerThriftCompactEndpoint');
  }

  /** Zipkin v2 spans URL. */
  public get zipkinEndpoint(): string {
    return this.endpoint('zipkin', 'zipkinEndpoint', true, '/api/v2/spans');
  }
}

function checkPercentage(prop: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) invalidProp(prop, 'between 0 and 100', value);
  return value as number;
}

function checkInteger(prop: string, value: unknown, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidProp(prop, `an integer from ${min} to ${max}${unit ? ` (${unit})` : ''}`, value);
  }
  return value as number;
}

function samplingModel(sampling: ResolvedSampling): TraceSamplingModel {
  if (sampling.type === 'none') return { keptFraction: 1, errorsAlwaysKept: true };
  if (sampling.type === 'head') return { keptFraction: sampling.percentage / 100, errorsAlwaysKept: false };
  return {
    // A spans-per-second limit on the baseline keeps fewer still; the estimate then errs low.
    // With no baseline, ordinary traffic is not kept at all and cannot be estimated: the counts
    // are taken as they are.
    keptFraction: sampling.baselinePercentage > 0 ? sampling.baselinePercentage / 100 : 1,
    errorsAlwaysKept: sampling.keepErrors,
    ...(sampling.latencyThresholdMs > 0 ? { slowTracesKeptAboveSeconds: sampling.latencyThresholdMs / 1000 } : {}),
  };
}

function resolveSampling(sampling: CollectorSampling): ResolvedSampling {
  const type = checkOneOf('sampling.type', (sampling as { type?: unknown }).type, ['tail', 'head', 'none'] as const);
  if (type === 'none') return { type };
  if (type === 'head' && sampling.type === 'head') {
    const percentage = checkPercentage('sampling.percentage', sampling.percentage);
    if (percentage === 0) invalidProp('sampling.percentage', 'above 0 (0 would drop every trace; use a smaller value)', percentage);
    return { type, percentage };
  }
  const tail = sampling as Extract<CollectorSampling, { type: 'tail' }>;
  const resolved: ResolvedSampling = {
    type: 'tail',
    keepErrors: optionalBoolean('sampling.keepErrors', tail.keepErrors, true),
    latencyThresholdMs: checkInteger('sampling.latencyThresholdMs', tail.latencyThresholdMs ?? 2000, 0, 3_600_000, 'milliseconds'),
    baselinePercentage: checkPercentage('sampling.baselinePercentage', tail.baselinePercentage ?? 10),
    spansPerSecondLimit: checkInteger('sampling.spansPerSecondLimit', tail.spansPerSecondLimit ?? 0, 0, 10_000_000, 'spans per second'),
    decisionWaitSeconds: checkInteger('sampling.decisionWaitSeconds', tail.decisionWaitSeconds ?? DEFAULT_DECISION_WAIT_SECONDS, 1, 300, 'seconds'),
    numTraces: checkInteger('sampling.numTraces', tail.numTraces ?? 50000, 100, 10_000_000, 'traces'),
  };
  if (resolved.spansPerSecondLimit > 0 && resolved.baselinePercentage === 0) {
    throw new ValidationError('sampling.spansPerSecondLimit caps the baseline, but sampling.baselinePercentage is 0, so it would have no effect');
  }
  if (!resolved.keepErrors && resolved.latencyThresholdMs === 0 && resolved.baselinePercentage === 0) {
    throw new ValidationError('sampling must keep something: keepErrors is false, latencyThresholdMs is 0 and baselinePercentage is 0, so every trace would be dropped');
  }
  return resolved;
}

function resolveTenants(given: readonly CollectorTenant[] | undefined, defaultTenant: string | undefined, kubernetesAttributes: boolean): TenantRouting | undefined {
  if (given !== undefined && !Array.isArray(given)) invalidProp('tenants', 'a list of { id, namespaces }', given);
  if (given === undefined || given.length === 0) {
    if (defaultTenant !== undefined) throw new ValidationError(`defaultTenant needs tenants, got ${describeValue(defaultTenant)} without any: with no tenant routing there is no tenant to default to`);
    return undefined;
  }
  if (!kubernetesAttributes) {
    throw new ValidationError(
      `tenants needs kubernetesAttributes: true, got kubernetesAttributes: false: spans are routed by ${NAMESPACE_ATTRIBUTE}, which the Kubernetes attributes processor sets from the sending pod`,
    );
  }
  const owner = new Map<string, number>();
  const tenants = given.map((tenant, i) => {
    const id = checkFormat(`tenants[${i}].id`, tenant?.id, FORMATS.tenantId);
    const earlier = given.findIndex((t) => t?.id === id);
    if (earlier !== i) throw new ValidationError(`tenants[${i}].id repeats ${describeValue(id)} (tenants[${earlier}].id); list each tenant once with all its namespaces`);
    const namespaces = tenant.namespaces;
    if (!Array.isArray(namespaces) || namespaces.length === 0) invalidProp(`tenants[${i}].namespaces`, 'a non-empty list of namespaces', namespaces);
    for (const [j, namespace] of namespaces.entries()) {
      checkFormat(`tenants[${i}].namespaces[${j}]`, namespace, FORMATS.dnsLabel);
      const other = owner.get(namespace);
      if (other !== undefined) {
        throw new ValidationError(
          `tenants[${i}].namespaces[${j}] repeats ${describeValue(namespace)}, already a namespace of tenants[${other}] (${describeValue(given[other].id)}): a namespace belongs to one tenant, or its spans would reach both`,
        );
      }
      owner.set(namespace, i);
    }
    return { id, namespaces: [...namespaces] };
  });
  return { tenants, defaultTenant: defaultTenant === undefined ? undefined : checkFormat('defaultTenant', defaultTenant, FORMATS.tenantId) };
}

function resolveRocketChat(options: RocketChatSpanOptions | undefined): RocketChatHygiene | undefined {
  if (!optionalBoolean('rocketChat.enabled', options?.enabled, true)) {
    const others = Object.keys(options ?? {}).filter((k) => k !== 'enabled');
    if (others.length) throw new ValidationError(`rocketChat.${others[0]} has no effect with rocketChat.enabled: false`);
    return undefined;
  }
  const action = (key: 'dbStatement' | 'parameters' | 'userId' | 'url', fallback: SensitiveAttributeAction) =>
    checkOneOf(`rocketChat.${key}`, options?.[key] ?? fallback, SENSITIVE_ACTIONS);
  return {
    normalizeSpanNames: optionalBoolean('rocketChat.normalizeSpanNames', options?.normalizeSpanNames, true),
    setSpanKind: optionalBoolean('rocketChat.setSpanKind', options?.setSpanKind, true),
    markServerErrors: optionalBoolean('rocketChat.markServerErrors', options?.markServerErrors, true),
    attributes: {
      'db.statement': action('dbStatement', 'drop'),
      parameters: action('parameters', 'drop'),
      userId: action('userId', 'hash'),
      url: action('url', 'drop'),
    },
  };
}
