import { ApiObject, JsonPatch } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Instrumentation, InstrumentationSpecPropagators, InstrumentationSpecSamplerType } from '../../imports/opentelemetry.io';
import { ValidationError, describeValue, invalidProp, optionalBoolean } from '../common/errors';
import { FORMATS, checkFormat } from '../common/formats';
import { DEFAULT_ROCKETCHAT_NAMESPACE, DEFAULT_ROCKETCHAT_RELEASE } from '../common/defaults';
import { namespaceNameSelector, projectLabels } from '../common/labels';
import { CA_KEY, TrustedCa, caVolume, resolveTrustedCa } from '../common/tls';
import {
  EnvVar,
  Propagator,
  checkGrpcEndpoint,
  checkPropagators,
  checkProtocol,
  checkResourceAttributes,
  checkSamplingRatio,
  tracingEnvironment,
} from './_environment';
import { ALL_WORKLOADS, DEFAULT_WORKLOADS, RocketChatWorkload, SERVICES_OUTSIDE_THE_CHART, WORKLOADS } from './workloads';

/** Where Rocket.Chat sends its spans: an OTLP gRPC receiver, typically `OtelCollector`. */
export interface OtlpGrpcTarget {
  /** `http://host:4317`: what OTEL_EXPORTER_OTLP_ENDPOINT is set to. */
  readonly otlpGrpcUrl: string;
  /**
   * Namespace of the receiving pods.
   * @default - none; required by `networkPolicies`
   */
  readonly namespace?: string;
  /**
   * Labels selecting the receiving pods.
   * @default - none; required by `networkPolicies`
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /**
   * The port the receiving pods listen on for OTLP gRPC, which network policies match.
   * @default - the port of `otlpGrpcUrl` (the Service port; the stack's collector listens on the same)
   */
  readonly otlpGrpcPodPort?: number;
}

/** The OpenTelemetry Operator alternative: an Instrumentation that injects environment only. */
export interface RocketChatInstrumentationOptions {
  /**
   * Emit the `Instrumentation` (opentelemetry.io/v1alpha1; needs the OpenTelemetry Operator).
   * Pods opt in with the annotation in `instrumentationAnnotations`; the Helm values then
   * annotate the core and every traced microservice.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * Name of the Instrumentation, referenced by the pod annotation.
   * @default 'rocketchat-tracing'
   */
  readonly name?: string;
}

