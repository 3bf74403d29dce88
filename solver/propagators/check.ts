// The generic propagator: any Python-semantics constraint, whatever its shape.
//  - all variables bound: evaluate it;
//  - one finite variable left: forward checking (remove the values that fail);
//  - a few small finite variables left: generalised arc consistency by enumerating their combinations;
//  - otherwise: interval reasoning — fail when no point of the current box can satisfy it, retire it
//    when every point does, and shave the bounds of numeric variables by binary search.
import type { Expr, Value } from '../expr/ast.ts';
import { PyRuntimeError } from '../expr/python.ts';
import { truthOf, type Box } from '../expr/range.ts';
import type { Propagator, Store } from '../engine/store.ts';
import type { IntVar } from '../engine/var.ts';

/** Largest number of combinations enumerated for arc consistency. */
const GAC_LIMIT = 512;
/** Domains up to this size are given to interval reasoning as exact value lists. */
const SMALL_DOMAIN = 16;

const NO_VARS: ReadonlySet<IntVar> = new Set();

export type Predicate = (v: ArrayLike<unknown>) => boolean;

/** Evaluates a compiled constraint; a Python runtime error (division by zero, type error) means "not satisfied". */
export function holds(pred: Predicate, cur: ArrayLike<unknown>, onError?: (e: PyRuntimeError) => void): boolean {
  try {
    return pred(cur);
  } catch (e) {
    if (e instanceof PyRuntimeError) { onError?.(e); return false; }
    throw e;
  }
}

export class CheckPropagator implements Propagator {
  activeSlot = -1;
  scheduled = false;
  /** interval boxes of the variables by name; made on first use (most constraints never need one) */
  private boxFn: ((name: string) => Box | undefined) | undefined;

  constructor(
    private readonly store: Store,
    readonly vars: readonly IntVar[],
    private readonly expr: Expr,
    private readonly pred: Predicate,
    /**
     * 'full': interval reasoning on every wide constraint (for branch and bound, where pruning pays);
     * 'light': only where an interval no definition computes is involved — finite variables are
     * cheaper to enumerate with forward checking than to shave.
     */
    private readonly reasoning: 'full' | 'light' = 'full',
    private readonly computed: ReadonlySet<IntVar> = NO_VARS,
    /** called when evaluating the constraint raised a Python error (the tuple counts as not satisfying it) */
    private readonly onError?: (e: PyRuntimeError) => void,
  ) {}

  private get box(): (name: string) => Box | undefined {
    if (this.boxFn) return this.boxFn;
    const byName = new Map(this.vars.map((v) => [v.name, v]));
    return (this.boxFn = (name) => {
      const v = byName.get(name);
      if (!v || !v.numeric) return undefined;
      if (v.finite && v.size() <= SMALL_DOMAIN) {
        // codes are in value order: walking the code range yields sorted values
        const values: number[] = [];
        for (let c = v.minCode(), hi = v.maxCode(); c <= hi; c++) if (v.hasCode(c)) values.push(v.vals[c]);
        return { lo: values[0], hi: values[values.length - 1], values, integral: v.integral };
      }
      return v.box();
    });
  }

  propagate(): boolean {
    const store = this.store;
    const cur = store.cur;
    let unbound: IntVar[] | null = null;
    let product = 1;
    let allFinite = true;
    for (const v of this.vars) {
      const s = v.size();
      if (s > 1) {
        (unbound ??= []).push(v);
        product *= s;
        if (!v.finite) allFinite = false;
      }
    }
    if (unbound === null) {
      store.deactivate(this);
      return holds(this.pred, cur, this.onError);
    }
    if (unbound.length === 1 && allFinite) {
      store.deactivate(this);
      return this.forwardCheck(unbound[0]);
    }
    if (allFinite && product <= GAC_LIMIT) return this.arcConsistency(unbound, product);
    if (this.reasoning === 'light' && unbound.every((v) => v.finite || this.computed.has(v))) return true;
    return this.intervalReasoning(unbound);
  }

  /** The compiled check on the current values; a Python error counts as "not satisfied" (and is noted). */
  private test(cur: Value[]): boolean {
    try {
      return this.pred(cur);
    } catch (e) {
      if (e instanceof PyRuntimeError) { this.onError?.(e); return false; }
      throw e;
    }
  }

  private forwardCheck(x: IntVar): boolean {
    const cur = this.store.cur;
    const size = x.size();
    // decide first, remove after: removing reorders the domain being walked
    const dead: number[] = [];
    for (let i = 0; i < size; i++) {
      const c = x.codeAt(i);
      cur[x.id] = x.raw[c];
      if (!this.test(cur)) dead.push(c);
    }
    for (let i = 0; i < dead.length; i++) if (!x.removeCode(dead[i])) return false;
    if (x.size() === 1) cur[x.id] = x.value();
    return true;
  }

