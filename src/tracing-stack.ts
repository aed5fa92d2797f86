import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_NAMESPACE, DEFAULT_ROCKETCHAT_NAMESPACE, DEFAULT_ROCKETCHAT_RELEASE } from './common/defaults';
import { ValidationError, checkOneOf, optionalBoolean } from './common/errors';
import { FORMATS, checkFormat } from './common/formats';
import { projectLabels } from './common/labels';
import { samplingHoldSeconds } from './collector/_hold';
import { OtelCollector, OtelCollectorProps } from './collector/otel-collector';
import { GrafanaTracingIntegration, GrafanaTracingIntegrationProps } from './grafana/grafana-tracing-integration';
import { DEFAULT_GRAFANA_POD_LABELS, TracingNetworkPolicies, TracingNetworkPoliciesProps } from './network/tracing-network-policies';
import { RocketChatTracing, RocketChatTracingProps } from './rocketchat/rocketchat-tracing';
import { TempoStack, TempoStackProps } from './tempo/tempo-stack';
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
   * Tempo settings; `namespace` and `tls` come from the stack.
   * @default - the TempoStackProps defaults
   */
  readonly tempo?: Omit<TempoStackProps, 'namespace' | 'tls'>;
  /**
   * Collector settings; `namespace` and `tls` come from the stack and the export target is the stack's Tempo.
   * @default - the OtelCollectorProps defaults
   */
  readonly collector?: Omit<OtelCollectorProps, 'namespace' | 'traceBackend' | 'tls'>;
  /**
   * Rocket.Chat's native tracing; it exports to the stack's collector.
   * @default - the RocketChatTracingProps defaults
   */
  readonly rocketChat?: Omit<RocketChatTracingProps, 'collector' | 'trustedCa'>;
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
   * The CA Rocket.Chat verifies the collector with: a Secret in Rocket.Chat's namespace.
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
  /** Rocket.Chat's tracing environment and its delivery forms. */
  public readonly rocketChat: RocketChatTracing;
  /** Grafana datasources, dashboards and the alerting rules. */
  public readonly grafana: GrafanaTracingIntegration;
  /** The stack's NetworkPolicies, when enabled. */
  public readonly networkPolicies?: TracingNetworkPolicies;

  /** The Certificate carrying the CA into Rocket.Chat's namespace, when the stack emits it. */
  public readonly rocketChatCaCertificate?: Certificate;

  constructor(scope: Construct, id: string, props: TracingStackProps) {
    // The chart itself gets no namespace: cdk8s would stamp it on cluster-scoped objects too.
    super(scope, id);
    const namespace = checkFormat('namespace', props?.namespace ?? DEFAULT_NAMESPACE, FORMATS.dnsLabel);
    const tls = resolveStackTls(props?.tls);
    const createNamespace = optionalBoolean('createNamespace', props.createNamespace, true);

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
    this.tempo = underProp('tempo', () => new TempoStack(this, 'Tempo', { ...props.tempo, metricsGenerator, namespace, ...tls?.tempo }));
    const traceBackend = { otlpGrpcEndpoint: underProp('tempo', () => this.tempo.otlpGrpcEndpoint), otlpGrpcTrustedCa: this.tempo.otlpGrpcTrustedCa };
    this.collector = underProp('collector', () => new OtelCollector(this, 'Collector', { ...props.collector, namespace, traceBackend, ...tls?.collector }));
    // Rocket.Chat needs the collector's OTLP gRPC receiver: a disabled one is a collector error.
    const collector = underProp('collector', () => ({
      otlpGrpcUrl: this.collector.otlpGrpcUrl,
      namespace: this.collector.namespace,
      selectorLabels: this.collector.selectorLabels,
    }));
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
    const rocketChatCa = tls ? this.rocketChatTrustedCa(tls, props.rocketChat) : undefined;
    this.rocketChatCaCertificate = rocketChatCa?.certificate;
    const trustedCa = rocketChatCa?.ca;
    this.rocketChat = underProp('rocketChat', () => new RocketChatTracing(this, 'RocketChat', { ...props.rocketChat, environment, collector, trustedCa }));
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
          rocketChat: this.rocketChat,
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

  /** The Secret in Rocket.Chat's namespace holding the CA that signed the collector's certificate. */
  private rocketChatTrustedCa(tls: ResolvedStackTls, rocketChat: TracingStackProps['rocketChat']): { ca: TrustedCa; certificate?: Certificate } {
    if (tls.rocketChatTrustedCa) return { ca: tls.rocketChatTrustedCa };
    const rocketChatNamespace = rocketChat?.namespace ?? DEFAULT_ROCKETCHAT_NAMESPACE;
    // Same namespace: the collector's own Secret carries the CA.
    if (rocketChatNamespace === this.collector.namespace && this.collector.trustedCa) return { ca: this.collector.trustedCa };
    const issuer = tls.certManager;
    if (!issuer || (issuer.kind ?? 'ClusterIssuer') !== 'ClusterIssuer') {
      throw new ValidationError(
        `tls.rocketChatTrustedCa is required: Rocket.Chat (namespace ${JSON.stringify(rocketChatNamespace)}) must verify the collector's certificate, and ${issuer ? `an Issuer cannot issue into that namespace` : 'the CA of existing Secrets is not known to the stack'}; name a Secret there holding the CA (ca.crt)`,
      );
    }
    // A ClusterIssuer can issue into Rocket.Chat's namespace: the Secret of this Certificate
    // carries the issuer's CA (ca.crt), which is what Rocket.Chat mounts.
    const name = `${checkFormat('rocketChat.releaseName', rocketChat?.releaseName ?? DEFAULT_ROCKETCHAT_RELEASE, FORMATS.helmRelease)}-tracing-ca`;
    const certificate = new Certificate(this, 'RocketChatCa', {
      metadata: { name, namespace: checkFormat('rocketChat.namespace', rocketChatNamespace, FORMATS.dnsLabel), labels: projectLabels() },
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

/** Runs `build`, reporting its validation errors under `prop` (`retention` → `tempo.retention`). */
function underProp<T>(prop: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${prop}.${error.message}`);
    throw error;
  }
}
