// `kernelfit tune KERNEL|SPEC`: finds the fastest valid configuration of a kernel on a device. Parses
// flags, opens the device, calls tune() and prints the result; everything else is the library's.
import type { Command } from 'commander';
import { UserError } from '../../solver/user-error.ts';
import type { Backend } from '../backends/backend.ts';
import { openDevice } from '../backends/registry.ts';
import { ReplayBackend } from '../backends/replay/replay-backend.ts';
import { parseBudget } from '../budget.ts';
import type { KernelSpec } from '../kernel-spec.ts';
import { loadKernelSpecFile } from '../kernel-spec-load.ts';
import { writeT4 } from '../interop/t4.ts';
import { DEFAULT_STRATEGY, strategyNames } from '../strategies/index.ts';
import { tune, type TuneResult } from '../tune.ts';
import { formatDuration, formatMs, progressReporter } from './tune-progress.ts';
import { bundledFile } from './bundled-file.ts';

interface TuneFlags {
  device: string;
  problem: Record<string, number>;
  strategy: string;
  budget?: string;
  patience?: number;
  seed: number;
  journal?: string;
  t4?: string;
  inFlight?: number;
  json?: boolean;
  progress: boolean;
}

function problemFlag(v: string, previous: Record<string, number> = {}): Record<string, number> {
  const out = { ...previous };
  for (const part of v.split(',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$/.exec(part);
    const n = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(n)) throw new UserError(`--problem takes NAME=NUMBER (e.g. --problem N=4096), not "${v}"`);
    out[m[1]] = n;
  }
  return out;
}

