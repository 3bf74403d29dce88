// MILP backend on javascript-lp-solver (pure JS dense-tableau simplex + branch-and-cut).
//
// Model mapping: every column becomes a non-negative variable y (the library's default domain) through
// col = offset + sign·y:
//   binary            → offset 0, sign +1, listed in `binaries` (the library adds y ≤ 1 itself)
//   int [lo, hi]      → offset lo, sign +1, plus a row y ≤ hi − lo when hi is finite
//   int (−∞, hi]      → offset hi, sign −1
//   int (−∞, +∞)      → listed in `unrestricted`
// Rows keep their sense with rhs − Σ coef·offset; the objective constant is added back afterwards.
//
// Quirks of javascript-lp-solver 1.0.3 (more in solver/milp/README.md):
// - It ships its own typings (dist/index.d.ts), but Solve() is typed `SolveResult | unknown`, i.e. unknown.
// - The simplified result omits every variable whose value is 0 and mixes variable values with the status
//   keys `feasible`, `result`, `bounded`, `isIntegral`; we name variables `c<i>` so nothing collides.
// - Its presolve (default on) zeroes the objective cost of variables it fixes, so `result` misses their
//   contribution (e.g. reports 0 instead of −4); we always pass options.presolve = false.
// - Values and the objective are rounded to the grid 1/precision (precision default 1e-8 in the tableau).
// - `timeout` (ms) stops branch-and-cut silently and returns the incumbent; nothing in the result says the
//   limit was hit, so we compare elapsed time against it. A timeout of 0 means "no limit" to the library.
// - Unbounded problems come back as { feasible: true, bounded: false, result: null } without an integer
//   point; the driver then runs a zero-objective feasibility solve to tell unbounded from infeasible.
// - When `optimize` names no attribute present on any variable (all-zero objective) but equals a variable
//   name, the library optimises that variable instead; our attribute ('obj') is never a variable name.

import solver from 'javascript-lp-solver';
import type { Model, SolveResult } from 'javascript-lp-solver';
import type { EncodedMilp } from './encode.ts';
import { runBackend, type RawOutcome, type RawSolveArgs, type SolveOptions } from './driver.ts';
import type { MilpProblem, MilpResult } from './problem.ts';

const OBJ = 'obj';

interface ColumnMap {
  offset: number;
  sign: 1 | -1;
}

/** Builds the javascript-lp-solver JSON model and the column ↦ y mapping. */
export function toLpSolverModel(
  milp: EncodedMilp,
  zeroObjective: boolean,
  timeoutMs?: number,
  tuning: LpSolverTuning = {},
): { model: Model; maps: ColumnMap[]; constant: number } {
  const constraints: Model['constraints'] = {};
  const variables: Model['variables'] = {};
  const ints: Record<string, 1> = {};
  const binaries: Record<string, 1> = {};
  const unrestricted: Record<string, 1> = {};
  const maps: ColumnMap[] = [];

  milp.columns.forEach((c, i) => {
    const vars: Record<string, number> = {};
    variables[c.id] = vars;
    if (c.kind === 'binary') {
      binaries[c.id] = 1;
      maps.push({ offset: 0, sign: 1 });
      return;
    }
    ints[c.id] = 1;
    if (Number.isFinite(c.lb)) {
      maps.push({ offset: c.lb, sign: 1 });
      if (Number.isFinite(c.ub)) {
        const ub = `u${i}`;
        constraints[ub] = { max: c.ub - c.lb };
        vars[ub] = 1;
      }
    } else if (Number.isFinite(c.ub)) {
      maps.push({ offset: c.ub, sign: -1 });
    } else {
      unrestricted[c.id] = 1;
      maps.push({ offset: 0, sign: 1 });
    }
  });

  for (const row of milp.rows) {
    let rhs = row.rhs;
    for (const t of row.terms) {
      const m = maps[t.col];
      rhs -= t.coef * m.offset;
      const vars = variables[milp.columns[t.col].id];
      vars[row.id] = (vars[row.id] ?? 0) + t.coef * m.sign;
    }
    constraints[row.id] = row.op === '<=' ? { max: rhs } : row.op === '>=' ? { min: rhs } : { equal: rhs };
  }

  let constant = milp.objective.constant;
  if (!zeroObjective) {
    for (const t of milp.objective.terms) {
      const m = maps[t.col];
      constant += t.coef * m.offset;
      const vars = variables[milp.columns[t.col].id];
      vars[OBJ] = (vars[OBJ] ?? 0) + t.coef * m.sign;
    }
  }

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
    // test: max v1 with v1 forced to −4 reported 0). Branch-and-cut without it is correct on our tests.
    options: { ...tuning, presolve: false },
  };
  if (timeoutMs !== undefined) model.timeout = Math.max(1, Math.floor(timeoutMs));
  return { model, maps, constant };
}

function solveRaw({ milp, zeroObjective, timeLeftMs }: RawSolveArgs, tuning: LpSolverTuning): RawOutcome {
  const limited = Number.isFinite(timeLeftMs);
  const { model, maps, constant } = toLpSolverModel(milp, zeroObjective, limited ? timeLeftMs : undefined, tuning);
  const started = performance.now();
  const res: SolveResult = solver.Solve(model);
  const timedOut = limited && performance.now() - started >= Math.max(1, Math.floor(timeLeftMs));
  if (res.bounded === false) return timedOut ? { status: 'timeout' } : { status: 'unbounded' };
  if (!res.feasible) return timedOut ? { status: 'timeout' } : { status: 'infeasible' };
  const cols = milp.columns.map((c, i) => {
    const y = res[c.id];
    return maps[i].offset + maps[i].sign * (typeof y === 'number' ? y : 0);
  });
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
}

/** Solves `p` with javascript-lp-solver (branch-and-cut, relative gap 0, library presolve off). */
export function solveWithLpSolver(p: MilpProblem, opts: LpSolverOptions = {}): Promise<MilpResult> {
  const tuning = opts.tuning ?? {};
  return runBackend(p, 'lp-solver', (args) => solveRaw(args, tuning), opts);
}
