import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ValidationError } from '../src';
import { DEFAULT_LIMITS, resolveLimits } from '../src/tempo/_limits';
import { CapacityInput, CapacityPlan, planCapacity } from '../src/sizing/capacity-plan';
import { formatPlan, main } from '../scripts/size';
import { findObject, synthStack } from './util';

const ROOT = path.join(__dirname, '..');
const MiB = 2 ** 20;

/** The plan's figures as plain values, for whole-object comparisons. */
function values(plan: CapacityPlan) {
  const { traffic: t, tempo, collector: c } = plan;
  return {
    collectorIngestBytesPerSecond: t.collectorIngestBytesPerSecond.value,
    newTracesPerSecond: t.newTracesPerSecond.value,
    keptSpansPerSecond: t.keptSpansPerSecond.value,
    tempoIngestBytesPerSecond: t.tempoIngestBytesPerSecond.value,
    tempoIngestBytesPerDay: t.tempoIngestBytesPerDay.value,
    objectStorageBytes: tempo.objectStorageBytes.value,
    profile: tempo.profile.value,
    volumePerReplica: tempo.volumePerReplica.text,
    localBackendVolume: tempo.localBackendVolume?.text,
    ingestionRateLimitBytes: tempo.limits.ingestionRateLimitBytes.value,
    ingestionBurstSizeBytes: tempo.limits.ingestionBurstSizeBytes.value,
    maxTracesPerUser: tempo.limits.maxTracesPerUser.value,
    kafkaPartitions: tempo.kafkaPartitions?.value,
    components: Object.fromEntries(tempo.components.map((p) => [p.component, p.replicas])),
    topology: c.topology.value,
    collectorReplicas: c.replicas.value,
    numTraces: c.numTraces?.value,
    memoryLimit: c.memoryLimit.text,
    queueSize: c.queueSize.value,
    persistentQueueSize: c.persistentQueueSize.text,
    persistentQueueBatches: c.persistentQueueBatches.value,
  };
}

