// Property: on random small problems both MILP backends agree with brute force over the Cartesian product.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  solveWithGlpk,
  solveWithLpSolver,
  type AllowedTable,
  type LinearConstraint,
  type LinearObjective,
  type MilpProblem,
  type MilpVar,
  type NoGoodTable,
} from '../../../solver/milp/index.ts';

// ---- independent reference: enumeration + exact (integer) arithmetic

function domain(v: MilpVar): number[] {
  if (v.kind === 'list') return v.values;
  const out: number[] = [];
  for (let x = v.lo; x <= v.hi; x++) out.push(x);
  return out;
}

function satisfies(p: MilpProblem, pt: Record<string, number>): boolean {
  for (const c of p.linear) {
    const lhs = c.terms.reduce((s, t) => s + t.coef * pt[t.name], 0);
    if (c.op === '<=' ? !(lhs <= c.rhs) : c.op === '>=' ? !(lhs >= c.rhs) : lhs !== c.rhs) return false;
  }
  for (const t of p.noGoods) if (t.forbidden.some((tu) => tu.every((u, k) => pt[t.vars[k]] === u))) return false;
  for (const t of p.allowed) if (!t.allowed.some((tu) => tu.every((u, k) => pt[t.vars[k]] === u))) return false;
  return true;
}

const objectiveAt = (p: MilpProblem, pt: Record<string, number>): number =>
  p.objective.terms.reduce((s, t) => s + t.coef * pt[t.name], p.objective.constant);

function bruteForce(p: MilpProblem): { status: 'optimal'; objective: number } | { status: 'infeasible' } {
  let best: number | undefined;
  const pt: Record<string, number> = {};
  const rec = (i: number): void => {
    if (i === p.vars.length) {
      if (!satisfies(p, pt)) return;
      const z = objectiveAt(p, pt);
      if (best === undefined || (p.objective.sense === 'max' ? z > best : z < best)) best = z;
      return;
    }
    for (const x of domain(p.vars[i])) {
      pt[p.vars[i].name] = x;
      rec(i + 1);
    }
  };
  rec(0);
  return best === undefined ? { status: 'infeasible' } : { status: 'optimal', objective: best };
}

// ---- random problems

interface Shape {
  /** List values and table values are drawn from this range. */
  value: { min: number; max: number };
  maxListLength: number;
  /** Width of int intervals. */
  maxIntWidth: number;
  /** Linear coefficients are k·coefStep with |k| ≤ maxCoef. */
  maxCoef: number;
  coefStep: number;
  rhs: { min: number; max: number };
  maxLinear: number;
}

const SMALL: Shape = { value: { min: -4, max: 8 }, maxListLength: 4, maxIntWidth: 5, maxCoef: 3, coefStep: 1, rhs: { min: -8, max: 14 }, maxLinear: 3 };
// Wider values and more constraints; coefficients in steps of 0.5 (exact in binary floating point).
const WIDE: Shape = { value: { min: -20, max: 40 }, maxListLength: 6, maxIntWidth: 12, maxCoef: 12, coefStep: 0.5, rhs: { min: -60, max: 120 }, maxLinear: 5 };

type ListVar = Extract<MilpVar, { kind: 'list' }>;

