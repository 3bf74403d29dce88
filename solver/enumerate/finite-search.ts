// Counting and enumerating one component of finite variables: a depth-first search in a static order
// where each constraint is checked at the level of its last variable (forward checking: a level's
// surviving values are computed once on entry). Two things keep it fast on real spaces:
//  - a level's surviving values depend only on the values of the levels its checks read; they are
//    cached against those values, so e.g. `t % u == 0` is re-evaluated only when t changes;
//  - once the remaining levels no longer read each other, the rest of the subtree is a Cartesian
//    product: counted as a product of sizes, enumerated in bulk.
import type { IntVar } from '../engine/var.ts';
import type { Expr } from '../expr/ast.ts';
import { PyRuntimeError } from '../expr/python.ts';
import { keyText } from './memo-key.ts';
import { noteError, type RuntimeErrorCounts } from '../runtime-errors.ts';

export type Predicate = (v: ArrayLike<unknown>) => unknown;

export interface LevelCheck {
  expr: Expr;
  pred: Predicate;
  /** index of the model constraint, for error accounting */
  constraint: number;
  /** once it fails for a candidate, it fails for every larger one: the scan of the level stops */
  antitone: boolean;
}

export interface Level {
  v: IntVar;
  /** candidate codes (finite var) or candidate values (computed interval var), ascending */
  candidates: readonly number[];
  checks: LevelCheck[];
  /** earlier levels whose values the checks (and the definition) read */
  deps: number[];
  /** computed level: the value is this formula of earlier levels, not a choice */
  define?: Predicate;
  defineExpr?: Expr;
  /** computed level whose value is one of these formulas' values (a disjunction of equalities pins it) */
  options?: Predicate[];
  optionExprs?: Expr[];
  /** all checks in one function: index of the first failing, or −1 (errors are attributed by re-running them one by one) */
  fused?: (v: ArrayLike<unknown>) => number;
}

/** The first level from which the remaining levels read only earlier ones (their product needs no search). */
export function independentTail(levels: readonly Level[]): number {
  let tail = levels.length;
  let maxDep = -1;
  for (let i = levels.length - 1; i >= 0; i--) {
    for (const d of levels[i].deps) maxDep = Math.max(maxDep, d);
    if (maxDep < i) tail = i;
  }
  return tail;
}

/** A level at which subtree counts depend on the earlier levels only through a few values. */
export interface CountCut {
  level: number;
  /** the values, computed from the current assignment */
  key: ((v: ArrayLike<unknown>) => unknown)[];
}

/** A component's configurations, column-major: column k holds level k's code (or value, for computed interval vars). */
export type ColumnArray = Uint8Array | Uint16Array | Int32Array | Float64Array;

export interface ComponentTable {
  count: number;
  columns: ColumnArray[];
}

/** Largest number of dependency combinations for which a level's survivors are memoised. */
const MEMO_LIMIT = 4096;

export class FiniteSearch {
  private readonly n: number;
  private readonly valid: Int32Array[];
  private readonly validLen: Int32Array;
  private readonly lastKey: Float64Array[];
  private readonly ready: Uint8Array;
  private readonly pos: Int32Array;
  /** code or value currently chosen at each level */
  private readonly chosen: Float64Array;
  /**
   * Per level, survivors memoised by the values of its dependencies, when they have few combinations
   * (index = mixed-radix number of the dependencies' codes); null where the key space is too large.
   */
  private readonly memo: (Map<number, Int32Array> | null)[];
  private readonly memoRadix: Int32Array[];
  private readonly fresh: Uint8Array;
  /** first level from which the remaining levels read only earlier ones */
  private readonly tail: number;
  /** evaluations that raised a Python runtime error, by constraint index */
  readonly runtimeErrors: RuntimeErrorCounts = new Map();

