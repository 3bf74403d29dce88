// Timing of both MILP backends on ~25-variable tuning-space problems (not a test; run by hand):
//   npx tsx test/solver/milp/bench.ts [seeds=1..8] [reps=5]
// Prints, per seed, the encoded size and the median wall time per solve (the GLPK WASM load is excluded
// by a warm-up solve).

import { encode, solveWithGlpk, solveWithLpSolver, type MilpResult } from '../../../solver/milp/index.ts';
import { tuningSpaceProblem } from './fixtures.ts';

const nSeeds = Number(process.argv[2] ?? 8);
const reps = Number(process.argv[3] ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function time(solve: typeof solveWithGlpk, seed: number): Promise<{ ms: number; r: MilpResult }> {
  const p = tuningSpaceProblem(seed);
  const times: number[] = [];
  let r: MilpResult | undefined;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    r = await solve(p);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), r: r! };
}

const t0 = performance.now();
await solveWithGlpk(tuningSpaceProblem(0));
console.log(`glpk.js WASM load + first solve: ${(performance.now() - t0).toFixed(1)} ms`);
console.log('seed  vars  cols  rows  glpk(ms)  lp-solver(ms)  objective  agree');
const g: number[] = [];
const l: number[] = [];
for (let seed = 1; seed <= nSeeds; seed++) {
  const p = tuningSpaceProblem(seed);
  const e = encode(p);
  if (!e.ok) throw new Error(e.message);
  const a = await time(solveWithGlpk, seed);
  const b = await time(solveWithLpSolver, seed);
  g.push(a.ms);
  l.push(b.ms);
  const agree = a.r.status === b.r.status && a.r.objective === b.r.objective;
  console.log(
    [seed, p.vars.length, e.milp.columns.length, e.milp.rows.length, a.ms.toFixed(1), b.ms.toFixed(1), `${a.r.status}:${a.r.objective}`, agree]
      .map(String)
      .join('\t'),
  );
}
console.log(`median over seeds: glpk ${median(g).toFixed(1)} ms, lp-solver ${median(l).toFixed(1)} ms`);