function problemArb(sh: Shape): fc.Arbitrary<MilpProblem> {
  const value = fc.integer(sh.value);
  const varArb = (name: string): fc.Arbitrary<MilpVar> =>
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.uniqueArray(value, { minLength: 1, maxLength: sh.maxListLength }).map((values): MilpVar => ({ name, kind: 'list', values })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(value, fc.integer({ min: 0, max: sh.maxIntWidth })).map(([lo, w]): MilpVar => ({ name, kind: 'int', lo, hi: lo + w })),
      },
    );

  return fc
    .integer({ min: 2, max: 5 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => varArb(`v${i}`))))
    .chain((vars): fc.Arbitrary<MilpProblem> => {
      const names = vars.map((v) => v.name);
      const lists = vars.filter((v): v is ListVar => v.kind === 'list');
      const coef = fc.integer({ min: -sh.maxCoef, max: sh.maxCoef }).map((k) => k * sh.coefStep);
      const termsArb = fc.subarray(names, { minLength: 1 }).chain((ns) => fc.tuple(...ns.map((name) => coef.map((c) => ({ name, coef: c })))));
      const linearArb: fc.Arbitrary<LinearConstraint[]> = fc.array(
        fc.record({
          terms: termsArb,
          op: fc.constantFrom<LinearConstraint['op']>('<=', '<=', '>=', '>=', '=='),
          rhs: fc.integer(sh.rhs),
          label: fc.constant('lin'),
        }),
        { maxLength: sh.maxLinear },
      );
      // Tables over 1–3 list vars; tuple values mostly from the domains, sometimes outside them.
      const tuplesOver = (vs: ListVar[], maxLength: number): fc.Arbitrary<number[][]> =>
        fc.array(fc.tuple(...vs.map((v) => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...v.values) }, { weight: 1, arbitrary: value }))), {
          maxLength,
        });
      const tableVars = (): fc.Arbitrary<ListVar[]> => fc.subarray(lists, { minLength: 1, maxLength: Math.min(3, lists.length) });
      const noGoodArb: fc.Arbitrary<NoGoodTable[]> =
        lists.length === 0
          ? fc.constant([])
          : fc.array(
              tableVars().chain((vs) => tuplesOver(vs, 6).map((forbidden) => ({ vars: vs.map((v) => v.name), forbidden, label: 'ng' }))),
              { maxLength: 2 },
            );
      const allowedArb: fc.Arbitrary<AllowedTable[]> =
        lists.length === 0
          ? fc.constant([])
          : fc.array(
              tableVars().chain((vs) => tuplesOver(vs, 8).map((allowed) => ({ vars: vs.map((v) => v.name), allowed, label: 'ok' }))),
              { maxLength: 1 },
            );
      const objectiveArb: fc.Arbitrary<LinearObjective> = fc.record({
        sense: fc.constantFrom<LinearObjective['sense']>('max', 'min'),
        terms: fc.tuple(...names.map((name) => fc.integer({ min: -5, max: 5 }).map((c) => ({ name, coef: c })))),
        constant: fc.integer({ min: -3, max: 3 }),
      });
      return fc.record({ vars: fc.constant(vars), linear: linearArb, noGoods: noGoodArb, allowed: allowedArb, objective: objectiveArb });
    });
}

const extraRuns = Number(process.env.MILP_PROPERTY_RUNS ?? 0);

async function agreeWithBruteForce(arb: fc.Arbitrary<MilpProblem>, numRuns: number): Promise<{ optimal: number; infeasible: number }> {
  const seen = { optimal: 0, infeasible: 0 };
  await fc.assert(
    fc.asyncProperty(arb, async (p) => {
      const ref = bruteForce(p);
      seen[ref.status]++;
      for (const solve of [solveWithGlpk, solveWithLpSolver]) {
        const r = await solve(p);
        expect(r.status, `${r.backend}: ${r.message ?? ''}`).toBe(ref.status);
        if (ref.status === 'optimal') {
          expect(r.objective).toBeDefined();
          expect(Math.abs((r.objective as number) - ref.objective)).toBeLessThanOrEqual(1e-9);
          const pt = r.values as Record<string, number>;
          for (const v of p.vars) expect(domain(v)).toContain(pt[v.name]);
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
    const seen = await agreeWithBruteForce(problemArb(SMALL), 300);
    // The generator must exercise both outcomes, or the property says little.
    expect(seen.optimal).toBeGreaterThan(50);
    expect(seen.infeasible).toBeGreaterThan(10);
  }, 600_000);

  it('on 100 random wider problems (larger values, half-integral coefficients)', async () => {
    const seen = await agreeWithBruteForce(problemArb(WIDE), 100);
    expect(seen.optimal).toBeGreaterThan(10);
    expect(seen.optimal + seen.infeasible).toBeGreaterThanOrEqual(100);
  }, 600_000);
});
