// npm run bench:solver [-- --json] — the solver on the 10 real spaces of ../shared/bench/real-spaces.json,
// beside a plain backtracker measured in the same run, plus the FlashRNN/ConstrINT-style tiling problem.
// Times are medians of repeated runs in this process (after warm-up runs), each from the spec onwards;
// the count is also measured once per space in a fresh process (what one CLI call pays).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeComponent } from '../solver/component.ts';
import { clearCountPrograms } from '../solver/enumerate/count-program.ts';
import { factorize } from '../solver/factor.ts';
import { buildModel } from '../solver/model.ts';
import { propagateRoot } from '../solver/root.ts';
import { optimize } from '../solver/optimize.ts';
import { SearchSpace } from '../solver/space.ts';
import type { SpaceSpec } from '../solver/spec/spec.ts';
import { naiveBacktrack } from './naive-backtracker.ts';
import { loadRealSpaces } from './real-spaces.ts';

const args = process.argv.slice(2);
const asJson = args.includes('--json');

if (args[0] === '--tiling-probe') {
  // child process: the tiling problem alone, as a CLI run sees it (no other space has shaped the JIT's caches)
  // the first solve (what one CLI call pays, JIT compilation included) and the median once warm
  const spec = JSON.parse(readFileSync(resolve('examples/flashrnn-tiling.json'), 'utf8')) as SpaceSpec;
  const t0 = performance.now();
  optimize(buildModel(spec));
  const firstMs = performance.now() - t0;
  // warm as the counts are: a second of solves first (100 solves left the median swinging 2.5-6 ms)
  for (const t0 = performance.now(); performance.now() - t0 < 1000;) optimize(buildModel(spec));
  const t = time(() => optimize(buildModel(spec)), 51, 0);
  process.stdout.write(JSON.stringify({ ms: t.ms, firstMs }) + '\n');
  process.exit(0);
}

if (args[0] === '--cold-count-probe') {
  // child process: each of the 10 spaces counted once, nothing warmed up (what one CLI call pays)
  const t0 = performance.now();
  let n = 0;
  for (const s of loadRealSpaces()) n += SearchSpace.fromSpec(s.spec).count();
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, n }) + '\n');
  process.exit(0);
}

if (args[0] === '--memory-probe') {
  // child process: materialise one space and report the resident-set high-water mark
  const s = loadRealSpaces().find((x) => x.name === args[1])!;
  const m = SearchSpace.fromSpec(s.spec).materialize();
  const bytes = m.columns.reduce((a, c) => a + c.byteLength, 0);
  process.stdout.write(JSON.stringify({ count: m.count, bytes, maxRssMB: peakRssMB() }) + '\n');
  process.exit(0);
}

/**
 * This process's resident-set high-water mark. On Linux from /proc (VmHWM starts afresh at exec);
 * getrusage's maxrss is not reset by exec and can report the spawning parent's size.
 */
function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS / 1024;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(f: () => T, runs: number, warmup = 5): { ms: number; value: T } {
  let value!: T;
  for (let i = 0; i < warmup; i++) value = f();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = f();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), value };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Where a count's time goes: medians of each step from the spec (model, root propagation, factorisation and planning, counting). */
