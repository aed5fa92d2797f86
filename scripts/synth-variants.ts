// Synthesizes the stack, every receiver on, for each supported Tempo version and storage choice into
// `<outdir>/<version>-<storage>/rocketchat-tracing.k8s.yaml`, for strict schema checks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, Yaml } from 'cdk8s';
import { TEMPO_PINNED_VERSIONS, TracingStack } from '../src';
import { ALL_RECEIVERS, STORAGES } from '../test/fixtures';

export function synthVariants(outdir: string): string[] {
  const dirs: string[] = [];
  for (const version of Object.values(TEMPO_PINNED_VERSIONS)) {
    for (const [name, storage] of Object.entries(STORAGES)) {
      const chart = new TracingStack(Testing.app(), 'rocketchat-tracing', {
        tempo: {
          version,
          storage,
          receivers: ALL_RECEIVERS,
        },
      });
      const dir = path.join(outdir, `${version}-${name.replace(/ /g, '-')}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'rocketchat-tracing.k8s.yaml'), Yaml.stringify(...Testing.synth(chart)));
      dirs.push(dir);
    }
  }
  return dirs;
}
