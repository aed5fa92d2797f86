import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_NAMESPACE, DEFAULT_ROCKETCHAT_NAMESPACE, DEFAULT_ROCKETCHAT_RELEASE } from './common/defaults';
import { ValidationError, checkOneOf, describeValue, invalidProp, optionalBoolean } from './common/errors';
import { FORMATS, checkFormat } from './common/formats';
import { projectLabels } from './common/labels';
import { samplingHoldSeconds } from './collector/_hold';
import { OtelCollector, OtelCollectorProps } from './collector/otel-collector';
import { GrafanaTracingIntegration, GrafanaTracingIntegrationProps } from './grafana/grafana-tracing-integration';
import { DEFAULT_GRAFANA_POD_LABELS, TracingNetworkPolicies, TracingNetworkPoliciesProps } from './network/tracing-network-policies';
import { RocketChatTracing, RocketChatTracingProps } from './rocketchat/rocketchat-tracing';
import { TempoStack, TempoStackProps } from './tempo/tempo-stack';
import { TenantLimits } from './tempo/limits';
import { TENANT_IDS } from './tempo/_limits';
import { Certificate, CertificateSpecUsages } from '../imports/cert-manager.io';
import { CA_KEY, CERTIFICATE_POLICY, CertManagerIssuer, ServerTlsOptions, TrustedCa } from './common/tls';

export interface TracingStackProps {
  /**
   * Namespace of the tracing stack.
   * @default 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Emit the Namespace object. Turn off when the namespace is managed elsewhere.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Tempo settings; `namespace` and `tls` come from the stack, and its tenants from `workspaces`.
   * With workspaces, `tenantOverrides` may hold `*` and the tenants whose workspace sets no `limits`.
   * @default - the TempoStackProps defaults
   */
  readonly tempo?: Omit<TempoStackProps, 'namespace' | 'tls' | 'tenants'>;
  /**
   * Collector settings; `namespace` and `tls` come from the stack, the export target is the
   * stack's Tempo, and the tenant routing comes from `workspaces`.
   * @default - the OtelCollectorProps defaults
   */
  readonly collector?: Omit<OtelCollectorProps, 'namespace' | 'traceBackend' | 'tls' | 'tenants' | 'defaultTenant'>;
  /**
   * Rocket.Chat's native tracing, for a stack serving one release; it exports to the stack's
   * collector. A stack serving several releases lists them in `workspaces` instead.
   * @default - the RocketChatTracingProps defaults
   */
  readonly rocketChat?: Omit<RocketChatTracingProps, 'collector' | 'trustedCa'>;
  /**
   * Several Rocket.Chat releases served by one stack, each in its own namespace and with its own
   * Tempo tenant: the collector routes the spans of each namespace's pods to its workspace's
   * tenant, Tempo keeps tenants apart (multitenancy on, limits per tenant), and Grafana gets a
   * Tempo datasource per tenant beside one across them (README "Many workspaces"). Instead of
   * `rocketChat`.
   * @default - one release (`rocketChat`) and no tenants
   */
  readonly workspaces?: readonly TracingWorkspaceOptions[];
  /**
   * With `workspaces`: the Tempo tenant that receives the spans from no workspace's namespace
   * (other namespaces' pods, or senders not matched to a pod). It must differ from every
   * workspace's tenant, which would otherwise show spans of others.
   * @default - those spans are dropped, counted by the collector metric `otelcol_exporter_sent_spans{exporter="debug/unrouted"}` and logged by that exporter
   */
  readonly defaultTenant?: string;
  /**
   * Grafana datasources, dashboards and alerts; they read the stack's Tempo and collector.
   * @default - the GrafanaTracingIntegrationProps defaults
   */
  readonly grafana?: Omit<GrafanaTracingIntegrationProps, 'tempo' | 'collector'>;
  /**
   * NetworkPolicies for the stack's pods: deny by default, allow exactly the stack's flows.
   * @default - disabled
   */
  readonly networkPolicies?: StackNetworkPolicyOptions;
  /**
   * Encryption in transit of the span path (Rocket.Chat → collector → Tempo). Required: the
   * stack runs plaintext inside the cluster only when told so with `{ enabled: false }`.
   */
  readonly tls: StackTlsOptions;
}

