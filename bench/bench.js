#!/usr/bin/env node
// `npm run bench`: synthesis speed and scale, printed as a table and written to
// bench/results.json. Timing is measured here, never asserted in `npm test`.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { requireTs, root, bundle } = require('../scripts/_run-ts');

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SCALES = [1, 10, 50, 100];
const TARGETS = { coldRatio: 2.5, fiftyMs: 1500, slopeTolerance: 0.2, testMs: 30000 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timeCommand(command, args, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr}`);
  return ms;
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rct-bench-'));
const synthEnv = { CDK8S_OUTDIR: outdir, TRACING_CONFIG: '' };

// Warm the bundle caches so every timed run starts the same way a repeat `cdk8s synth` does.
timeCommand(process.execPath, [path.join(root, 'scripts', 'app.js')], synthEnv);
const inProcessScript = bundle('bench/in-process.ts');

const floor = [];
const cold = [];
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so both see the same machine load.
  floor.push(timeCommand(process.execPath, ['-e', "require('cdk8s');require('cdk8s-plus-28')"]));
  cold.push(timeCommand(process.execPath, [path.join(root, 'scripts', 'app.js')], synthEnv));
}

function inProcess(pipelines) {
  const samples = [];
  for (let i = 0; i < Math.max(5, RUNS); i++) {
    samples.push(JSON.parse(execFileSync(process.execPath, [inProcessScript, String(pipelines)], { cwd: root, encoding: 'utf8' })));
  }
  const pick = (k) => median(samples.map((s) => s[k]));
  return {
    pipelines,
    objects: samples[0].objects,
    loadMs: pick('loadMs'),
    synthMs: pick('synthMs'),
    totalMs: pick('totalMs'),
    warmSynthMs: pick('warmSynthMs'),
    maxRssMiB: pick('maxRssMiB'),
  };
}
const scale = SCALES.map(inProcess);
const at = (n) => scale.find((s) => s.pipelines === n);
// Growth is judged on warm synthesis: the cold figure also carries the one-off JIT warm-up,
// which makes the first pipelines look dearer than later ones.
const slope = (a, b) => (at(b).warmSynthMs - at(a).warmSynthMs) / (b - a);
const slopeAt10 = slope(1, 10);
const slopeAt100 = slope(50, 100);

const testMs = process.env.BENCH_SKIP_TEST ? undefined : timeCommand('npm', ['test', '--silent']);
fs.rmSync(outdir, { recursive: true, force: true });

const results = {
  machine: { cpus: os.cpus().length, node: process.version, runs: RUNS },
  floorMs: median(floor),
  coldSynthMs: median(cold),
  coldRatio: median(cold) / median(floor),
  inProcess: at(1),
  scale,
  slopeMsPerPipeline: { at10: slopeAt10, at100: slopeAt100, ratio: slopeAt100 / slopeAt10 },
  npmTestMs: testMs,
};
results.targets = {
  coldRatio: { target: `<= ${TARGETS.coldRatio}`, met: results.coldRatio <= TARGETS.coldRatio },
  fiftyPipelinesMs: { target: `<= ${TARGETS.fiftyMs}`, met: at(50).totalMs <= TARGETS.fiftyMs },
  linearGrowth: { target: `slope at 100 within ${TARGETS.slopeTolerance * 100}% of slope at 10`, met: Math.abs(results.slopeMsPerPipeline.ratio - 1) <= TARGETS.slopeTolerance },
  npmTestMs: { target: `<= ${TARGETS.testMs}`, met: testMs === undefined ? null : testMs <= TARGETS.testMs },
};

fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

const f = (ms) => (ms === undefined ? 'skipped' : `${(ms / 1000).toFixed(3)} s`);
const mark = (t) => (t.met === null ? '' : t.met ? 'met' : 'MISSED');
const rows = [
  ['floor: node -e require(cdk8s, cdk8s-plus-28)', f(results.floorMs), ''],
  ['cold synth, default stack (node scripts/app.js)', f(results.coldSynthMs), ''],
  ['cold synth / floor', results.coldRatio.toFixed(2), `${mark(results.targets.coldRatio)} (${results.targets.coldRatio.target})`],
  ['in-process synth, default stack (load + build + YAML)', f(at(1).totalMs), `load ${f(at(1).loadMs)}, synth ${f(at(1).synthMs)}`],
  ['peak RSS, default stack', `${at(1).maxRssMiB.toFixed(0)} MiB`, ''],
  ...scale.map((s) => [`${s.pipelines} pipeline(s): ${s.objects} objects, in-process total`, f(s.totalMs), `cold synth ${f(s.synthMs)}, warm ${f(s.warmSynthMs)}, RSS ${s.maxRssMiB.toFixed(0)} MiB`]),
  ['50 pipelines, in-process total', f(at(50).totalMs), `${mark(results.targets.fiftyPipelinesMs)} (<= 1.5 s)`],
  ['warm slope ms/pipeline, 1-10 | 50-100', `${slopeAt10.toFixed(2)} | ${slopeAt100.toFixed(2)}`, `ratio ${results.slopeMsPerPipeline.ratio.toFixed(2)} ${mark(results.targets.linearGrowth)}`],
  ['npm test wall time', f(testMs), `${mark(results.targets.npmTestMs)} (<= 30 s)`],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`rocketchat-tracing bench (${results.machine.cpus} CPUs, node ${results.machine.node}, median of ${RUNS} runs)`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
console.log(JSON.stringify(results));
