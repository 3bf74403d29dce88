// One independent component of the space, enumerated on its own. Finite components (value lists, and
// intervals computed from others) use the compiled forward-checking search; a component that keeps a
// wide interval nobody defines is searched with propagation, splitting that interval.
import type { Value } from './expr/ast.ts';
import { dfs } from './engine/search.ts';
import type { IntVar } from './engine/var.ts';
import { compileCount, type ProgramMemo } from './enumerate/count-program.ts';
import { FiniteSearch, independentTail, type ComponentTable, type CountCut, type Level } from './enumerate/finite-search.ts';
import { PyRuntimeError } from './expr/python.ts';
import { planLevels } from './enumerate/plan.ts';
import { countSmall } from './enumerate/small-count.ts';
import type { PlanMode } from './space.ts';
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

export function makeComponent(plan: ComponentPlan, root: RootState, mode: PlanMode = 'auto'): Component {
  const definedVars = new Set(plan.definitions.map((d) => d.target));
  if (plan.vars.length === 1 && plan.constraints.length === 0 && plan.definitions.length === 0) return new FreeComponent(plan.vars[0]);
  if (plan.vars.every((v) => v.finite || definedVars.has(v))) return new FiniteComponent(plan, root, mode);
  return new SearchComponent(plan, root);
}

/**
 * A single parameter no remaining constraint reads: each of its values is a configuration, nothing to
 * plan or search (a wide interval is counted and listed arithmetically).
 */
class FreeComponent implements Component {
  readonly vars: IntVar[];
  readonly runtimeErrors = new Map();
  constructor(v: IntVar) { this.vars = [v]; }
  count(): number { return this.vars[0].size(); }
  sizeBound(): number { return this.count(); }
  table(): ComponentTable {
    const v = this.vars[0];
    if (v.finite) {
      const codes = Int32Array.from(v.codes()).sort();
      const column = v.raw.length <= 256 ? Uint8Array.from(codes) : v.raw.length <= 65536 ? Uint16Array.from(codes) : codes;
      return { count: codes.length, columns: [column] };
    }
    const n = this.count();
    if (n > SEARCH_LIMIT) throw new UserError(`parameter ${v.name} alone has ${n} values; too many to list`);
    const col = new Float64Array(n);
    const lo = v.min();
    for (let i = 0; i < n; i++) col[i] = lo + i;
    return { count: n, columns: [col] };
  }
  valueOf(_k: number, entry: number): Value { return this.vars[0].finite ? this.vars[0].raw[entry] : entry; }
}

class FiniteComponent implements Component {
  readonly vars: IntVar[];
  private readonly levels: Level[];
  private readonly cut: CountCut | undefined;
  private readonly memos: ProgramMemo[];
  private searchCache: FiniteSearch | null = null;
  private cachedCount: number | null = null;
  private cachedTable: ComponentTable | null = null;

  private readonly thorough: boolean;

  constructor(plan: ComponentPlan, private readonly root: RootState, mode: PlanMode) {
    const { levels, cut, memos, thorough } = planLevels(plan, root, mode);
    this.thorough = thorough;
    this.levels = levels;
    this.cut = cut;
    this.memos = memos;
    this.vars = levels.map((l) => l.v);
  }
  /** the interpreted search, made on first use (counting alone usually runs the generated program) */
  private get search(): FiniteSearch {
    return (this.searchCache ??= new FiniteSearch(this.levels, this.root.store.cur as unknown[], this.cut));
  }
  get runtimeErrors() { return this.searchCache?.runtimeErrors ?? NO_ERRORS; }
  sizeBound(): number {
    // the searched levels' candidates multiplied (computed levels add no rows)
    return this.levels.reduce((a, l) => (l.define ? a : a * (l.options?.length ?? l.candidates.length)), 1);
  }
  count(): number {
    if (this.cachedCount === null) {
      // generating and compiling a program costs more than searching a small component
      this.cachedCount = this.cachedTable?.count ?? (this.thorough ? this.programCount() : countSmall(this.levels, this.root.store.cur as unknown[])) ?? this.search.count();
    }
    return this.cachedCount;
  }
  /** the count by the generated program, or null when an evaluation raised (the search then counts and records the errors) */
  private programCount(): number | null {
    const { root, levels } = this;
    const program = compileCount(
      levels.map((l) => ({
        v: l.v,
        values: l.v.finite ? Array.from(l.candidates, (c) => l.v.raw[c]) : [],
        checks: l.checks,
        ...(l.defineExpr ? { define: l.defineExpr } : {}),
        ...(l.optionExprs ? { options: l.optionExprs } : {}),
      })),
      independentTail(levels), this.memos, root.store.cur as unknown[], root.slotOf, root.typeOf,
      (name) => root.varOf(name)?.box(),
      new Set(root.vars.filter((v) => v.integral).map((v) => v.name)),
    );
    try {
      return program();
    } catch (e) {
      if (e instanceof PyRuntimeError) return null;
      throw e;
    }
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

const NO_ERRORS: ReadonlyMap<number, { count: number; type: string }> = new Map();

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
