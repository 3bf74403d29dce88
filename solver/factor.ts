// Independent components: two unbound variables belong together when a still-active constraint (or a
// definition) links them. The space is the Cartesian product of its components, so counts multiply and
// nothing forces the product to be materialised (ATF's "chain of trees", found automatically).
import type { IntVar } from './engine/var.ts';
import type { Definition, RootState } from './root.ts';
import type { ModelConstraint } from './model.ts';

export interface ComponentPlan {
  vars: IntVar[];
  constraints: ModelConstraint[];
  definitions: Definition[];
}

export function factorize(root: RootState, constraints: ModelConstraint[]): ComponentPlan[] {
  const { vars, store } = root;
  const parent = vars.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const unite = (ids: number[]) => { for (let k = 1; k < ids.length; k++) parent[find(ids[k])] = find(ids[0]); };
  const open = (v: IntVar) => v.size() > 1;

  const live = constraints.filter((c) => store.isActive(root.checks[c.id]));
  for (const c of live) unite(c.names.map((n) => root.varOf(n)!).filter(open).map((v) => v.id));
  const defs = root.definitions.filter((d) => d.target.size() > 1);
  for (const d of defs) unite([d.target, ...d.inputs].filter(open).map((v) => v.id));

  const plans = new Map<number, ComponentPlan>();
  for (const v of vars) {
    if (!open(v)) continue;
    const r = find(v.id);
    if (!plans.has(r)) plans.set(r, { vars: [], constraints: [], definitions: [] });
    plans.get(r)!.vars.push(v);
  }
  const planOf = (names: string[]) => {
    const v = names.map((n) => root.varOf(n)!).find(open);
    return v ? plans.get(find(v.id)) : undefined;
  };
  for (const c of live) planOf(c.names)?.constraints.push(c);
  for (const d of defs) plans.get(find(d.target.id))!.definitions.push(d);
  return [...plans.values()];
}
