// Linear objectives through the MILP backends (glpk.js, javascript-lp-solver). Lexicographic goals are
// solved in turn, each optimum fixed as an equality row for the next. The configuration returned is then
// chosen by the same explicit tie-break as the native solver (first in declaration order among those
// attaining the optima), so every method answers the same configuration.
import type { Model } from './model.ts';
import { solveWithGlpk } from './milp/glpk.ts';
import { solveWithLpSolver } from './milp/lp-solver.ts';
import { linearObjective, toMilp } from './milp/from-model.ts';
import type { LinearConstraint, MilpProblem, MilpResult } from './milp/problem.ts';
import { firstWithObjectives, type BestResult, type GoalValue } from './optimize.ts';
import { SearchSpace } from './space.ts';
import { UserError } from './user-error.ts';

export type MilpBackend = 'glpk' | 'lp-solver';

export async function optimizeWithMilp(model: Model, backend: MilpBackend, opts: { timeLimitMs?: number } = {}): Promise<BestResult> {
  if (model.goals.length === 0) throw new UserError('the spec has no "objective"');
  const space = new SearchSpace(model);
  const infeasible: BestResult = { status: 'infeasible', nodes: 0, method: backend };
  if (!space.feasibleAtRoot) return infeasible;
  const { problem } = toMilp(space);
  const solve = (p: MilpProblem): Promise<MilpResult> => (backend === 'glpk' ? solveWithGlpk(p, opts) : solveWithLpSolver(p, opts));
  const fixedRows: LinearConstraint[] = [];
  const objectives: GoalValue[] = [];
  for (const goal of model.goals) {
    const objective = linearObjective(goal);
    const r = await solve({ ...problem, linear: [...problem.linear, ...fixedRows], objective });
    if (r.status === 'infeasible') return infeasible;
    if (r.status !== 'optimal' || r.objective === undefined) {
      throw new UserError(`the ${backend} backend could not solve the problem (${r.status}${r.message ? `: ${r.message}` : ''})`);
    }
    objectives.push({ sense: goal.sense, text: goal.text, value: r.objective + 0 });
    fixedRows.push({ terms: objective.terms, op: '==', rhs: r.objective - objective.constant, label: goal.text });
  }
  const config = firstWithObjectives(model, objectives);
  if (config === null) throw new UserError(`the ${backend} backend reported optima (${objectives.map((o) => o.value).join(', ')}) that no configuration attains`);
  return { status: 'optimal', config, objectives, nodes: 0, method: backend };
}
