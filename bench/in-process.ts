// One in-process measurement, run in a fresh process by bench/bench.js with argv [pipelines].
// Builds the default stack plus extra collector pipelines (standing in for traced workspaces
// until those exist) and synthesizes it to YAML in memory: once cold (module loading and JIT
// warm-up included, as in a `cdk8s synth` run) and once more warm (the steady-state cost that
// shows how synthesis grows with the stack).
import { performance } from 'node:perf_hooks';

const pipelines = Number(process.argv[2] ?? '1');
const t0 = performance.now();
// Loaded here so the cold measurement includes module loading.
/* eslint-disable @typescript-eslint/no-require-imports */
const { App } = require('cdk8s') as typeof import('cdk8s');
const { OtelCollector, TracingStack } = require('../src') as typeof import('../src');
const loaded = performance.now();

function synth(): { objects: number; bytes: number } {
  const app = new App({ outdir: '/nonexistent' });
  const stack = new TracingStack(app, 'rocketchat-tracing', { tls: { enabled: false } });
  for (let i = 2; i <= pipelines; i++) {
    new OtelCollector(stack, `Collector${i}`, {
      name: `otel-collector-${i}`,
      namespace: stack.collector.namespace,
      traceBackend: { otlpGrpcEndpoint: stack.tempo.otlpGrpcEndpoint },
    });
  }
  return { objects: stack.toJson().length, bytes: app.synthYaml().length };
}

const { objects, bytes } = synth();
const cold = performance.now();
synth();
const warm = performance.now();

process.stdout.write(
  JSON.stringify({
    pipelines,
    objects,
    bytes,
    loadMs: loaded - t0,
    synthMs: cold - loaded,
    totalMs: cold - t0,
    warmSynthMs: warm - cold,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
