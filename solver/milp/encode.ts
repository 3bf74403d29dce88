// Encoding of a MilpProblem into a backend-neutral MILP (columns, rows, objective), decoding of a
// backend's column values back into variable values, and exact verification of the decoded point.
//
// Encoding:
//   list var x with values v_0..v_{k-1} → binaries b_{x,j} with Σ_j b_{x,j} = 1; every linear use of x
//                                          is replaced by Σ_j v_j·b_{x,j}
//   int var  x in [lo, hi]              → one integer column with bounds ⌈lo⌉..⌊hi⌋ (±Infinity allowed)
//   no-good tuple (x_1=u_1,…,x_k=u_k)   → Σ_i b_{x_i,u_i} ≤ k−1   (tuples naming a value outside a domain are vacuous)
//   allowed table T over vars X         → one binary t per allowed tuple, Σ_t t = 1, and for every x ∈ X and
//                                          v ∈ dom(x): b_{x,v} − Σ_{t: t_x = v} t = 0
//   objective                           → same substitution as linear constraints, constant kept aside
//
// Decoding rounds every column to the nearest integer (it must be within INT_TOL of it), reads each
// list var off its one-hot group, then re-checks every original constraint on the decoded point in plain
// floating-point arithmetic and recomputes the objective there. Any disagreement is reported as an
// error rather than returned as an answer.

import type { LinearConstraint, LinearTerm, MilpProblem, MilpVar } from './problem.ts';

/** How far a backend's value may be from an integer and still be read as that integer. */
export const INT_TOL = 1e-5;
/** Relative tolerance used when re-checking linear constraints on a decoded (integral) point. */
export const LINEAR_REL_TOL = 1e-9;
/** Relative tolerance between the backend's objective value and the one recomputed on the decoded point. */
export const OBJECTIVE_REL_TOL = 1e-6;

export interface MilpColumn {
  /** Backend-safe name: `c<index>`. */
  id: string;
  kind: 'binary' | 'int';
  /** Finite for binaries (0/1); may be ±Infinity for int columns. */
  lb: number;
  ub: number;
  /** What the column stands for, for messages: `x=4`, `x`, `allowed[label]#2`. */
  origin: string;
}

export interface MilpRowTerm {
  col: number;
  coef: number;
}

export interface MilpRow {
  /** Backend-safe name: `r<index>`. */
  id: string;
  terms: MilpRowTerm[];
  op: '<=' | '>=' | '==';
  rhs: number;
  /** Where the row comes from, for messages. */
  origin: string;
}

export interface EncodedObjective {
  sense: 'max' | 'min';
  terms: MilpRowTerm[];
  constant: number;
}

type VarColumns =
  | { kind: 'list'; values: number[]; cols: number[] }
  | { kind: 'int'; col: number; lo: number; hi: number };

export interface EncodedMilp {
  columns: MilpColumn[];
  rows: MilpRow[];
  objective: EncodedObjective;
  /** Original variable → its column(s). */
  varColumns: Map<string, VarColumns>;
}

export type EncodeOutcome =
  | { ok: true; milp: EncodedMilp }
  | { ok: false; status: 'infeasible' | 'error'; message: string };

export type DecodeOutcome =
  | { ok: true; values: Record<string, number>; objective: number }
  | { ok: false; message: string };

class EncodeFailure extends Error {
  constructor(
    readonly status: 'infeasible' | 'error',
    message: string,
  ) {
    super(message);
  }
}

const fmt = (n: number): string => (Object.is(n, -0) ? '0' : String(n));

/** Validates `p` and encodes it. Never throws for bad input: returns `{ ok: false, status: 'error' }`. */
export function encode(p: MilpProblem): EncodeOutcome {
  try {
    return { ok: true, milp: encodeOrThrow(p) };
  } catch (e) {
    if (e instanceof EncodeFailure) return { ok: false, status: e.status, message: e.message };
    throw e;
  }
}

