// Counting a small component (a quick plan: a few thousand nodes at most) by plain depth-first search
// over its levels. Building FiniteSearch's per-level tables and memos costs more than such a search.
import { PyRuntimeError } from '../expr/python.ts';
import { independentTail, type Level, type Predicate } from './finite-search.ts';

/** The number of configurations, or null when a check raised (FiniteSearch then counts and records the errors). */
export function countSmall(levels: readonly Level[], cur: unknown[]): number | null {
  const n = levels.length;
  const tail = independentTail(levels);
  const holds = (l: Level): boolean => {
    for (const c of l.checks) if (!c.pred(cur)) return false;
    return true;
  };
  /** how many values level i can take with the levels above as chosen (calls `below` for each) */
  const level = (i: number, below: () => number): number => {
    const l = levels[i], v = l.v;
    let total = 0;
    const formulas = l.define ? [l.define] : l.options;
    if (formulas) {
      const seen: unknown[] = [];
      for (const f of formulas) {
        const x = computed(f, l, cur);
        if (x === undefined || seen.includes(x)) continue;
        seen.push(x);
        cur[v.id] = x;
        if (holds(l)) total += below();
      }
      return total;
    }
    const cand = l.candidates, raw = v.raw;
    for (let k = 0; k < cand.length; k++) {
      cur[v.id] = raw[cand[k]];
      if (holds(l)) total += below();
    }
    return total;
  };
  const one = () => 1;
  const from = (i: number): number => {
    if (i === tail) {
      // the independent tail: each level counted on its own
      let p = 1;
      for (let j = tail; j < n && p > 0; j++) p *= level(j, one);
      return p;
    }
    return level(i, () => from(i + 1));
  };
  try {
    return from(0);
  } catch (e) {
    if (e instanceof PyRuntimeError) return null;
    throw e;
  }
}

/** A computed level's value as the domain holds it, or undefined (outside the domain, or the formula raised). */
function computed(formula: Predicate, l: Level, cur: unknown[]): unknown {
  let x: unknown;
  try {
    x = formula(cur);
  } catch (e) {
    if (e instanceof PyRuntimeError) return undefined;
    throw e;
  }
  if (typeof x === 'boolean') x = Number(x);
  const v = l.v;
  if (!v.finite) return typeof x === 'number' && v.containsValue(x) ? x : undefined;
  const code = typeof x === 'number' ? v.codeOf(x) : v.raw.indexOf(x as string);
  return code >= 0 && l.candidates.includes(code) ? v.raw[code] : undefined;
}