/** One Rocket.Chat release of a stack serving several: its namespace and its Tempo tenant. */
export interface TracingWorkspaceOptions {
  /** Namespace of the release; the spans of its pods go to this workspace's tenant. */
  readonly namespace: string;
  /**
   * Helm release name of the RocketChat chart in that namespace.
   * @default 'rocketchat'
   */
  readonly releaseName?: string;
  /**
   * The Tempo tenant (`X-Scope-OrgID`) holding the workspace's traces.
   * @default - the namespace
   */
  readonly tenant?: string;
  /**
   * Tempo limits and retention of the tenant (runtime overrides: a change needs no restart).
   * @default - tempo.limits and tempo.retention
   */
  readonly limits?: TenantLimits;
  /**
   * The release's tracing settings; the namespace and release name are the workspace's.
   * @default - the RocketChatTracingProps defaults
   */
  readonly rocketChat?: Omit<RocketChatTracingProps, 'collector' | 'trustedCa' | 'namespace' | 'releaseName'>;
}

/** A workspace as the stack built it. */
export interface TracingWorkspace {
  /** Namespace of the release. */
  readonly namespace: string;
  /** Its Tempo tenant. */
  readonly tenant: string;
  /** Its Rocket.Chat tracing environment and delivery forms. */
  readonly rocketChat: RocketChatTracing;
  /** The Certificate carrying the CA into its namespace, when the stack emits one. */
  readonly caCertificate?: Certificate;
}

/**
 * TLS on the collector's receivers and Tempo's, with Rocket.Chat and the collector verifying
 * them. Certificates come from cert-manager (`certManager`) or existing Secrets (both secret names).
 */
export interface StackTlsOptions {
  /** Serve the span path over TLS; `false` accepts plaintext inside the cluster. */
  readonly enabled: boolean;
  /**
   * The cert-manager issuer of the collector's and Tempo's certificates.
   * @default - none; give collectorSecretName and tempoSecretName instead
   */
  readonly certManager?: CertManagerIssuer;
  /**
   * An existing Secret (tls.crt, tls.key, ca.crt) for the collector's receivers.
   * @default - issued by certManager
   */
  readonly collectorSecretName?: string;
  /**
   * An existing Secret (tls.crt, tls.key, ca.crt) for Tempo's receivers.
   * @default - issued by certManager
   */
  readonly tempoSecretName?: string;
  /**
   * The CA Rocket.Chat verifies the collector with: a Secret in Rocket.Chat's namespace (with
   * `workspaces`, a Secret of this name in every workspace's namespace).
   * @default - with a ClusterIssuer, a cert-manager Certificate in Rocket.Chat's namespace whose
   * Secret carries the issuer's `ca.crt`; with an Issuer or existing Secrets, required unless
   * Rocket.Chat shares the stack's namespace (the collector's Secret then serves)
   */
  readonly rocketChatTrustedCa?: TrustedCa;
}

/** The stack's policy set; the flows between its own parts come from the constructs. */
export interface StackNetworkPolicyOptions extends Omit<TracingNetworkPoliciesProps, 'tempo' | 'collector' | 'rocketChat'> {
  /**
   * Emit the policy set.
   * @default false
   */
  readonly enabled?: boolean;
}

/**
 * The whole tracing stack as one chart: the namespace, Tempo and the collector exporting to it,
 * wired by typed attributes. Synthesizes to one file with the Namespace first.
 */
export class TracingStack extends Chart {
  /** Tempo. */
  public readonly tempo: TempoStack;
  /** The gateway collector; Rocket.Chat sends its spans here. */
  public readonly collector: OtelCollector;
  /**
   * Rocket.Chat's tracing environment and its delivery forms; with `workspaces`, the first
   * workspace's (every workspace's is in `workspaces`).
   */
  public readonly rocketChat: RocketChatTracing;
  /** The workspaces, in the order given; empty for a stack serving one release without tenants. */
  public readonly workspaces: readonly TracingWorkspace[];
  /** Grafana datasources, dashboards and the alerting rules. */
  public readonly grafana: GrafanaTracingIntegration;
  /** The stack's NetworkPolicies, when enabled. */
  public readonly networkPolicies?: TracingNetworkPolicies;

