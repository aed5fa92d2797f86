// Synthesizes stack variants into `<outdir>/<variant>/rocketchat-tracing.k8s.yaml`, for strict
// schema checks: each supported Tempo version with each storage choice (every receiver on), and
// collector shapes the default stack does not emit (StatefulSet with queue volumes, a
// PodDisruptionBudget, no RBAC, the agentGateway tiers), Rocket.Chat's Instrumentation and
// NetworkPolicies (for both collector topologies and both Tempo profiles), the Grafana Operator
// resources, Tempo's scalable profile, and workspaces (several releases, each with its Tempo tenant).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, Yaml } from 'cdk8s';
import { TEMPO_PINNED_VERSIONS, TracingStack, TracingStackProps } from '../src';
import { ALL_RECEIVERS, ROCKETCHAT_FULL, STORAGES } from '../test/fixtures';

export function synthVariants(outdir: string): string[] {
  const variants: Record<string, Partial<TracingStackProps>> = {};
  for (const version of Object.values(TEMPO_PINNED_VERSIONS)) {
    for (const [name, storage] of Object.entries(STORAGES)) {
      variants[`${version}-${name.replace(/ /g, '-')}`] = { tempo: { version, storage, receivers: ALL_RECEIVERS } };
    }
  }
  variants['collector-persistent-queue-3-replicas'] = { collector: { replicas: 3, sampling: { type: 'head', percentage: 20 }, persistentQueue: { enabled: true } } };
  variants['rocketchat-operator-network-policies'] = { rocketChat: ROCKETCHAT_FULL };
  variants['network-policies-azure'] = {
    tempo: { storage: STORAGES['azure workload identity'] },
    rocketChat: ROCKETCHAT_FULL,
    networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'], objectStorageCidrs: ['20.150.0.0/16'] },
  };
  variants['grafana-operator-managed-datasources'] = {
    grafana: { delivery: 'operator', prometheusDatasource: { managed: true }, lokiDatasource: { managed: true } },
  };
  variants['grafana-sidecar-managed-datasources-other-namespace'] = {
    grafana: { grafanaNamespace: 'grafana', prometheusDatasource: { managed: true }, lokiDatasource: { managed: true } },
  };
  variants['tls-cert-manager-network-policies'] = {
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    tempo: { storage: STORAGES['azure workload identity'] },
    rocketChat: ROCKETCHAT_FULL,
    networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'] },
  };
  variants['tls-existing-secrets'] = {
    tls: { enabled: true, collectorSecretName: 'collector-cert', tempoSecretName: 'tempo-cert', rocketChatTrustedCa: { secretName: 'tracing-ca' } },
    collector: { persistentQueue: { enabled: true } },
  };
  variants['collector-agent-gateway-tls'] = {
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    collector: { topology: 'agentGateway', replicas: 3, persistentQueue: { enabled: true } },
  };
  // The policy set's agent and sampler policies, with TLS on the span path and off (Jaeger
  // compact over UDP then included); the agents reach the API server without k8s attributes too.
  variants['collector-agent-gateway-network-policies-tls'] = {
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    collector: { topology: 'agentGateway', replicas: 3 },
    rocketChat: ROCKETCHAT_FULL,
    networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'], additionalSenders: [{ namespace: 'apps', podLabels: { 'app.kubernetes.io/name': 'billing' } }] },
  };
  variants['collector-agent-gateway-network-policies-plaintext'] = {
    collector: { topology: 'agentGateway', kubernetesAttributes: false },
    rocketChat: ROCKETCHAT_FULL,
    networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'], kubernetesApiPorts: [6443], additionalSenders: [{ namespace: 'apps', podLabels: { 'app.kubernetes.io/name': 'billing' } }] },
  };
  variants['collector-agent-gateway-head-sampling'] = { collector: { topology: 'agentGateway', sampling: { type: 'head', percentage: 25 }, kubernetesAttributes: false } };
  variants['tempo-scalable-3.0-tls-autoscaling'] = {
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    tempo: {
      profile: 'scalable',
      storage: STORAGES['azure workload identity'],
      scalable: {
        kafka: { address: 'kafka-bootstrap.kafka.svc:9092', sasl: { secretName: 'tempo-kafka' } },
        liveStoreZones: 3,
        components: { distributor: { autoscaling: { maxReplicas: 6 } }, querier: { autoscaling: { minReplicas: 3, maxReplicas: 10 } }, backendWorker: { autoscaling: { maxReplicas: 4 } } },
      },
    },
    collector: { topology: 'agentGateway' },
  };
  variants['tempo-scalable-2.10'] = {
    tempo: { version: TEMPO_PINNED_VERSIONS['2.10'], profile: 'scalable', storage: STORAGES['s3 access key'], scalable: { components: { ingester: { replicas: 5 }, compactor: { autoscaling: { maxReplicas: 4 } } } } },
  };
  // Two workspaces: tenant routing, a Certificate per workspace namespace, per-tenant Grafana datasources.
  const { namespace: _namespace, releaseName: _releaseName, ...rocketChatSettings } = ROCKETCHAT_FULL!;
  const workspaces: TracingStackProps['workspaces'] = [
    { namespace: 'chat-a', limits: { maxTracesPerUser: 20000, blockRetention: '336h' } },
    { namespace: 'chat-b', releaseName: 'rc', tenant: 'team-b', rocketChat: rocketChatSettings },
  ];
  variants['workspaces-tls-default-tenant-network-policies'] = {
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    workspaces,
    defaultTenant: 'unassigned',
    networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'] },
  };
  variants['workspaces-agent-gateway-grafana-operator'] = {
    collector: { topology: 'agentGateway', persistentQueue: { enabled: true } },
    workspaces,
    grafana: { delivery: 'operator', prometheusDatasource: { managed: true }, lokiDatasource: { managed: true } },
  };
  // The policy set for the scalable profile: per-component policies, gossip, Kafka (3.0, in the
  // cluster, with TLS on the span path) and a narrowed object store range (2.10).
  variants['tempo-scalable-3.0-network-policies-tls'] = {
    tls: { enabled: true, certManager: { name: 'tracing-ca' } },
    tempo: { profile: 'scalable', storage: STORAGES['azure workload identity'], scalable: { kafka: { address: 'events-kafka-bootstrap.kafka.svc:9092', sasl: { secretName: 'tempo-kafka' } } } },
    rocketChat: ROCKETCHAT_FULL,
    networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'], kafka: { pods: { namespace: 'kafka', podLabels: { 'strimzi.io/cluster': 'events', 'strimzi.io/kind': 'Kafka' } } } },
  };
  variants['tempo-scalable-2.10-network-policies'] = {
    tempo: { version: TEMPO_PINNED_VERSIONS['2.10'], profile: 'scalable', storage: STORAGES['s3 access key'] },
    collector: { topology: 'agentGateway' },
    rocketChat: ROCKETCHAT_FULL,
    networkPolicies: { enabled: true, kubernetesApiCidrs: ['10.0.0.1/32'], objectStorageCidrs: ['52.218.0.0/17'] },
  };
  variants['collector-without-kubernetes-attributes'] = { collector: { kubernetesAttributes: false, sampling: { type: 'none' }, debugExporter: true } };

  return Object.entries(variants).map(([name, props]) => {
    const chart = new TracingStack(Testing.app(), 'rocketchat-tracing', { tls: { enabled: false }, ...props });
    const dir = path.join(outdir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rocketchat-tracing.k8s.yaml'), Yaml.stringify(...Testing.synth(chart)));
    return dir;
  });
}
