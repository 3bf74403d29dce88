// One independent component of the space, enumerated on its own. Finite components (value lists, and
// intervals computed from others) use the compiled forward-checking search; a component that keeps a
// wide interval nobody defines is searched with propagation, splitting that interval.
import type { Value } from './expr/ast.ts';
import { dfs } from './engine/search.ts';
import type { IntVar } from './engine/var.ts';
import { FiniteSearch, independentTail, type ComponentTable, type CountCut, type Level } from './enumerate/finite-search.ts';
import { frontier } from './expr/frontier.ts';
import { toText } from './expr/to-text.ts';
import type { ComponentPlan } from './factor.ts';
import type { RootState } from './root.ts';
import { isAntitone } from './expr/monotone.ts';
import { freeNames, substitute } from './expr/analyze.ts';
import { inline } from './expr/inline.ts';
import type { Expr } from './expr/ast.ts';
import type { Predicate } from './propagators/check.ts';
import type { Box } from './expr/range.ts';
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
    const { levels, cut } = orderLevels(plan, root);
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

/**
 * Level order: each step takes the variable that completes the most constraints, then the one most
 * connected to what is placed, then the smallest domain; a defined variable is placed as soon as its
 * inputs are. Constraints are checked at the level of their last variable.
 */
function orderLevels(plan: ComponentPlan, root: RootState): { levels: Level[]; cut: CountCut | undefined } {
  const inPlan = new Set(plan.vars);
  const byName = new Map(root.vars.map((v) => [v.name, v]));
  const openVarsOf = (names: string[]) => [...new Set(names.map((n) => byName.get(n)!))].filter((v) => inPlan.has(v));
  const defOf = new Map(plan.definitions.map((d) => [d.target, d]));
  // constraints on computed variables are rewritten over the searched ones (definitions inlined)
  const defExprs = new Map(plan.definitions.map((d) => [d.target.name, d.expr]));
  const cons = plan.constraints
    .filter((c) => !plan.definitions.some((d) => d.constraint.id === c.id))
    .map((c) => {
      const usesComputed = c.names.some((n) => defExprs.has(n));
      const expr = usesComputed ? inline(c.expr, defExprs) : c.expr;
      return { c, expr, pred: usesComputed ? root.compile(expr) : root.preds[c.id], vars: openVarsOf(usesComputed ? freeNames(expr) : c.names) };
    });
  const placed: IntVar[] = [];
  const isPlaced = new Set<IntVar>();
  const place = (v: IntVar) => { placed.push(v); isPlaced.add(v); };
  const placeDefined = () => {
    let again = true;
    while (again) {
      again = false;
      for (const [t, d] of defOf) {
        if (!isPlaced.has(t) && d.inputs.every((x) => !inPlan.has(x) || isPlaced.has(x))) { place(t); again = true; }
      }
    }
  };
  placeDefined();
  while (placed.length < plan.vars.length) {
    let best: IntVar | null = null;
    let bestKey: number[] = [];
    for (const v of plan.vars) {
      if (isPlaced.has(v) || defOf.has(v)) continue;
      let completes = 0, touches = 0;
      for (const { vars } of cons) {
        if (!vars.includes(v)) continue;
        const missing = vars.filter((x) => !isPlaced.has(x) && x !== v).length;
        if (missing === 0) completes++;
        if (vars.some((x) => isPlaced.has(x))) touches++;
      }
      const degree = cons.filter(({ vars }) => vars.includes(v)).length;
      const key = [completes, touches, placed.length === 0 ? degree : 0, -v.size()];
      if (best === null || greater(key, bestKey)) { best = v; bestKey = key; }
    }
    if (best === null) {
      // only defined variables remain whose inputs are not all placeable: place them as searched ones
      best = plan.vars.find((v) => !isPlaced.has(v))!;
      defOf.delete(best);
    }
    place(best);
    placeDefined();
  }
  const levelOf = new Map(placed.map((v, i) => [v, i]));
  const box = (name: string): Box | undefined => {
    const x = byName.get(name);
    return x && x.numeric && x.size() > 0 ? { lo: x.min(), hi: x.max(), integral: x.integral } : undefined;
  };
  // every check sits at the level of its last variable; where it is antitone in its later variables,
  // a copy with those variables at their smallest values is a necessary condition one level up
  // (bound projection), which lets the scan of that level stop early too
  interface Placed { expr: Expr; pred: Predicate; constraint: number; vars: IntVar[]; level: number }
  const placedChecks: Placed[] = [];
  for (const { c, expr: full, pred, vars } of cons) {
    if (vars.length === 0) { placedChecks.push({ expr: full, pred, constraint: c.id, vars, level: 0 }); continue; }
    const byLevel = [...vars].sort((a, b) => levelOf.get(a)! - levelOf.get(b)!);
    placedChecks.push({ expr: full, pred, constraint: c.id, vars, level: levelOf.get(byLevel[byLevel.length - 1])! });
    let expr = full;
    for (let k = byLevel.length - 1; k > 0; k--) {
      const x = byLevel[k];
      if (defOf.has(x) || !x.numeric || !isAntitone(expr, x.name, box)) break;
      expr = substitute(expr, { [x.name]: x.min() });
      const rest = byLevel.slice(0, k);
      placedChecks.push({ expr, pred: root.compile(expr), constraint: c.id, vars: rest, level: levelOf.get(rest[rest.length - 1])! });
    }
  }
  const levels = placed.map((v, i) => {
    const def = defOf.get(v);
    const here = placedChecks.filter((p) => p.level === i);
    const checks = here.map((p) => ({ pred: p.pred, constraint: p.constraint, antitone: !def && v.numeric && isAntitone(p.expr, v.name, box) }));
    const fused = here.length > 1 ? root.compileFused(here.map((p) => p.expr)) : here.length === 1 ? fusedOne(here[0].pred) : undefined;
    const depVars = new Set<IntVar>();
    for (const p of here) p.vars.forEach((x) => x !== v && depVars.add(x));
    if (def) def.inputs.forEach((x) => inPlan.has(x) && depVars.add(x));
    const candidates = v.finite ? Int32Array.from(v.codes()).sort() : new Int32Array(0);
    return {
      v, candidates, checks,
      deps: [...depVars].map((x) => levelOf.get(x)!).sort((a, b) => a - b),
      ...(def ? { define: def.formula } : {}),
      ...(fused ? { fused } : {}),
    };
  });
  const suffixExprs = [
    ...placedChecks.map((p) => ({ level: p.level, expr: p.expr })),
    ...placed.filter((v) => defOf.has(v)).map((v) => ({ level: levelOf.get(v)!, expr: defOf.get(v)!.expr })),
  ];
  return { levels, cut: countCut(levels, suffixExprs, root) };
}