export interface RocketChatTracingProps {
  /** The OTLP gRPC receiver Rocket.Chat exports to, e.g. the stack's `OtelCollector`. */
  readonly collector: OtlpGrpcTarget;
  /**
   * Namespace Rocket.Chat runs in.
   * @default 'rocketchat'
   */
  readonly namespace?: string;
  /**
   * Helm release name of the RocketChat chart; Deployment names and pod labels derive from it.
   * @default 'rocketchat'
   */
  readonly releaseName?: string;
  /**
   * The chart's workloads to trace. `stream-hub` is off in the chart by default (and refused by
   * it for Rocket.Chat 8). queue-worker and omnichannel-transcript are not in the chart: apply
   * `instrument()` to their Deployments in your own app.
   * @default ['core', 'presence', 'ddp-streamer', 'account', 'authorization']
   */
  readonly workloads?: readonly RocketChatWorkload[];
  /**
   * `deployment.environment.name` on every span.
   * @default 'production'
   */
  readonly environment?: string;
  /**
   * The Rocket.Chat version running, sent as `service.version`.
   * @default - no service.version
   */
  readonly rocketChatVersion?: string;
  /**
   * Fraction of new traces Rocket.Chat records (`parentbased_traceidratio`); spans with a
   * sampled parent are always recorded. With the collector's tail sampling, keep 1 so the
   * collector decides with the whole trace in hand.
   * @default 1
   */
  readonly samplingRatio?: number;
  /**
   * Context propagation formats (OTEL_PROPAGATORS). Rocket.Chat propagates context between
   * its services through the broker; every service must use the same list.
   * @default ['tracecontext', 'baggage']
   */
  readonly propagators?: readonly Propagator[];
  /**
   * Extra resource attributes on every span, e.g. `{ 'k8s.cluster.name': 'aks-prod' }`.
   * service.name, service.version and deployment.environment.name are refused (see their props).
   * @default {}
   */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /**
   * Longest attribute value the SDK exports, in characters (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT).
   * Rocket.Chat puts whole MongoDB commands in `db.statement`; this caps span size at the source.
   * @default 4096
   */
  readonly attributeValueLengthLimit?: number;
  /**
   * OTLP protocol. Only `grpc`: Rocket.Chat builds the gRPC exporter itself.
   * @default 'grpc'
   */
  readonly protocol?: 'grpc';
  /**
   * The OpenTelemetry Operator delivery.
   * @default - disabled
   */
  readonly instrumentation?: RocketChatInstrumentationOptions;
  /**
   * The CA that verifies the collector's certificate when `collector.otlpGrpcUrl` is https: a
   * Secret in Rocket.Chat's namespace. Every delivery form mounts it and points
   * OTEL_EXPORTER_OTLP_CERTIFICATE at it (without it Node.js would try its public roots).
   * @default - none; required with an https collector URL
   */
  readonly trustedCa?: TrustedCa;
  /**
   * Emit a NetworkPolicy in the Rocket.Chat namespace allowing the traced Rocket.Chat pods egress
   * to the collector's OTLP gRPC port, for namespaces that deny egress by default. (The collector
   * side is part of the stack's policy set, `TracingNetworkPolicies`.) A policy that selects a pod
   * isolates it: in a namespace without other egress policies this one would cut Rocket.Chat's
   * other egress (MongoDB, NATS, DNS). It selects the chart's pods only: workloads passed to
   * `instrument()` need their own.
   * @default false
   */
  readonly networkPolicies?: boolean;
}

/** A strategic merge patch adding the contract to one Deployment's Rocket.Chat container. */
export interface DeploymentPatch {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly containers: readonly [{ readonly name: string; readonly env: readonly EnvVar[]; readonly volumeMounts?: readonly k8s.VolumeMount[] }];
        readonly volumes?: readonly k8s.Volume[];
      };
    };
  };
}

/** Options of `RocketChatTracing.instrument()`. */
export interface InstrumentOptions {
  /**
   * The container running Rocket.Chat.
   * @default - the only container; required when the pod has several
   */
  readonly containerName?: string;
}

/** Where the traced containers mount the CA that verifies the collector. */
const CA_VOLUME = 'rocketchat-tracing-ca';
const CA_MOUNT_PATH = '/etc/rocketchat-tracing/ca';

/** The pod annotation that asks the OpenTelemetry Operator to inject environment only. */
export const INJECT_SDK_ANNOTATION = 'instrumentation.opentelemetry.io/inject-sdk';

/**
 * Turns on Rocket.Chat's native OpenTelemetry tracing (core and microservices) with one
 * environment contract, delivered four ways: Helm values for the RocketChat chart, an
 * OpenTelemetry Operator Instrumentation, Deployment patches for an existing release, and
 * `instrument()` for workloads defined in a cdk8s app.
 */
export class RocketChatTracing extends Construct {
  /** Rocket.Chat's namespace. */
  public readonly namespace: string;
  /** The RocketChat chart's release name. */
  public readonly releaseName: string;
  /** The traced chart workloads. */
  public readonly workloads: readonly RocketChatWorkload[];
  /** The environment contract: the variables every traced Rocket.Chat container gets, in order. */
  public readonly environmentVariables: readonly EnvVar[];
  /** The Instrumentation, when enabled. */
  public readonly instrumentation?: Instrumentation;
  /** Pod annotations that opt a pod into the Instrumentation; empty when it is disabled. */
  public readonly instrumentationAnnotations: Readonly<Record<string, string>>;