  /**
   * Generalised arc consistency by enumerating every combination of the unbound variables (an
   * odometer, last variable fastest). All combinations are evaluated even once every value has a
   * support: entailment (every combination holds) retires the constraint, and Python errors are
   * counted per evaluation. Flat plain arrays: this runs for most constraints of a small space, where
   * allocating typed arrays and views cost more than the evaluations.
   */
  private arcConsistency(xs: IntVar[], product: number): boolean {
    const cur = this.store.cur;
    const n = xs.length;
    const ids: number[] = new Array(n), off: number[] = new Array(n), len: number[] = new Array(n), idx: number[] = new Array(n);
    const codes: number[] = [], values: Value[] = [], supported: number[] = [];
    for (let k = 0; k < n; k++) {
      const x = xs[k], size = x.size(), raw = x.raw;
      ids[k] = x.id; off[k] = codes.length; len[k] = size; idx[k] = 0;
      for (let i = 0; i < size; i++) { const c = x.codeAt(i); codes.push(c); values.push(raw[c]); supported.push(0); }
      cur[x.id] = values[off[k]];
    }
    // the last variable in a tight inner loop; the others advance once per pass over it
    const last = n - 1, lastId = ids[last], lastOff = off[last], lastLen = len[last];
    let holding = 0;
    for (let pass = product / lastLen; pass > 0; pass--) {
      let any = false;
      for (let i = 0; i < lastLen; i++) {
        cur[lastId] = values[lastOff + i];
        if (this.test(cur)) { holding++; supported[lastOff + i] = 1; any = true; }
      }
      if (any) for (let k = 0; k < last; k++) supported[off[k] + idx[k]] = 1;
      for (let k = last - 1; k >= 0; k--) {
        const i = idx[k] + 1;
        if (i < len[k]) { idx[k] = i; cur[ids[k]] = values[off[k] + i]; break; }
        idx[k] = 0; cur[ids[k]] = values[off[k]];
      }
    }
    // entailed: nothing left to prune, ever (domains only shrink)
    if (holding === product) this.store.deactivate(this);
    for (let j = 0; j < codes.length; j++) {
      if (supported[j] === 0) {
        let k = 0;
        while (j >= off[k] + len[k]) k++;
        if (!xs[k].removeCode(codes[j])) return false;
      }
    }
    for (const x of xs) if (x.size() === 1) cur[x.id] = x.value();
    return true;
  }

  private intervalReasoning(xs: IntVar[]): boolean {
    const t = truthOf(this.expr, this.box);
    if (t === 0) return false;
    if (t === 1) { this.store.deactivate(this); return true; }
    for (const x of xs) if (x.numeric && !this.shave(x)) return false;
    return true;
  }

  /** Tightens x's bounds: the outermost values for which the constraint cannot hold are cut off. */
  private shave(x: IntVar): boolean {
    const box = this.box;
    const restricted = (lo: number, hi: number) => (name: string) => (name === x.name ? { lo, hi, integral: x.integral } : box(name));
    const test = (lo: number, hi: number) => truthOf(this.expr, restricted(lo, hi)) !== 0;
    if (x.finite) {
      // binary search over the sorted codes between the current bounds
      let a = x.minCode(), b = x.maxCode();
      const vals = x.vals;
      if (!test(vals[a], vals[a])) {
        let lo = a, hi = b; // find the smallest code c with test(vals[a], vals[c]) true
        while (lo < hi) { const m = (lo + hi) >> 1; if (test(vals[a], vals[m])) hi = m; else lo = m + 1; }
        if (!test(vals[a], vals[lo])) return false;
        if (!x.removeBelow(vals[lo])) return false;
        a = x.minCode();
      }
      if (!test(vals[b], vals[b])) {
        let lo = a, hi = b; // largest code c with test(vals[c], vals[b]) true
        while (lo < hi) { const m = (lo + hi + 1) >> 1; if (test(vals[m], vals[b])) lo = m; else hi = m - 1; }
        if (!x.removeAbove(vals[lo])) return false;
      }
      return true;
    }
    const lo0 = x.min(), hi0 = x.max();
    if (!test(lo0, lo0)) {
      let lo = lo0, hi = hi0;
      while (lo < hi) { const m = Math.floor((lo + hi) / 2); if (test(lo0, m)) hi = m; else lo = m + 1; }
      if (!test(lo0, lo)) return false;
      if (!x.removeBelow(lo)) return false;
    }
    const lo1 = x.min();
    if (!test(hi0, hi0)) {
      let lo = lo1, hi = hi0;
      while (lo < hi) { const m = Math.ceil((lo + hi) / 2); if (test(m, hi0)) lo = m; else hi = m - 1; }
      if (!x.removeAbove(lo)) return false;
    }
    return true;
  }
}
