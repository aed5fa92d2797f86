// Capacity plan for a span rate: prints Tempo's and the collector's sizing as a table, or as
// JSON with --json.
//
//   ts-node scripts/size.ts --spans-per-second 5000 --retention 168h [--json]
import { ValidationError } from '../src/common/errors';
import { CapacityInput, CapacityPlan, PlanFigure, planCapacity } from '../src/sizing/capacity-plan';

/** Each value flag and the input it sets. */
const VALUE_FLAGS = {
  '--spans-per-second': { prop: 'spansPerSecond', numeric: true },
  '--average-span-bytes': { prop: 'averageSpanBytes', numeric: true },
  '--retention': { prop: 'retention', numeric: false },
  '--kept-fraction': { prop: 'keptFraction', numeric: true },
  '--decision-wait-seconds': { prop: 'decisionWaitSeconds', numeric: true },
  '--average-spans-per-trace': { prop: 'averageSpansPerTrace', numeric: true },
  '--tempo-version': { prop: 'tempoVersion', numeric: false },
} as const satisfies Record<string, { prop: keyof CapacityInput; numeric: boolean }>;
type ValueFlag = keyof typeof VALUE_FLAGS;
const SWITCHES = ['--json', '--help'] as const;
const ALLOWED_FLAGS = [...Object.keys(VALUE_FLAGS), ...SWITCHES].join(', ');

export const USAGE = `Usage: ts-node scripts/size.ts --spans-per-second <n> [options]

  --spans-per-second <n>         spans/s Rocket.Chat sends, before sampling (required)
  --average-span-bytes <n>       average span size after the collector's hygiene (default 500)
  --retention <duration>         Tempo retention, e.g. 168h or 72h30m (default 168h)
  --kept-fraction <f>            fraction of spans tail sampling keeps, 1 = none dropped (default 0.1)
  --decision-wait-seconds <n>    tail sampling decision wait (default 30)
  --average-spans-per-trace <n>  spans per trace (default 20)
  --tempo-version <line>         3.0 or 2.10 (default 3.0)
  --json                         print the plan as JSON
  --help                         print this help
`;

/** Thrown for a command line that cannot be read; the message says what is allowed. */
export class UsageError extends Error {}

