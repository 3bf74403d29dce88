export type {
  AllowedTable,
  LinearConstraint,
  LinearObjective,
  LinearTerm,
  MilpProblem,
  MilpResult,
  MilpVar,
  NoGoodTable,
} from './problem.ts';
export { checkPoint, decode, encode, evaluateObjective, INT_TOL, LINEAR_REL_TOL, OBJECTIVE_REL_TOL } from './encode.ts';
export type { DecodeOutcome, EncodedMilp, EncodeOutcome, MilpColumn, MilpRow } from './encode.ts';
export type { SolveOptions } from './driver.ts';
export { loadGlpk, solveWithGlpk } from './glpk.ts';
export { solveWithLpSolver } from './lp-solver.ts';
export type { LpSolverOptions, LpSolverTuning } from './lp-solver.ts';