  constructor(
    private readonly levels: Level[],
    private readonly cur: unknown[],
    /** where counting memoises subtrees, and the values (of earlier levels) that key them */
    private readonly cut?: CountCut,
  ) {
    const n = (this.n = levels.length);
    this.valid = levels.map((l) => new Int32Array(l.define ? 1 : l.options ? l.options.length : l.candidates.length));
    this.validLen = new Int32Array(n);
    this.lastKey = levels.map((l) => new Float64Array(l.deps.length).fill(NaN));
    this.ready = new Uint8Array(n);
    this.pos = new Int32Array(n);
    this.chosen = new Float64Array(n);
    const tail = (this.tail = independentTail(levels));
    // a level that reads the level chosen just before it is prepared exactly when that one changed:
    // comparing its dependencies' values would be wasted work
    this.fresh = Uint8Array.from(levels, (l, i) => Number(l.deps.includes(i < tail ? i - 1 : tail - 1)));
    this.memoRadix = levels.map((l) => Int32Array.from(l.deps, (d) => levels[d].v.raw.length));
    this.memo = levels.map((l, i) => {
      if (l.deps.length === 0 || l.deps.some((d) => !levels[d].v.finite)) return null;
      const size = this.memoRadix[i].reduce((a, b) => a * b, 1);
      // a Map, not an array of `size` slots: most slots are never used, and planning stays cheap
      return size <= MEMO_LIMIT ? new Map<number, Int32Array>() : null;
    });
  }

  /** Number of configurations. */
  count(): number {
    const cut = this.cut;
    if (cut === undefined) return this.countFrom(0);
    // the subtree below the cut sees the levels above it only through a few values (e.g. bx*tx and by*ty
    // rather than bx, tx, by, ty): its count is memoised by those values
    const memo = new Map<string, number>();
    const cur = this.cur, key = cut.key;
    let total = 0;
    this.walkFrom(0, cut.level, () => {
      let k = '';
      for (let j = 0; j < key.length; j++) k += `${keyText(key[j](cur))},`;
      let sub = memo.get(k);
      if (sub === undefined) memo.set(k, (sub = this.countFrom(cut.level)));
      total += sub;
    });
    return total;
  }

  /** Configurations below the levels already chosen (all of them when start is 0). */
  private countFrom(start: number): number {
    let total = 0;
    this.walkFrom(start, this.tail, () => {
      let p = 1;
      for (let j = this.tail; j < this.n; j++) p *= this.validLen[j];
      total += p;
    });
    return total;
  }

