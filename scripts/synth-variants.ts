// Synthesizes the stack for each supported Tempo version and storage choice into
// `<outdir>/<version>-<storage>/rocketchat-tracing.k8s.yaml`, for strict schema checks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, Yaml } from 'cdk8s';
import { TEMPO_PINNED_VERSIONS, TempoStorage, TracingStack } from '../src';

const STORAGES: Record<string, TempoStorage> = {
  local: { backend: 'local' },
  'azure-workload-identity': {
    backend: 'azure',
    storageAccountName: 'tracesacct',
    containerName: 'tempo',
    auth: { type: 'workloadIdentity', clientId: '00000000-0000-0000-0000-000000000000' },
  },
  'azure-account-key': { backend: 'azure', storageAccountName: 'tracesacct', containerName: 'tempo', auth: { type: 'secret', secretName: 'tempo-azure' } },
};

export function synthVariants(outdir: string): string[] {
  const dirs: string[] = [];
  for (const version of Object.values(TEMPO_PINNED_VERSIONS)) {
    for (const [name, storage] of Object.entries(STORAGES)) {
      const chart = new TracingStack(Testing.app(), 'rocketchat-tracing', {
        tempo: {
          version,
          storage,
          receivers: { jaegerGrpc: true, jaegerThriftHttp: true, jaegerThriftCompact: true, jaegerThriftBinary: true, zipkin: true },
        },
      });
      const dir = path.join(outdir, `${version}-${name}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'rocketchat-tracing.k8s.yaml'), Yaml.stringify(...Testing.synth(chart)));
      dirs.push(dir);
    }
  }
  return dirs;
}
