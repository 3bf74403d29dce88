// Random problem generators and the brute-force reference shared by property.test.ts and stress.ts.

import fc from 'fast-check';
import type { AllowedTable, LinearConstraint, LinearObjective, MilpProblem, MilpVar, NoGoodTable } from '../../../solver/milp/index.ts';

// ---- independent reference: enumeration + exact (integer) arithmetic

export function domain(v: MilpVar): number[] {
  if (v.kind === 'list') return v.values;
  const out: number[] = [];
  for (let x = v.lo; x <= v.hi; x++) out.push(x);
  return out;
}

export function satisfies(p: MilpProblem, pt: Record<string, number>): boolean {
  for (const c of p.linear) {
    const lhs = c.terms.reduce((s, t) => s + t.coef * pt[t.name], 0);
    if (c.op === '<=' ? !(lhs <= c.rhs) : c.op === '>=' ? !(lhs >= c.rhs) : lhs !== c.rhs) return false;
  }
  for (const t of p.noGoods) if (t.forbidden.some((tu) => tu.every((u, k) => pt[t.vars[k]] === u))) return false;
  for (const t of p.allowed) if (!t.allowed.some((tu) => tu.every((u, k) => pt[t.vars[k]] === u))) return false;
  return true;
}

export const objectiveAt = (p: MilpProblem, pt: Record<string, number>): number =>
  p.objective.terms.reduce((s, t) => s + t.coef * pt[t.name], p.objective.constant);

/** Variables computed from earlier ones instead of enumerated: the candidate values given the others. */
export type Derived = Record<string, (pt: Record<string, number>) => number[]>;

/**
 * Enumerates the Cartesian product. `derived` variables are not enumerated but computed from the others
 * (they must come after their inputs in `p.vars`); their domain is checked like any constraint.
 */
export function bruteForce(
  p: MilpProblem,
  derived: Derived = {},
): { status: 'optimal'; objective: number } | { status: 'infeasible' } {
  let best: number | undefined;
  const pt: Record<string, number> = {};
  const rec = (i: number): void => {
    if (i < p.vars.length && derived[p.vars[i].name]) {
      const v = p.vars[i];
      for (const x of derived[v.name](pt)) {
        if (v.kind === 'list' ? !v.values.includes(x) : !(Number.isInteger(x) && x >= v.lo && x <= v.hi)) continue;
        pt[v.name] = x;
        rec(i + 1);
      }
      return;
    }
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

export interface Shape {
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

export const SMALL: Shape = { value: { min: -4, max: 8 }, maxListLength: 4, maxIntWidth: 5, maxCoef: 3, coefStep: 1, rhs: { min: -8, max: 14 }, maxLinear: 3 };
// Wider values and more constraints; coefficients in steps of 0.5 (exact in binary floating point).
export const WIDE: Shape = { value: { min: -20, max: 40 }, maxListLength: 6, maxIntWidth: 12, maxCoef: 12, coefStep: 0.5, rhs: { min: -60, max: 120 }, maxLinear: 5 };

export type ListVar = Extract<MilpVar, { kind: 'list' }>;

export function problemArb(sh: Shape): fc.Arbitrary<MilpProblem> {
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

/**
 * Wide derived ints, as the tuner produces them: 2–4 list vars with values up to 1024, and 1–2 int vars
 * W_k ∈ [1, 131072] pinned by W_k == Σ c_i·a_i + d (c_i up to 128, so the bounds bind at times), extra
 * constraints mixing W's and list vars, an optional no-good table, and an objective over everything.
 */
export const derivedArb = (sandwich: boolean): fc.Arbitrary<{ p: MilpProblem; derived: Derived }> =>
  fc
  .tuple(
    fc.array(fc.uniqueArray(fc.integer({ min: 1, max: 1024 }), { minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 4 }),
    fc.integer({ min: 1, max: 2 }),
  )
  .chain(([domains, nW]) => {
    const lists: MilpVar[] = domains.map((values, i) => ({ name: `a${i}`, kind: 'list', values }));
    const ws = Array.from({ length: nW }, (_, k) => `W${k}`);
    const eqArb = fc.tuple(
      fc.array(fc.integer({ min: -64, max: 128 }), { minLength: domains.length, maxLength: domains.length }),
      fc.integer({ min: -100, max: 100 }),
      fc.integer({ min: 0, max: sandwich ? 3 : 0 }),
    );
    const all = [...lists.map((v) => v.name), ...ws];
    const extraArb = fc.array(
      fc.record({
        terms: fc.subarray(all, { minLength: 1 }).chain((ns) => fc.tuple(...ns.map((name) => fc.integer({ min: -3, max: 3 }).map((coef) => ({ name, coef }))))),
        op: fc.constantFrom<LinearConstraint['op']>('<=', '>='),
        rhs: fc.integer({ min: -5000, max: 60000 }),
        label: fc.constant('extra'),
      }),
      { maxLength: 2 },
    );
    const noGoodArb: fc.Arbitrary<NoGoodTable[]> = fc.array(
      fc.array(fc.tuple(fc.constantFrom(...domains[0]), fc.constantFrom(...domains[1])), { minLength: 1, maxLength: 4 }).map((forbidden) => ({ vars: ['a0', 'a1'], forbidden, label: 'ng' })),
      { maxLength: 1 },
    );
    const objArb = fc.record({
      sense: fc.constantFrom<LinearObjective['sense']>('max', 'min'),
      terms: fc.tuple(...all.map((name) => fc.integer({ min: -5, max: 5 }).map((coef) => ({ name, coef })))),
      constant: fc.integer({ min: -3, max: 3 }),
    });
    return fc.tuple(fc.array(eqArb, { minLength: nW, maxLength: nW }), extraArb, noGoodArb, objArb).map(([eqs, extra, noGoods, objective]) => {
      const derived: Derived = {};
      const linear: LinearConstraint[] = [];
      ws.forEach((w, k) => {
        const [cs, d, slack] = eqs[k];
        const expr = (pt: Record<string, number>): number => cs.reduce((s, c, i) => s + c * pt[`a${i}`], d);
        const terms = [{ name: w, coef: 1 }, ...cs.map((c, i) => ({ name: `a${i}`, coef: -c }))];
        if (!sandwich) {
          derived[w] = (pt) => [expr(pt)];
          linear.push({ terms, op: '==', rhs: d, label: `${w} def` });
        } else {
          // expr ≤ W ≤ expr + slack: W stays a free-standing wide int column the backends branch on.
          derived[w] = (pt) => Array.from({ length: slack + 1 }, (_, j) => expr(pt) + j);
          linear.push({ terms, op: '>=', rhs: d, label: `${w} lower` }, { terms, op: '<=', rhs: d + slack, label: `${w} upper` });
        }
      });
      const vars: MilpVar[] = [...lists, ...ws.map((name): MilpVar => ({ name, kind: 'int', lo: 1, hi: 131072 }))];
      return { p: { vars, linear: [...linear, ...extra], noGoods, allowed: [], objective }, derived };
    });
  });

