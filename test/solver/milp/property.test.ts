// Property: on random problems both MILP backends agree with brute force over the Cartesian product.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveWithGlpk, solveWithLpSolver, type MilpProblem } from '../../../solver/milp/index.ts';
import { bruteForce, derivedArb, objectiveAt, problemArb, satisfies, SMALL, WIDE, type Derived } from './generators.ts';

const extraRuns = Number(process.env.MILP_PROPERTY_RUNS ?? 0);

type Case = { p: MilpProblem; derived?: Derived };

interface Seen {
  optimal: number;
  infeasible: number;
  /** lp-solver runs that hit `lpSolverTimeLimitMs` and said so. */
  lpSolverTimeouts: number;
}

/**
 * Both backends must match brute force. With `lpSolverTimeLimitMs`, lp-solver may instead report an error
 * that names the time limit (an honest "don't know"); the caller bounds how often that may happen.
 */
async function agreeWithBruteForce(arb: fc.Arbitrary<Case>, numRuns: number, lpSolverTimeLimitMs?: number): Promise<Seen> {
  const seen: Seen = { optimal: 0, infeasible: 0, lpSolverTimeouts: 0 };
  await fc.assert(
    fc.asyncProperty(arb, async ({ p, derived }) => {
      const ref = bruteForce(p, derived);
      seen[ref.status]++;
      for (const solve of [solveWithGlpk, solveWithLpSolver]) {
        const r = await solve(p, solve === solveWithLpSolver && lpSolverTimeLimitMs ? { timeLimitMs: lpSolverTimeLimitMs } : {});
        if (r.backend === 'lp-solver' && lpSolverTimeLimitMs && r.status === 'error' && /time limit/.test(r.message ?? '')) {
          seen.lpSolverTimeouts++;
          continue;
        }
        expect(r.status, `${r.backend}: ${r.message ?? ''}`).toBe(ref.status);
        if (ref.status === 'optimal') {
          expect(r.objective).toBeDefined();
          expect(Math.abs((r.objective as number) - ref.objective)).toBeLessThanOrEqual(1e-9);
          const pt = r.values as Record<string, number>;
          for (const v of p.vars) {
            if (v.kind === 'list') expect(v.values).toContain(pt[v.name]);
            else expect(Number.isInteger(pt[v.name]) && pt[v.name] >= v.lo && pt[v.name] <= v.hi).toBe(true);
          }
          expect(satisfies(p, pt)).toBe(true);
          expect(objectiveAt(p, pt)).toBe(ref.objective);
        }
      }
    }),
    { numRuns: Math.max(numRuns, extraRuns) },
  );
  return seen;
}

describe('MILP backends agree with brute force', () => {
  it('on 300 random small problems (glpk and lp-solver)', async () => {
    const seen = await agreeWithBruteForce(problemArb(SMALL).map((p) => ({ p })), 300);
    // The generator must exercise both outcomes, or the property says little.
    expect(seen.optimal).toBeGreaterThan(50);
    expect(seen.infeasible).toBeGreaterThan(10);
  }, 600_000);

  it('on 100 random wider problems (larger values, half-integral coefficients)', async () => {
    const seen = await agreeWithBruteForce(problemArb(WIDE).map((p) => ({ p })), 100);
    expect(seen.optimal).toBeGreaterThan(10);
    expect(seen.optimal + seen.infeasible).toBeGreaterThanOrEqual(100);
  }, 600_000);

  it('on 150 random problems with wide ints (1..131072) pinned by equalities', async () => {
    const seen = await agreeWithBruteForce(derivedArb(false), 150);
    expect(seen.optimal).toBeGreaterThan(30);
    expect(seen.infeasible).toBeGreaterThan(0);
  }, 600_000);

  it('on 150 random problems with wide ints (1..131072) sandwiched between two inequalities', async () => {
    // lp-solver needs binary expansion here and its branch-and-bound has a slow tail (README): it gets
    // 2 s per problem and may say it ran out of time on at most 2% of them, but never answer wrongly.
    const runs = Math.max(150, extraRuns);
    const seen = await agreeWithBruteForce(derivedArb(true), 150, 2000);
    expect(seen.optimal).toBeGreaterThan(30);
    expect(seen.infeasible).toBeGreaterThan(0);
    expect(seen.lpSolverTimeouts).toBeLessThanOrEqual(Math.max(1, Math.floor(runs * 0.02)));
  }, 600_000);
});