/**
 * Where counting can memoise subtrees: the level c (above the independent tail) at which the constraints
 * of levels ≥ c read the earlier levels through the fewest values relative to the variables involved
 * (hotspot: `bx*tx`, `by*ty`, `2+sh` for five variables). None when no level compresses.
 */
function countCut(levels: Level[], exprs: { level: number; expr: Expr }[], root: RootState): CountCut | undefined {
  const tail = independentTail(levels);
  let best: { level: number; gain: number; key: Expr[] } | undefined;
  for (let c = 1; c < tail; c++) {
    const prefix = new Set(levels.slice(0, c).map((l) => l.v.name));
    const inside = (n: string) => prefix.has(n);
    const read = new Set<string>();
    const key = new Map<string, Expr>();
    for (const { level, expr } of exprs) {
      if (level < c) continue;
      for (const f of frontier(expr, inside)) {
        key.set(toText(f), f);
        for (const n of freeNames(f)) read.add(n);
      }
    }
    const gain = (read.size - key.size) / Math.max(1, read.size);
    if (read.size > key.size && (!best || gain >= best.gain)) best = { level: c, gain, key: [...key.values()] };
  }
  return best && { level: best.level, key: best.key.map((e) => root.compileValue(e)) };
}

/** One check as a "first failing" function. */
function fusedOne(pred: Predicate): (v: ArrayLike<unknown>) => number {
  return (v) => (pred(v) ? -1 : 0);
}

function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
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
