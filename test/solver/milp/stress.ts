// Long-running random comparison against brute force with per-solve timings (not a test; run by hand):
//   npx tsx test/solver/milp/stress.ts <kind: small|wide|derived|sandwich> [runs=2000] [seed]
// Prints mismatches and every solve slower than 500 ms, then a timing summary per backend.

import fc from 'fast-check';
import { solveWithGlpk, solveWithLpSolver, type MilpProblem } from '../../../solver/milp/index.ts';
import { bruteForce, derivedArb, problemArb, SMALL, WIDE, type Derived } from './generators.ts';

const kind = process.argv[2] ?? 'sandwich';
const runs = Number(process.argv[3] ?? 2000);
const seed = Number(process.argv[4] ?? Date.now() % 2 ** 31);
const arb: fc.Arbitrary<{ p: MilpProblem; derived?: Derived }> =
  kind === 'small' ? problemArb(SMALL).map((p) => ({ p })) : kind === 'wide' ? problemArb(WIDE).map((p) => ({ p })) : derivedArb(kind === 'sandwich');

const times: Record<string, number[]> = { glpk: [], 'lp-solver': [] };
let bad = 0;
for (const [i, { p, derived }] of fc.sample(arb, { numRuns: runs, seed }).entries()) {
  const ref = bruteForce(p, derived);
  for (const solve of [solveWithGlpk, solveWithLpSolver]) {
    const r = await solve(p, { timeLimitMs: 20_000 });
    times[r.backend].push(r.ms);
    const ok = r.status === ref.status && (ref.status !== 'optimal' || r.objective === ref.objective);
    if (!ok) bad++;
    if (!ok || r.ms > 500) {
      console.log(`#${i} ${r.backend} ${ok ? 'SLOW' : 'MISMATCH'} ${r.ms.toFixed(0)} ms: got ${r.status} ${r.objective ?? ''} want ${ref.status} ${'objective' in ref ? ref.objective : ''} ${r.message ?? ''}`);
      console.log(JSON.stringify(p));
    }
  }
}
const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))].toFixed(1);
console.log(`seed ${seed}, ${runs} ${kind} cases, ${bad} mismatches`);
for (const [b, xs] of Object.entries(times)) console.log(`${b}: median ${q(xs, 0.5)} ms, p99 ${q(xs, 0.99)} ms, max ${q(xs, 1)} ms`);