describe('planCapacity: figures computed by hand', () => {
  test('5,000 spans/s, 500 B, 10% kept, 168h, Tempo 3.0', () => {
    const plan = planCapacity({ spansPerSecond: 5000, averageSpanBytes: 500, keptFraction: 0.1, retention: '168h' });
    expect(values(plan)).toEqual({
      // 5,000 spans/s × 500 B
      collectorIngestBytesPerSecond: 2_500_000,
      // 5,000 ÷ 20 spans per trace
      newTracesPerSecond: 250,
      keptSpansPerSecond: 500,
      // 2.5 MB/s × 0.1
      tempoIngestBytesPerSecond: 250_000,
      // 250 kB/s × 86,400 s
      tempoIngestBytesPerDay: 21_600_000_000,
      // 21.6 GB/day × 7 days × 1 (stored = received) × 1.25 headroom
      objectStorageBytes: 189_000_000_000,
      // 0.25 MB/s ≤ 1 MB/s
      profile: 'monolithic',
      // 250 kB/s × 1,380 s × 2 = 690 MB: the 20Gi default
      volumePerReplica: '20Gi',
      // 189 GB + 0.69 GB = 176.7 GiB → 177 → two digits: 180Gi
      localBackendVolume: '180Gi',
      // max(15 MB, 1.5 × 250 kB/s) and max(20 MB, 2 × 250 kB/s): Tempo's defaults
      ingestionRateLimitBytes: 15_000_000,
      ingestionBurstSizeBytes: 20_000_000,
      // max(10,000, 25 kept traces/s × 35 s × 2 = 1,750)
      maxTracesPerUser: 10_000,
      // max(1, ⌈0.25 ÷ 6⌉)
      kafkaPartitions: 1,
      components: {
        distributor: 2, // max(2, ⌈0.25 ÷ 10⌉)
        'live-store': 2, // 2 zones × 1 partition
        'block-builder': 1, // one per partition
        querier: 2, // max(2, ⌈0.25 ÷ 1⌉)
        'query-frontend': 2,
        'backend-scheduler': 1,
        'backend-worker': 1, // max(1, ⌈0.25 ÷ 3⌉)
      },
      topology: 'gateway',
      // ⌈5,000 ÷ 8,000⌉
      collectorReplicas: 1,
      // 2 × 250 traces/s × 30 s
      numTraces: 15_000,
      // (15,000 × 20 × 500 B × 3 = 450 MB) + (250 kB/s × 300 s × 3 = 225 MB) + 256 MiB = 943.4 MB;
      // ÷ 0.6 = 1.57 GB = 1.46 GiB → 2Gi
      memoryLimit: '2Gi',
      // max(1,000, 1 batch/s × 300 s)
      queueSize: 1000,
      // max(5Gi, 250 kB/s × 3,600 s × 2 = 1.8 GB)
      persistentQueueSize: '5Gi',
      // max(1,000, 1 batch/s × 3,600 s)
      persistentQueueBatches: 3600,
    });
    expect(plan.input).toEqual({
      spansPerSecond: 5000,
      averageSpanBytes: 500,
      retention: '168h',
      keptFraction: 0.1,
      decisionWaitSeconds: 30,
      averageSpansPerTrace: 20,
      tempoVersion: '3.0',
    });
  });

  test('the defaults are the documented ones', () => {
    const defaults = planCapacity({ spansPerSecond: 5000 });
    const explicit = planCapacity({ spansPerSecond: 5000, averageSpanBytes: 500, retention: '168h', keptFraction: 0.1, decisionWaitSeconds: 30, averageSpansPerTrace: 20, tempoVersion: '3.0' });
    expect(values(defaults)).toEqual(values(explicit));
    expect(defaults.input).toEqual(explicit.input);
    expect(defaults.assumptions[0].value).toBe('500 B (default)');
    expect(explicit.assumptions[0].value).toBe('500 B (given)');
  });

  test('200,000 spans/s on Tempo 2.10: scalable, ingesters carry 3 copies, samplers raised to fit 2Gi', () => {
    const plan = planCapacity({ spansPerSecond: 200_000, tempoVersion: '2.10' });
    const v = values(plan);
    // 200,000 × 500 B × 0.1 = 10 MB/s
    expect(v.tempoIngestBytesPerSecond).toBe(10_000_000);
    expect(v.profile).toBe('scalable');
    expect(v.components).toEqual({
      distributor: 2, // max(2, ⌈10 ÷ 10⌉)
      ingester: 4, // max(3, ⌈10 ÷ 3⌉)
      querier: 10, // max(2, ⌈10 ÷ 1⌉)
      'query-frontend': 2,
      compactor: 4, // max(1, ⌈10 ÷ 3⌉)
    });
    expect(v.kafkaPartitions).toBeUndefined();
    expect(v.localBackendVolume).toBeUndefined();
    // Each ingester: 10 MB/s × 3 copies ÷ 4 = 7.5 MB/s × (30 s + 30 min + 15 min = 2,730 s) × 2 = 40.95 GB = 38.1 GiB → 39Gi
    expect(v.volumePerReplica).toBe('39Gi');
    // max(15 MB, 1.5 × 10 MB/s = 15 MB); max(20 MB, 2 × 10 MB/s = 20 MB)
    expect(v.ingestionRateLimitBytes).toBe(15_000_000);
    expect(v.ingestionBurstSizeBytes).toBe(20_000_000);
    // 10,000 traces/s × 0.1 = 1,000 kept traces/s × (30 s + 10 s) × 2
    expect(v.maxTracesPerUser).toBe(80_000);
    // ⌈200,000 ÷ 8,000⌉ = 25 samplers; num_traces total 2 × 10,000 × 30 = 600,000. Soft limit 0.6 × 2Gi = 1,288,490,189 B:
    //   25: 24,000 × 30,000 B + 10 MB/s ÷ 25 × 900 + 256 MiB = 1,348,435,456 → over
    //   26: 24,000 (23,077 rounded up) → 1,334,589,302 → over
    //   27: 23,000 (22,223) → 1,291,768,789 → over
    //   28: 22,000 (21,429) → 1,249,864,027 → fits
    expect(v.collectorReplicas).toBe(28);
    expect(v.numTraces).toBe(22_000);
    expect(v.memoryLimit).toBe('2Gi');
    expect(v.topology).toBe('agentGateway');
  });

  test("tail sampling's num_traces: 2 × new traces/s × decision wait ÷ samplers, rounded up to two digits", () => {
    // 12,345 ÷ 7 = 1,763.6 traces/s; × 2 × 17 s = 59,961; ⌈12,345 ÷ 8,000⌉ = 2 samplers: 29,981 → 30,000
    const plan = planCapacity({ spansPerSecond: 12_345, averageSpansPerTrace: 7, decisionWaitSeconds: 17 });
    expect(plan.collector.replicas.value).toBe(2);
    expect(plan.collector.numTraces?.value).toBe(30_000);
    for (const spansPerSecond of [1, 37, 900, 4321, 65_000, 777_777]) {
      for (const decisionWaitSeconds of [1, 10, 30, 300]) {
        const p = planCapacity({ spansPerSecond, decisionWaitSeconds });
        const needed = 2 * (spansPerSecond / 20) * decisionWaitSeconds;
        const perSampler = p.collector.numTraces!.value;
        expect(perSampler * p.collector.replicas.value).toBeGreaterThanOrEqual(needed);
        expect(perSampler).toBeGreaterThanOrEqual(1000);
        // Rounding up to two digits adds less than 10%, or the 1,000 floor applies.
        expect(perSampler < 1.1 * (needed / p.collector.replicas.value) || perSampler === 1000).toBe(true);
      }
    }
  });

  test('no sampling: no num_traces, no agents, every span stored', () => {
    const plan = planCapacity({ spansPerSecond: 5000, keptFraction: 1 });
    expect(plan.collector.tailSampling).toBe(false);
    expect(plan.collector.numTraces).toBeUndefined();
    expect(plan.collector.topology.value).toBe('gateway');
    expect(plan.traffic.tempoIngestBytesPerSecond.value).toBe(2_500_000);
    expect(plan.tempo.profile.value).toBe('scalable');
  });
});

