// MILP backend on javascript-lp-solver (pure JS dense-tableau simplex + branch-and-cut).
//
// Pipeline (each step exists because the plain mapping gave wrong answers, see README.md):
//   1. presolve.ts eliminates int columns defined by integral equalities (W == 2·BM + BK): the library
//      misjudges integrality of wide columns and then reports wrong optima or false infeasibility.
//   2. Every remaining column becomes non-negative model variables (the library's default domain):
//        binary            → itself, listed in `binaries` (the library adds y ≤ 1 itself)
//        int [lo, hi]      → lo + y with a row y ≤ hi − lo; if hi − lo > 64: lo + Σ 2^k·z_k, z_k binary
//        int [lo, +∞)      → lo + y          int (−∞, hi] → hi − y          int (−∞, +∞) → `unrestricted`
//   3. Rows are scaled by powers of two (exact) so their coefficients straddle 1.
//   4. The library's presolve is turned off (it drops fixed variables from the objective).
// The driver then decodes, verifies and recomputes the objective exactly, as for GLPK.
//
// Quirks of javascript-lp-solver 1.0.3 (more in README.md):
// - Its dist/index.d.ts is read as a CommonJS declaration under NodeNext (no "type": "module"), so the
//   default import has no Solve(); javascript-lp-solver.d.ts declares what Node actually loads.
// - The simplified result omits every variable whose value is 0 and mixes variable values with the status
//   keys `feasible`, `result`, `bounded`, `isIntegral`; we name variables `c<i>` so nothing collides.
// - Values and the objective are rounded to the grid 1/precision (precision default 1e-8 in the tableau).
// - `timeout` (ms) stops branch-and-cut silently and returns the incumbent; nothing in the result says the
//   limit was hit, so we compare elapsed time against it. A timeout of 0 means "no limit" to the library.
// - Unbounded problems come back as { feasible: true, bounded: false, result: null } without an integer
//   point; the driver then runs a zero-objective feasibility solve to tell unbounded from infeasible.
// - When `optimize` names no attribute present on any variable (all-zero objective) but equals a variable
//   name, the library optimises that variable instead; our attribute ('obj') is never a variable name.

import type { Model, SolveResult } from 'javascript-lp-solver';
import type { EncodedMilp } from './encode.ts';
import { eliminateDefinedInts, recoverEliminated } from './presolve.ts';
import { runBackend, type RawOutcome, type RawSolveArgs, type SolveOptions } from './driver.ts';
import type { MilpProblem, MilpResult } from './problem.ts';

const OBJ = 'obj';
/** Passed to Solve(): the Tableau's own default (the docs say 1e-9, which is markedly worse, see README). */
const DEFAULT_PRECISION = 1e-8;
const DEFAULT_SCALE = true;
const DEFAULT_ELIMINATE = true;
/** Int columns with a wider finite range are written in binary: the library mis-branches on wide ints. */
const DEFAULT_EXPAND = 64;

/** col = offset + Σ mult·y_part, every y_part ≥ 0 (or unrestricted) in the library's model. */
interface ColumnMap {
  offset: number;
  parts: { id: string; mult: number }[];
}

export interface LpModelOptions {
  zeroObjective: boolean;
  timeoutMs?: number;
  tuning?: LpSolverTuning;
  scaleRows?: boolean;
  /** Columns left out (eliminated by presolve.ts and recovered by the caller). */
  skip?: ReadonlySet<number>;
  /** Int columns with a finite range wider than this are written in binary (see LpSolverOptions). */
  expandAbove?: number;
}