  /** All configurations, materialised. */
  table(expectedCount?: number): ComponentTable {
    const n = this.n;
    // one element type for every column keeps the writes below monomorphic; the smallest that holds
    // every code keeps memory low (hotspot: 350k rows × 11 columns in 3.8 MB)
    const wide = this.levels.some((l) => !l.v.finite);
    const largest = Math.max(...this.levels.map((l) => l.v.raw.length));
    const make = (size: number): ColumnArray =>
      wide ? new Float64Array(size) : largest <= 256 ? new Uint8Array(size) : largest <= 65536 ? new Uint16Array(size) : new Int32Array(size);
    let cap = Math.max(1, expectedCount ?? 1024);
    let count = 0;
    let columns = this.levels.map(() => make(cap));
    const tail = this.tail, chosen = this.chosen, valid = this.valid, validLen = this.validLen;
    // a level above the tail keeps its value over a run of consecutive rows: each run is written with one
    // fill() when it ends (its level or one above changed), not row by row
    const runValue = new Float64Array(tail).fill(NaN);
    const runStart = new Float64Array(tail);
    const flushRuns = (from: number, to: number) => {
      for (let k = from; k < tail; k++) if (runStart[k] < to) columns[k].fill(runValue[k], runStart[k], to);
    };
    const ensure = (end: number) => {
      if (end <= cap) return;
      while (end > cap) cap *= 4; // few regrowths: each copies every column
      flushRuns(0, count);
      for (let k = 0; k < tail; k++) runStart[k] = count;
      columns = columns.map((c) => { const d = make(cap); d.set(c.subarray(0, count)); return d; });
    };
    /** ends the runs of levels from `first` whose value changed, and starts new ones at the current row */
    const startRuns = (first: number, upTo: number) => {
      let changed = first;
      while (changed < upTo && runValue[changed] === chosen[changed]) changed++;
      if (changed < upTo) {
        flushRuns(changed, count);
        for (let k = changed; k < upTo; k++) { runValue[k] = chosen[k]; runStart[k] = count; }
      }
    };
    const writeTail = () => {
      let rows = 1;
      for (let j = tail; j < n; j++) rows *= validLen[j];
      const end = count + rows;
      ensure(end);
      startRuns(0, tail);
      // the independent tail is a Cartesian product: level j's survivors, each repeated `inner`
      // times (the product of the later levels), the whole pattern repeated `outer` times
      let outer = 1;
      for (let j = tail; j < n; j++) {
        const col = columns[j], src = valid[j], len = validLen[j];
        const inner = rows / (outer * len);
        let r = count;
        for (let o = 0; o < outer; o++) {
          for (let e = 0; e < len; e++) {
            const v = src[e];
            for (let k = 0; k < inner; k++) col[r++] = v;
          }
        }
        outer *= len;
      }
      count = end;
    };
    const cut = this.cut;
    if (cut === undefined) this.walk(writeTail);
    else {
      // below the cut the rows depend on the earlier levels only through the cut's values: a subtree
      // seen before is copied from where it was first written instead of being searched again
      const seen = new Map<string, { start: number; rows: number }>();
      const cur = this.cur, key = cut.key, c0 = cut.level;
      this.walkFrom(0, c0, () => {
        let k = '';
        for (let j = 0; j < key.length; j++) k += `${keyText(key[j](cur))},`;
        const hit = seen.get(k);
        if (hit === undefined) {
          const start = count;
          this.walkFrom(c0, tail, writeTail);
          seen.set(k, { start, rows: count - start });
          return;
        }
        const end = count + hit.rows;
        ensure(end);
        startRuns(0, c0);
        // the levels below the cut: their runs end here; the copied rows carry their values
        flushRuns(c0, count);
        for (let l = c0; l < tail; l++) { runValue[l] = NaN; runStart[l] = end; }
        for (let j = c0; j < n; j++) columns[j].copyWithin(count, hit.start, hit.start + hit.rows);
        count = end;
      });
    }
    flushRuns(0, count);
    return { count, columns: columns.map((c) => c.subarray(0, count)) };
  }

  /** Depth-first search down to the independent tail; calls `atTail` with every level < tail chosen and every tail level's survivors computed. */
  private walk(atTail: () => void): void {
    this.walkFrom(0, this.tail, atTail);
  }

  /**
   * Depth-first search over levels start..stop−1 (the earlier ones already chosen); calls `atStop` each
   * time level stop−1 is chosen — with the tail's survivors computed when stop is the tail.
   */
  private walkFrom(start: number, stop: number, atStop: () => void): void {
    const n = this.n, tail = this.tail, pos = this.pos, valid = this.valid, validLen = this.validLen;
    const levels = this.levels, cur = this.cur, chosen = this.chosen;
    const arrive = () => {
      if (stop === tail) {
        for (let j = tail; j < n; j++) if (!this.prepare(j)) return;
      }
      atStop();
    };
    if (start === stop) { arrive(); return; }
    if (!this.prepare(start)) return;
    let i = start;
    pos[i] = 0;
    for (;;) {
      const c = valid[i][pos[i]];
      chosen[i] = c;
      const l = levels[i];
      cur[l.v.id] = l.v.finite ? l.v.raw[c] : c;
      let descended = false;
      if (i + 1 === stop) arrive();
      else if (this.prepare(i + 1)) {
        i++;
        pos[i] = 0;
        descended = true;
      }
      if (descended) continue;
      while (++pos[i] >= validLen[i]) {
        if (--i < start) return;
      }
    }
  }

