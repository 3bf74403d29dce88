// Backend-independent solve flow: encode → backend → decode/verify, plus the follow-up solves that
// turn a backend's "unbounded (or maybe infeasible)" into a definite answer.

import { decode, encode, type EncodedMilp } from './encode.ts';
import type { MilpProblem, MilpResult } from './problem.ts';

export interface SolveOptions {
  /** Wall-clock budget for the whole solve (including follow-up solves). No limit when omitted. */
  timeLimitMs?: number;
}

/** What a backend reports for one encoded MILP. */
export type RawOutcome =
  /** Proven optimal (or, with `zeroObjective`, any feasible point). `cols` indexed like `milp.columns`. */
  | { status: 'optimal'; cols: number[]; z: number }
  | { status: 'infeasible' }
  /** The LP relaxation is unbounded; the MILP is unbounded if it is feasible at all. */
  | { status: 'unbounded' }
  /** Stopped by the time limit; `cols`/`z` hold the incumbent when there is one. */
  | { status: 'timeout'; cols?: number[]; z?: number }
  | { status: 'error'; message: string };

export interface RawSolveArgs {
  milp: EncodedMilp;
  /** Solve a feasibility problem: ignore the objective (any feasible point is "optimal"). */
  zeroObjective: boolean;
  /** Milliseconds left; Infinity when unlimited. */
  timeLeftMs: number;
}

export type RawSolver = (args: RawSolveArgs) => RawOutcome | Promise<RawOutcome>;

export async function runBackend(
  p: MilpProblem,
  backend: MilpResult['backend'],
  solveRaw: RawSolver,
  opts: SolveOptions = {},
): Promise<MilpResult> {
  const t0 = performance.now();
  const limit = opts.timeLimitMs ?? Infinity;
  const done = (r: Omit<MilpResult, 'backend' | 'ms'>): MilpResult => ({ ...r, backend, ms: performance.now() - t0 });
  const timeLeft = (): number => limit - (performance.now() - t0);

  let enc;
  try {
    enc = encode(p);
  } catch (e) {
    return done({ status: 'error', message: `encoding failed: ${(e as Error).message}` });
  }
  if (!enc.ok) return done({ status: enc.status, message: enc.message });
  const milp = enc.milp;

  // Nothing to hand to a backend: every row was constant and held.
  if (milp.columns.length === 0) {
    const d = decode(p, milp, [], milp.objective.constant);
    return d.ok ? done({ status: 'optimal', values: d.values, objective: d.objective }) : done({ status: 'error', message: d.message });
  }

  const call = async (zeroObjective: boolean): Promise<RawOutcome> => {
    try {
      return await solveRaw({ milp, zeroObjective, timeLeftMs: Math.max(0, timeLeft()) });
    } catch (e) {
      return { status: 'error', message: `${backend} threw: ${(e as Error).message}` };
    }
  };

  const raw = await call(false);
  switch (raw.status) {
    case 'optimal': {
      const d = decode(p, milp, raw.cols, raw.z);
      return d.ok
        ? done({ status: 'optimal', values: d.values, objective: d.objective })
        : done({ status: 'error', message: `${backend}: ${d.message}` });
    }
    case 'infeasible':
      return done({ status: 'infeasible' });
    case 'error':
      return done({ status: 'error', message: raw.message });
    case 'timeout': {
      const msg = `time limit of ${limit} ms reached before optimality was proven`;
      if (raw.cols) {
        const d = decode(p, milp, raw.cols, raw.z);
        if (d.ok) return done({ status: 'error', message: `${msg}; values hold the best (verified) point found`, values: d.values, objective: d.objective });
      }
      return done({ status: 'error', message: msg });
    }
    case 'unbounded': {
      // Unbounded relaxation: with rational data the MILP is unbounded iff it is feasible (Meyer 1974).
      const feas = await call(true);
      if (feas.status === 'infeasible') return done({ status: 'infeasible' });
      if (feas.status === 'optimal') {
        const d = decode(p, milp, feas.cols);
        return d.ok
          ? done({ status: 'unbounded', message: 'objective is unbounded over the feasible set' })
          : done({ status: 'error', message: `${backend} (feasibility check): ${d.message}` });
      }
      if (feas.status === 'timeout') return done({ status: 'error', message: `time limit of ${limit} ms reached while checking feasibility of an unbounded relaxation` });
      if (feas.status === 'error') return done({ status: 'error', message: `${backend} (feasibility check): ${feas.message}` });
      return done({ status: 'error', message: `${backend}: feasibility check of an unbounded relaxation reported '${feas.status}'` });
    }
  }
}
