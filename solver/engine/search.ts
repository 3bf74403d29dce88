// Depth-first search with propagation at every node (MiniCP's DFSearch): branch on the first unbound
// variable of a priority list — a value at a time for finite domains, halving for wide intervals.
import type { Store } from './store.ts';
import type { IntVar } from './var.ts';

export interface SearchOptions {
  /** branching variables, in priority order */
  vars: readonly IntVar[];
  /** try larger values first for this variable */
  descending?: (v: IntVar) => boolean;
  /** explicit value order for a finite variable (codes), e.g. the user's listed order */
  codeOrder?: (v: IntVar) => readonly number[] | undefined;
  /** called at every node after propagation; true cuts the node (branch and bound) */
  prune?: () => boolean;
  /** called with every variable bound; return false to stop the search */
  onSolution: () => boolean;
}

/** Runs the search; returns true when onSolution asked to stop. */
export function dfs(store: Store, opts: SearchOptions): boolean {
  const sm = store.sm;
  const node = (): boolean => {
    if (opts.prune?.()) return false;
    let x: IntVar | undefined;
    for (const v of opts.vars) if (v.size() > 1) { x = v; break; }
    if (x === undefined) return !opts.onSolution();
    const desc = opts.descending?.(x) ?? false;
    const branch = (apply: () => boolean): boolean => {
      sm.save();
      const ok = apply() && store.fixpoint();
      if (!ok) store.fail();
      const stop = ok && node();
      sm.restore();
      return stop;
    };
    if (x.finite) {
      const order = opts.codeOrder?.(x);
      let codes = order ? order.filter((c) => x!.hasCode(c)) : Array.from(x.codes()).sort((a, b) => a - b);
      if (!order && desc) codes = codes.reverse();
      for (const c of codes) if (branch(() => x!.assignCode(c))) return true;
      return false;
    }
    const lo = x.min(), hi = x.max(), mid = Math.floor((lo + hi) / 2);
    const lower = () => x!.removeAbove(mid), upper = () => x!.removeBelow(mid + 1);
    for (const half of desc ? [upper, lower] : [lower, upper]) if (branch(half)) return true;
    return false;
  };
  return node();
}