  /** The collector pods' OTLP gRPC port, which network policies allow. */
  public readonly collectorPodPort: number;
  /** The volume carrying the trusted CA, when the collector serves TLS. */
  public readonly caVolume?: k8s.Volume;
  /** Where the traced container mounts `caVolume`. */
  public readonly caVolumeMount?: k8s.VolumeMount;

  constructor(scope: Construct, id: string, props: RocketChatTracingProps) {
    super(scope, id);

    // Validate everything before creating any object.
    const { url: endpoint, port: servicePort } = checkGrpcEndpoint('collector.otlpGrpcUrl', props.collector?.otlpGrpcUrl);
    const podPort = props.collector.otlpGrpcPodPort ?? servicePort;
    if (!Number.isInteger(podPort) || podPort < 1 || podPort > 65535) invalidProp('collector.otlpGrpcPodPort', 'a port number from 1 to 65535', props.collector.otlpGrpcPodPort);
    this.collectorPodPort = podPort;
    this.namespace = checkFormat('namespace', props.namespace ?? DEFAULT_ROCKETCHAT_NAMESPACE, FORMATS.dnsLabel);
    this.releaseName = checkFormat('releaseName', props.releaseName ?? DEFAULT_ROCKETCHAT_RELEASE, FORMATS.helmRelease);
    this.workloads = checkWorkloads('workloads', props.workloads ?? DEFAULT_WORKLOADS);
    const environmentName = checkFormat('environment', props.environment ?? 'production', FORMATS.attributeValue);
    const rocketChatVersion = props.rocketChatVersion === undefined ? undefined : checkFormat('rocketChatVersion', props.rocketChatVersion, FORMATS.releaseVersion);
    const samplingRatio = checkSamplingRatio('samplingRatio', props.samplingRatio ?? 1);
    const propagators = checkPropagators('propagators', props.propagators ?? ['tracecontext', 'baggage']);
    const resourceAttributes = checkResourceAttributes('resourceAttributes', props.resourceAttributes);
    const lengthLimit = props.attributeValueLengthLimit ?? 4096;
    if (!Number.isInteger(lengthLimit) || lengthLimit < 256 || lengthLimit > 1_048_576) {
      invalidProp('attributeValueLengthLimit', 'an integer from 256 to 1048576 (characters)', props.attributeValueLengthLimit);
    }
    checkProtocol('protocol', props.protocol);
    const instrumentationEnabled = optionalBoolean('instrumentation.enabled', props.instrumentation?.enabled, false);
    const instrumentationName = checkFormat('instrumentation.name', props.instrumentation?.name ?? 'rocketchat-tracing', FORMATS.dnsSubdomain);
    if (!instrumentationEnabled && props.instrumentation?.name !== undefined) {
      throw new ValidationError('instrumentation.name needs instrumentation.enabled: true; without it no Instrumentation is emitted and the name would be ignored');
    }
    const trustedCa = props.trustedCa === undefined ? undefined : resolveTrustedCa('trustedCa', props.trustedCa);
    const overTls = endpoint.startsWith('https://');
    if (overTls && !trustedCa) {
      throw new ValidationError(
        `trustedCa is required with an https collector URL (${endpoint}): name a Secret in namespace ${JSON.stringify(this.namespace)} holding the CA that signed the collector's certificate`,
      );
    }
    if (!overTls && trustedCa) {
      throw new ValidationError(`trustedCa needs an https collector URL, got ${describeValue(endpoint)}: over plaintext the CA would be ignored`);
    }
    const networkPolicies = optionalBoolean('networkPolicies', props.networkPolicies, false);
    if (networkPolicies) {
      if (props.collector.namespace === undefined) throw new ValidationError('collector.namespace is required by networkPolicies: the policy selects the collector pods by namespace');
      checkFormat('collector.namespace', props.collector.namespace, FORMATS.dnsLabel);
      if (!props.collector.selectorLabels || Object.keys(props.collector.selectorLabels).length === 0) {
        invalidProp('collector.selectorLabels', 'the labels of the collector pods (required by networkPolicies)', props.collector.selectorLabels);
      }
    }

    const resolved = {
      endpoint,
      environment: environmentName,
      rocketChatVersion,
      samplingRatio,
      propagators,
      resourceAttributes,
      attributeValueLengthLimit: lengthLimit,
      caFile: trustedCa ? `${CA_MOUNT_PATH}/${CA_KEY}` : undefined,
    };
    this.environmentVariables = tracingEnvironment(resolved);
    if (trustedCa) {
      // Optional: a missing CA Secret fails the export (logged), not Rocket.Chat's start.
      const volume = caVolume(CA_VOLUME, trustedCa);
      this.caVolume = { ...volume, secret: { ...volume.secret, optional: true } };
      this.caVolumeMount = { name: CA_VOLUME, mountPath: CA_MOUNT_PATH, readOnly: true };
    }

    if (instrumentationEnabled) {
      this.instrumentation = new Instrumentation(this, 'Instrumentation', {
        metadata: { name: instrumentationName, namespace: this.namespace, labels: projectLabels() },
        spec: {
          // The whole contract as env: the operator adds these first and only fills in what is
          // still missing from its own fields, so they win. Resource attributes in
          // spec.resource would rank below the ones it derives (service.version from the image tag).
          // The CA file too: the chart mounts it into every pod (Helm values extraVolumes). The
          // operator's exporter.tls.secretName would mount the whole Secret, keys included.
          env: this.environmentVariables.map((v) => ({ name: v.name, value: v.value })),
          // The same values, for readers of the resource; the env above takes precedence.
          exporter: { endpoint },
          propagators: propagators.map((p) => OPERATOR_PROPAGATORS[p]),
          sampler: { type: InstrumentationSpecSamplerType.PARENTBASED_UNDERSCORE_TRACEIDRATIO, argument: String(samplingRatio) },
        },
      });
      this.instrumentationAnnotations = { [INJECT_SDK_ANNOTATION]: instrumentationName };
    } else {
      this.instrumentationAnnotations = {};
    }

    if (networkPolicies) this.addNetworkPolicies(props.collector as Required<OtlpGrpcTarget>);
  }