function encodeOrThrow(p: MilpProblem): EncodedMilp {
  const columns: MilpColumn[] = [];
  const rows: MilpRow[] = [];
  const varColumns = new Map<string, VarColumns>();
  const decl = new Map<string, MilpVar>();

  const addColumn = (kind: 'binary' | 'int', lb: number, ub: number, origin: string): number => {
    columns.push({ id: `c${columns.length}`, kind, lb, ub, origin });
    return columns.length - 1;
  };
  const addRow = (terms: MilpRowTerm[], op: MilpRow['op'], rhs: number, origin: string): void => {
    const merged = mergeTerms(terms);
    if (merged.length === 0) {
      // 0 op rhs: either always true (drop) or never (the whole problem is infeasible).
      if (!compare(0, op, rhs, 0)) throw new EncodeFailure('infeasible', `${origin}: reduces to 0 ${op} ${fmt(rhs)}`);
      return;
    }
    rows.push({ id: `r${rows.length}`, terms: merged, op, rhs, origin });
  };

  // ---- variables
  for (const v of p.vars) {
    if (typeof v.name !== 'string') throw new EncodeFailure('error', 'variable without a name');
    if (decl.has(v.name)) throw new EncodeFailure('error', `variable '${v.name}' declared twice`);
    decl.set(v.name, v);
    if (v.kind === 'list') {
      const values: number[] = [];
      const seen = new Set<number>();
      for (const x of v.values) {
        if (!Number.isFinite(x)) throw new EncodeFailure('error', `variable '${v.name}': non-finite value ${x}`);
        const key = x === 0 ? 0 : x; // -0 and 0 are the same value
        if (!seen.has(key)) {
          seen.add(key);
          values.push(key);
        }
      }
      if (values.length === 0) throw new EncodeFailure('infeasible', `variable '${v.name}' has an empty value list`);
      const cols = values.map((x) => addColumn('binary', 0, 1, `${v.name}=${fmt(x)}`));
      varColumns.set(v.name, { kind: 'list', values, cols });
      addRow(
        cols.map((col) => ({ col, coef: 1 })),
        '==',
        1,
        `one-hot(${v.name})`,
      );
    } else if (v.kind === 'int') {
      if (Number.isNaN(v.lo) || Number.isNaN(v.hi) || v.lo === Infinity || v.hi === -Infinity) {
        throw new EncodeFailure('error', `variable '${v.name}': invalid bounds ${v.lo}..${v.hi}`);
      }
      const lo = Math.ceil(v.lo);
      const hi = Math.floor(v.hi);
      if (lo > hi) throw new EncodeFailure('infeasible', `variable '${v.name}': empty interval ${v.lo}..${v.hi}`);
      const col = addColumn('int', lo, hi, v.name);
      varColumns.set(v.name, { kind: 'int', col, lo, hi });
    } else {
      throw new EncodeFailure('error', `variable '${(v as { name: string }).name}': unknown kind`);
    }
  }

  // Substitutes original variables by columns in a linear expression.
  const substitute = (terms: LinearTerm[], where: string): MilpRowTerm[] => {
    const out: MilpRowTerm[] = [];
    for (const t of terms) {
      if (!Number.isFinite(t.coef)) throw new EncodeFailure('error', `${where}: non-finite coefficient ${t.coef} on '${t.name}'`);
      const vc = varColumns.get(t.name);
      if (!vc) throw new EncodeFailure('error', `${where}: unknown variable '${t.name}'`);
      if (t.coef === 0) continue;
      if (vc.kind === 'int') out.push({ col: vc.col, coef: t.coef });
      else vc.cols.forEach((col, j) => out.push({ col, coef: t.coef * vc.values[j] }));
    }
    return out;
  };

  // ---- linear constraints
  p.linear.forEach((c, i) => {
    const where = `linear[${c.label ?? i}]`;
    if (c.op !== '<=' && c.op !== '>=' && c.op !== '==') throw new EncodeFailure('error', `${where}: unknown operator '${c.op}'`);
    if (!Number.isFinite(c.rhs)) throw new EncodeFailure('error', `${where}: non-finite right-hand side ${c.rhs}`);
    addRow(substitute(c.terms, where), c.op, c.rhs, where);
  });

  // Column of b_{x,u}, or undefined when u is not in dom(x). Throws if x is not a list variable.
  const listColumns = (name: string, where: string): Extract<VarColumns, { kind: 'list' }> => {
    const vc = varColumns.get(name);
    if (!vc) throw new EncodeFailure('error', `${where}: unknown variable '${name}'`);
    if (vc.kind !== 'list') throw new EncodeFailure('error', `${where}: '${name}' is not a list variable`);
    return vc;
  };
  const binaryFor = (vc: Extract<VarColumns, { kind: 'list' }>, u: number): number | undefined => {
    const j = vc.values.indexOf(u === 0 ? 0 : u);
    return j < 0 ? undefined : vc.cols[j];
  };

  // ---- no-good tables
  p.noGoods.forEach((t, ti) => {
    const where = `noGood[${t.label ?? ti}]`;
    const vcs = t.vars.map((name) => listColumns(name, where));
    t.forbidden.forEach((tuple, k) => {
      if (tuple.length !== t.vars.length) throw new EncodeFailure('error', `${where}: tuple #${k} has ${tuple.length} values for ${t.vars.length} vars`);
      const terms: MilpRowTerm[] = [];
      for (let i = 0; i < tuple.length; i++) {
        const col = binaryFor(vcs[i], tuple[i]);
        if (col === undefined) return; // value outside the domain: the combination can never occur
        terms.push({ col, coef: 1 });
      }
      addRow(terms, '<=', tuple.length - 1, `${where}#${k}`);
    });
  });

  // ---- allowed tables
  p.allowed.forEach((t, ti) => {
    const where = `allowed[${t.label ?? ti}]`;
    const vcs = t.vars.map((name) => listColumns(name, where));
    // Keep only tuples that can occur: every value in its domain, repeated vars agreeing; drop duplicates.
    const kept: number[][] = [];
    const seen = new Set<string>();
    t.allowed.forEach((tuple, k) => {
      if (tuple.length !== t.vars.length) throw new EncodeFailure('error', `${where}: tuple #${k} has ${tuple.length} values for ${t.vars.length} vars`);
      const assigned = new Map<string, number>();
      for (let i = 0; i < tuple.length; i++) {
        const u = tuple[i] === 0 ? 0 : tuple[i];
        if (binaryFor(vcs[i], u) === undefined) return;
        const prev = assigned.get(t.vars[i]);
        if (prev !== undefined && prev !== u) return;
        assigned.set(t.vars[i], u);
      }
      const key = JSON.stringify([...assigned.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      if (seen.has(key)) return;
      seen.add(key);
      kept.push(tuple);
    });
    if (kept.length === 0) throw new EncodeFailure('infeasible', `${where}: no allowed tuple is possible`);
    const tcols = kept.map((_, k) => addColumn('binary', 0, 1, `${where}#${k}`));
    addRow(
      tcols.map((col) => ({ col, coef: 1 })),
      '==',
      1,
      `${where}:choose-one`,
    );
    const distinct = [...new Set(t.vars)];
    for (const name of distinct) {
      const vc = listColumns(name, where);
      const pos = t.vars.indexOf(name);
      vc.values.forEach((v, j) => {
        const terms: MilpRowTerm[] = [{ col: vc.cols[j], coef: 1 }];
        kept.forEach((tuple, k) => {
          if ((tuple[pos] === 0 ? 0 : tuple[pos]) === v) terms.push({ col: tcols[k], coef: -1 });
        });
        addRow(terms, '==', 0, `${where}:link(${name}=${fmt(v)})`);
      });
    }
  });

  // ---- objective
  const o = p.objective;
  if (o.sense !== 'max' && o.sense !== 'min') throw new EncodeFailure('error', `objective: unknown sense '${o.sense}'`);
  if (!Number.isFinite(o.constant)) throw new EncodeFailure('error', `objective: non-finite constant ${o.constant}`);
  const objective: EncodedObjective = {
    sense: o.sense,
    terms: mergeTerms(substitute(o.terms, 'objective')),
    constant: o.constant,
  };

  return { columns, rows, objective, varColumns };
}

/** Sums coefficients of repeated columns and drops zeros; keeps first-appearance order. */
function mergeTerms(terms: MilpRowTerm[]): MilpRowTerm[] {
  const byCol = new Map<number, number>();
  for (const t of terms) byCol.set(t.col, (byCol.get(t.col) ?? 0) + t.coef);
  const out: MilpRowTerm[] = [];
  for (const [col, coef] of byCol) if (coef !== 0) out.push({ col, coef });
  return out;
}

function compare(lhs: number, op: LinearConstraint['op'], rhs: number, tol: number): boolean {
  switch (op) {
    case '<=':
      return lhs <= rhs + tol;
    case '>=':
      return lhs >= rhs - tol;
    case '==':
      return Math.abs(lhs - rhs) <= tol;
  }
}

/** Objective value at a point, in plain arithmetic: constant + Σ coef·value, in term order. */
export function evaluateObjective(p: MilpProblem, values: Record<string, number>): number {
  let z = p.objective.constant;
  for (const t of p.objective.terms) z += t.coef * values[t.name];
  return z;
}

/**
 * Checks a full assignment against every original constraint (domains, linear constraints, no-goods,
 * allowed tables) in plain arithmetic. Returns null when satisfied, else a description of the first
 * violation. Linear constraints get a relative slack of LINEAR_REL_TOL (exact for integer data).
 */
export function checkPoint(p: MilpProblem, values: Record<string, number>): string | null {
  for (const v of p.vars) {
    const x = values[v.name];
    if (typeof x !== 'number' || !Number.isFinite(x)) return `variable '${v.name}' has no value`;
    if (v.kind === 'list') {
      if (!v.values.some((u) => u === x)) return `variable '${v.name}' = ${fmt(x)} is not in its value list`;
    } else if (!Number.isInteger(x) || x < v.lo || x > v.hi) {
      return `variable '${v.name}' = ${fmt(x)} is not an integer in ${v.lo}..${v.hi}`;
    }
  }
  for (const [i, c] of p.linear.entries()) {
    let lhs = 0;
    let scale = Math.abs(c.rhs);
    for (const t of c.terms) {
      const prod = t.coef * values[t.name];
      lhs += prod;
      scale += Math.abs(prod);
    }
    if (!compare(lhs, c.op, c.rhs, LINEAR_REL_TOL * Math.max(1, scale))) {
      return `linear[${c.label ?? i}] violated: ${fmt(lhs)} ${c.op} ${fmt(c.rhs)} is false`;
    }
  }
  for (const [i, t] of p.noGoods.entries()) {
    for (const tuple of t.forbidden) {
      if (tuple.every((u, k) => values[t.vars[k]] === u)) {
        return `noGood[${t.label ?? i}] violated: (${t.vars.join(', ')}) = (${tuple.map(fmt).join(', ')}) is forbidden`;
      }
    }
  }
  for (const [i, t] of p.allowed.entries()) {
    if (!t.allowed.some((tuple) => tuple.every((u, k) => values[t.vars[k]] === u))) {
      return `allowed[${t.label ?? i}] violated: (${t.vars.join(', ')}) = (${t.vars.map((n) => fmt(values[n])).join(', ')}) is not allowed`;
    }
  }
  return null;
}

/**
 * Maps backend column values (indexed like `milp.columns`) back to variable values, verifies the point
 * against every original constraint, and recomputes the objective. `solverObjective`, when given, is the
 * backend's own objective value (constant included) and must agree with the recomputed one.
 */
export function decode(
  p: MilpProblem,
  milp: EncodedMilp,
  colValues: readonly number[],
  solverObjective?: number,
): DecodeOutcome {
  const rounded: number[] = [];
  for (let i = 0; i < milp.columns.length; i++) {
    const raw = colValues[i];
    const col = milp.columns[i];
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return { ok: false, message: `column ${col.id} (${col.origin}) has no finite value` };
    const r = Math.round(raw);
    if (Math.abs(raw - r) > INT_TOL) return { ok: false, message: `column ${col.id} (${col.origin}) = ${raw} is not integral` };
    if (r < col.lb || r > col.ub) return { ok: false, message: `column ${col.id} (${col.origin}) = ${r} is outside ${col.lb}..${col.ub}` };
    rounded.push(r === 0 ? 0 : r);
  }
  const values: Record<string, number> = {};
  for (const [name, vc] of milp.varColumns) {
    if (vc.kind === 'int') {
      values[name] = rounded[vc.col];
    } else {
      const on = vc.cols.filter((c) => rounded[c] === 1);
      if (on.length !== 1) return { ok: false, message: `variable '${name}': ${on.length} one-hot binaries set` };
      values[name] = vc.values[vc.cols.indexOf(on[0])];
    }
  }
  // The encoded rows must hold on the rounded columns too (catches encoding/rounding bugs directly).
  for (const row of milp.rows) {
    let lhs = 0;
    let scale = Math.abs(row.rhs);
    for (const t of row.terms) {
      lhs += t.coef * rounded[t.col];
      scale += Math.abs(t.coef * rounded[t.col]);
    }
    if (!compare(lhs, row.op, row.rhs, LINEAR_REL_TOL * Math.max(1, scale))) {
      return { ok: false, message: `encoded row ${row.id} (${row.origin}) violated after rounding: ${fmt(lhs)} ${row.op} ${fmt(row.rhs)}` };
    }
  }
  const violation = checkPoint(p, values);
  if (violation) return { ok: false, message: `decoded point violates the problem: ${violation}` };
  const objective = evaluateObjective(p, values);
  if (solverObjective !== undefined) {
    if (!Number.isFinite(solverObjective) || Math.abs(solverObjective - objective) > OBJECTIVE_REL_TOL * Math.max(1, Math.abs(objective))) {
      return { ok: false, message: `backend objective ${solverObjective} disagrees with the decoded point's objective ${objective}` };
    }
  }
  return { ok: true, values, objective };
}
