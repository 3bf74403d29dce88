// Why a space is empty, and how much each constraint prunes.
// The conflict is minimal by deletion: drop each constraint in turn and keep it out when the rest is
// still unsatisfiable; what remains conflicts, and removing any one of its members makes it satisfiable.
import { dfs } from './engine/search.ts';
import type { Model } from './model.ts';
import { propagateRoot } from './root.ts';
import { SearchSpace } from './space.ts';

export interface ConstraintEffect {
  text: string;
  /** configurations of the Cartesian product this constraint alone admits */
  aloneAdmits: number;
  /** count of the space without this constraint (how many configurations it removes from the final space) */
  withoutIt: number;
}

export interface Explanation {
  cartesian: number;
  count: number;
  /** a minimal set of conflicting constraints (user texts), when the space is empty */
  conflict: string[] | null;
  effects: ConstraintEffect[];
  domains: { name: string; before: number; after: number | string }[];
}

/** Whether the constraints from these spec positions admit at least one configuration. */
export function satisfiable(model: Model, origins: ReadonlySet<number>): boolean {
  if (model.alwaysFalse.some((a) => origins.has(a.origin))) return false;
  const only = new Set(model.constraints.filter((c) => origins.has(c.origin)).map((c) => c.id));
  const root = propagateRoot(model, { only, reasoning: 'full' });
  if (!root.feasible) return false;
  root.store.sm.save();
  const stopped = dfs(root.store, { vars: root.vars, onSolution: () => false });
  root.store.sm.restore();
  return stopped;
}

export function minimalConflict(model: Model): string[] | null {
  const all = new Set(model.texts.map((_, i) => i));
  if (satisfiable(model, all)) return null;
  const keep = new Set(all);
  for (const o of all) {
    keep.delete(o);
    if (satisfiable(model, keep)) keep.add(o);
  }
  return [...keep].sort((a, b) => a - b).map((o) => model.texts[o]);
}

export function explain(space: SearchSpace, opts: { effects?: boolean } = {}): Explanation {
  const model = space.model;
  const stats = space.stats();
  const count = space.count();
  const conflict = count === 0 ? minimalConflict(model) : null;
  const effects: ConstraintEffect[] = [];
  if (opts.effects !== false) {
    model.texts.forEach((text, origin) => {
      effects.push({
        text,
        aloneAdmits: subspace(model, (o) => o === origin).count(),
        withoutIt: subspace(model, (o) => o !== origin).count(),
      });
    });
  }
  const domains = model.params.map((p) => {
    const d = space.domainOf(p.name);
    return {
      name: p.name,
      before: p.sorted ? p.sorted.length : p.interval!.hi - p.interval!.lo + 1,
      after: Array.isArray(d) ? d.length : `${d.min}..${d.max}`,
    };
  });
  return { cartesian: stats.cartesian, count, conflict, effects, domains };
}

/** The same parameters with only some of the spec's constraints. */
function subspace(model: Model, keep: (origin: number) => boolean): SearchSpace {
  return new SearchSpace({
    ...model,
    constraints: model.constraints.filter((c) => keep(c.origin)).map((c, id) => ({ ...c, id })),
    alwaysFalse: model.alwaysFalse.filter((a) => keep(a.origin)),
  });
}