function countStages(spec: SpaceSpec): { model: number; root: number; plan: number; count: number } {
  const ts: number[][] = [[], [], [], []];
  for (let r = 0; r < 25; r++) {
    const t0 = performance.now();
    const model = buildModel(spec);
    const t1 = performance.now();
    const root = propagateRoot(model);
    const t2 = performance.now();
    const comps = factorize(root, model.constraints).map((p) => makeComponent(p, root));
    const t3 = performance.now();
    for (const c of comps) c.count();
    const t4 = performance.now();
    [t1 - t0, t2 - t1, t3 - t2, t4 - t3].forEach((t, i) => ts[i].push(t));
  }
  const [model, root, plan, count] = ts.map((x) => r3(median(x.slice(5))));
  return { model, root, plan, count };
}
const spaces = loadRealSpaces();
const rows: Record<string, unknown>[] = [];
let allMatch = true;
// steady state: all spaces are counted in turn for WARMUP_MS before any is timed, so that V8 has
// optimised the code they share (ten rounds were not enough: the total still fell by half after
// more); what a cold process pays is measured on its own, below
const WARMUP_MS = 2000;
let warmupRounds = 0;
for (const t0 = performance.now(); performance.now() - t0 < WARMUP_MS; warmupRounds++) for (const s of spaces) SearchSpace.fromSpec(s.spec).count();
// let the collector and the optimising compiler finish what the warm-up left them (on two cores they
// would otherwise share the CPU with the first timed runs)
await new Promise((done) => setTimeout(done, 500));
// each space timed on its own, 31 runs in a row (as every other column here); each measurement runs
// over all spaces before the next starts: the uncached one below throws the compiled programs away,
// which would make the next space's count start cold again
const counts = spaces.map((s) => time(() => SearchSpace.fromSpec(s.spec).count(), 31, 3));
// the same as 31 rounds over all spaces, a median per space: each space's code then meets the others'
// in V8's caches between runs, and a disturbance (a collection, a background compile) spreads over all
const roundTimes = spaces.map(() => [] as number[]);
for (let r = 0; r < 31; r++) {
  spaces.forEach((s, i) => {
    const t0 = performance.now();
    SearchSpace.fromSpec(s.spec).count();
    roundTimes[i].push(performance.now() - t0);
  });
}
const stagesOf = spaces.map((s) => countStages(s.spec));
// the same without the compiled count programs kept from earlier runs: every run generates and
// compiles its own (V8 still caches the parse of a repeated source, not the optimised code)
const uncachedOf = spaces.map((s) => time(() => { clearCountPrograms(); return SearchSpace.fromSpec(s.spec).count(); }, 15));
spaces.forEach((s, i) => {
  const count = counts[i];
  const enumerate = time(() => SearchSpace.fromSpec(s.spec).materialize().count, 11);
  const naive = time(() => naiveBacktrack(s.spec), 3, 1);
  const ok = count.value === s.published && enumerate.value === s.published && naive.value === s.published;
  allMatch &&= ok;
  rows.push({
    name: s.name, count: count.value, published: s.published, matches: ok, paper_set: s.paperSet,
    count_ms: r3(count.ms), enumerate_ms: r3(enumerate.ms), naive_ms: r3(naive.ms), naive_count: naive.value,
    count_uncached_ms: r3(uncachedOf[i].ms), count_interleaved_ms: r3(median(roundTimes[i])), count_stages_ms: stagesOf[i],
  });
});

// the tiling problem (before the JSON lines, whose 200 MB of text leave the heap busy)
const tilingSpec = JSON.parse(readFileSync(resolve('examples/flashrnn-tiling.json'), 'utf8')) as SpaceSpec;
for (const t0 = performance.now(); performance.now() - t0 < 1000;) optimize(buildModel(tilingSpec));
const tiling = time(() => optimize(buildModel(tilingSpec)), 31, 0);

// JSON lines: the solver's streamed text vs the plain backtracker building the same objects' JSON
const paper = spaces.filter((s) => s.paperSet);
const jsonSolver = time(() => {
  let chars = 0;
  for (const s of paper) for (const chunk of SearchSpace.fromSpec(s.spec).jsonBytes()) chars += chunk.length;
  return chars;
}, 3, 1);
const jsonNaive = time(() => {
  let chars = 0;
  for (const s of paper) {
    naiveBacktrack(s.spec, (values, names) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) o[names[i]] = values[i];
      chars += Buffer.byteLength(JSON.stringify(o)) + 1;
    });
  }
  return chars;
}, 3, 1);

// peak memory of materialising hotspot, in a fresh process
const probe = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--memory-probe', 'hotspot'], { encoding: 'utf8' });
const memory = probe.status === 0 ? JSON.parse(probe.stdout) as { count: number; bytes: number; maxRssMB: number } : null;

const coldProbe = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cold-count-probe'], { encoding: 'utf8' });
const cold = coldProbe.status === 0 ? (JSON.parse(coldProbe.stdout) as { ms: number }) : null;

const tilingProbe = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--tiling-probe'], { encoding: 'utf8' });
const tilingAlone = tilingProbe.status === 0 ? (JSON.parse(tilingProbe.stdout) as { ms: number; firstMs: number }) : null;

