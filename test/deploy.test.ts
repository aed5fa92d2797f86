import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, Yaml } from 'cdk8s';
import { TracingStack, TracingStackProps, VERIFY_POD_LABELS } from '../src';
import { stackProps } from './util';

// scripts/deploy-tracing-stack.sh against a fake kubectl (test/deploy/bin): call order, flags,
// and each failure path's exit code and message. The checks live in test/deploy/deploy-harness.sh.

function writeManifest(dir: string, name: string, props: Partial<TracingStackProps>): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, Yaml.stringify(...Testing.synth(new TracingStack(Testing.app(), 'rocketchat-tracing', stackProps(props)))));
  return file;
}

const WORKSPACES: Partial<TracingStackProps> = { workspaces: [{ namespace: 'chat-a' }, { namespace: 'chat-b' }] };

test('deploy script: every harness check passes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-deploy-'));
  try {
    const env = {
      ...process.env,
      MANIFEST_DEFAULT: writeManifest(dir, 'default', {}),
      MANIFEST_ROCKETCHAT: writeManifest(dir, 'rocketchat', { rocketChat: { namespace: 'chat', instrumentation: { enabled: true }, networkPolicies: true } }),
      MANIFEST_NO_OTLP_HTTP: writeManifest(dir, 'no-otlp-http', { collector: { receivers: { otlpHttp: false } } }),
      MANIFEST_HEAD_SAMPLING: writeManifest(dir, 'head-sampling', { collector: { sampling: { type: 'head', percentage: 20 } } }),
      MANIFEST_TLS: writeManifest(dir, 'tls', { tls: { enabled: true, certManager: { name: 'tracing-ca' } } }),
      MANIFEST_AGENT_GATEWAY: writeManifest(dir, 'agent-gateway', { collector: { topology: 'agentGateway', sampling: { type: 'tail', keepErrors: false, latencyThresholdMs: 1000 } } }),
      MANIFEST_TEMPO_SCALABLE: writeManifest(dir, 'tempo-scalable', {
        tempo: {
          profile: 'scalable',
          storage: { backend: 'azure', storageAccountName: 'acct1', containerName: 'tempo', auth: { type: 'workloadIdentity', clientId: '11111111-2222-3333-4444-555555555555' } },
          scalable: { kafka: { address: 'kafka.kafka.svc:9092' } },
        },
      }),
      MANIFEST_WORKSPACES: writeManifest(dir, 'workspaces', WORKSPACES),
      MANIFEST_WORKSPACES_DEFAULT: writeManifest(dir, 'workspaces-default', { ...WORKSPACES, defaultTenant: 'operations' }),
      MANIFEST_WORKSPACES_AGENT_GATEWAY: writeManifest(dir, 'workspaces-agent-gateway', { ...WORKSPACES, defaultTenant: 'operations', collector: { topology: 'agentGateway', sampling: { type: 'none' } } }),
      VERIFY_LABELS: Object.entries(VERIFY_POD_LABELS).map(([k, v]) => `${k}=${v}`).join(','),
    };
    const result = spawnSync('bash', [path.join(__dirname, 'deploy', 'deploy-harness.sh')], { env, encoding: 'utf8', timeout: 120_000 });
    const failed = result.stdout.split('\n').filter((l) => l.startsWith('not ok') || l.startsWith('  '));
    expect(failed).toEqual([]);
    expect(result.stdout).toContain('all checks passed');
    expect(result.status).toBe(0);
    // The harness ran every check it has.
    const checks = fs.readFileSync(path.join(__dirname, 'deploy', 'deploy-harness.sh'), 'utf8').split('\n').filter((l) => /^check '/.test(l)).length;
    expect(result.stdout.split('\n').filter((l) => l.startsWith('ok - ')).length).toBe(checks);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
