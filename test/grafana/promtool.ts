import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface PromtoolResult {
  readonly status: number;
  readonly output: string;
}

/**
 * Runs promtool (Prometheus' rule checker and PromQL parser). A missing promtool fails the test:
 * the alert proofs must not be skipped silently.
 */
export function promtool(args: string[], cwd: string): PromtoolResult {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'promtool is not on PATH: install the Debian package `prometheus` (apt-get install prometheus), which provides /usr/bin/promtool, then rerun the tests'
        : `promtool failed to start: ${run.error.message}`,
    );
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'grafana-tracing-'));
}

/**
 * Parses PromQL expressions with promtool: each becomes an alerting rule of a throwaway rule
 * file, which `promtool check rules` parses. Returns promtool's result.
 */
export function parsePromQL(expressions: readonly string[]): PromtoolResult {
  const dir = tempDir();
  const rules = expressions.map((expr, i) => ({ alert: `Expression${i}`, expr }));
  try {
    writeFileSync(join(dir, 'expressions.yaml'), stringify({ groups: [{ name: 'expressions', rules }] }));
    return promtool(['check', 'rules', 'expressions.yaml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
