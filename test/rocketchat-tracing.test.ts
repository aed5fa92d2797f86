import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { OtelCollector, RocketChatTracing, RocketChatTracingProps, TracingStack, TracingStackProps } from '../src';
import { HELM_VALUES_FILE, PATCHES_DIR, rocketChatDeliveryFiles } from '../src/rocketchat/delivery-files';
import { ROCKETCHAT_FULL } from './fixtures';
import { K8sObject, findObject, kustomize, stackProps } from './util';
import { validateObjects } from './validate-objects';

const COLLECTOR_URL = 'http://otel-collector.monitoring.svc:4317';

function synth(props: Partial<TracingStackProps> = {}): { stack: TracingStack; objects: K8sObject[] } {
  const app = Testing.app();
  const stack = new TracingStack(app, 'rocketchat-tracing', stackProps(props));
  return { stack, objects: Testing.synth(stack) as K8sObject[] };
}

function standalone(props: Partial<RocketChatTracingProps> = {}): RocketChatTracing {
  const chart = new Chart(Testing.app(), 'test');
  return new RocketChatTracing(chart, 'RocketChat', { collector: { otlpGrpcUrl: COLLECTOR_URL }, ...props });
}

/** Env lists as name → value, failing on a repeated name. */
function envMap(env: { name: string; value?: string }[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const v of env) {
    if (v.name in out) throw new Error(`${v.name} twice`);
    out[v.name] = v.value;
  }
  return out;
}

const DEFAULT_CONTRACT = {
  TRACING_ENABLED: 'true',
  OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR_URL,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: '1',
  OTEL_PROPAGATORS: 'tracecontext,baggage',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=production',
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4096',
};

const FULL: Partial<TracingStackProps> = { rocketChat: ROCKETCHAT_FULL };

