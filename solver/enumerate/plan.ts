// The plan of a finite component's search: the order of its levels, the checks at each level (with
// definitions inlined and bound projections added), and where counting may memoise subtrees.
import type { IntVar } from '../engine/var.ts';
import { children, freeNames, substitute } from '../expr/analyze.ts';
import type { Expr } from '../expr/ast.ts';
import { inline } from '../expr/inline.ts';
import { isAntitone } from '../expr/monotone.ts';
import type { Box } from '../expr/range.ts';
import { toText } from '../expr/to-text.ts';
import type { ComponentPlan } from '../factor.ts';
import type { PlanMode } from '../space.ts';
import type { Predicate } from '../propagators/check.ts';
import type { RootState } from '../root.ts';
import type { ProgramMemo } from './count-program.ts';
import { determination } from './determined.ts';
import { independentTail, type CountCut, type Level } from './finite-search.ts';

/**
 * Level order: each step takes the variable that completes the most constraints, then the one most
 * connected to what is placed, then the smallest domain; a defined variable (or one a disjunction of
 * equalities pins) is placed as soon as its inputs are. Constraints are checked at the level of their
 * last variable.
 */
export function planLevels(plan: ComponentPlan, root: RootState, mode: PlanMode = 'auto'): { levels: Level[]; cut: CountCut | undefined; memos: ProgramMemo[]; thorough: boolean } {
  const inPlan = new Set(plan.vars);
  const openVarsOf = (names: string[]) => [...new Set(names.map((n) => root.varOf(n)!))].filter((v) => inPlan.has(v));
  const defOf = new Map(plan.definitions.map((d) => [d.target, d]));
  // constraints on computed variables are rewritten over the searched ones (definitions inlined)
  const defExprs = new Map(plan.definitions.map((d) => [d.target.name, d.expr]));
  const cons = plan.constraints
    .filter((c) => !plan.definitions.some((d) => d.constraint.id === c.id))
    .map((c) => {
      const usesComputed = c.names.some((n) => defExprs.has(n));
      const expr = usesComputed ? inline(c.expr, defExprs) : c.expr;
      return { c, expr, pred: usesComputed ? onFirstCall(() => root.compile(expr)) : root.preds[c.id], vars: openVarsOf(usesComputed ? freeNames(expr) : c.names) };
    });
  // variables a disjunction of equalities pins to a few computed values (no cycles through definitions)
  const detOf = new Map<IntVar, { inputs: IntVar[]; options: Expr[] }>();
  const reads = (v: IntVar): IntVar[] => defOf.get(v)?.inputs ?? detOf.get(v)?.inputs ?? [];
  const reaches = (from: IntVar, to: IntVar, seen = new Set<IntVar>()): boolean =>
    from === to || (!seen.has(from) && (seen.add(from), reads(from).some((x) => reaches(x, to, seen))));
  const free = new Set(plan.vars.filter((v) => !defOf.has(v)).map((v) => v.name));
  for (const { expr } of cons) {
    const d = determination(expr, free, (n) => root.varOf(n)!.size());
    if (d === null) continue;
    const target = root.varOf(d.target)!;
    const inputs = openVarsOf(d.inputs);
    if (inputs.some((x) => reaches(x, target))) continue;
    detOf.set(target, { inputs, options: d.options });
    free.delete(d.target);
  }
  const placed: IntVar[] = [];
  const isPlaced = new Set<IntVar>();
  // the greedy order: how many of each constraint's variables are still unplaced
  const missingOf = cons.map(({ vars }) => vars.length);
  const consOf = new Map<IntVar, number[]>(plan.vars.map((v) => [v, []]));
  cons.forEach(({ vars }, k) => vars.forEach((v) => consOf.get(v)!.push(k)));
  const place = (v: IntVar) => {
    placed.push(v);
    isPlaced.add(v);
    for (const k of consOf.get(v)!) missingOf[k]--;
  };
  const placeDefined = () => {
    let again = true;
    while (again) {
      again = false;
      for (const t of [...defOf.keys(), ...detOf.keys()]) {
        if (!isPlaced.has(t) && reads(t).every((x) => !inPlan.has(x) || isPlaced.has(x))) { place(t); again = true; }
      }
    }
  };
  placeDefined();
  while (placed.length < plan.vars.length) {
    let best: IntVar | null = null;
    let bestKey: number[] = [];
    for (const v of plan.vars) {
      if (isPlaced.has(v) || defOf.has(v) || detOf.has(v)) continue;
      let completes = 0, touches = 0;
      const mine = consOf.get(v)!;
      for (const k of mine) {
        // v itself is unplaced: the constraint is complete with v when v is all that is missing
        if (missingOf[k] === 1) completes++;
        if (missingOf[k] < cons[k].vars.length) touches++;
      }
      const key = [completes, touches, placed.length === 0 ? mine.length : 0, -v.size()];
      if (best === null || greater(key, bestKey)) { best = v; bestKey = key; }
    }
    if (best === null) {
      // only defined variables remain whose inputs are not all placeable: place them as searched ones
      best = plan.vars.find((v) => !isPlaced.has(v))!;
      defOf.delete(best);
      detOf.delete(best);
    }
    place(best);
    placeDefined();
  }
  // level of each variable of the component, by variable id
  const levelById: number[] = [];
  placed.forEach((v, i) => { levelById[v.id] = i; });
  const levelOf = (v: IntVar) => levelById[v.id];
  const box = (name: string): Box | undefined => root.varOf(name)?.box();
  // monotonicity, bound projections and memoised cuts pay off on large components only; a small one is
  // searched faster than it is analysed
  const thorough = mode === 'thorough' || (mode === 'auto' && plan.vars.reduce((a, v) => a * v.size(), 1) > THOROUGH_FROM);
  // every check sits at the level of its last variable; where it is antitone in its later variables,
  // a copy with those variables at their smallest values is a necessary condition one level up
  // (bound projection), which lets the scan of that level stop early too
  interface Placed { expr: Expr; pred: Predicate; constraint: number; vars: IntVar[]; level: number; antitone: boolean }
  const placedChecks: Placed[] = [];
  for (const { c, expr: full, pred, vars } of cons) {
    // a check that reads no variable of the component fails for every candidate once it fails for one
    if (vars.length === 0) { placedChecks.push({ expr: full, pred, constraint: c.id, vars, level: 0, antitone: thorough }); continue; }
    const byLevel = [...vars].sort((a, b) => levelOf(a) - levelOf(b));
    let expr = full, p = pred;
    for (let k = byLevel.length - 1; k >= 0; k--) {
      // the check (or its projection) at the level of x, its last variable
      const x = byLevel[k];
      const antitone = thorough && !defOf.has(x) && !detOf.has(x) && x.numeric && isAntitone(expr, x.name, box);
      placedChecks.push({ expr, pred: p, constraint: c.id, vars: byLevel.slice(0, k + 1), level: levelOf(x), antitone });
      if (!antitone || k === 0) break;
      expr = substitute(expr, { [x.name]: x.min() });
      if (expr.kind === 'bool' && expr.value) break; // a projection that always holds checks nothing
      p = onFirstCall(() => root.compile(expr));
    }
  }
  const levels = placed.map((v, i) => {
    const def = defOf.get(v);
    const det = detOf.get(v);
    const here = placedChecks.filter((p) => p.level === i);
    const checks = here.map((p) => ({ expr: p.expr, pred: p.pred, constraint: p.constraint, antitone: p.antitone }));
    const fused = here.length > 1 ? onFirstCall(() => root.compileFused(here.map((p) => p.expr))) : here.length === 1 ? fusedOne(here[0].pred) : undefined;
    const depVars = new Set<IntVar>();
    for (const p of here) p.vars.forEach((x) => x !== v && depVars.add(x));
    if (def) def.inputs.forEach((x) => inPlan.has(x) && depVars.add(x));
    if (det) det.inputs.forEach((x) => depVars.add(x));
    // codes() is a fresh array: sorting it in place is safe
    const candidates = v.finite ? v.codes().sort((a, b) => a - b) : [];
    return {
      v, candidates, checks,
      deps: [...depVars].map(levelOf).sort((a, b) => a - b),
      ...(def ? { define: def.formula, defineExpr: def.expr } : {}),
      ...(det ? { options: det.options.map((e) => onFirstCall(() => root.compileValue(e))), optionExprs: det.options } : {}),
      ...(fused ? { fused } : {}),
    };
  });
  const suffixExprs = [
    ...placedChecks.map((p) => ({ level: p.level, expr: p.expr })),
    ...placed.filter((v) => defOf.has(v)).map((v) => ({ level: levelOf(v), expr: defOf.get(v)!.expr })),
  ];
  return { levels, thorough, ...(thorough ? countCuts(levels, suffixExprs, root) : { cut: undefined, memos: [] }) };
}

