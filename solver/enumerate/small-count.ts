// Counting a small component (a quick plan: a few thousand nodes at most) by plain depth-first search
// over its levels. Building FiniteSearch's per-level tables and memos costs more than such a search.
import { PyRuntimeError } from '../expr/python.ts';
import { computedCode, independentTail, type Level } from './finite-search.ts';

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
      const seen: number[] = [];
      for (const f of formulas) {
        const code = computedCode(l, f, cur);
        if (code === null || seen.includes(code)) continue;
        seen.push(code);
        cur[v.id] = v.finite ? v.raw[code] : code;
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