describe('the environment contract', () => {
  test('defaults: native tracing on, OTLP gRPC to the stack collector, all new traces recorded', () => {
    const { stack } = synth();
    expect(envMap([...stack.rocketChat.environmentVariables])).toEqual(DEFAULT_CONTRACT);
    // The collector endpoint is the collector's own attribute, not a repeated string.
    expect(stack.rocketChat.environmentVariables.find((v) => v.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')!.value).toBe(stack.collector.otlpGrpcUrl);
  });

  test('every prop reaches the environment', () => {
    const { stack } = synth(FULL);
    expect(envMap([...stack.rocketChat.environmentVariables])).toEqual({
      ...DEFAULT_CONTRACT,
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_PROPAGATORS: 'tracecontext,baggage,b3',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,service.version=7.13.1,k8s.cluster.name=aks-weu-1',
    });
  });

  test('no OTEL_SERVICE_NAME: Rocket.Chat sets service.name per process and would ignore it', () => {
    expect(synth(FULL).stack.rocketChat.environmentVariables.map((v) => v.name)).not.toContain('OTEL_SERVICE_NAME');
  });

  test('the default stack emits no Rocket.Chat objects into the cluster manifests', () => {
    const kinds = synth().objects.map((o) => o.kind);
    expect(kinds).not.toContain('NetworkPolicy');
    expect(kinds).not.toContain('Instrumentation');
  });
});

describe('the committed outputs', () => {
  const root = path.join(__dirname, '..');
  test('helm/ values and every dist/ patch carry the same environment', () => {
    const values = parse(fs.readFileSync(path.join(root, HELM_VALUES_FILE), 'utf8'));
    const patchFiles = fs.readdirSync(path.join(root, PATCHES_DIR)).filter((f) => f !== 'kustomization.yaml');
    expect(patchFiles.length).toBeGreaterThan(1);
    for (const file of patchFiles) {
      const patch = parse(fs.readFileSync(path.join(root, PATCHES_DIR, file), 'utf8'));
      expect(patch.spec.template.spec.containers[0].env).toEqual(values.extraEnv);
    }
    const component = parse(fs.readFileSync(path.join(root, PATCHES_DIR, 'kustomization.yaml'), 'utf8'));
    expect(component.patches.map((p: any) => p.path).sort()).toEqual(patchFiles.sort());
  });

  test('snapshot of every delivery form with every option used', () => {
    const { stack, objects } = synth(FULL);
    const rocketChatObjects = objects.filter((o) => ['NetworkPolicy', 'Instrumentation'].includes(o.kind));
    expect({ objects: rocketChatObjects, files: rocketChatDeliveryFiles(stack.rocketChat) }).toMatchSnapshot();
  });
});

describe('Helm values for the RocketChat chart', () => {
  test('extraEnv carries the contract to the core; microservices get nothing without the Operator', () => {
    const { stack } = synth();
    expect(stack.rocketChat.helmValues).toEqual({ extraEnv: [...stack.rocketChat.environmentVariables] });
    expect(stack.rocketChat.workloadsOutsideHelmValues).toEqual(['presence', 'ddp-streamer', 'account', 'authorization']);
  });

  test('with the Operator, the core and each microservice values key get the inject-sdk annotation', () => {
    const { stack } = synth(FULL);
    expect(stack.rocketChat.helmValues).toEqual({
      extraEnv: [...stack.rocketChat.environmentVariables],
      podAnnotations: { 'instrumentation.opentelemetry.io/inject-sdk': 'rocketchat-tracing' },
      microservices: Object.fromEntries(
        ['presence', 'ddpStreamer', 'account', 'authorization', 'streamHub'].map((k) => [
          k,
          { annotations: { 'instrumentation.opentelemetry.io/inject-sdk': 'rocketchat-tracing' } },
        ]),
      ),
    });
    expect(stack.rocketChat.workloadsOutsideHelmValues).toEqual([]);
  });

  test('without the core, no extraEnv', () => {
    expect(standalone({ workloads: ['presence'] }).helmValues).toEqual({});
  });
});

describe('Operator Instrumentation', () => {
  const { stack, objects } = synth(FULL);
  const instrumentation = findObject(objects, 'Instrumentation', 'rocketchat-tracing');

  test('lives in the Rocket.Chat namespace and injects environment only (no language agent)', () => {
    expect(instrumentation.apiVersion).toBe('opentelemetry.io/v1alpha1');
    expect(instrumentation.metadata.namespace).toBe('chat');
    for (const agent of ['nodejs', 'java', 'python', 'dotnet', 'go', 'apacheHttpd', 'nginx']) expect(instrumentation.spec).not.toHaveProperty(agent);
    expect(stack.rocketChat.instrumentationAnnotations).toEqual({ 'instrumentation.opentelemetry.io/inject-sdk': 'rocketchat-tracing' });
  });

  test('spec.env carries the whole contract, so it wins over what the operator derives', () => {
    // The operator (v0.158, inject-sdk) adds spec.env to the container first, then fills
    // OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_PROPAGATORS and OTEL_TRACES_SAMPLER(_ARG) only where
    // still unset, and appends its Kubernetes attributes to OTEL_RESOURCE_ATTRIBUTES, adding
    // service.version from the image tag only when the value has none.
    expect(instrumentation.spec.env).toEqual([...stack.rocketChat.environmentVariables]);
    expect(instrumentation.spec).not.toHaveProperty('resource');
    // The readable fields say the same.
    const env = envMap(instrumentation.spec.env);
    expect(instrumentation.spec.exporter.endpoint).toBe(env.OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(instrumentation.spec.propagators.join(',')).toBe(env.OTEL_PROPAGATORS);
    expect([instrumentation.spec.sampler.type, instrumentation.spec.sampler.argument]).toEqual([env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG]);
  });
});

describe('Deployment patches for an existing release', () => {
  test('one patch per traced Deployment, by the chart names, on the Rocket.Chat container', () => {
    const { stack } = synth(FULL);
    const patches = stack.rocketChat.deploymentPatches;
    expect(Object.keys(patches)).toEqual(['rc-rocketchat', 'rc-presence', 'rc-ddp-streamer', 'rc-account', 'rc-authorization', 'rc-stream-hub']);
    const containers = Object.values(patches).map((p: any) => p.spec.template.spec.containers.map((c: any) => c.name));
    expect(containers).toEqual([['rocketchat'], ['presence-service'], ['ddp-streamer'], ['account-service'], ['authorization-service'], ['stream-hub']]);
    for (const patch of Object.values(patches) as any[]) {
      expect(patch.metadata).toEqual({ name: patch.metadata.name });
      expect(patch.spec.template.spec.containers[0].env).toEqual([...stack.rocketChat.environmentVariables]);
    }
  });

  // The chart's Deployments as `helm template` renders them: no namespace, chart env and labels.
  function chartOutput(stack: TracingStack): object[] {
    return Object.values(stack.rocketChat.deploymentPatches).map((patch) => {
      const labels = { 'app.kubernetes.io/name': patch.metadata.name, 'app.kubernetes.io/instance': 'rc' };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: patch.metadata.name, labels },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [{
                name: patch.spec.template.spec.containers[0].name,
                image: 'registry.rocket.chat/rocketchat/rocket.chat:7.13.1',
                env: [{ name: 'MONGO_URL', value: 'mongodb://mongo' }, { name: 'OTEL_TRACES_SAMPLER', value: 'always_on' }],
              }],
            },
          },
        },
      };
    });
  }

  test.each([
    ['chart output without a namespace', ''],
    ['an overlay that sets the namespace', 'namespace: chat\n'],
  ])('kustomize applies the component over %s, keeping the chart env and replacing clashing names', (_case, overlay) => {
    const { stack } = synth(FULL);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-kustomize-'));
    try {
      fs.mkdirSync(path.join(dir, 'release'));
      fs.writeFileSync(path.join(dir, 'release', 'chart.yaml'), chartOutput(stack).map((o) => JSON.stringify(o)).join('\n---\n'));
      for (const [file, content] of Object.entries(rocketChatDeliveryFiles(stack.rocketChat))) {
        fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      fs.writeFileSync(path.join(dir, 'release', 'kustomization.yaml'), `${overlay}resources: [chart.yaml]\ncomponents: [../${PATCHES_DIR}]\n`);
      const rendered = kustomize(path.join(dir, 'release'));
      expect(rendered.map((d) => d.metadata.name).sort()).toEqual(Object.keys(stack.rocketChat.deploymentPatches).sort());
      for (const deployment of rendered) {
        expect(deployment.metadata.namespace).toBe(overlay ? 'chat' : undefined);
        const env = envMap(deployment.spec.template.spec.containers[0].env);
        expect(env).toEqual({ ...envMap([...stack.rocketChat.environmentVariables]), MONGO_URL: 'mongodb://mongo' });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('instrument() for workloads of a cdk8s app', () => {
  test('a cdk8s-plus Deployment gets the contract on its container', () => {
    const tracing = standalone();
    const deployment = new plus.Deployment(tracing.node.scope as Chart, 'Chat', {
      containers: [{ name: 'queue-worker', image: 'rocketchat/queue-worker-service:7.13.1', envVariables: { MONGO_URL: plus.EnvValue.fromValue('mongodb://m') } }],
    });
    tracing.instrument(deployment);
    const manifest = Testing.synth(tracing.node.scope as Chart).find((o: any) => o.kind === 'Deployment');
    expect(envMap(manifest.spec.template.spec.containers[0].env)).toEqual({ MONGO_URL: 'mongodb://m', ...DEFAULT_CONTRACT });
  });

  test('a raw KubeDeployment gets the contract on the named container, after its own variables', () => {
    const tracing = standalone();
    const chart = tracing.node.scope as Chart;
    const deployment = new plus.k8s.KubeDeployment(chart, 'Transcript', {
      metadata: { name: 'omnichannel-transcript', namespace: 'rocketchat' },
      spec: {
        selector: { matchLabels: { app: 't' } },
        template: {
          metadata: { labels: { app: 't' } },
          spec: {
            containers: [
              { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' },
              { name: 'transcript', image: 'rocketchat/omnichannel-transcript-service:7.13.1', env: [{ name: 'MONGO_URL', value: 'mongodb://m' }] },
            ],
          },
        },
      },
    });
    tracing.instrument(deployment, { containerName: 'transcript' });
    const manifest = Testing.synth(chart).find((o: any) => o.kind === 'Deployment');
    expect(manifest.spec.template.spec.containers[0].env).toBeUndefined();
    expect(manifest.spec.template.spec.containers[1].env).toEqual([{ name: 'MONGO_URL', value: 'mongodb://m' }, ...standalone().environmentVariables]);
  });

  test('refuses to overwrite a variable the container sets, an ambiguous container and other kinds', () => {
    const tracing = standalone();
    const chart = tracing.node.scope as Chart;
    const clash = new plus.Deployment(chart, 'Clash', {
      containers: [{ image: 'rocketchat/rocket.chat:7.13.1', envVariables: { OTEL_TRACES_SAMPLER: plus.EnvValue.fromValue('always_on') } }],
    });
    expect(() => tracing.instrument(clash)).toThrow(/already sets OTEL_TRACES_SAMPLER; remove it so the tracing contract has one source/);
    const two = new plus.Deployment(chart, 'Two', { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] });
    expect(() => tracing.instrument(two)).toThrow('containerName is required: test/Two has 2 containers ("a", "b")');
    expect(() => tracing.instrument(two, { containerName: 'c' })).toThrow('containerName must be one of the containers of test/Two ("a", "b"), got "c"');
    const service = new plus.k8s.KubeService(chart, 'Svc', { spec: { ports: [{ port: 80 }] } });
    expect(() => tracing.instrument(service)).toThrow('instrument() takes a cdk8s-plus workload or a Deployment, StatefulSet or DaemonSet ApiObject, got a Service');
  });
});

describe('network policy', () => {
  const { stack, objects } = synth(FULL);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const collectorPodLabels = findObject(objects, 'Deployment', 'otel-collector').spec.template.metadata.labels;

  test('one, in the Rocket.Chat namespace; the collector side belongs to the stack\'s policy set', () => {
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['chat/rc-otlp-egress']);
  });

  test('Rocket.Chat pods may reach the collector pods on 4317/TCP and nothing else', () => {
    const egress = policies[0].spec;
    expect(egress.policyTypes).toEqual(['Egress']);
    expect(egress.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: stack.collector.selectorLabels } }],
        ports: [{ protocol: 'TCP', port: 4317 }],
      },
    ]);
    // The selector picks the collector's real pods.
    for (const [k, v] of Object.entries(egress.egress[0].to[0].podSelector.matchLabels)) expect(collectorPodLabels[k]).toBe(v);
  });

  test('the Rocket.Chat selector names each chart pod label and not the release alone (MongoDB and NATS share it)', () => {
    expect(policies[0].spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/instance': 'rc' },
      matchExpressions: [
        { key: 'app.kubernetes.io/name', operator: 'In', values: ['rocketchat', 'rc-presence', 'rc-ddp-streamer', 'rc-account', 'rc-authorization', 'rc-stream-hub'] },
      ],
    });
  });

  test('every object of the full configuration is valid', () => {
    expect(validateObjects(objects)).toEqual([]);
  });
});