/** Components with a larger Cartesian product get the thorough plan. */
const THOROUGH_FROM = 2_000;
/** Most distinct keys for which a tail level's count is memoised. */
const TAIL_MEMO_LIMIT = 256;

/**
 * Where counting can memoise subtrees: every level c (above the independent tail) at which the
 * constraints of levels ≥ c read the earlier levels through fewer values than variables (hotspot:
 * `bx*tx`, `by*ty`, `2+sh` for five variables). The generated count memoises at all of them; the
 * interpreted one (FiniteSearch) at the one that compresses most.
 */
function countCuts(levels: Level[], exprs: { level: number; expr: Expr }[], root: RootState): { cut: CountCut | undefined; memos: ProgramMemo[] } {
  const tail = independentTail(levels);
  const memos: ProgramMemo[] = [];
  let best: { level: number; gain: number; key: Expr[] } | undefined;
  const levelOfName = new Map(levels.map((l, i) => [l.v.name, i]));
  const trees = exprs.map(({ level, expr }) => ({ level, node: annotate(expr, levelOfName) }));
  const namesOf = (f: AnnotatedExpr) => (f.names ??= freeNames(f.e).filter((n) => levelOfName.has(n)));
  // the frontier at c: the largest sub-expressions that read only levels < c (and read some), of the
  // expressions that pass `from` (those at levels ≥ c; for a tail level, its own). A node is on it
  // when its parent reads level c or later: for c in (node.top, parent.top], while its expression
  // counts (level ≥ c)
  const items: { node: AnnotatedExpr; lo: number; hi: number; level: number }[] = [];
  const collect = (x: AnnotatedExpr, parentTop: number, level: number) => {
    const hi = Math.min(parentTop, level);
    if (x.top >= 0 && x.top < hi) items.push({ node: x, lo: x.top + 1, hi, level });
    for (const k of x.kids) if (k.top >= 0) collect(k, x.top, level);
  };
  for (const { level, node } of trees) collect(node, level, level);
  const keyAt = (c: number, from: (level: number) => boolean) => {
    const read = new Set<string>();
    const key = new Map<string, AnnotatedExpr>();
    for (const { node, lo, hi, level } of items) {
      if (c < lo || c > hi || !from(level)) continue;
      key.set(node.text ??= toText(node.e), node);
      for (const n of namesOf(node)) read.add(n);
    }
    // a value computed from other key values adds nothing to the key (`bx*tx + 2` beside `bx*tx`)
    if (key.size > 1) for (const [text, f] of key) if (readsOnlyThrough(f, key, text)) key.delete(text);
    // how many distinct keys there can be, at most: the product of the domains each key value reads
    let distinct = 1;
    for (const f of key.values()) for (const n of namesOf(f)) distinct *= levels[levelOfName.get(n)!].candidates.length || Infinity;
    return { read: read.size, key: [...key.values()].map((f) => f.e), distinct };
  };
  for (let c = 1; c < tail; c++) {
    const { read, key } = keyAt(c, (level) => level >= c);
    if (read <= key.length) continue;
    memos.push({ level: c, key });
    const gain = (read - key.length) / Math.max(1, read);
    if (!best || gain >= best.gain) best = { level: c, gain, key };
  }
  // a tail level's count depends on the levels above only through its own frontier (hotspot's
  // `t % u == 0`: through t alone); worth a table when that has few values (and the scan is longer
  // than a lookup)
  for (let c = tail; c < levels.length; c++) {
    const { key, distinct } = keyAt(c, (level) => level === c);
    if (key.length > 0 && distinct <= TAIL_MEMO_LIMIT && levels[c].candidates.length > 2) memos.push({ level: c, key });
  }
  return { memos, cut: best && { level: best.level, key: best.key.map((e) => onFirstCall(() => root.compileValue(e))) } };
}