describe('planCapacity: shape of the plan', () => {
  const grid: number[] = [];
  for (let s = 1; s <= 3_000_000; s *= 1.07) grid.push(Math.round(s * 100) / 100);

  test.each([
    ['3.0', 0.1],
    ['3.0', 1],
    ['2.10', 0.02],
    ['2.10', 0.5],
  ] as const)('Tempo %s, keptFraction %s: more spans never give fewer replicas, less storage or lower limits', (tempoVersion, keptFraction) => {
    let previous: Record<string, number> | undefined;
    for (const spansPerSecond of grid) {
      const plan = planCapacity({ spansPerSecond, tempoVersion, keptFraction });
      const c = plan.collector;
      const current: Record<string, number> = {
        tempoIngest: plan.traffic.tempoIngestBytesPerSecond.value,
        objectStorage: plan.tempo.objectStorageBytes.value,
        scalable: plan.tempo.profile.value === 'scalable' ? 1 : 0,
        rate: plan.tempo.limits.ingestionRateLimitBytes.value,
        burst: plan.tempo.limits.ingestionBurstSizeBytes.value,
        maxTraces: plan.tempo.limits.maxTracesPerUser.value,
        kafkaPartitions: plan.tempo.kafkaPartitions?.value ?? 0,
        collectorReplicas: c.replicas.value,
        collectorMemory: c.replicas.value * c.memoryLimit.value,
        heldTraces: c.replicas.value * (c.numTraces?.value ?? 0),
        queue: c.replicas.value * c.queueSize.value,
        ...Object.fromEntries(plan.tempo.components.map((p) => [p.component, p.replicas])),
      };
      if (previous) {
        for (const [key, value] of Object.entries(current)) {
          if (value < previous[key]) throw new Error(`${key} fell from ${previous[key]} to ${value} at ${spansPerSecond} spans/s`);
        }
      }
      previous = current;
    }
  });

  test('2.10 never plans fewer than 3 ingesters (replication factor 3)', () => {
    for (const spansPerSecond of [0.01, 1, 100, 5000, 100_000, 10_000_000]) {
      const ingester = planCapacity({ spansPerSecond, tempoVersion: '2.10' }).tempo.components.find((p) => p.component === 'ingester')!;
      expect(ingester.replicas).toBeGreaterThanOrEqual(3);
    }
  });

  test('monolithic up to 1 MB/s into Tempo, scalable above', () => {
    expect(planCapacity({ spansPerSecond: 50 }).tempo.profile.value).toBe('monolithic');
    // 2,000 × 500 B × 1 = exactly 1 MB/s
    expect(planCapacity({ spansPerSecond: 2000, keptFraction: 1 }).tempo.profile.value).toBe('monolithic');
    expect(planCapacity({ spansPerSecond: 2001, keptFraction: 1 }).tempo.profile.value).toBe('scalable');
    expect(planCapacity({ spansPerSecond: 500_000 }).tempo.profile.value).toBe('scalable');
  });

  test('the Kafka topic has a partition for each live-store of a zone, and a block-builder each', () => {
    const plan = planCapacity({ spansPerSecond: 1_000_000 });
    // 1,000,000 × 500 B × 0.1 = 50 MB/s ÷ 6 MB/s → 9 partitions
    expect(plan.tempo.kafkaPartitions?.value).toBe(9);
    const replicas = Object.fromEntries(plan.tempo.components.map((p) => [p.component, p.replicas]));
    expect(replicas['live-store']).toBe(18);
    expect(replicas['block-builder']).toBe(9);
    expect(plan.notes).toContain('Scalable Tempo 3.0 writes through Kafka: a Kafka-compatible system with a topic of at least 9 partitions.');
  });

  test('several samplers call for the agentGateway topology; one stays a gateway', () => {
    expect(planCapacity({ spansPerSecond: 5000 }).collector.topology.value).toBe('gateway');
    // ⌈8,001 ÷ 8,000⌉ = 2 samplers
    const plan = planCapacity({ spansPerSecond: 8001 });
    expect(plan.collector.replicas.value).toBe(2);
    expect(plan.collector.topology.value).toBe('agentGateway');
    expect(plan.notes.some((n) => n.startsWith('Each agent handles the spans of its node'))).toBe(true);
  });

  test('traces too large for a 2Gi sampler: the replicas stop growing at the num_traces floor, and a note says so', () => {
    // 2,000 spans × 500 B = 1 MB per trace; 1,000 traces × 1 MB × 3 = 3 GB alone exceeds 0.6 × 2Gi.
    const plan = planCapacity({ spansPerSecond: 50_000, averageSpansPerTrace: 2000 });
    // ⌈50,000 ÷ 8,000⌉ = 7; 2 × 25 traces/s × 30 s ÷ 7 = 214 → the 1,000 floor already
    expect(plan.collector.replicas.value).toBe(7);
    expect(plan.collector.numTraces?.value).toBe(1000);
    // (3 GB + 2.5 MB/s ÷ 7 × 900 s + 256 MiB) ÷ 0.6 = 5.57 GiB → 6Gi
    expect(plan.collector.memoryLimit.text).toBe('6Gi');
    expect(plan.notes).toContain('Traces of 1 MB do not fit the 2Gi planned per sampler: 1,000 of them need a 6Gi limit.');
    expect(planCapacity({ spansPerSecond: 50_000, averageSpansPerTrace: 20_000 }).notes).toContain(
      "Traces of 10 MB exceed Tempo's maxBytesPerTrace (5,000,000 by default): Tempo drops their spans beyond it.",
    );
  });

  test('every figure says why, and every assumption has a source', () => {
    const plan = planCapacity({ spansPerSecond: 5000 });
    const figures = [...Object.values(plan.traffic), ...Object.values(plan.collector).filter((f) => typeof f === 'object')];
    for (const f of figures) expect(f.why.length).toBeGreaterThan(5);
    for (const a of plan.assumptions) expect(a.source.length).toBeGreaterThan(3);
  });

  test('the ingestion limits are ones the TempoStack accepts (burst at least the rate)', () => {
    for (const spansPerSecond of [10, 5000, 400_000, 9_000_000]) {
      const l = planCapacity({ spansPerSecond }).tempo.limits;
      const limits = { ingestionRateLimitBytes: l.ingestionRateLimitBytes.value, ingestionBurstSizeBytes: l.ingestionBurstSizeBytes.value, maxTracesPerUser: l.maxTracesPerUser.value };
      expect(() => resolveLimits('limits', limits, { ...DEFAULT_LIMITS, blockRetention: '168h' })).not.toThrow();
    }
  });

  test("the planned memory limit gives the collector's memory_limiter the soft limit the plan assumes", () => {
    const plan = planCapacity({ spansPerSecond: 5000 });
    const c = plan.collector;
    const objects = synthStack({
      collector: {
        resources: { memoryRequest: c.memoryLimit.text, memoryLimit: c.memoryLimit.text },
        sampling: { type: 'tail', numTraces: c.numTraces!.value, decisionWaitSeconds: plan.input.decisionWaitSeconds },
        queueSize: c.queueSize.value,
      },
    });
    const config = parse(findObject(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
    const limiter = config.processors.memory_limiter;
    // The plan keeps its working set under 0.6 × the limit: memory_limiter starts refusing at limit_mib − spike_limit_mib.
    expect((limiter.limit_mib - limiter.spike_limit_mib) / (c.memoryLimit.value / MiB)).toBeCloseTo(0.6, 2);
    expect(config.processors.tail_sampling.num_traces).toBe(15_000);
  });
});

describe('planCapacity: bad input', () => {
  const cases: [string, Partial<Record<keyof CapacityInput, unknown>>, string][] = [
    ['negative rate', { spansPerSecond: -5 }, 'spansPerSecond must be a number above 0, got -5'],
    ['no rate', {}, 'spansPerSecond must be a number above 0, got nothing'],
    ['rate as text', { spansPerSecond: '5000' }, 'spansPerSecond must be a number above 0, got "5000"'],
    ['zero span size', { spansPerSecond: 5000, averageSpanBytes: 0 }, 'averageSpanBytes must be a number of bytes above 0, got 0'],
    [
      'retention in days',
      { spansPerSecond: 5000, retention: '7d' },
      'retention must be a duration in whole hours, minutes and seconds such as "168h" or "72h30m" (no "d", no fractions), got "7d"',
    ],
    ['zero retention', { spansPerSecond: 5000, retention: '0h' }, 'retention must be a positive duration, got "0h"'],
    ['kept fraction above 1', { spansPerSecond: 5000, keptFraction: 1.5 }, 'keptFraction must be a number above 0 and at most 1 (1 = no sampling), got 1.5'],
    ['kept fraction 0', { spansPerSecond: 5000, keptFraction: 0 }, 'keptFraction must be a number above 0 and at most 1 (1 = no sampling), got 0'],
    ['fractional decision wait', { spansPerSecond: 5000, decisionWaitSeconds: 2.5 }, 'decisionWaitSeconds must be an integer from 1 to 300 (seconds), got 2.5'],
    ['decision wait too long', { spansPerSecond: 5000, decisionWaitSeconds: 301 }, 'decisionWaitSeconds must be an integer from 1 to 300 (seconds), got 301'],
    ['under one span per trace', { spansPerSecond: 5000, averageSpansPerTrace: 0.5 }, 'averageSpansPerTrace must be a number of at least 1, got 0.5'],
    ['unsupported Tempo line', { spansPerSecond: 5000, tempoVersion: '2.9' }, 'tempoVersion must be one of "3.0", "2.10", got "2.9"'],
  ];
  test.each(cases)('%s', (_name, input, message) => {
    const run = () => planCapacity(input as unknown as CapacityInput);
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(new ValidationError(message));
  });
});

describe('scripts/size.ts', () => {
  const run = (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return { code, stdout, stderr };
  };
  const ALLOWED = '--spans-per-second, --average-span-bytes, --retention, --kept-fraction, --decision-wait-seconds, --average-spans-per-trace, --tempo-version, --json, --help';

  test('prints the table: header and key rows', () => {
    const { code, stdout, stderr } = run(['--spans-per-second', '5000', '--retention', '168h']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Capacity plan: 5000 spans\/s, 500 B per span, keptFraction 0.1, retention 168h/);
    expect(stdout).toMatch(/^Figure +Value +Why$/m);
    expect(stdout).toMatch(/^Tempo ingest +250 kB\/s +2\.5 MB\/s × keptFraction 0\.1$/m);
    expect(stdout).toMatch(/^Object storage +189 GB +/m);
    expect(stdout).toMatch(/^Tempo profile +monolithic +/m);
    expect(stdout).toMatch(/^ingestionRateLimitBytes +15,000,000 +/m);
    expect(stdout).toMatch(/^Tail sampling num_traces +15,000 +/m);
    expect(stdout).toMatch(/^Collector memoryLimit +2Gi +/m);
    expect(stdout).toMatch(/^Component +Replicas +Setting +Per replica +Why$/m);
    expect(stdout).toMatch(/^live-store +2 +liveStore\.replicas: 1 per zone +1 CPU, 4-20 GB +/m);
  });

  test('a leading "--" and --flag=value are accepted', () => {
    const plain = run(['--spans-per-second', '5000', '--retention', '168h']).stdout;
    expect(run(['--', '--spans-per-second', '5000', '--retention', '168h']).stdout).toBe(plain);
    expect(run(['--spans-per-second=5000', '--retention=168h']).stdout).toBe(plain);
  });

  test('--json prints the plan', () => {
    const { code, stdout } = run(['--spans-per-second', '5000', '--kept-fraction', '0.2', '--tempo-version', '2.10', '--json']);
    expect(code).toBe(0);
    const plan = planCapacity({ spansPerSecond: 5000, keptFraction: 0.2, tempoVersion: '2.10' });
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(plan)));
  });

  test('an unknown flag: exit code 1 and the allowed flags', () => {
    const { code, stdout, stderr } = run(['--spans-per-second', '5000', '--retension', '168h']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(`error: unknown flag --retension; allowed: ${ALLOWED}`);
    expect(stderr).toContain('Usage: ts-node scripts/size.ts --spans-per-second <n> [options]');
  });

  test('bad values name the flag; a missing value or a stray argument is refused', () => {
    expect(run(['--spans-per-second', '-5'])).toEqual({ code: 1, stdout: '', stderr: 'error: --spans-per-second (spansPerSecond) must be a number above 0, got -5\n' });
    expect(run(['--spans-per-second', 'many']).stderr).toBe('error: --spans-per-second (spansPerSecond) must be a number above 0, got "many"\n');
    expect(run([]).stderr).toBe('error: --spans-per-second (spansPerSecond) must be a number above 0, got nothing\n');
    expect(run(['--spans-per-second', '5000', '--kept-fraction', '2']).stderr).toBe(
      'error: --kept-fraction (keptFraction) must be a number above 0 and at most 1 (1 = no sampling), got 2\n',
    );
    expect(run(['--spans-per-second']).stderr.split('\n')[0]).toBe('error: --spans-per-second needs a value');
    expect(run(['--retention', '--spans-per-second', '5']).stderr.split('\n')[0]).toBe('error: --retention needs a value');
    expect(run(['5000']).stderr.split('\n')[0]).toBe(`error: unexpected argument "5000"; allowed: ${ALLOWED}`);
    expect(run(['--spans-per-second', '1', '--spans-per-second', '2']).stderr.split('\n')[0]).toBe('error: --spans-per-second is given twice');
  });

  test('--help prints the usage', () => {
    const { code, stdout } = run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--kept-fraction <f>');
  });

  test('as a process: the table on stdout with exit code 0; exit code 1 for an unknown flag', () => {
    // The repository's TypeScript runner (esbuild bundle), as scripts/app.js runs src/main.ts.
    const { bundle } = require(path.join(ROOT, 'scripts', '_run-ts.js')) as { bundle: (entry: string) => string };
    const script = bundle('scripts/size.ts');
    const ok = spawnSync(process.execPath, [script, '--', '--spans-per-second', '5000', '--retention', '168h'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(formatPlan(planCapacity({ spansPerSecond: 5000, retention: '168h' })));
    const bad = spawnSync(process.execPath, [script, '--spans-per-second', '5000', '--nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe(`error: unknown flag --nope; allowed: ${ALLOWED}`);
  });

  test('the table for 5,000 spans/s and 168h', () => {
    expect(formatPlan(planCapacity({ spansPerSecond: 5000, retention: '168h' }))).toMatchSnapshot();
  });
});

describe('the plan as TempoStack settings', () => {
  test.each(['3.0', '2.10'] as const)('Tempo %s: scalableComponents synthesize to the planned pods of every component', (tempoVersion) => {
    const plan = planCapacity({ spansPerSecond: 200_000, tempoVersion });
    expect(plan.tempo.profile.value).toBe('scalable');
    const objects = synthStack({
      tempo: {
        version: tempoVersion === '3.0' ? '3.0.3' : '2.10.8',
        profile: 'scalable',
        storage: { backend: 'gcs', bucketName: 'traces', auth: { type: 'workloadIdentity', serviceAccount: 'tempo-sa@my-project.iam.gserviceaccount.com' } },
        scalable: { components: plan.tempo.scalableComponents, ...(tempoVersion === '3.0' ? { kafka: { address: 'kafka:9092' } } : {}) },
      },
    });
    const pods = (target: string) =>
      objects
        .filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.spec.template.spec.containers[0].args?.includes(`-target=${target}`))
        .reduce((sum, o) => sum + o.spec.replicas, 0);
    for (const component of plan.tempo.components) expect([component.component, pods(component.component)]).toEqual([component.component, component.replicas]);
    if (tempoVersion === '3.0') expect(findObject(objects, 'StatefulSet', 'tempo-block-builder').spec.replicas).toBe(plan.tempo.kafkaPartitions!.value);
  });
});