describe('bad input names the prop', () => {
  const cases: [string, Partial<RocketChatTracingProps>, string][] = [
    [
      'an endpoint on the OTLP/HTTP port',
      { collector: { otlpGrpcUrl: 'http://otel-collector.monitoring.svc:4318' } },
      'collector.otlpGrpcUrl must be an OTLP gRPC endpoint, got "http://otel-collector.monitoring.svc:4318": port 4318 is OTLP/HTTP, and Rocket.Chat\'s native tracing exports OTLP over gRPC only (the collector\'s gRPC port is 4317)',
    ],
    [
      'an endpoint without a port',
      { collector: { otlpGrpcUrl: 'otel-collector.monitoring.svc' } },
      'collector.otlpGrpcUrl must be an OTLP gRPC URL such as "http://otel-collector.monitoring.svc:4317" (scheme, host and port, no path), got "otel-collector.monitoring.svc"',
    ],
    [
      'http/protobuf',
      { protocol: 'http/protobuf' as any },
      'protocol must be "grpc", got "http/protobuf": Rocket.Chat\'s native tracing always builds the OTLP gRPC exporter and ignores other protocols (http/protobuf and http/json need a different exporter)',
    ],
    ['a ratio above 1', { samplingRatio: 1.5 }, 'samplingRatio must be a number between 0 and 1 (the fraction of root traces kept), got 1.5'],
    ['a negative ratio', { samplingRatio: -0.1 }, 'samplingRatio must be a number between 0 and 1 (the fraction of root traces kept), got -0.1'],
    [
      'an unknown microservice',
      { workloads: ['core', 'chat-bot' as any] },
      'workloads[1] must be one of "core", "presence", "ddp-streamer", "account", "authorization", "stream-hub", got "chat-bot"',
    ],
    [
      'a service the chart does not deploy',
      { workloads: ['queue-worker' as any] },
      'workloads[0] must be one of "core", "presence", "ddp-streamer", "account", "authorization", "stream-hub", got "queue-worker"; queue-worker is not deployed by the RocketChat chart: call instrument() on its Deployment in your own cdk8s app',
    ],
    ['a repeated workload', { workloads: ['core', 'core'] }, 'workloads[1] repeats "core"; list each workload once'],
    [
      'an invalid release name',
      { releaseName: 'Rocket_Chat' },
      'releaseName must be a Helm release name (lowercase letters, digits, "-" and ".", starting and ending alphanumeric, at most 53 characters), got "Rocket_Chat"',
    ],
    [
      'a release name too long for the chart',
      { releaseName: 'r'.repeat(54) },
      `releaseName must be a Helm release name (lowercase letters, digits, "-" and ".", starting and ending alphanumeric, at most 53 characters), got "${'r'.repeat(54)}"`,
    ],
    ['an invalid namespace', { namespace: 'Chat' }, 'namespace must be an RFC 1123 label'],
    ['an unknown propagator', { propagators: ['w3c' as any] }, 'propagators[0] must be one of "tracecontext", "baggage", "b3", "b3multi", "jaeger", got "w3c"'],
    ['no propagator', { propagators: [] }, 'propagators must be a non-empty list of'],
    [
      'service.name as an attribute',
      { resourceAttributes: { 'service.name': 'chat' } },
      'resourceAttributes must not set service.name: Rocket.Chat sets service.name per process (core, ddp-streamer, presence-service, ...) and overwrites any other value',
    ],
    ['an attribute value with a comma', { resourceAttributes: { team: 'a,b' } }, 'resourceAttributes.team must be a non-empty value of letters, digits'],
    ['a version that is not one', { rocketChatVersion: 'latest' }, 'rocketChatVersion must be a release version such as "7.13.1", got "latest"'],
    ['a tiny attribute limit', { attributeValueLengthLimit: 10 }, 'attributeValueLengthLimit must be an integer from 256 to 1048576 (characters), got 10'],
    ['an Instrumentation name without the Instrumentation', { instrumentation: { name: 'x' } }, 'instrumentation.name needs instrumentation.enabled: true'],
    ['network policies without collector pods', { networkPolicies: true }, 'collector.namespace is required by networkPolicies: the policy selects the collector pods by namespace'],
    [
      'network policies without collector labels',
      { networkPolicies: true, collector: { otlpGrpcUrl: COLLECTOR_URL, namespace: 'monitoring' } },
      'collector.selectorLabels must be the labels of the collector pods (required by networkPolicies), got nothing',
    ],
    ['a pod port out of range', { collector: { otlpGrpcUrl: COLLECTOR_URL, otlpGrpcPodPort: 70000 } }, 'collector.otlpGrpcPodPort must be a port number from 1 to 65535, got 70000'],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => standalone(props)).toThrow(message);
  });

  test('through the stack, errors carry the rocketChat. prefix', () => {
    expect(() => synth({ rocketChat: { samplingRatio: 2 } })).toThrow('rocketChat.samplingRatio must be a number between 0 and 1');
  });

  test('the environment and cluster name may not disagree with the collector\'s', () => {
    expect(() => synth({ rocketChat: { environment: 'prod' }, collector: { environment: 'staging' } })).toThrow(
      'rocketChat.environment and collector.environment must agree, got "prod" and "staging": both set deployment.environment.name, and the collector never overwrites what Rocket.Chat sends',
    );
    expect(() => synth({ rocketChat: { resourceAttributes: { 'k8s.cluster.name': 'a' } }, collector: { clusterName: 'b' } })).toThrow(
      "rocketChat.resourceAttributes['k8s.cluster.name'] and collector.clusterName must agree",
    );
    // One set: Rocket.Chat takes the collector's environment.
    expect(envMap([...synth({ collector: { environment: 'staging' } }).stack.rocketChat.environmentVariables]).OTEL_RESOURCE_ATTRIBUTES).toBe('deployment.environment.name=staging');
  });

  test('network policies match the pod port: from the URL, including scheme-default ports, or given', () => {
    const chart = new Chart(Testing.app(), 'ports');
    const target = { namespace: 'monitoring', selectorLabels: { app: 'collector' } };
    new RocketChatTracing(chart, 'Https', { collector: { ...target, otlpGrpcUrl: 'https://collector.monitoring.svc:443' }, networkPolicies: true, releaseName: 'a', trustedCa: { secretName: 'collector-ca' } });
    new RocketChatTracing(chart, 'PodPort', { collector: { ...target, otlpGrpcUrl: COLLECTOR_URL, otlpGrpcPodPort: 14317 }, networkPolicies: true, releaseName: 'b' });
    const ports = Testing.synth(chart).filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.spec.egress[0].ports[0].port);
    expect(ports).toEqual([443, 14317]);
  });

  test('a collector without its OTLP gRPC receiver is reported on the collector', () => {
    expect(() => synth({ collector: { receivers: { otlpGrpc: false } } })).toThrow('collector.otlpGrpcUrl is not available: receivers.otlpGrpc is disabled');
  });

  test('an OtelCollector is accepted directly as the target', () => {
    const chart = new Chart(Testing.app(), 'direct');
    const collector = new OtelCollector(chart, 'Collector', { traceBackend: { otlpGrpcEndpoint: 'tempo.monitoring.svc:4317' } });
    const tracing = new RocketChatTracing(chart, 'RocketChat', { collector, networkPolicies: true });
    expect(tracing.environmentVariables[1]).toEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: collector.otlpGrpcUrl });
  });
});
