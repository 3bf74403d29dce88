// Strategy benchmark on recorded spaces (npm run bench:strategies [-- --json] [--seeds N] [--replay DIR]
// [--strategies a,b]): every strategy tunes every fully brute-forced replay space of ../shared/bench/replay
// through the real tune() loop, and is scored with the methodology of Willemsen et al.
// (AutoTuningAssociation/autotuning_methodology):
//   - the baseline is random search's *expected* best-so-far after k evaluations, computed exactly from
//     the space's measured distribution (sampling without replacement: the minimum of k draws is the
//     i-th smallest value with probability C(N−i, k−1) / C(N, k));
//   - the budget K is the number of evaluations random search needs, in expectation, to get 95% of the
//     way from the median to the optimum; the window starts where it gets 1% of the way;
//   - at each k of the window P_k = (random_k − strategy_k) / (random_k − optimum): 0 is random search,
//     1 the optimum, negative worse than random; P is the mean over the window, then over seeds.
// Cost is counted in evaluations (the methodology's "fevals" budget), not in recorded seconds.
// Configurations recorded as failures count as evaluations and rank as the slowest valid time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayBackend } from '../tuner/backends/replay/replay-backend.ts';
import { solverSpecOf } from '../tuner/kernel-spec-load.ts';
import { strategyNames } from '../tuner/strategies/index.ts';
import { tune } from '../tuner/tune.ts';
import { SearchSpace } from '../solver/space.ts';

interface Args { json: boolean; seeds: number; replay: string; strategies: string[] }

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, seeds: 20, replay: '../shared/bench/replay', strategies: strategyNames() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--seeds') args.seeds = Number(argv[++i]);
    else if (a === '--replay') args.replay = argv[++i];
    else if (a === '--strategies') args.strategies = argv[++i].split(',');
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** The scoring frame of one space: the random baseline curve, optimum, median, window. */
export interface Baseline { optimum: number; median: number; worst: number; random: Float64Array; start: number; budget: number; size: number }

export function baseline(scores: number[]): Baseline {
  const valid = scores.filter(Number.isFinite);
  const worst = Math.max(...valid);
  const v = scores.map((s) => (Number.isFinite(s) ? s : worst)).sort((a, b) => a - b);
  const N = v.length;
  const optimum = v[0];
  const median = N % 2 ? v[(N - 1) >> 1] : (v[N / 2 - 1] + v[N / 2]) / 2;
  const random = new Float64Array(N + 1);
  random[0] = worst;
  let start = -1, budget = -1;
  for (let k = 1; k <= N; k++) {
    // P(min is the i-th smallest) for i = 1…N−k+1: p_1 = k/N, p_{i+1} = p_i (N−i−k+1)/(N−i)
    let p = k / N, e = 0;
    for (let i = 1; i <= N - k + 1 && p > 0; i++) {
      e += v[i - 1] * p;
      p = (p * (N - i - k + 1)) / (N - i);
    }
    random[k] = e;
    if (start < 0 && e <= median - 0.01 * (median - optimum)) start = k;
    if (e <= median - 0.95 * (median - optimum)) { budget = k; break; }
  }
  return { optimum, median, worst, random: random.subarray(0, budget + 1), start, budget, size: N };
}

/** P of one run: its best-so-far curve against the random baseline, averaged over the window. */
export function methodologyScore(base: Baseline, runScores: number[]): number {
  let best = base.worst, sum = 0, n = 0;
  for (let k = 1; k <= base.budget; k++) {
    const s = runScores[k - 1];
    if (s !== undefined && Number.isFinite(s) && s < best) best = s;
    if (k < base.start) continue;
    const r = base.random[k];
    sum += (r - best) / (r - base.optimum);
    n++;
  }
  return sum / n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const files = readdirSync(args.replay).filter((f) => /\.json(\.gz)?$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no replay files in ${args.replay}`);
  const rows: { space: string; strategy: string; p: number; sd: number; budget: number; seeds: number; ms: number }[] = [];
  const spaces: { space: string; size: number; budget: number; start: number; optimum: number; median: number }[] = [];
  for (const f of files) {
    const backend = ReplayBackend.open(join(args.replay, f));
    const space = SearchSpace.fromSpec(solverSpecOf(backend.kernel, backend.kernel.problem));
    const scores = [...backend.cache.entries.values()].map((e) => (typeof e.time === 'number' ? e.time : Infinity));
    const base = baseline(scores);
    const name = f.replace(/\.json(\.gz)?$/, '');
    spaces.push({ space: name, size: base.size, budget: base.budget, start: base.start, optimum: base.optimum, median: base.median });
    for (const strategy of args.strategies) {
      const t0 = performance.now();
      const ps: number[] = [];
      for (let seed = 0; seed < args.seeds; seed++) {
        const r = await tune({ kernel: backend.kernel, backend, space, strategy, budget: base.budget, seed, inFlight: 1, sourceHash: backend.cache.sha256 });
        ps.push(methodologyScore(base, r.measurements.map((m) => (m.status === 'ok' ? m.timeMs! : Infinity))));
      }
      const mean = ps.reduce((a, b) => a + b, 0) / ps.length;
      const sd = Math.sqrt(ps.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, ps.length - 1));
      rows.push({ space: name, strategy, p: mean, sd, budget: base.budget, seeds: args.seeds, ms: performance.now() - t0 });
      if (!args.json) process.stderr.write(`  ${name} ${strategy}: P = ${mean.toFixed(3)}\n`);
    }
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ seeds: args.seeds, unit: 'evaluations', spaces, results: rows }, null, 1)}\n`);
    return;
  }
  const names = spaces.map((s) => s.space);
  const w = Math.max(...args.strategies.map((s) => s.length), 20);
  const col = Math.max(...names.map((n) => n.length), 14);
  const line = (first: string, cells: string[]) => `${first.padEnd(w)}  ${cells.map((c) => c.padStart(col)).join('  ')}`;
  const out: string[] = [];
  out.push(`Strategy benchmark (Willemsen et al. methodology score P; 0 = random search, 1 = optimum), mean ± sd over ${args.seeds} seeds`);
  out.push(`budget unit: evaluations; window from 1% to 95% of the way from median to optimum for expected random search`);
  out.push('');
  out.push(line('space', names));
  out.push(line('configurations', spaces.map((s) => String(s.size))));
  out.push(line('budget (evaluations)', spaces.map((s) => `${s.start}..${s.budget}`)));
  out.push(line('optimum / median ms', spaces.map((s) => `${s.optimum.toFixed(3)} / ${s.median.toFixed(3)}`)));
  out.push('');
  for (const strategy of args.strategies) {
    out.push(line(strategy, names.map((n) => { const r = rows.find((x) => x.space === n && x.strategy === strategy)!; return `${r.p.toFixed(3)} ± ${r.sd.toFixed(3)}`; })));
  }
  out.push('');
  const bestPer = names.map((n) => rows.filter((r) => r.space === n).reduce((a, b) => (b.p > a.p ? b : a)));
  out.push(line('best strategy', bestPer.map((r) => r.strategy)));
  out.push(`goal (best mean P ≥ 0.5 on every space): ${bestPer.every((r) => r.p >= 0.5) ? 'met' : 'NOT met'}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1] && /strategies\.(ts|js)$/.test(process.argv[1])) {
  main().catch((e) => { console.error(e); process.exitCode = 1; });
}
