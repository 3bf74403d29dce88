// The MILP-facing view of a search space: what the constraint solver's model is converted into before
// a linear objective is optimised by one of the MILP backends (glpk.js, javascript-lp-solver).

export type MilpVar =
  | { name: string; kind: 'list'; values: number[] } // finite value list (distinct numbers, any order)
  | { name: string; kind: 'int'; lo: number; hi: number }; // integer interval (may be wide, e.g. 1..131072)

export interface LinearTerm {
  name: string;
  coef: number;
}

export interface LinearConstraint {
  terms: LinearTerm[];
  op: '<=' | '>=' | '==';
  rhs: number;
  label: string;
}

/** Forbidden combinations of list variables (from a non-linear constraint over few list vars): each tuple is one value per var. */
export interface NoGoodTable {
  vars: string[];
  forbidden: number[][];
  label: string;
}

/** Allowed combinations instead (use whichever is smaller); a table with no allowed tuple makes the problem infeasible. */
export interface AllowedTable {
  vars: string[];
  allowed: number[][];
  label: string;
}

export interface LinearObjective {
  sense: 'max' | 'min';
  terms: LinearTerm[];
  constant: number;
}

export interface MilpProblem {
  vars: MilpVar[];
  linear: LinearConstraint[];
  noGoods: NoGoodTable[];
  allowed: AllowedTable[];
  objective: LinearObjective;
}

export interface MilpResult {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'error';
  values?: Record<string, number>;
  objective?: number;
  message?: string;
  backend: 'glpk' | 'lp-solver';
  ms: number;
}