  /** The Certificate carrying the CA into Rocket.Chat's namespace, when the stack emits it (with `workspaces`, the first workspace's). */
  public readonly rocketChatCaCertificate?: Certificate;

  constructor(scope: Construct, id: string, props: TracingStackProps) {
    // The chart itself gets no namespace: cdk8s would stamp it on cluster-scoped objects too.
    super(scope, id);
    const namespace = checkFormat('namespace', props?.namespace ?? DEFAULT_NAMESPACE, FORMATS.dnsLabel);
    const tls = resolveStackTls(props?.tls);
    const createNamespace = optionalBoolean('createNamespace', props.createNamespace, true);
    const workspaces = resolveWorkspaces(props);

    const namespaceObject = createNamespace
      ? new k8s.KubeNamespace(this, 'Namespace', {
        metadata: {
          name: namespace,
          labels: {
            ...projectLabels(),
            // Warn and audit only: the namespace is often shared with kube-prometheus-stack,
            // whose node-exporter cannot meet "restricted".
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
      })
      : undefined;

    // Spans reach Tempo's metrics-generator after the collector's tail-sampling wait; give the
    // generator that much slack (plus a minute for batching and retries) so they still count.
    const generator = props.tempo?.metricsGenerator;
    const metricsGenerator = generator?.enabled === false || generator?.ingestionSlackSeconds !== undefined
      ? generator
      : { ...generator, ingestionSlackSeconds: Math.max(30, samplingHoldSeconds(props.collector?.sampling) + 60) };
    // With workspaces, Tempo's tenants and their limits are the workspaces'.
    const tenancy = workspaces ? { tenants: workspaces.tempoTenants, tenantOverrides: workspaces.tenantOverrides } : {};
    const buildTempo = () => underProp('tempo', () => new TempoStack(this, 'Tempo', { ...props.tempo, metricsGenerator, namespace, ...tls?.tempo, ...tenancy }));
    this.tempo = workspaces ? workspaces.reportingLimits(buildTempo) : buildTempo();
    const traceBackend = { otlpGrpcEndpoint: underProp('tempo', () => this.tempo.otlpGrpcEndpoint), otlpGrpcTrustedCa: this.tempo.otlpGrpcTrustedCa };
    // Each workspace's namespace is routed to its tenant, after sampling.
    const routing = workspaces ? { tenants: workspaces.list.map((w) => ({ id: w.tenant, namespaces: [w.namespace] })), defaultTenant: workspaces.defaultTenant } : {};
    this.collector = underProp('collector', () => new OtelCollector(this, 'Collector', { ...props.collector, namespace, traceBackend, ...tls?.collector, ...routing }));
    // Rocket.Chat needs the collector's OTLP gRPC receiver: a disabled one is a collector error.
    const collector = underProp('collector', () => ({
      otlpGrpcUrl: this.collector.otlpGrpcUrl,
      namespace: this.collector.namespace,
      selectorLabels: this.collector.selectorLabels,
    }));
    if (workspaces) {
      this.workspaces = workspaces.list.map((w) => {
        const where = `workspaces[${w.index}]`;
        const environment = agreeingValue(
          [`${where}.rocketChat.environment`, w.rocketChat?.environment],
          ['collector.environment', props.collector?.environment],
          'deployment.environment.name',
        );
        agreeingValue(
          [`${where}.rocketChat.resourceAttributes['k8s.cluster.name']`, w.rocketChat?.resourceAttributes?.['k8s.cluster.name']],
          ['collector.clusterName', props.collector?.clusterName],
          'k8s.cluster.name',
        );
        const ca = tls ? this.rocketChatTrustedCa(tls, { namespace: w.namespace, releaseName: w.releaseName, description: `the Rocket.Chat of ${where}`, id: `RocketChatCa-${w.namespace}` }) : undefined;
        const rocketChat = underProp(`${where}.rocketChat`, () =>
          new RocketChatTracing(this, `RocketChat-${w.namespace}`, { ...w.rocketChat, namespace: w.namespace, releaseName: w.releaseName, environment, collector, trustedCa: ca?.ca }));
        return { namespace: w.namespace, tenant: w.tenant, rocketChat, caCertificate: ca?.certificate };
      });
      this.rocketChat = this.workspaces[0].rocketChat;
      this.rocketChatCaCertificate = this.workspaces[0].caCertificate;
    } else {
      this.workspaces = [];
      const environment = agreeingValue(
        ['rocketChat.environment', props.rocketChat?.environment],
        ['collector.environment', props.collector?.environment],
        'deployment.environment.name',
      );
      agreeingValue(
        ["rocketChat.resourceAttributes['k8s.cluster.name']", props.rocketChat?.resourceAttributes?.['k8s.cluster.name']],
        ['collector.clusterName', props.collector?.clusterName],
        'k8s.cluster.name',
      );
      const rocketChatNamespace = props.rocketChat?.namespace ?? DEFAULT_ROCKETCHAT_NAMESPACE;
      const rocketChatCa = tls
        ? this.rocketChatTrustedCa(tls, { namespace: rocketChatNamespace, releaseName: props.rocketChat?.releaseName, description: 'Rocket.Chat', id: 'RocketChatCa', paths: 'rocketChat' })
        : undefined;
      this.rocketChatCaCertificate = rocketChatCa?.certificate;
      const trustedCa = rocketChatCa?.ca;
      this.rocketChat = underProp('rocketChat', () => new RocketChatTracing(this, 'RocketChat', { ...props.rocketChat, environment, collector, trustedCa }));
    }
    // The pipeline alerts read the collector's and Tempo's own metrics: unscraped, "no spans
    // received" would fire for ever and the others could never fire.
    if (props.grafana?.alerts !== false) {
      for (const [component, monitor] of [['collector', props.collector?.serviceMonitor], ['tempo', props.tempo?.serviceMonitor]] as const) {
        if (monitor?.enabled === false) {
          throw new ValidationError(
            `grafana.alerts needs ${component}.serviceMonitor: the pipeline alerts read ${component === 'collector' ? "the collector's" : "Tempo's"} own metrics, which nothing scrapes with ${component}.serviceMonitor.enabled: false; set grafana.alerts: false too, or scrape it`,
          );
        }
      }
    }
    this.grafana = underProp('grafana', () => new GrafanaTracingIntegration(this, 'Grafana', { ...props.grafana, tempo: this.tempo, collector: this.collector }));
    const { enabled: policiesEnabled, ...policyProps } = props.networkPolicies ?? {};
    if (optionalBoolean('networkPolicies.enabled', policiesEnabled, false)) {
      this.networkPolicies = underProp('networkPolicies', () =>
        new TracingNetworkPolicies(this, 'NetworkPolicies', {
          // Grafana runs where the Grafana integration provisions it.
          grafana: { namespace: this.grafana.grafanaNamespace, podLabels: DEFAULT_GRAFANA_POD_LABELS },
          ...policyProps,
          tempo: this.tempo,
          collector: this.collector,
          // Every workspace's release sends spans, or the one release.
          rocketChat: this.workspaces.length ? this.workspaces.map((w) => w.rocketChat) : this.rocketChat,
        }));
    } else if (Object.keys(policyProps).length) {
      throw new ValidationError(`networkPolicies.${Object.keys(policyProps)[0]} needs networkPolicies.enabled: true; without it no policy is emitted`);
    }

    if (namespaceObject) {
      for (const child of this.node.children) {
        if (child !== namespaceObject) child.node.addDependency(namespaceObject);
      }
    }
  }

  /**
   * The Secret in a Rocket.Chat namespace holding the CA that signed the collector's certificate.
   * `paths` names the props the release's namespace and name came from, when they were not checked yet.
   */
  private rocketChatTrustedCa(
    tls: ResolvedStackTls,
    release: { namespace: string; releaseName: string | undefined; description: string; id: string; paths?: string },
  ): { ca: TrustedCa; certificate?: Certificate } {
    if (tls.rocketChatTrustedCa) return { ca: tls.rocketChatTrustedCa };
    // Same namespace: the collector's own Secret carries the CA.
    if (release.namespace === this.collector.namespace && this.collector.trustedCa) return { ca: this.collector.trustedCa };
    const issuer = tls.certManager;
    if (!issuer || (issuer.kind ?? 'ClusterIssuer') !== 'ClusterIssuer') {
      throw new ValidationError(
        `tls.rocketChatTrustedCa is required: ${release.description} (namespace ${JSON.stringify(release.namespace)}) must verify the collector's certificate, and ${issuer ? `an Issuer cannot issue into that namespace` : 'the CA of existing Secrets is not known to the stack'}; name a Secret there holding the CA (ca.crt)`,
      );
    }
    // A ClusterIssuer can issue into Rocket.Chat's namespace: the Secret of this Certificate
    // carries the issuer's CA (ca.crt), which is what Rocket.Chat mounts.
    const at = (key: string) => (release.paths ? `${release.paths}.${key}` : key);
    const name = `${checkFormat(at('releaseName'), release.releaseName ?? DEFAULT_ROCKETCHAT_RELEASE, FORMATS.helmRelease)}-tracing-ca`;
    const certificate = new Certificate(this, release.id, {
      metadata: { name, namespace: checkFormat(at('namespace'), release.namespace, FORMATS.dnsLabel), labels: projectLabels() },
      spec: {
        secretName: name,
        issuerRef: { name: issuer.name, kind: 'ClusterIssuer', group: 'cert-manager.io' },
        commonName: name,
        ...CERTIFICATE_POLICY,
        privateKey: { ...CERTIFICATE_POLICY.privateKey },
        // A client certificate nobody presents: only its Secret's ca.crt is used.
        usages: [CertificateSpecUsages.CLIENT_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE],
      },
    });
    return { ca: { secretName: name, key: CA_KEY }, certificate };
  }
}

interface ResolvedStackTls {
  readonly certManager?: CertManagerIssuer;
  readonly collector: { readonly tls: ServerTlsOptions };
  readonly tempo: { readonly tls: ServerTlsOptions };
  readonly rocketChatTrustedCa?: TrustedCa;
}

const TLS_REQUIRED =
  'tls is required: { enabled: true, certManager: { name: <ClusterIssuer> } } serves the span path over TLS; { enabled: false } accepts plaintext inside the cluster (README "Encryption in transit")';

function resolveStackTls(tls: StackTlsOptions | undefined): ResolvedStackTls | undefined {
  if (tls === undefined || tls === null) throw new ValidationError(TLS_REQUIRED);
  const enabled = optionalBoolean('tls.enabled', tls.enabled, undefined as unknown as boolean);
  if (enabled === undefined) throw new ValidationError(`tls.enabled must be true or false, got undefined: ${TLS_REQUIRED}`);
  const others = (['certManager', 'collectorSecretName', 'tempoSecretName', 'rocketChatTrustedCa'] as const).filter((k) => tls[k] !== undefined);
  if (!enabled) {
    if (others.length) throw new ValidationError(`tls.${others[0]} needs tls.enabled: true; with plaintext it would be ignored`);
    return undefined;
  }
  const secrets = [tls.collectorSecretName, tls.tempoSecretName].filter((s) => s !== undefined).length;
  if (tls.certManager !== undefined ? secrets > 0 : secrets !== 2) {
    throw new ValidationError(
      `tls needs either certManager (cert-manager issues both certificates) or both collectorSecretName and tempoSecretName (existing Secrets), got ${others.filter((k) => k !== 'rocketChatTrustedCa').join(' and ') || 'neither'}`,
    );
  }
  const certManager = tls.certManager === undefined
    ? undefined
    : {
      name: checkFormat('tls.certManager.name', tls.certManager.name, FORMATS.dnsSubdomain),
      kind: checkOneOf('tls.certManager.kind', tls.certManager.kind ?? 'ClusterIssuer', ['ClusterIssuer', 'Issuer'] as const),
    };
  const source = (secretName: string | undefined): ServerTlsOptions => (certManager !== undefined ? { certManager } : { secretName });
  return {
    certManager,
    collector: { tls: source(tls.collectorSecretName) },
    tempo: { tls: source(tls.tempoSecretName) },
    rocketChatTrustedCa: tls.rocketChatTrustedCa,
  };
}

/**
 * Two settings of one resource attribute: Rocket.Chat's value reaches its spans first and the
 * collector only inserts missing attributes, so different values would leave the collector's unused.
 */
function agreeingValue(rocketChat: [string, string | undefined], collector: [string, string | undefined], attribute: string): string | undefined {
  if (rocketChat[1] !== undefined && collector[1] !== undefined && rocketChat[1] !== collector[1]) {
    throw new ValidationError(
      `${rocketChat[0]} and ${collector[0]} must agree, got ${JSON.stringify(rocketChat[1])} and ${JSON.stringify(collector[1])}: both set ${attribute}, and the collector never overwrites what Rocket.Chat sends`,
    );
  }
  return rocketChat[1] ?? collector[1];
}

/** Tempo's tenant of every trace with multitenancy off: no workspace may be it. */
const SINGLE_TENANT = TENANT_IDS[0];

interface ResolvedWorkspace {
  readonly index: number;
  readonly namespace: string;
  readonly releaseName: string;
  readonly tenant: string;
  readonly rocketChat?: TracingWorkspaceOptions['rocketChat'];
}

interface ResolvedWorkspaces {
  readonly list: readonly ResolvedWorkspace[];
  /** Every tenant Tempo serves: the workspaces', then a default tenant of its own. */
  readonly tempoTenants: readonly string[];
  readonly tenantOverrides: Readonly<Record<string, TenantLimits>>;
  readonly defaultTenant?: string;
  /** Runs `build` (Tempo), reporting errors in a workspace's limits under `workspaces[i].limits`. */
  reportingLimits<T>(build: () => T): T;
}

const WORKSPACE_SHAPE = 'a non-empty list of { namespace, releaseName?, tenant?, limits?, rocketChat? }';

/** Checks `workspaces` and what they decide for the other props; undefined without workspaces. */
function resolveWorkspaces(props: TracingStackProps): ResolvedWorkspaces | undefined {
  // The tenants are the workspaces': refuse them where the types forbid them (from JavaScript).
  const tenantProps: [string, unknown][] = [
    ['tempo.tenants', (props.tempo as TempoStackProps | undefined)?.tenants],
    ['collector.tenants', (props.collector as OtelCollectorProps | undefined)?.tenants],
    ['collector.defaultTenant', (props.collector as OtelCollectorProps | undefined)?.defaultTenant],
  ];
  for (const [prop, value] of tenantProps) {
    if (value !== undefined) throw new ValidationError(`${prop} must be unset, got ${describeValue(value)}: the stack's tenants are its workspaces' (workspaces[].tenant and defaultTenant)`);
  }
  const given = props.workspaces;
  if (given === undefined) {
    if (props.defaultTenant !== undefined) {
      throw new ValidationError(`defaultTenant needs workspaces, got ${describeValue(props.defaultTenant)} without any: a stack serving one release has no tenants`);
    }
    return undefined;
  }
  if (!Array.isArray(given) || given.length === 0) invalidProp('workspaces', WORKSPACE_SHAPE, given);
  if (props.rocketChat !== undefined) {
    invalidProp(
      'rocketChat',
      "unset with workspaces (each workspace's Rocket.Chat settings go in workspaces[].rocketChat, its namespace and release name in workspaces[].namespace and workspaces[].releaseName)",
      props.rocketChat,
    );
  }
  const list = given.map((w, index): ResolvedWorkspace => {
    const where = `workspaces[${index}]`;
    if (w === null || typeof w !== 'object') invalidProp(where, 'a workspace { namespace, releaseName?, tenant?, limits?, rocketChat? }', w);
    const namespace = checkFormat(`${where}.namespace`, w.namespace, FORMATS.dnsLabel);
    const tenant = checkFormat(`${where}.tenant`, w.tenant ?? namespace, FORMATS.tenantId);
    if (tenant === SINGLE_TENANT) invalidProp(`${where}.tenant`, `a tenant id other than "${SINGLE_TENANT}" (Tempo's tenant for every trace when multitenancy is off)`, tenant);
    for (const key of ['namespace', 'releaseName'] as const) {
      if ((w.rocketChat as RocketChatTracingProps | undefined)?.[key] !== undefined) {
        invalidProp(`${where}.rocketChat.${key}`, `unset: it is the workspace's (${where}.${key})`, (w.rocketChat as RocketChatTracingProps)[key]);
      }
    }
    return {
      index,
      namespace,
      releaseName: checkFormat(`${where}.releaseName`, w.releaseName ?? DEFAULT_ROCKETCHAT_RELEASE, FORMATS.helmRelease),
      tenant,
      rocketChat: w.rocketChat,
    };
  });
  for (const key of ['namespace', 'tenant'] as const) {
    for (const w of list) {
      const first = list.find((o) => o[key] === w[key])!;
      if (first === w) continue;
      const defaulted = given[w.index].tenant === undefined ? ' (the tenant defaults to the namespace)' : '';
      const why = key === 'namespace' ? "a namespace's spans go to one workspace's tenant" : `each workspace has a tenant of its own${defaulted}, or their traces would mix`;
      throw new ValidationError(`workspaces[${w.index}].${key} must differ from workspaces[${first.index}].${key}, got ${describeValue(w[key])} for both: ${why}`);
    }
  }
  const tenants = list.map((w) => w.tenant);
  let defaultTenant: string | undefined;
  if (props.defaultTenant !== undefined) {
    defaultTenant = checkFormat('defaultTenant', props.defaultTenant, FORMATS.tenantId);
    const owner = list.find((w) => w.tenant === defaultTenant);
    if (owner) {
      throw new ValidationError(
        `defaultTenant must differ from every workspace's tenant, got ${describeValue(defaultTenant)}, the tenant of workspaces[${owner.index}]: spans from other namespaces would show in that workspace`,
      );
    }
    if (defaultTenant === SINGLE_TENANT) invalidProp('defaultTenant', `a tenant id other than "${SINGLE_TENANT}" (Tempo's tenant for every trace when multitenancy is off)`, defaultTenant);
  }
  if (props.collector?.kubernetesAttributes === false) {
    throw new ValidationError(
      "collector.kubernetesAttributes must be true with workspaces, got false: each workspace's spans are routed to its tenant by k8s.namespace.name, which the Kubernetes attributes processor sets from the sending pod",
    );
  }
  const tenantOverrides: Record<string, TenantLimits> = { ...props.tempo?.tenantOverrides };
  for (const w of list) {
    const limits = given[w.index].limits;
    if (limits === undefined) continue;
    if (tenantOverrides[w.tenant] !== undefined) {
      throw new ValidationError(
        `tempo.tenantOverrides.${w.tenant} must be unset, got ${describeValue(tenantOverrides[w.tenant])}: workspaces[${w.index}].limits sets the limits of tenant ${describeValue(w.tenant)}`,
      );
    }
    tenantOverrides[w.tenant] = limits;
  }
  return {
    list,
    tempoTenants: defaultTenant === undefined ? tenants : [...tenants, defaultTenant],
    tenantOverrides,
    defaultTenant,
    reportingLimits<T>(build: () => T): T {
      try {
        return build();
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        // Tempo names a tenant's limits `tenantOverrides.<tenant>`; longest ids first ("a.b" before "a").
        const owners = list.filter((w) => given[w.index].limits !== undefined).sort((a, b) => b.tenant.length - a.tenant.length);
        const owner = owners.find((w) => error.message.startsWith(`tempo.tenantOverrides.${w.tenant}.`));
        if (!owner) throw error;
        throw new ValidationError(error.message.replace(/^tempo\./, '').split(`tenantOverrides.${owner.tenant}.`).join(`workspaces[${owner.index}].limits.`));
      }
    },
  };
}

/** Runs `build`, reporting its validation errors under `prop` (`retention` → `tempo.retention`). */
function underProp<T>(prop: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${prop}.${error.message}`);
    throw error;
  }
}
