// The plan of a finite component's search: the order of its levels, the checks at each level (with
// definitions inlined and bound projections added), and where counting may memoise subtrees.
import type { IntVar } from '../engine/var.ts';
import { freeNames, substitute } from '../expr/analyze.ts';
import type { Expr } from '../expr/ast.ts';
import { frontier } from '../expr/frontier.ts';
import { inline } from '../expr/inline.ts';
import { isAntitone } from '../expr/monotone.ts';
import type { Box } from '../expr/range.ts';
import { toText } from '../expr/to-text.ts';
import type { ComponentPlan } from '../factor.ts';
import type { Predicate } from '../propagators/check.ts';
import type { RootState } from '../root.ts';
import { independentTail, type CountCut, type Level } from './finite-search.ts';

/**
 * Level order: each step takes the variable that completes the most constraints, then the one most
 * connected to what is placed, then the smallest domain; a defined variable is placed as soon as its
 * inputs are. Constraints are checked at the level of their last variable.
 */
export function planLevels(plan: ComponentPlan, root: RootState): { levels: Level[]; cut: CountCut | undefined } {
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
  const box = (name: string): Box | undefined => byName.get(name)?.box();
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
