// MILP backend on glpk.js (GLPK 5.0 compiled to WASM).
//
// Notes on glpk.js v5:
// - The package's default export ('glpk.js') is the browser build and needs a Web Worker; in Node it fails
//   with "Worker is not defined". The Node build is the 'glpk.js/node' export, whose solve() is synchronous.
// - solve() ignores glp_intopt's return code and only reports glp_mip_status. With presolve on (required:
//   with presol off glpk.js calls glp_intopt without solving the root LP first, which fails), an unbounded LP
//   relaxation comes back as GLP_UNDEF, indistinguishable from some failures. We therefore re-solve the LP
//   relaxation with the plain simplex (presolve off), which does report GLP_UNBND / GLP_NOFEAS.
// - Options.tmlim is in seconds (multiplied by 1000 internally); GLP_FEAS after a MIP solve means "stopped
//   with an incumbent", which with mipgap 0 only happens on the time limit.
// - The objective has no constant term in the JSON format; we add it ourselves.

import type { GLPK, LP, Options, Result } from 'glpk.js/node';
import type { EncodedMilp, MilpRow } from './encode.ts';
import { runBackend, type RawOutcome, type RawSolveArgs, type SolveOptions } from './driver.ts';
import type { MilpProblem, MilpResult } from './problem.ts';

let instance: Promise<GLPK> | null = null;

/** The shared GLPK instance (the WASM module is loaded once, on first use). */
export function loadGlpk(): Promise<GLPK> {
  if (!instance) {
    // loaded on first use, so that the CLI starts without the WASM module (and runs where it is absent)
    instance = import('glpk.js/node').then((m) => m.default());
    instance.catch(() => {
      instance = null;
    });
  }
  return instance;
}

function rowBounds(g: GLPK, row: MilpRow): LP['subjectTo'][number]['bnds'] {
  switch (row.op) {
    case '<=':
      return { type: g.GLP_UP, lb: 0, ub: row.rhs };
    case '>=':
      return { type: g.GLP_LO, lb: row.rhs, ub: 0 };
    case '==':
      return { type: g.GLP_FX, lb: row.rhs, ub: row.rhs };
  }
}

function colBounds(g: GLPK, lb: number, ub: number): { type: number; lb: number; ub: number } {
  const hasLo = Number.isFinite(lb);
  const hasHi = Number.isFinite(ub);
  if (hasLo && hasHi) return { type: lb === ub ? g.GLP_FX : g.GLP_DB, lb, ub };
  if (hasLo) return { type: g.GLP_LO, lb, ub: 0 };
  if (hasHi) return { type: g.GLP_UP, lb: 0, ub };
  return { type: g.GLP_FR, lb: 0, ub: 0 };
}

/** Builds the glpk.js LP object. `integer` false gives the LP relaxation. */
export function toGlpkLp(g: GLPK, milp: EncodedMilp, zeroObjective: boolean, integer = true): LP {
  const cols = milp.columns;
  return {
    name: 'kernelfit',
    objective: {
      direction: milp.objective.sense === 'max' ? g.GLP_MAX : g.GLP_MIN,
      name: 'obj',
      vars: zeroObjective ? [] : milp.objective.terms.map((t) => ({ name: cols[t.col].id, coef: t.coef })),
    },
    subjectTo: milp.rows.map((row) => ({
      name: row.id,
      vars: row.terms.map((t) => ({ name: cols[t.col].id, coef: t.coef })),
      bnds: rowBounds(g, row),
    })),
    bounds: cols.map((c) => ({ name: c.id, ...colBounds(g, c.lb, c.ub) })),
    generals: integer ? cols.map((c) => c.id) : [],
  };
}

function columnValues(milp: EncodedMilp, res: Result): number[] {
  return milp.columns.map((c) => res.result.vars[c.id]);
}

// glpk.js hands tm_lim (ms) to a 32-bit int parameter; longer limits are treated as no limit.
const MAX_TM_LIM_MS = 2 ** 31 - 1;

function solveRaw(g: GLPK, { milp, zeroObjective, timeLeftMs }: RawSolveArgs): RawOutcome {
  const started = performance.now();
  const limited = timeLeftMs < MAX_TM_LIM_MS;
  const opts: Options = { msglev: g.GLP_MSG_OFF, presol: true, mipgap: 0 };
  if (limited) opts.tmlim = Math.max(0, timeLeftMs) / 1000;
  const res = g.solve(toGlpkLp(g, milp, zeroObjective), opts);
  const status = res.result.status;
  const z = zeroObjective ? 0 : res.result.z + milp.objective.constant;
  if (status === g.GLP_OPT) return { status: 'optimal', cols: columnValues(milp, res), z };
  if (status === g.GLP_NOFEAS) return { status: 'infeasible' };
  if (status === g.GLP_FEAS) return { status: 'timeout', cols: columnValues(milp, res), z };
  if (status === g.GLP_UNDEF) {
    const elapsed = performance.now() - started;
    if (limited && elapsed >= timeLeftMs) return { status: 'timeout' };
    // Ask the LP relaxation (plain simplex, no presolve) what went wrong.
    const lpOpts: Options = { msglev: g.GLP_MSG_OFF, presol: false };
    if (limited) lpOpts.tmlim = Math.max(0, timeLeftMs - elapsed) / 1000;
    const lp = g.solve(toGlpkLp(g, milp, zeroObjective, false), lpOpts);
    const s = lp.result.status;
    if (s === g.GLP_UNBND) return { status: 'unbounded' };
    if (s === g.GLP_NOFEAS) return { status: 'infeasible' };
    // GLPK's own clock can run out slightly before ours does: with a limit, anything undecided is a timeout.
    if (limited) return { status: 'timeout' };
    return { status: 'error', message: `glpk: MIP status undefined while the LP relaxation has status ${s}` };
  }
  return { status: 'error', message: `glpk: unexpected MIP status ${status}` };
}

/** Solves `p` with GLPK (branch-and-cut, mipgap 0, presolve on). */
export async function solveWithGlpk(p: MilpProblem, opts: SolveOptions = {}): Promise<MilpResult> {
  let g: GLPK;
  try {
    g = await loadGlpk();
  } catch (e) {
    return { status: 'error', message: `glpk.js failed to load: ${(e as Error).message}`, backend: 'glpk', ms: 0 };
  }
  return runBackend(
    p,
    'glpk',
    (args) => {
      try {
        return solveRaw(g, args);
      } catch (e) {
        // A GLPK fatal error aborts the WASM instance; start from a fresh one next time.
        instance = null;
        throw e;
      }
    },
    opts,
  );
}