/** Builds the javascript-lp-solver JSON model and the column ↦ model-variable mapping. */
export function toLpSolverModel(milp: EncodedMilp, o: LpModelOptions): { model: Model; maps: ColumnMap[]; constant: number } {
  const constraints: Model['constraints'] = {};
  const variables: Model['variables'] = {};
  const ints: Record<string, 1> = {};
  const binaries: Record<string, 1> = {};
  const unrestricted: Record<string, 1> = {};
  const maps: ColumnMap[] = [];
  const expandAbove = o.expandAbove ?? Infinity;

  milp.columns.forEach((c, i) => {
    if (o.skip?.has(i)) {
      maps.push({ offset: 0, parts: [] }); // not in the model; recovered by the caller
      return;
    }
    if (c.kind === 'binary') {
      variables[c.id] = {};
      binaries[c.id] = 1;
      maps.push({ offset: 0, parts: [{ id: c.id, mult: 1 }] });
      return;
    }
    if (Number.isFinite(c.lb) && Number.isFinite(c.ub)) {
      const range = c.ub - c.lb;
      const ub = `u${i}`;
      if (range > expandAbove) {
        // col = lb + Σ_k 2^k·z_k with binaries z_k, plus Σ 2^k z_k ≤ range when 2^K − 1 exceeds it.
        const bits = Math.ceil(Math.log2(range + 1));
        const parts = Array.from({ length: bits }, (_, k) => ({ id: `${c.id}b${k}`, mult: 2 ** k }));
        for (const part of parts) {
          variables[part.id] = {};
          binaries[part.id] = 1;
        }
        if (2 ** bits - 1 > range) {
          // Scaled by 2^(bits−1) like the other rows: coefficients 2^-(bits-1)..1.
          const scale = 2 ** (bits - 1);
          constraints[ub] = { max: range / scale };
          for (const part of parts) variables[part.id][ub] = part.mult / scale;
        }
        maps.push({ offset: c.lb, parts });
        return;
      }
      variables[c.id] = { [ub]: 1 };
      constraints[ub] = { max: range };
      ints[c.id] = 1;
      maps.push({ offset: c.lb, parts: [{ id: c.id, mult: 1 }] });
    } else if (Number.isFinite(c.lb)) {
      variables[c.id] = {};
      ints[c.id] = 1;
      maps.push({ offset: c.lb, parts: [{ id: c.id, mult: 1 }] });
    } else if (Number.isFinite(c.ub)) {
      variables[c.id] = {};
      ints[c.id] = 1;
      maps.push({ offset: c.ub, parts: [{ id: c.id, mult: -1 }] });
    } else {
      variables[c.id] = {};
      ints[c.id] = 1;
      unrestricted[c.id] = 1;
      maps.push({ offset: 0, parts: [{ id: c.id, mult: 1 }] });
    }
  });

  // Adds coef·col to the linear form named `key` (a row or the objective), returns the constant moved out.
  const addTerm = (key: string, col: number, coef: number): number => {
    const m = maps[col];
    for (const part of m.parts) {
      const vars = variables[part.id];
      vars[key] = (vars[key] ?? 0) + coef * part.mult;
    }
    return coef * m.offset;
  };

  for (const row of milp.rows) {
    // Power-of-two row scale (exact in binary floating point) bringing the geometric mean of the row's
    // |coefficients| near 1: the library's fixed absolute pivot/zero tolerances misbehave on rows mixing
    // 1 and 5e4.
    let lo = Infinity;
    let hi = 0;
    for (const t of row.terms) {
      for (const part of maps[t.col].parts) {
        lo = Math.min(lo, Math.abs(t.coef * part.mult));
        hi = Math.max(hi, Math.abs(t.coef * part.mult));
      }
    }
    const scale = (o.scaleRows ?? true) && hi > 0 ? 2 ** Math.round(Math.log2(Math.sqrt(lo * hi))) : 1;
    let rhs = row.rhs;
    for (const t of row.terms) rhs -= addTerm(row.id, t.col, t.coef / scale) * scale;
    rhs /= scale;
    constraints[row.id] = row.op === '<=' ? { max: rhs } : row.op === '>=' ? { min: rhs } : { equal: rhs };
  }

  let constant = milp.objective.constant;
  if (!o.zeroObjective) for (const t of milp.objective.terms) constant += addTerm(OBJ, t.col, t.coef);
  const tuning = o.tuning ?? {};
  const timeoutMs = o.timeoutMs;

  const model: Model = {
    optimize: OBJ,
    opType: milp.objective.sense,
    constraints,
    variables,
    ints,
    binaries,
    unrestricted,
    // The library's presolve (on by default) "fixes" variables it deduces from bounds and zeroes their
    // objective cost, so the reported objective silently drops their contribution (found by the property
    // test: max v1 with v1 forced to −4 reported 0).
    options: { ...tuning, presolve: false },
  };
  if (timeoutMs !== undefined) model.timeout = Math.max(1, Math.floor(timeoutMs));
  return { model, maps, constant };
}

