import { Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { TracingStack, TracingStackProps } from '../src';
import { validateObjects } from './validate-objects';
import { K8sObject, findObject, stackProps, tempoFiles } from './util';

const ISSUER = { name: 'tracing-ca' };
const TLS_ON: TracingStackProps['tls'] = { enabled: true, certManager: ISSUER };

function synth(props: Partial<TracingStackProps>): { stack: TracingStack; objects: K8sObject[] } {
  const stack = new TracingStack(Testing.app(), 'rocketchat-tracing', stackProps(props));
  return { stack, objects: Testing.synth(stack) as K8sObject[] };
}

/** The file a path in a container points to: the Secret key behind the mount, or undefined. */
function secretFileAt(pod: any, container: any, file: string): { secret: string; key: string } | undefined {
  for (const mount of container.volumeMounts ?? []) {
    if (!file.startsWith(`${mount.mountPath}/`)) continue;
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    if (!volume?.secret) return undefined;
    const name = file.slice(mount.mountPath.length + 1);
    const item = volume.secret.items?.find((i: any) => i.path === name);
    return { secret: volume.secret.secretName, key: item ? item.key : name };
  }
  return undefined;
}

const hostOf = (endpoint: string) => endpoint.replace(/^https?:\/\//, '').replace(/:\d+$/, '');

describe('TLS on the span path (cert-manager ClusterIssuer)', () => {
  const { stack, objects } = synth({ tls: TLS_ON, rocketChat: { instrumentation: { enabled: true } } });
  const certificates = objects.filter((o) => o.kind === 'Certificate');
  const certificateFor = (secret: string) => certificates.find((c) => c.spec.secretName === secret);
  const collectorPod = findObject(objects, 'Deployment', 'otel-collector').spec.template.spec;
  const collectorConfig = parse(findObject(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
  const tempoPod = findObject(objects, 'StatefulSet', 'tempo').spec.template.spec;

  test('every object is valid, the Certificates included', () => {
    expect(validateObjects(objects)).toEqual([]);
    expect(certificates.map((c) => `${c.metadata.namespace}/${c.metadata.name}`).sort()).toEqual([
      'monitoring/otel-collector',
      'monitoring/tempo',
      'rocketchat/rocketchat-tracing-ca',
    ]);
    for (const c of certificates) expect(c.spec.issuerRef).toEqual({ name: 'tracing-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });

  test('every TCP receiver of the collector serves the certificate cert-manager issues for the name Rocket.Chat dials', () => {
    const receivers = collectorConfig.receivers;
    const endpoints = [receivers.otlp.protocols.grpc, receivers.otlp.protocols.http, receivers.jaeger.protocols.grpc, receivers.jaeger.protocols.thrift_http, receivers.zipkin];
    // Jaeger Thrift compact (UDP) is off: TLS cannot cover it.
    expect(receivers.jaeger.protocols.thrift_compact).toBeUndefined();
    const container = collectorPod.containers[0];
    for (const endpoint of endpoints) {
      expect(endpoint.tls.reload_interval).toBe('1h');
      const cert = secretFileAt(collectorPod, container, endpoint.tls.cert_file);
      const key = secretFileAt(collectorPod, container, endpoint.tls.key_file);
      expect([cert?.key, key?.key]).toEqual(['tls.crt', 'tls.key']);
      expect(cert?.secret).toBe(key?.secret);
      const certificate = certificateFor(cert!.secret);
      expect(certificate?.metadata.namespace).toBe('monitoring');
      expect(certificate?.spec.dnsNames).toContain(hostOf(stack.rocketChat.environmentVariables.find((v) => v.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')!.value));
    }
    expect(stack.collector.otlpGrpcUrl).toBe('https://otel-collector.monitoring.svc:4317');
    // HTTP receivers are announced as https to meshes and Gateways.
    expect(findObject(objects, 'Service', 'otel-collector').spec.ports.find((p: any) => p.name === 'otlp-http').appProtocol).toBe('https');
  });

  test('the collector verifies Tempo with the CA of the certificate Tempo serves, issued for the host it dials', () => {
    const exporter = collectorConfig.exporters.otlp_grpc;
    expect(exporter.tls.insecure).toBeUndefined();
    const ca = secretFileAt(collectorPod, collectorPod.containers[0], exporter.tls.ca_file);
    const tempoReceiver = tempoFiles(objects).config.distributor.receivers.otlp.protocols.grpc;
    const served = secretFileAt(tempoPod, tempoPod.containers[0], tempoReceiver.tls.cert_file);
    expect(ca).toEqual({ secret: served!.secret, key: 'ca.crt' });
    // Only the CA is projected into the collector, not Tempo's key.
    expect(collectorPod.volumes.find((v: any) => v.secret?.secretName === served!.secret).secret.items).toEqual([{ key: 'ca.crt', path: 'ca.crt' }]);
    expect(certificateFor(served!.secret)?.spec.dnsNames).toContain(hostOf(exporter.endpoint));
    const http = tempoFiles(objects).config.distributor.receivers.otlp.protocols.http;
    expect(http.tls).toEqual(tempoReceiver.tls);
  });

  test('Rocket.Chat trusts the CA from a Secret in its own namespace, in all four delivery forms', () => {
    const caSecret = stack.rocketChatCaCertificate!.toJson().spec.secretName;
    expect(stack.rocketChatCaCertificate!.toJson().metadata.namespace).toBe('rocketchat');
    const env = Object.fromEntries(stack.rocketChat.environmentVariables.map((v) => [v.name, v.value]));
    expect(env.OTEL_EXPORTER_OTLP_CERTIFICATE).toBe('/etc/rocketchat-tracing/ca/ca.crt');
    const expectMountedCa = (pod: any, container: any) =>
      expect(secretFileAt(pod, container, env.OTEL_EXPORTER_OTLP_CERTIFICATE)).toEqual({ secret: caSecret, key: 'ca.crt' });

    // 1. Helm values: the chart mounts extraVolumes into the core and every microservice.
    const values = stack.rocketChat.helmValues as any;
    expectMountedCa({ volumes: values.extraVolumes }, { volumeMounts: values.extraVolumeMounts });
    expect(values.extraEnv).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_CERTIFICATE', value: env.OTEL_EXPORTER_OTLP_CERTIFICATE });
    // 2. Operator: the variable in spec.env, the file from the chart's extraVolumes (on every chart
    // pod). exporter.tls.secretName would mount the whole Secret, private key included.
    const instrumentation = findObject(objects, 'Instrumentation', 'rocketchat-tracing').spec;
    expect(instrumentation.exporter).toEqual({ endpoint: stack.collector.otlpGrpcUrl });
    expect(instrumentation.env).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_CERTIFICATE', value: env.OTEL_EXPORTER_OTLP_CERTIFICATE });
    // A missing CA Secret must not keep Rocket.Chat from starting.
    expect(values.extraVolumes[0].secret.optional).toBe(true);
    // 3. Patches for an existing release.
    for (const patch of Object.values(stack.rocketChat.deploymentPatches) as any[]) {
      expectMountedCa(patch.spec.template.spec, patch.spec.template.spec.containers[0]);
    }
    // 4. instrument(): a cdk8s-plus workload and a raw Deployment.
    const chart = new Chart(Testing.app(), 'app');
    const plusDeployment = new plus.Deployment(chart, 'Worker', { containers: [{ image: 'rocketchat/queue-worker:7.13.1', securityContext: { ensureNonRoot: false } }] });
    const raw = new k8s.KubeDeployment(chart, 'Raw', {
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'app', image: 'x:1' }] } } },
    });
    stack.rocketChat.instrument(plusDeployment);
    stack.rocketChat.instrument(raw);
    // A second traced container of the same pod shares its volume.
    const twoContainers = new plus.Deployment(chart, 'Two', {
      containers: [
        { name: 'a', image: 'x:1', securityContext: { ensureNonRoot: false } },
        { name: 'b', image: 'x:1', securityContext: { ensureNonRoot: false } },
      ],
    });
    stack.rocketChat.instrument(twoContainers, { containerName: 'a' });
    stack.rocketChat.instrument(twoContainers, { containerName: 'b' });
    for (const d of Testing.synth(chart).filter((o: any) => o.kind === 'Deployment')) {
      const pod = d.spec.template.spec;
      expect(pod.volumes.filter((v: any) => v.name === 'rocketchat-tracing-ca')).toHaveLength(1);
      for (const container of pod.containers) {
        expectMountedCa(pod, container);
        expect(container.env).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_CERTIFICATE', value: env.OTEL_EXPORTER_OTLP_CERTIFICATE });
      }
    }
  });

  test('snapshot: the Certificates, the collector config and Tempo receivers with TLS', () => {
    expect({ certificates, collector: collectorConfig, tempoReceivers: tempoFiles(objects).config.distributor.receivers }).toMatchSnapshot();
  });

  test('certificates rotate: a new key each renewal, mounted without subPath and reloaded', () => {
    for (const c of certificates) expect(c.spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    for (const pod of [collectorPod, tempoPod]) {
      for (const mount of pod.containers[0].volumeMounts) expect(mount.subPath).toBeUndefined();
    }
  });
});

describe('TLS from existing Secrets', () => {
  const tls = { enabled: true, collectorSecretName: 'collector-cert', tempoSecretName: 'tempo-cert', rocketChatTrustedCa: { secretName: 'tracing-ca', key: 'root.pem' } };
  const { objects } = synth({ tls });

  test('no Certificates; the named Secrets are served and trusted', () => {
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
    const collectorPod = findObject(objects, 'Deployment', 'otel-collector').spec.template.spec;
    expect(collectorPod.volumes.map((v: any) => v.secret?.secretName).filter(Boolean).sort()).toEqual(['collector-cert', 'tempo-cert']);
    expect(findObject(objects, 'StatefulSet', 'tempo').spec.template.spec.volumes.map((v: any) => v.secret?.secretName).filter(Boolean)).toEqual(['tempo-cert']);
    expect(validateObjects(objects)).toEqual([]);
  });

  test('Rocket.Chat in the stack namespace trusts the collector Secret without a rocketChatTrustedCa', () => {
    const { stack } = synth({ tls: { enabled: true, collectorSecretName: 'c', tempoSecretName: 't' }, rocketChat: { namespace: 'monitoring' } });
    expect(stack.rocketChat.caVolume).toEqual({ name: 'rocketchat-tracing-ca', secret: { secretName: 'c', items: [{ key: 'ca.crt', path: 'ca.crt' }], optional: true } });
  });
});

describe('plaintext, chosen', () => {
  test('no Certificates, insecure exporter, http URLs', () => {
    const { stack, objects } = synth({ tls: { enabled: false } });
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
    expect(parse(findObject(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']).exporters.otlp_grpc.tls).toEqual({ insecure: true });
    expect(stack.collector.otlpGrpcUrl).toMatch(/^http:\/\//);
    expect(stack.rocketChat.environmentVariables.map((v) => v.name)).not.toContain('OTEL_EXPORTER_OTLP_CERTIFICATE');
  });
});

describe('bad TLS input names the prop', () => {
  const build = (props: Partial<TracingStackProps>) => () => new TracingStack(Testing.app(), 'x', props as TracingStackProps);
  test.each([
    ['no decision', {}, /^tls is required: \{ enabled: true, certManager: \{ name: <ClusterIssuer> \} \} serves the span path over TLS; \{ enabled: false \} accepts plaintext/],
    ['enabled missing', { tls: {} as never }, /^tls\.enabled must be true or false, got undefined/],
    ['plaintext with an issuer', { tls: { enabled: false, certManager: ISSUER } }, /^tls\.certManager needs tls\.enabled: true; with plaintext it would be ignored$/],
    ['neither source', { tls: { enabled: true } }, /^tls needs either certManager .* or both collectorSecretName and tempoSecretName .*, got neither$/],
    ['one Secret only', { tls: { enabled: true, collectorSecretName: 'c' } }, /got collectorSecretName$/],
    ['both sources', { tls: { enabled: true, certManager: ISSUER, tempoSecretName: 't' } }, /got certManager and tempoSecretName$/],
    ['a namespaced Issuer and Rocket.Chat elsewhere', { tls: { enabled: true, certManager: { name: 'ca', kind: 'Issuer' as const } } }, /^tls\.rocketChatTrustedCa is required: Rocket\.Chat \(namespace "rocketchat"\) must verify the collector's certificate, and an Issuer cannot issue into that namespace/],
    ['an unknown issuer kind', { tls: { enabled: true, certManager: { name: 'ca', kind: 'Vault' as never } } }, /^tls\.certManager\.kind must be one of "ClusterIssuer", "Issuer", got "Vault"$/],
    ['UDP with TLS', { tls: TLS_ON, collector: { receivers: { jaegerThriftCompact: true } } }, /^collector\.receivers\.jaegerThriftCompact must be false with tls, got true: Jaeger Thrift compact is UDP \(port 6831\)/],
    ['UDP on Tempo with TLS', { tls: TLS_ON, tempo: { receivers: { jaegerThriftBinary: true } } }, /^tempo\.receivers\.jaegerThriftBinary must be false with tls, got true: it is UDP \(port 6832\)/],
  ] as [string, Partial<TracingStackProps>, RegExp][])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(message);
  });
});
