// Problems on which javascript-lp-solver gave wrong answers before the workarounds in lp-solver.ts, the
// reformulations those workarounds rely on, and the option switches that turn them off.

import { describe, expect, it } from 'vitest';
import { encode, solveWithGlpk, solveWithLpSolver, type EncodedMilp, type MilpProblem } from '../../../solver/milp/index.ts';
import { toLpSolverModel } from '../../../solver/milp/lp-solver.ts';
import { eliminateDefinedInts, recoverEliminated } from '../../../solver/milp/presolve.ts';

const encoded = (p: MilpProblem): EncodedMilp => {
  const e = encode(p);
  if (!e.ok) throw new Error(e.message);
  return e.milp;
};

// 1. Library presolve zeroed the cost of a variable it had fixed: reported objective 0 instead of −4.
const presolveDrop: MilpProblem = {
  vars: [
    { name: 'v0', kind: 'int', lo: -2, hi: 0 },
    { name: 'v1', kind: 'list', values: [5, -4, 2, 3] },
  ],
  linear: [{ terms: [{ name: 'v1', coef: 2 }], op: '<=', rhs: -6, label: 'lin' }],
  noGoods: [],
  allowed: [],
  objective: { sense: 'max', terms: [{ name: 'v1', coef: 1 }], constant: 0 },
};

// 2. Wide ints pinned by equalities: branching on W (52962.99999999 judged fractional) gave −21098, not −32598.
const wideEquality: MilpProblem = {
  vars: [
    { name: 'a0', kind: 'list', values: [425, 675] },
    { name: 'a2', kind: 'list', values: [19, 442, 150, 76] },
    { name: 'W0', kind: 'int', lo: 1, hi: 131072 },
    { name: 'W1', kind: 'int', lo: 1, hi: 131072 },
  ],
  linear: [
    { terms: [{ name: 'W0', coef: 1 }, { name: 'a0', coef: -4 }, { name: 'a2', coef: -116 }], op: '==', rhs: -8, label: 'W0 def' },
    { terms: [{ name: 'W1', coef: 1 }, { name: 'a0', coef: -50 }, { name: 'a2', coef: 2 }], op: '==', rhs: 0, label: 'W1 def' },
  ],
  noGoods: [],
  allowed: [],
  objective: { sense: 'min', terms: [{ name: 'W0', coef: -1 }, { name: 'W1', coef: 1 }], constant: 0 },
};

// 3. The same kind of definition written as two inequalities (no elimination possible): with row scaling
//    but W left as a wide int column, the library reported it infeasible.
const wideSandwich: MilpProblem = {
  vars: [
    { name: 'a0', kind: 'list', values: [873] },
    { name: 'a1', kind: 'list', values: [980, 1018, 347, 497] },
    { name: 'a3', kind: 'list', values: [714] },
    { name: 'W0', kind: 'int', lo: 1, hi: 131072 },
    { name: 'W1', kind: 'int', lo: 1, hi: 131072 },
  ],
  linear: [
    ...(['>=', '<='] as const).map((op) => ({
      terms: [{ name: 'W0', coef: 1 }, { name: 'a0', coef: -7 }, { name: 'a1', coef: -46 }, { name: 'a3', coef: -11 }],
      op,
      rhs: 0,
      label: `W0 ${op}`,
    })),
    ...(['>=', '<='] as const).map((op) => ({
      terms: [{ name: 'W1', coef: 1 }, { name: 'a0', coef: 33 }, { name: 'a1', coef: -5 }, { name: 'a3', coef: -106 }],
      op,
      rhs: 0,
      label: `W1 ${op}`,
    })),
  ],
  noGoods: [],
  allowed: [],
  objective: { sense: 'max', terms: [{ name: 'a1', coef: 1 }, { name: 'W0', coef: 5 }], constant: 0 },
};

describe('lp-solver regressions (each also checked against GLPK)', () => {
  it.each([
    ['presolve dropped a fixed variable from the objective', presolveDrop, -4],
    ['wide ints pinned by equalities', wideEquality, -32598],
    // W0 = 7·873 + 46·a1 + 11·714 is largest for a1 = 1018: 61793 → 5·61793 + 1018.
    ['wide ints pinned by two inequalities', wideSandwich, 5 * (7 * 873 + 46 * 1018 + 11 * 714) + 1018],
  ] as const)('%s', async (_, p, best) => {
    const g = await solveWithGlpk(p);
    const l = await solveWithLpSolver(p);
    expect(g.status, g.message).toBe('optimal');
    expect(l.status, l.message).toBe('optimal');
    expect(g.objective).toBe(best);
    expect(l.objective).toBe(best);
  });
});