function solveRaw(solver: { Solve(model: Model, precision?: number): SolveResult }, { milp: encoded, zeroObjective, timeLeftMs }: RawSolveArgs, opts: LpSolverOptions): RawOutcome {
  const limited = Number.isFinite(timeLeftMs);
  const reduced = (opts.eliminateDefined ?? DEFAULT_ELIMINATE) ? eliminateDefinedInts(encoded) : null;
  if (reduced?.infeasible) return { status: 'infeasible' };
  const milp = reduced?.milp ?? encoded;
  const { model, maps, constant } = toLpSolverModel(milp, {
    zeroObjective,
    timeoutMs: limited ? timeLeftMs : undefined,
    tuning: opts.tuning,
    scaleRows: opts.scaleRows ?? DEFAULT_SCALE,
    skip: reduced?.eliminated,
    expandAbove: opts.expandIntsWiderThan ?? DEFAULT_EXPAND,
  });
  const started = performance.now();
  const res: SolveResult = solver.Solve(model, opts.precision ?? DEFAULT_PRECISION);
  // The library checks Date.now() between nodes; allow for clock granularity when judging whether it stopped early.
  const budget = Math.max(1, Math.floor(timeLeftMs));
  const timedOut = limited && performance.now() - started >= budget - Math.max(2, budget * 0.01);
  if (res.bounded === false) return timedOut ? { status: 'timeout' } : { status: 'unbounded' };
  if (!res.feasible) return timedOut ? { status: 'timeout' } : { status: 'infeasible' };
  const value = (id: string): number => {
    const y = res[id];
    return typeof y === 'number' ? y : 0; // the simplified result omits zeros
  };
  let cols = maps.map((m) => m.parts.reduce((v, part) => v + part.mult * value(part.id), m.offset));
  if (reduced) cols = recoverEliminated(cols, reduced.substitutions);
  const z = zeroObjective ? 0 : (typeof res.result === 'number' ? res.result : NaN) + constant;
  return timedOut ? { status: 'timeout', cols, z } : { status: 'optimal', cols, z };
}

/** Branch-and-cut knobs of javascript-lp-solver passed through as `model.options`. */
export interface LpSolverTuning {
  nodeSelection?: 'best-first' | 'depth-first' | 'hybrid';
  branching?: 'most-fractional' | 'pseudocost' | 'strong';
  useMIRCuts?: boolean;
}

export interface LpSolverOptions extends SolveOptions {
  tuning?: LpSolverTuning;
  /** The library's `precision`: integrality tolerance, pivot/zero tolerance and rounding grid of results. */
  precision?: number;
  /** Scale rows by powers of two (exact) before handing them over; on by default. */
  scaleRows?: boolean;
  /** Substitute out int columns defined by integral equalities (presolve.ts); on by default. */
  eliminateDefined?: boolean;
  /**
   * Int columns (left after elimination) whose finite range is wider than this are written as lb + Σ 2^k·z_k
   * with binaries z_k; default 64. Infinity disables it (faster, but see README: wrong optima / false
   * infeasibility when the library branches on wide int columns). Unbounded int columns are never expanded.
   */
  expandIntsWiderThan?: number;
}

/** Solves `p` with javascript-lp-solver (branch-and-cut, relative gap 0, library presolve off). */
export async function solveWithLpSolver(p: MilpProblem, opts: LpSolverOptions = {}): Promise<MilpResult> {
  // loaded on first use, so that the CLI starts without it
  const solver = (await import('javascript-lp-solver')).default;
  return runBackend(p, 'lp-solver', (args) => solveRaw(solver, args, opts), opts);
}