const sum = (k: string, only = (_: Record<string, unknown>) => true) => r3(rows.filter(only).reduce((a, r) => a + (r[k] as number), 0));
const summary = {
  name: 'summary',
  all_counts_match_published: allMatch,
  paper_set_enumerate_ms: sum('enumerate_ms', (r) => r.paper_set as boolean),
  paper_set_naive_count_ms: sum('naive_ms', (r) => r.paper_set as boolean),
  all_count_ms: sum('count_ms'),
  count_warmup: `${warmupRounds} rounds of all 10 spaces in ${WARMUP_MS} ms`,
  all_count_uncached_ms: sum('count_uncached_ms'),
  all_count_interleaved_ms: sum('count_interleaved_ms'),
  all_count_cold_process_ms: cold === null ? null : r3(cold.ms),
  all_count_stages_ms: Object.fromEntries(['model', 'root', 'plan', 'count'].map((k) => [k, r3(rows.reduce((a, r) => a + (r.count_stages_ms as Record<string, number>)[k], 0))])),
  jsonl_solver_ms: r3(jsonSolver.ms), jsonl_naive_ms: r3(jsonNaive.ms), jsonl_speedup: r3(jsonNaive.ms / jsonSolver.ms),
  jsonl_same_text_length: jsonSolver.value === jsonNaive.value,
  hotspot_materialised_bytes: memory?.bytes ?? null, hotspot_peak_rss_mb: memory ? r3(memory.maxRssMB) : null,
  tiling_ms: r3(tiling.ms), tiling_alone_ms: tilingAlone === null ? null : r3(tilingAlone.ms), tiling_first_solve_ms: tilingAlone === null ? null : r3(tilingAlone.firstMs), tiling_status: tiling.value.status,
  tiling_objectives: tiling.value.status === 'optimal' ? tiling.value.objectives.map((g) => `${g.text}=${g.value}`) : null,
  goals: { paper_set_enumerate_ms: '<= 20', all_count_ms: '<= 2', jsonl_speedup: '>= 5', hotspot_peak_rss_mb: '<= 100', tiling_alone_ms: '<= 5' },
};

if (asJson) {
  for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
  process.stdout.write(JSON.stringify(summary) + '\n');
} else {
  const pad = (x: unknown, n: number) => String(x).padStart(n);
  console.log(`${'space'.padEnd(26)}${pad('count', 9)}${pad('published', 11)}${pad('count ms', 10)}${pad('enum ms', 10)}${pad('naive ms', 10)}`);
  for (const r of rows) console.log(`${String(r.name).padEnd(26)}${pad(r.count, 9)}${pad(r.published, 11)}${pad(r.count_ms, 10)}${pad(r.enumerate_ms, 10)}${pad(r.naive_ms, 10)}${r.matches ? '' : '  MISMATCH'}`);
  console.log();
  console.log(`all counts equal the published ones: ${allMatch ? 'yes' : 'NO'}`);
  console.log(`enumerate + materialise, 8 paper spaces: ${summary.paper_set_enumerate_ms} ms (goal <= 20); plain backtracker counting them: ${summary.paper_set_naive_count_ms} ms`);
  console.log(`count, all 10: ${summary.all_count_ms} ms (goal <= 2), after ${summary.count_warmup}; steps: ${Object.entries(summary.all_count_stages_ms).map(([k, v]) => `${k} ${v}`).join(', ')} ms`);
  console.log(`  timed in rounds over all 10 instead of each on its own: ${summary.all_count_interleaved_ms} ms; without the compiled count programs of earlier runs: ${summary.all_count_uncached_ms} ms; once each in a fresh process (JIT cold): ${summary.all_count_cold_process_ms} ms`);
  console.log(`JSON lines of the 8: solver ${summary.jsonl_solver_ms} ms vs plain backtracker ${summary.jsonl_naive_ms} ms = ${summary.jsonl_speedup}x (goal >= 5x; same text length: ${summary.jsonl_same_text_length})`);
  console.log(`hotspot materialised: ${memory?.count} configurations in ${memory?.bytes} bytes; process peak RSS ${summary.hotspot_peak_rss_mb} MB (goal <= 100)`);
  console.log(`FlashRNN-style tiling (${Object.keys(tilingSpec.parameters).length} variables, lexicographic): ${summary.tiling_status} in ${summary.tiling_alone_ms} ms warm in a process of its own (first solve there ${summary.tiling_first_solve_ms} ms), ${summary.tiling_ms} ms here after the 10 spaces (goal <= 5): ${summary.tiling_objectives?.join(', ')}`);
}
if (!allMatch) process.exitCode = 1;