/** An expression tree with, per node, the last level it reads (−1: none). */
interface AnnotatedExpr { e: Expr; top: number; kids: AnnotatedExpr[]; text?: string; names?: string[] }

function annotate(e: Expr, levelOfName: ReadonlyMap<string, number>): AnnotatedExpr {
  if (e.kind === 'name') return { e, top: levelOfName.get(e.name) ?? -1, kids: [] };
  const kids = children(e).map((k) => annotate(k, levelOfName));
  let top = -1;
  for (const k of kids) if (k.top > top) top = k.top;
  return { e, top, kids };
}

/** Whether every level `x` reads is read inside a sub-expression whose text is a key other than `self`. */
function readsOnlyThrough(x: AnnotatedExpr, keys: ReadonlyMap<string, unknown>, self: string): boolean {
  if (x.e.kind === 'name') return x.top < 0;
  return x.kids.every((k) => {
    if (k.top < 0) return true;
    const t = (k.text ??= toText(k.e));
    return (t !== self && keys.has(t)) || readsOnlyThrough(k, keys, self);
  });
}

/**
 * A compiled function made on its first call: the generated count never calls checks, projections or
 * keys, only enumeration does, so a count compiles none of them.
 */
function onFirstCall<R>(compile: () => (v: ArrayLike<unknown>) => R): (v: ArrayLike<unknown>) => R {
  let f: ((v: ArrayLike<unknown>) => R) | undefined;
  return (v) => (f ??= compile())(v);
}

/** One check as a "first failing" function. */
function fusedOne(pred: Predicate): (v: ArrayLike<unknown>) => number {
  return (v) => (pred(v) ? -1 : 0);
}

function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}
