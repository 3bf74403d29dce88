// Minimal typings for javascript-lp-solver 1.0.x as consumed from ESM.
//
// The package does ship dist/index.d.ts, but its package.json has no "type": "module", so under
// `moduleResolution: NodeNext` that file is read as a CommonJS declaration: `import solver from
// 'javascript-lp-solver'` is then typed as the whole module namespace (no `.Solve`), while at run time Node
// loads dist/index.mjs whose default export *is* the solver. This ambient declaration describes what
// Node actually returns, limited to the part of the JSON-model API that solver/milp uses.
declare module 'javascript-lp-solver' {
  export type ObjectiveDirection = 'max' | 'min';
  export interface ConstraintBound {
    min?: number;
    max?: number;
    equal?: number;
  }
  export interface SolveOptions {
    tolerance?: number;
    timeout?: number;
    presolve?: boolean;
    exitOnCycles?: boolean;
    useMIRCuts?: boolean;
    nodeSelection?: 'best-first' | 'depth-first' | 'hybrid';
    branching?: 'most-fractional' | 'pseudocost' | 'strong';
  }
  export interface Model {
    name?: string;
    /** Attribute (key in each variable's coefficient map) holding the objective coefficient. */
    optimize: string;
    opType?: ObjectiveDirection;
    constraints: Record<string, ConstraintBound>;
    /** Variable name → coefficient per constraint name (and per objective attribute). */
    variables: Record<string, Record<string, number>>;
    ints?: Record<string, boolean | 0 | 1>;
    binaries?: Record<string, boolean | 0 | 1>;
    unrestricted?: Record<string, boolean | 0 | 1>;
    /** Relative MIP gap at which branch-and-cut may stop (0 = prove optimality). */
    tolerance?: number;
    /** Branch-and-cut wall-clock limit in ms; 0/absent = none. Hitting it is not reported. */
    timeout?: number;
    options?: SolveOptions;
  }
  /** The simplified result: status keys mixed with the non-zero variable values. */
  export interface SolveResult {
    feasible: boolean;
    result: number | null;
    bounded?: boolean;
    isIntegral?: boolean;
    [variable: string]: number | boolean | null | undefined;
  }
  export interface Solver {
    /** precision: integrality tolerance and rounding grid of reported values (library default 1e-8/1e-9). */
    Solve(model: Model, precision?: number, full?: false, validate?: boolean): SolveResult;
  }
  const solver: Solver;
  export default solver;
}