function integerFlag(flag: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} must be an integer ≥ ${min}, not "${v}"`);
    return n;
  };
}

function strategyFlag(v: string): string {
  if (!strategyNames().includes(v)) throw new UserError(`unknown strategy '${v}' (one of: ${strategyNames().join(', ')})`, '--strategy');
  return v;
}

function budgetFlag(v: string): string {
  parseBudget(v); // reject a malformed budget before anything is opened
  return v;
}

export function registerTuneCommands(program: Command): void {
  program.command('tune')
    .argument('[kernel]', 'kernel spec (JSON or Kernel Tuner T1); default: the bundled WGSL matmul; with --device replay:FILE it may be omitted (the recording defines the space)')
    .description('find the fastest valid configuration of a kernel on a device')
    .option('--device <device>', 'auto | cuda:N | webgpu | replay:FILE (a Kernel Tuner cache, .json or .json.gz)', 'auto')
    .option('--problem <k=v>', 'problem size override, repeatable (or k=v,k2=v2)', problemFlag, {})
    .option('--strategy <name>', `search strategy: ${strategyNames().join(', ')}`, strategyFlag, DEFAULT_STRATEGY)
    .option('--budget <budget>', 'N evaluations, a time (90s, 5m, 1h) or a fraction of the space (5%); default: the whole space', budgetFlag)
    .option('--patience <K>', 'stop early after K evaluations without improvement', integerFlag('--patience', 1))
    .option('--seed <S>', 'random seed (strategies are reproducible from it)', integerFlag('--seed', 0), 0)
    .option('--journal <file>', 'journal every measurement here; a rerun with the same file resumes')
    .option('--t4 <file>', 'also write every evaluation as T4 results (AutoTuning Association format)')
    .option('--in-flight <N>', 'configurations handed to the device at once (default 4)', integerFlag('--in-flight', 1))
    .option('--json', 'print one JSON object with the result')
    .option('--no-progress', 'no progress output on stderr')
    .action(async (file: string | undefined, o: TuneFlags) => {
      const { kernel, backend } = await openKernelAndDevice(file, o.device, o);
      const reporter = o.progress ? progressReporter() : null;
      const abort = new AbortController();
      // Ctrl-C ends tuning after the measurement in flight; the journal already holds every finished one
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      let result: TuneResult;
      try {
        result = await tune({
          kernel, backend, problem: o.problem, strategy: o.strategy, seed: o.seed,
          ...(o.budget !== undefined ? { budget: o.budget } : {}),
          ...(o.patience !== undefined ? { patience: o.patience } : {}),
          ...(o.journal !== undefined ? { journal: o.journal } : {}),
          ...(o.inFlight !== undefined ? { inFlight: o.inFlight } : {}),
          ...(reporter ? { onProgress: reporter.update } : {}),
          signal: abort.signal,
        });
      } finally {
        reporter?.done();
        process.off('SIGINT', onSigint);
        await backend.close();
      }
      if (o.t4) writeT4(o.t4, result.measurements);
      if (result.journal && result.journal.tornBytes > 0) {
        process.stderr.write(`kernelfit: ${result.journal.path}: ended in a torn line (${result.journal.tornBytes} bytes, a measurement cut short by a kill); it was kept and sealed, and that configuration measured again\n`);
      }
      process.stdout.write(o.json ? `${JSON.stringify(resultJson(result))}\n` : humanResult(result));
      if (!result.best) process.exitCode = 1;
    });
}

/** What `kernelfit tune` with no kernel tunes: the bundled WGSL matmul (the README's main job). */
const DEFAULT_KERNEL = 'kernels/wgsl/matmul.spec.json';
/** On a CPU (SwiftShader) adapter the demo keeps to a size and a budget that finish in about a minute. */
const SOFTWARE_DEMO = { problem: { M: 256, N: 256, K: 256 }, budget: '30' };

async function openKernelAndDevice(file: string | undefined, device: string, o: TuneFlags): Promise<{ kernel: KernelSpec; backend: Backend }> {
  if (file === undefined && device.startsWith('replay:')) {
    const backend = await openDevice(device);
    if (!(backend instanceof ReplayBackend)) throw new UserError('no kernel spec given', 'kernelfit tune');
    return { kernel: backend.kernel, backend };
  }
  const { kernel } = loadKernelSpecFile(file ?? bundledFile(DEFAULT_KERNEL));
  const backend = await openDevice(device, kernel);
  if (file === undefined) {
    const software = (backend as { software?: boolean }).software === true;
    if (software) {
      if (Object.keys(o.problem).length === 0) o.problem = { ...SOFTWARE_DEMO.problem };
      o.budget ??= SOFTWARE_DEMO.budget;
    }
    process.stderr.write(`kernelfit: no kernel given: tuning the bundled WGSL matmul (${DEFAULT_KERNEL}) on ${backend.device.name}${software ? ` — a CPU device, so a ${o.problem.M}³ problem and ${o.budget} evaluations` : ''}; pass a kernel spec to tune your own\n`);
  }
  return { kernel, backend };
}

/** The --json object: snake_case, times in milliseconds. */
export function resultJson(r: TuneResult): Record<string, unknown> {
  return {
    best: r.best ? {
      config: r.best.config,
      time_ms: r.best.timeMs,
      score: r.best.score,
      ...(r.best.throughput !== undefined ? { throughput: r.best.throughput } : {}),
      ...(r.best.spread !== undefined ? { spread: r.best.spread } : {}),
    } : null,
    evaluations: r.evaluations,
    measured: r.measured,
    resumed: r.resumed,
    failed: r.failed,
    space_size: r.spaceSize,
    budget: Number.isFinite(r.budget) ? r.budget : null,
    strategy: r.strategy,
    seed: r.seed,
    device: { key: r.device.key, name: r.device.name, backend: r.device.backend },
    problem: r.problem,
    stopped: r.stopped,
    elapsed_ms: Math.round(r.elapsedMs * 1000) / 1000,
    ...(r.time ? { spent_before_ms: Math.round(r.time.spentBeforeMs * 1000) / 1000 } : {}),
    ...(r.journal ? { journal: r.journal.path } : {}),
  };
}

/** A resumed time budget: how much of it the journal's earlier runs had spent (they count towards it). */
function timeNote(r: TuneResult): string {
  if (!r.time) return '';
  const { budgetMs, spentBeforeMs, untimedRuns } = r.time;
  const untimed = untimedRuns ? `; ${untimedRuns} earlier run${untimedRuns > 1 ? 's' : ''} recorded no time (an older journal) and count${untimedRuns > 1 ? '' : 's'} as none` : '';
  if (spentBeforeMs <= 0) return untimed ? ` (${untimed.slice(2)})` : '';
  const used = spentBeforeMs >= budgetMs ? ' — the budget was used up, nothing new measured' : '';
  return ` (${formatDuration(spentBeforeMs)} of the ${formatDuration(budgetMs)} budget spent before this run${used}${untimed})`;
}

function humanResult(r: TuneResult): string {
  const failed = Object.entries(r.failed).map(([s, n]) => `${n} ${s}`).join(', ');
  const lines = [
    r.best ? `best: ${formatMs(r.best.timeMs)}  ${JSON.stringify(r.best.config)}` : 'best: none (no configuration ran successfully)',
    `${r.evaluations} of ${r.spaceSize} configurations evaluated (${r.measured} measured, ${r.resumed} from the journal)${failed ? `; failed: ${failed}` : ''}`,
    `device ${r.device.name}; strategy ${r.strategy}, seed ${r.seed}; stopped: ${r.stopped}${timeNote(r)}`,
  ];
  return `${lines.join('\n')}\n`;
}