  /** Deployment names of the traced workloads, for this release. */
  public get deploymentNames(): readonly string[] {
    return this.workloads.map((w) => WORKLOADS[w].deploymentName(this.releaseName));
  }

  /** Labels and expressions selecting exactly the traced Rocket.Chat pods of the release. */
  public get podSelector(): k8s.LabelSelector {
    return {
      matchLabels: { 'app.kubernetes.io/instance': this.releaseName },
      // The release label alone would also select the chart's MongoDB and NATS pods.
      matchExpressions: [
        { key: 'app.kubernetes.io/name', operator: 'In', values: this.workloads.map((w) => WORKLOADS[w].podNameLabel(this.releaseName)) },
      ],
    };
  }

  /**
   * Values for the official RocketChat chart: `extraEnv` carries the contract to the core; the
   * chart has no environment for the microservices, so with the Operator delivery every traced
   * pod (the core too, for the same Kubernetes attributes) gets the Instrumentation's
   * annotation, and without it the microservices get nothing.
   */
  public get helmValues(): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    if (this.caVolume && this.caVolumeMount) {
      // The chart puts these on the core and every microservice.
      values.extraVolumes = [structuredClone(this.caVolume)];
      values.extraVolumeMounts = [{ ...this.caVolumeMount }];
    }
    if (this.workloads.includes('core')) {
      values.extraEnv = this.environmentVariables.map((v) => ({ ...v }));
      if (this.instrumentation) values.podAnnotations = { ...this.instrumentationAnnotations };
    }
    const microservices: Record<string, unknown> = {};
    if (this.instrumentation) {
      for (const w of this.workloads) {
        const key = WORKLOADS[w].valuesKey;
        if (key) microservices[key] = { annotations: { ...this.instrumentationAnnotations } };
      }
    }
    if (Object.keys(microservices).length) values.microservices = microservices;
    return values;
  }

  /** Workloads the Helm values cannot reach (no environment in the chart, no Operator). */
  public get workloadsOutsideHelmValues(): readonly RocketChatWorkload[] {
    return this.workloads.filter((w) => w !== 'core' && !this.instrumentation);
  }

  /**
   * Strategic merge patches adding the contract to each traced Deployment of an existing
   * release, keyed by Deployment name: usable with `kubectl -n <namespace> patch --patch-file`
   * and as kustomize patches. No namespace: the chart renders its Deployments without one.
   */
  public get deploymentPatches(): Readonly<Record<string, DeploymentPatch>> {
    const patches: Record<string, DeploymentPatch> = {};
    for (const w of this.workloads) {
      const name = WORKLOADS[w].deploymentName(this.releaseName);
      patches[name] = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: WORKLOADS[w].containerName,
                  env: this.environmentVariables.map((v) => ({ ...v })),
                  ...(this.caVolumeMount ? { volumeMounts: [{ ...this.caVolumeMount }] } : {}),
                },
              ],
              ...(this.caVolume ? { volumes: [structuredClone(this.caVolume)] } : {}),
            },
          },
        },
      };
    }
    return patches;
  }

  /**
   * Adds the environment contract to a workload of your own cdk8s app: a cdk8s-plus workload
   * (Deployment, StatefulSet, DaemonSet, Job) or a raw Deployment/StatefulSet/DaemonSet
   * ApiObject. A variable the container already sets is an error rather than overwritten.
   */
  public instrument(workload: plus.Workload | ApiObject, options: InstrumentOptions = {}): void {
    if (workload instanceof plus.Workload) {
      const container = pickContainer(workload.containers, (c) => c.name, options.containerName, workload.node.path);
      for (const { name, value } of this.environmentVariables) {
        if (container.env.variables[name] !== undefined) throw conflict(workload.node.path, container.name, name);
        container.env.addVariable(name, plus.EnvValue.fromValue(value));
      }
      if (this.caVolume && this.caVolumeMount) {
        const ca = this.caVolume.secret as { secretName: string; items: { key: string }[] };
        // One volume per pod, whichever of its containers are traced.
        const volume = (workload.node.tryFindChild('RocketChatTracingCa') as plus.Volume | undefined)
          ?? plus.Volume.fromSecret(workload, 'RocketChatTracingCa', plus.Secret.fromSecretName(workload, 'RocketChatTracingCaSecret', ca.secretName), {
            name: CA_VOLUME,
            items: { [ca.items[0].key]: { path: CA_KEY } },
            optional: true,
          });
        container.mount(CA_MOUNT_PATH, volume, { readOnly: true });
      }
      return;
    }
    if (!(workload instanceof ApiObject) || !['Deployment', 'StatefulSet', 'DaemonSet'].includes(workload.kind)) {
      throw new ValidationError(
        `instrument() takes a cdk8s-plus workload or a Deployment, StatefulSet or DaemonSet ApiObject, got ${workload instanceof ApiObject ? `a ${workload.kind}` : describeValue(workload)}`,
      );
    }
    const podSpec = workload.toJson().spec?.template?.spec ?? {};
    const containers: { name: string; env?: { name: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[] = podSpec.containers ?? [];
    const container = pickContainer(containers, (c) => c.name, options.containerName, workload.node.path);
    const existing = container.env ?? [];
    for (const { name } of this.environmentVariables) {
      if (existing.some((v) => v.name === name)) throw conflict(workload.node.path, container.name, name);
    }
    const index = containers.indexOf(container);
    const volumes: { name: string }[] = podSpec.volumes ?? [];
    const mounts = container.volumeMounts ?? [];
    if (this.caVolume && mounts.some((m) => m.mountPath === CA_MOUNT_PATH)) {
      throw new ValidationError(`${workload.node.path}: container "${container.name}" already mounts something at ${CA_MOUNT_PATH}, where the tracing CA goes`);
    }
    workload.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${index}/env`, [...existing, ...this.environmentVariables.map((v) => ({ ...v }))]));
    if (this.caVolume && this.caVolumeMount) {
      // The pod's volume is shared by every traced container of it.
      if (!volumes.some((v) => v.name === CA_VOLUME)) workload.addJsonPatch(JsonPatch.add('/spec/template/spec/volumes', [...volumes, structuredClone(this.caVolume)]));
      workload.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${index}/volumeMounts`, [...mounts, { ...this.caVolumeMount }]));
    }
  }

  private addNetworkPolicies(collector: Required<OtlpGrpcTarget>): void {
    const labels = projectLabels();
    const port = [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.collectorPodPort) }];
    const rocketChatPods = this.podSelector;
    const collectorPods = { matchLabels: { ...collector.selectorLabels } };
    new k8s.KubeNetworkPolicy(this, 'RocketChatEgress', {
      metadata: { name: `${this.releaseName}-otlp-egress`, namespace: this.namespace, labels },
      spec: {
        podSelector: rocketChatPods,
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: namespaceNameSelector(collector.namespace), podSelector: collectorPods }], ports: port }],
      },
    });
  }
}