/** Reads the command line into the plan's input and the output choice. */
export function parseArgs(argv: readonly string[]): { input: CapacityInput; json: boolean; help: boolean } {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const input: Record<string, unknown> = {};
  let json = false;
  let help = false;
  for (let n = 0; n < args.length; n++) {
    const arg = args[n];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--json' || flag === '--help' || flag === '-h') {
      if (flag !== arg) throw new UsageError(`${flag} takes no value, got ${JSON.stringify(arg)}`);
      if (flag === '--json') json = true;
      else help = true;
      continue;
    }
    if (!Object.hasOwn(VALUE_FLAGS, flag)) {
      const what = flag.startsWith('-') ? `unknown flag ${flag}` : `unexpected argument ${JSON.stringify(arg)}`;
      throw new UsageError(`${what}; allowed: ${ALLOWED_FLAGS}`);
    }
    const spec = VALUE_FLAGS[flag as ValueFlag];
    const raw = flag !== arg ? arg.slice(eq + 1) : args[++n];
    if (raw === undefined || (flag === arg && raw.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    if (Object.hasOwn(input, spec.prop)) throw new UsageError(`${flag} is given twice`);
    // A value that is not a number reaches the plan as text, whose check quotes it.
    input[spec.prop] = spec.numeric && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { input: input as unknown as CapacityInput, json, help };
}

/** Renders rows as plain-text columns under a header and a rule. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The plan as the command prints it. */
export function formatPlan(plan: CapacityPlan): string {
  const { input: i, traffic: t, tempo, collector: c } = plan;
  const row = (label: string, f: PlanFigure<unknown>) => [label, f.text, f.why];
  const figures = [
    row('Collector ingest', t.collectorIngestBytesPerSecond),
    row('New traces', t.newTracesPerSecond),
    row('Kept spans', t.keptSpansPerSecond),
    row('Tempo ingest', t.tempoIngestBytesPerSecond),
    row('Tempo ingest per day', t.tempoIngestBytesPerDay),
    row('Object storage', tempo.objectStorageBytes),
    row('Tempo profile', tempo.profile),
    row(volumeLabel(plan), tempo.volumePerReplica),
    ...(tempo.localBackendVolume ? [row('Tempo volumeSize, local blocks', tempo.localBackendVolume)] : []),
    row('ingestionRateLimitBytes', tempo.limits.ingestionRateLimitBytes),
    row('ingestionBurstSizeBytes', tempo.limits.ingestionBurstSizeBytes),
    row('maxTracesPerUser', tempo.limits.maxTracesPerUser),
    ...(tempo.kafkaPartitions ? [row('Kafka partitions (scalable)', tempo.kafkaPartitions)] : []),
    row('Collector topology', c.topology),
    row(c.tailSampling ? 'Collector replicas (samplers)' : 'Collector replicas', c.replicas),
    row('Spans per collector replica', c.spansPerReplica),
    ...(c.numTraces ? [row('Tail sampling num_traces', c.numTraces)] : []),
    row('Collector memoryLimit', c.memoryLimit),
    row('Collector queueSize', c.queueSize),
    row('Collector persistentQueue.size', c.persistentQueueSize),
    row('Collector queueSize, persistent', c.persistentQueueBatches),
  ];
  const components = tempo.components.map((p) => [p.component, String(p.replicas), p.setting ? `${p.setting.component}.replicas: ${p.setting.replicas}${p.component === 'live-store' ? ' per zone' : ''}` : '-', p.perReplica, p.why]);
  const assumptions = plan.assumptions.map((a) => [a.figure, a.value, a.source]);
  return [
    `Capacity plan: ${i.spansPerSecond} spans/s, ${i.averageSpanBytes} B per span, keptFraction ${i.keptFraction}, ` +
      `retention ${i.retention}, ${i.averageSpansPerTrace} spans per trace, decision wait ${i.decisionWaitSeconds} s, Tempo ${i.tempoVersion}`,
    '',
    formatTable(['Figure', 'Value', 'Why'], figures),
    '',
    `Tempo ${i.tempoVersion} scalable profile (upstream sizing example)`,
    'Settings: tempo.profile: scalable, and under tempo.scalable.components the Setting column.',
    formatTable(['Component', 'Replicas', 'Setting', 'Per replica', 'Why'], components),
    '',
    'Assumptions',
    formatTable(['Figure', 'Value', 'Source'], assumptions),
    '',
    'Notes',
    ...plan.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

function volumeLabel(plan: CapacityPlan): string {
  if (plan.tempo.profile.value === 'monolithic') return 'Tempo volumeSize, object storage';
  return plan.input.tempoVersion === '3.0' ? 'Live-store volume' : 'Ingester volume';
}

/** Output streams, replaceable for tests. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: Io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

/** Runs the command; returns its exit code (0, or 1 for bad flags or input). */
export function main(argv: readonly string[], io: Io = PROCESS_IO): number {
  try {
    const { input, json, help } = parseArgs(argv);
    if (help) {
      io.stdout(USAGE);
      return 0;
    }
    const plan = planCapacity(input);
    io.stdout(json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n\n${USAGE}`);
      return 1;
    }
    if (error instanceof ValidationError) {
      io.stderr(`error: ${flagMessage(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

/** Names the flag instead of the input prop at the start of a validation message. */
function flagMessage(message: string): string {
  for (const [flag, { prop }] of Object.entries(VALUE_FLAGS)) {
    if (message.startsWith(`${prop} `)) return `${flag} (${prop})${message.slice(prop.length)}`;
  }
  return message;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
