// kernelfit's library API.
export { UserError } from './solver/user-error.ts';
export { SearchSpace, type Config, type MaterializedSpace, type SpaceStats } from './solver/space.ts';
export type { SpaceSpec, Objective, ParameterDomain } from './solver/spec/spec.ts';
export { loadSpecFile, parseSpecText } from './solver/spec/load.ts';
export { buildModel } from './solver/model.ts';
export { optimize, type BestResult } from './solver/optimize.ts';
export { explain, minimalConflict, type Explanation } from './solver/explain.ts';