const OPERATOR_PROPAGATORS: Record<Propagator, InstrumentationSpecPropagators> = {
  tracecontext: InstrumentationSpecPropagators.TRACECONTEXT,
  baggage: InstrumentationSpecPropagators.BAGGAGE,
  b3: InstrumentationSpecPropagators.B3,
  b3multi: InstrumentationSpecPropagators.B3MULTI,
  jaeger: InstrumentationSpecPropagators.JAEGER,
};

function checkWorkloads(prop: string, value: unknown): RocketChatWorkload[] {
  if (!Array.isArray(value) || value.length === 0) invalidProp(prop, `a non-empty list of ${ALL_WORKLOADS.map((w) => `"${w}"`).join(', ')}`, value);
  const seen = new Set<string>();
  for (const [i, w] of (value as unknown[]).entries()) {
    if (typeof w !== 'string' || !(ALL_WORKLOADS as string[]).includes(w)) {
      const outside = (SERVICES_OUTSIDE_THE_CHART as readonly unknown[]).includes(w)
        ? `; ${w} is not deployed by the RocketChat chart: call instrument() on its Deployment in your own cdk8s app`
        : '';
      throw new ValidationError(`${prop}[${i}] must be one of ${ALL_WORKLOADS.map((x) => `"${x}"`).join(', ')}, got ${describeValue(w)}${outside}`);
    }
    if (seen.has(w)) throw new ValidationError(`${prop}[${i}] repeats ${describeValue(w)}; list each workload once`);
    seen.add(w);
  }
  return value as RocketChatWorkload[];
}

function pickContainer<C>(containers: readonly C[], nameOf: (c: C) => string | undefined, wanted: string | undefined, path: string): C {
  if (wanted !== undefined) {
    const found = containers.find((c) => nameOf(c) === wanted);
    if (!found) invalidProp('containerName', `one of the containers of ${path} (${containers.map((c) => `"${nameOf(c)}"`).join(', ')})`, wanted);
    return found as C;
  }
  if (containers.length !== 1) {
    throw new ValidationError(`containerName is required: ${path} has ${containers.length} containers (${containers.map((c) => `"${nameOf(c)}"`).join(', ')})`);
  }
  return containers[0];
}

function conflict(path: string, container: string | undefined, variable: string): ValidationError {
  return new ValidationError(`${path}: container "${container}" already sets ${variable}; remove it so the tracing contract has one source`);
}