  /** Computes level i's surviving candidates (unless cached for the same values of its dependencies); false when none. */
  private prepare(i: number): boolean {
    const l = this.levels[i];
    const deps = l.deps, chosen = this.chosen;
    if (this.fresh[i] === 0) {
      const key = this.lastKey[i];
      let same = this.ready[i] === 1;
      for (let k = 0; k < deps.length; k++) {
        const c = chosen[deps[k]];
        if (key[k] !== c) { key[k] = c; same = false; }
      }
      if (same) return this.validLen[i] > 0;
      this.ready[i] = 1;
    }
    const memo = this.memo[i];
    let slot = -1;
    if (memo !== null) {
      const radix = this.memoRadix[i];
      slot = 0;
      for (let k = 0; k < deps.length; k++) slot = slot * radix[k] + chosen[deps[k]];
      const hit = memo.get(slot);
      if (hit !== undefined) {
        this.valid[i] = hit;
        this.validLen[i] = hit.length;
        return hit.length > 0;
      }
      this.valid[i] = new Int32Array(l.options?.length ?? (l.candidates.length || 1));
    }
    const cur = this.cur, v = l.v, checks = l.checks;
    const out = this.valid[i];
    let n = 0;
    if (l.define) {
      const code = computedCode(l, l.define, cur);
      if (code !== null) {
        cur[v.id] = v.finite ? v.raw[code] : code;
        if (this.failing(checks, l.fused) < 0) out[n++] = code;
      }
    } else if (l.options) {
      // each option is one disjunct's value; one that raises is skipped, not an error: in the constraint
      // that disjunct's guard may short-circuit before the expression is ever evaluated
      for (const option of l.options) {
        const code = computedCode(l, option, cur);
        if (code === null || out.subarray(0, n).includes(code)) continue;
        cur[v.id] = v.finite ? v.raw[code] : code;
        if (this.failing(checks, l.fused) < 0) out[n++] = code;
      }
      out.subarray(0, n).sort();
    } else {
      const cand = l.candidates, raw = v.raw, fused = l.fused;
      for (let k = 0; k < cand.length; k++) {
        const c = cand[k];
        cur[v.id] = raw[c];
        const failed = this.failing(checks, fused);
        if (failed < 0) out[n++] = c;
        else if (checks[failed].antitone) break;
      }
    }
    this.validLen[i] = n;
    if (memo !== null) memo.set(slot, this.valid[i].subarray(0, n));
    return n > 0;
  }

  /** index of the first check that fails on the current values, or -1 */
  private failing(checks: LevelCheck[], fused?: (v: ArrayLike<unknown>) => number): number {
    const cur = this.cur;
    if (fused !== undefined) {
      try {
        return fused(cur);
      } catch (e) {
        if (!(e instanceof PyRuntimeError)) throw e;
        // fall through: find (and count) the check that raised
      }
    }
    for (let k = 0; k < checks.length; k++) {
      try {
        if (!checks[k].pred(cur)) return k;
      } catch (e) {
        if (!(e instanceof PyRuntimeError)) throw e;
        noteError(this.runtimeErrors, checks[k].constraint, e);
        return k;
      }
    }
    return -1;
  }

}

/**
 * The code (finite var) or value (interval var) a computed level takes: its formula on the current
 * values, or null when that falls outside the level's candidates or raises (a formula that raises gives
 * no value; for an option, the disjunct holding it may never evaluate it).
 */
export function computedCode(l: Level, formula: Predicate, cur: ArrayLike<unknown>): number | null {
  let value: unknown;
  try {
    value = formula(cur);
  } catch (e) {
    if (!(e instanceof PyRuntimeError)) throw e;
    return null;
  }
  if (typeof value === 'boolean') value = value ? 1 : 0;
  const v = l.v;
  if (v.finite) {
    const code = typeof value === 'number' ? v.codeOf(value) : v.raw.indexOf(value as string);
    return code >= 0 && binaryHas(l.candidates, code) ? code : null;
  }
  return typeof value === 'number' && v.containsValue(value) ? value : null;
}

function binaryHas(sorted: readonly number[], x: number): boolean {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m] < x) lo = m + 1; else if (sorted[m] > x) hi = m - 1; else return true;
  }
  return false;
}
