// The search-space spec as users write it (JSON or TypeScript). Other tools rely on this exact shape.
import type { Value } from '../expr/ast.ts';

export interface IntervalDomain { min: number; max: number }
export type ParameterDomain = Value[] | IntervalDomain;

export interface LabelledConstraint {
  expr: string;
  /** a name shown in explanations instead of the expression, e.g. "shared memory ≤ 48 KB" */
  label?: string;
}

export type Goal = { maximize: string } | { minimize: string };
export type Objective = Goal | { lexicographic: Goal[] };

export interface SpaceSpec {
  name?: string;
  constants?: Record<string, Value>;
  parameters: Record<string, ParameterDomain>;
  constraints?: (string | LabelledConstraint)[];
  objective?: Objective;
}
