// One independent component of the space, enumerated on its own. Finite components (value lists, and
// intervals computed from others) use the compiled forward-checking search; a component that keeps a
// wide interval nobody defines is searched with propagation, splitting that interval.
import type { Value } from './expr/ast.ts';
import { dfs } from './engine/search.ts';
import type { IntVar } from './engine/var.ts';
import { FiniteSearch, type ComponentTable, type Level } from './enumerate/finite-search.ts';
import { planLevels } from './enumerate/plan.ts';
import type { ComponentPlan } from './factor.ts';
import type { RootState } from './root.ts';
import { UserError } from './user-error.ts';

/** Most configurations a component with a wide interval may have before enumeration gives up. */
const SEARCH_LIMIT = 50_000_000;

export interface Component {
  readonly vars: readonly IntVar[];
  count(): number;
  /** an upper bound on count() that costs no search */
  sizeBound(): number;
  /** configurations, column k = vars[k]: a code for finite vars, the value for interval vars */
  table(): ComponentTable;
  /** the value of vars[k] for a table entry */
  valueOf(k: number, entry: number): Value;
  readonly runtimeErrors: ReadonlyMap<number, { count: number; type: string }>;
}

export function makeComponent(plan: ComponentPlan, root: RootState): Component {
  const definedVars = new Set(plan.definitions.map((d) => d.target));
  if (plan.vars.length === 1 && !plan.vars[0].finite && plan.constraints.length === 0) return new IntervalComponent(plan.vars[0]);
  if (plan.vars.every((v) => v.finite || definedVars.has(v))) return new FiniteComponent(plan, root);
  return new SearchComponent(plan, root);
}

/** A wide interval on which nothing depends: counted and indexed arithmetically. */
class IntervalComponent implements Component {
  readonly vars: IntVar[];
  readonly runtimeErrors = new Map();
  constructor(v: IntVar) { this.vars = [v]; }
  count(): number { return this.vars[0].size(); }
  sizeBound(): number { return this.count(); }
  table(): ComponentTable {
    const n = this.count();
    if (n > SEARCH_LIMIT) throw new UserError(`parameter ${this.vars[0].name} alone has ${n} values; too many to list`);
    const col = new Float64Array(n);
    const lo = this.vars[0].min();
    for (let i = 0; i < n; i++) col[i] = lo + i;
    return { count: n, columns: [col] };
  }
  valueOf(_k: number, entry: number): Value { return entry; }
}

class FiniteComponent implements Component {
  readonly vars: IntVar[];
  private readonly levels: Level[];
  private readonly search: FiniteSearch;
  private cachedCount: number | null = null;
  private cachedTable: ComponentTable | null = null;

  constructor(plan: ComponentPlan, root: RootState) {
    const { levels, cut } = planLevels(plan, root);
    this.levels = levels;
    this.vars = levels.map((l) => l.v);
    this.search = new FiniteSearch(levels, root.store.cur as unknown[], cut);
  }
  get runtimeErrors() { return this.search.runtimeErrors; }
  sizeBound(): number {
    // the searched levels' candidates multiplied (computed levels add no rows)
    return this.levels.reduce((a, l) => (l.define ? a : a * l.candidates.length), 1);
  }
  count(): number {
    if (this.cachedCount === null) this.cachedCount = this.cachedTable?.count ?? this.search.count();
    return this.cachedCount;
  }
  table(): ComponentTable {
    // the count is known when materialising the whole space: the table is then allocated once, exactly
    if (this.cachedTable === null) this.cachedTable = this.search.table(this.cachedCount ?? undefined);
    return this.cachedTable;
  }
  valueOf(k: number, entry: number): Value {
    const v = this.vars[k];
    return v.finite ? v.raw[entry] : entry;
  }
}

/** A component with a wide, undefined interval: depth-first search with propagation. */
class SearchComponent implements Component {
  readonly vars: IntVar[];
  readonly runtimeErrors = new Map();
  private cached: ComponentTable | null = null;
  constructor(plan: ComponentPlan, private readonly root: RootState) {
    // finite variables first (smallest domains first), wide intervals last: they are split, not listed
    this.vars = [...plan.vars].sort((a, b) => Number(!a.finite) - Number(!b.finite) || a.size() - b.size());
  }
  count(): number { return this.table().count; }
  sizeBound(): number { return Infinity; }
  table(): ComponentTable {
    if (this.cached) return this.cached;
    const cols: number[][] = this.vars.map(() => []);
    let count = 0;
    const { store } = this.root;
    store.sm.save();
    dfs(store, {
      vars: this.vars,
      onSolution: () => {
        this.vars.forEach((v, k) => cols[k].push(v.finite ? v.boundCode() : v.min()));
        if (++count > SEARCH_LIMIT) {
          throw new UserError(`the space has more than ${SEARCH_LIMIT} configurations over ${this.vars.filter((v) => !v.finite).map((v) => v.name).join(', ')}; narrow the intervals`);
        }
        return true;
      },
    });
    store.sm.restore();
    this.cached = { count, columns: cols.map((c) => Float64Array.from(c)) };
    return this.cached;
  }
  valueOf(k: number, entry: number): Value {
    const v = this.vars[k];
    return v.finite ? v.raw[entry] : entry;
  }
}