describe('presolve: elimination of defined ints', () => {
  it('substitutes W out of rows and objective, bounds it by rows, and recovers it exactly', () => {
    const m = encoded(wideEquality);
    const r = eliminateDefinedInts(m);
    const wCols = [m.varColumns.get('W0'), m.varColumns.get('W1')].map((v) => (v?.kind === 'int' ? v.col : -1));
    expect([...r.eliminated].sort()).toEqual(wCols.sort());
    for (const row of r.milp.rows) for (const t of row.terms) expect(r.eliminated.has(t.col)).toBe(false);
    for (const t of r.milp.objective.terms) expect(r.eliminated.has(t.col)).toBe(false);
    expect(r.milp.rows.filter((row) => row.origin.startsWith('bounds(')).length).toBe(4);
    // a0 = 425 (first binary of a0), a2 = 442 (second binary of a2): W0 = 4·425 + 116·442 − 8, W1 = 50·425 − 2·442.
    const cols = m.columns.map(() => 0);
    const a0 = m.varColumns.get('a0');
    const a2 = m.varColumns.get('a2');
    if (a0?.kind !== 'list' || a2?.kind !== 'list') throw new Error('unexpected encoding');
    cols[a0.cols[0]] = 1;
    cols[a2.cols[1]] = 1;
    const full = recoverEliminated(cols, r.substitutions);
    expect(full[wCols[0]]).toBe(4 * 425 + 116 * 442 - 8);
    expect(full[wCols[1]]).toBe(50 * 425 - 2 * 442);
  });

  it('leaves rows with fractional data alone', () => {
    const p: MilpProblem = {
      vars: [
        { name: 'x', kind: 'list', values: [1, 2] },
        { name: 'W', kind: 'int', lo: 0, hi: 100 },
      ],
      linear: [{ terms: [{ name: 'W', coef: 1 }, { name: 'x', coef: -0.5 }], op: '==', rhs: 0, label: 'W = x/2' }],
      noGoods: [],
      allowed: [],
      objective: { sense: 'max', terms: [{ name: 'W', coef: 1 }], constant: 0 },
    };
    expect(eliminateDefinedInts(encoded(p)).eliminated.size).toBe(0);
  });

  it('two contradicting definitions reduce to a false constant row', async () => {
    const p: MilpProblem = {
      vars: [
        { name: 'x', kind: 'list', values: [1, 2] },
        { name: 'W', kind: 'int', lo: 0, hi: 100 },
      ],
      linear: [
        { terms: [{ name: 'W', coef: 1 }, { name: 'x', coef: -1 }], op: '==', rhs: 0, label: 'W = x' },
        { terms: [{ name: 'W', coef: 1 }, { name: 'x', coef: -1 }], op: '==', rhs: 1, label: 'W = x + 1' },
      ],
      noGoods: [],
      allowed: [],
      objective: { sense: 'max', terms: [{ name: 'W', coef: 1 }], constant: 0 },
    };
    expect(eliminateDefinedInts(encoded(p)).infeasible).toMatch(/W = x \+ 1/);
    expect((await solveWithLpSolver(p)).status).toBe('infeasible');
    expect((await solveWithGlpk(p)).status).toBe('infeasible');
  });
});

describe('lp-solver model', () => {
  it('writes wide int columns in binary and scales rows by powers of two', () => {
    const m = encoded(wideSandwich);
    const { model, maps } = toLpSolverModel(m, { zeroObjective: false, expandAbove: 64 });
    const w0 = m.varColumns.get('W0');
    if (w0?.kind !== 'int') throw new Error('unexpected encoding');
    // range 131071 needs 17 bits; 2^17 − 1 = 131071 exactly, so no extra bound row.
    expect(maps[w0.col].parts.map((p) => p.mult)).toEqual(Array.from({ length: 17 }, (_, k) => 2 ** k));
    expect(maps[w0.col].offset).toBe(1);
    expect(model.binaries?.[`${m.columns[w0.col].id}b16`]).toBe(1);
    expect(model.options).toMatchObject({ presolve: false });
    // Every row coefficient is an exact power-of-two rescaling of the original.
    for (const vars of Object.values(model.variables)) for (const c of Object.values(vars)) expect(Number.isFinite(c)).toBe(true);
    const narrow = toLpSolverModel(m, { zeroObjective: false, expandAbove: Infinity });
    expect(narrow.maps[w0.col].parts).toEqual([{ id: m.columns[w0.col].id, mult: 1 }]);
    expect(narrow.model.ints?.[m.columns[w0.col].id]).toBe(1);
  });

  it('options can turn the workarounds off (same answer where the library copes)', async () => {
    const r = await solveWithLpSolver(presolveDrop, { eliminateDefined: false, scaleRows: false, expandIntsWiderThan: Infinity });
    expect(r.status).toBe('optimal');
    expect(r.objective).toBe(-4);
  });
});
