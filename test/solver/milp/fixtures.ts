// Deterministic problem generators shared by the tests and the timing script (bench.ts).

import type { LinearConstraint, MilpProblem, MilpVar, NoGoodTable } from '../../../solver/milp/index.ts';

/** Small seeded PRNG (mulberry32) so generated problems are identical across runs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A tuning-space-like problem with `nLists` list variables (tile sizes / unroll factors: powers of two),
 * `nWide` wide int variables fixed by equalities `W_i == 2·A + B` over list variables (as the solver's
 * derived quantities are), resource-style ≤ constraints, no-good tables over pairs of list variables,
 * and a linear objective to maximise. Deterministic in `seed`.
 */
export function tuningSpaceProblem(seed: number, nLists = 22, nWide = 3): MilpProblem {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const vars: MilpVar[] = [];
  const lists: { name: string; values: number[] }[] = [];
  const pow2 = [1, 2, 4, 8, 16, 32, 64, 128, 256];
  for (let i = 0; i < nLists; i++) {
    const start = Math.floor(r() * 4);
    const len = 3 + Math.floor(r() * 4); // 3..6 values
    const values = pow2.slice(start, start + len);
    const name = `L${i}`;
    vars.push({ name, kind: 'list', values });
    lists.push({ name, values });
  }
  const linear: LinearConstraint[] = [];
  for (let w = 0; w < nWide; w++) {
    const name = `W${w}`;
    vars.push({ name, kind: 'int', lo: 1, hi: 131072 });
    const a = pick(lists);
    const b = pick(lists.filter((l) => l !== a));
    linear.push({
      terms: [
        { name, coef: 1 },
        { name: a.name, coef: -2 },
        { name: b.name, coef: -1 },
      ],
      op: '==',
      rhs: 0,
      label: `${name} == 2*${a.name} + ${b.name}`,
    });
  }
  // Resource constraints: weighted sums of a handful of list vars bounded by a budget.
  for (let k = 0; k < 8; k++) {
    const chosen = new Set<string>();
    while (chosen.size < 4) chosen.add(pick(lists).name);
    const terms = [...chosen].map((name) => ({ name, coef: 1 + Math.floor(r() * 4) }));
    linear.push({ terms, op: '<=', rhs: 200 + Math.floor(r() * 400), label: `budget${k}` });
  }
  // One lower-bound constraint so not everything can sit at the smallest values.
  linear.push({ terms: lists.slice(0, 6).map((l) => ({ name: l.name, coef: 1 })), op: '>=', rhs: 40, label: 'occupancy' });
  // No-good tables: pairs (x, y) where x·y exceeds a limit (a non-linear constraint over two list vars).
  const noGoods: NoGoodTable[] = [];
  for (let k = 0; k < 8; k++) {
    const x = pick(lists);
    const y = pick(lists.filter((l) => l !== x));
    const limit = 2 ** (6 + Math.floor(r() * 6));
    const forbidden: number[][] = [];
    for (const u of x.values) for (const v of y.values) if (u * v > limit) forbidden.push([u, v]);
    noGoods.push({ vars: [x.name, y.name], forbidden, label: `${x.name}*${y.name}<=${limit}` });
  }
  const objectiveTerms = vars.map((v) => ({ name: v.name, coef: v.kind === 'int' ? 1 : Math.floor(r() * 7) - 2 }));
  return { vars, linear, noGoods, allowed: [], objective: { sense: 'max', terms: objectiveTerms, constant: 0 } };
}
