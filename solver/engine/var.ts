// A decision variable of the search engine. Two domain shapes:
//  - finite: a value list, sorted ascending by number, kept as a sparse set of codes (MiniCP's
//    StateSparseSet: removing is a swap, only the size is trailed);
//  - interval: a wide integer range (1..2^31-1) kept as bounds only. Holes are not represented; every
//    constraint is re-checked exactly once all its variables are bound, so this is sound.
import type { Value } from '../expr/ast.ts';
import type { Box } from '../expr/range.ts';
import type { StateManager } from './state.ts';

/** Largest interval that is turned into an explicit value list up front. */
export const FINITE_INTERVAL_LIMIT = 1 << 16;

export interface VarListener { (v: IntVar): void }

export class IntVar {
  readonly finite: boolean;
  /** numeric value of each code (finite vars); NaN for non-numeric values */
  readonly vals: readonly number[];
  /** the user's value of each code (finite vars) */
  readonly raw: readonly Value[];
  readonly numeric: boolean;
  /** every value is an integer (lets interval reasoning tighten `%` and strict comparisons) */
  readonly integral: boolean;
  // plain arrays, not typed ones: a typed array over 64 bytes lives outside the JS heap, and allocating
  // one costs ~0.5 µs — more than building a small space's whole root
  private readonly perm: number[];
  private readonly pos: number[];
  private readonly sizeSlot: number;
  /** finite: min/max code; interval: min/max value */
  private readonly loSlot: number;
  private readonly hiSlot: number;
  onChange: VarListener = () => {};

  constructor(
    readonly id: number,
    readonly name: string,
    private readonly sm: StateManager,
    domain: { values: readonly Value[] } | { lo: number; hi: number },
  ) {
    if ('values' in domain) {
      this.finite = true;
      this.raw = domain.values;
      const n = domain.values.length;
      const vals: number[] = [], perm: number[] = [], pos: number[] = [];
      let numeric = true, integral = true;
      for (let i = 0; i < n; i++) {
        const v = domain.values[i];
        const x = typeof v === 'string' ? NaN : Number(v);
        vals.push(x);
        if (x !== x) numeric = false;
        if (!Number.isInteger(x)) integral = false;
        perm.push(i); pos.push(i);
      }
      this.vals = vals; this.perm = perm; this.pos = pos;
      this.numeric = numeric;
      this.integral = integral;
      this.sizeSlot = sm.alloc(n);
      this.loSlot = sm.alloc(0);
      this.hiSlot = sm.alloc(n - 1);
    } else {
      this.finite = false;
      this.raw = [];
      this.vals = [];
      this.numeric = true;
      this.integral = true;
      this.perm = this.pos = [];
      this.sizeSlot = -1;
      this.loSlot = sm.alloc(domain.lo);
      this.hiSlot = sm.alloc(domain.hi);
    }
  }

  size(): number {
    return this.finite ? this.sm.get(this.sizeSlot) : this.sm.get(this.hiSlot) - this.sm.get(this.loSlot) + 1;
  }
  isBound(): boolean { return this.size() === 1; }
  isEmpty(): boolean { return this.size() <= 0; }

  /** smallest numeric value in the domain */
  min(): number { return this.finite ? this.vals[this.sm.get(this.loSlot)] : this.sm.get(this.loSlot); }
  max(): number { return this.finite ? this.vals[this.sm.get(this.hiSlot)] : this.sm.get(this.hiSlot); }
  minCode(): number { return this.sm.get(this.loSlot); }
  maxCode(): number { return this.sm.get(this.hiSlot); }

  /** the value of a bound variable, as the user wrote it */
  value(): Value {
    return this.finite ? this.raw[this.perm[0]] : this.sm.get(this.loSlot);
  }
  /** the single code of a bound finite variable */
  boundCode(): number { return this.perm[0]; }

  /** codes currently in the domain (finite vars), in no particular order (a copy) */
  codes(): number[] { return this.perm.slice(0, this.size()); }
  /** the i-th code of the domain (i < size()), in the same order as codes(); no view is allocated */
  codeAt(i: number): number { return this.perm[i]; }
  hasCode(code: number): boolean { return this.pos[code] < this.sm.get(this.sizeSlot); }

  /** false when the domain became empty */
  removeCode(code: number): boolean {
    const size = this.sm.get(this.sizeSlot);
    const p = this.pos[code];
    if (p >= size) return true;
    const last = this.perm[size - 1];
    this.perm[p] = last; this.pos[last] = p;
    this.perm[size - 1] = code; this.pos[code] = size - 1;
    this.sm.set(this.sizeSlot, size - 1);
    if (size - 1 === 0) return false;
    if (code === this.sm.get(this.loSlot) || code === this.sm.get(this.hiSlot)) this.refreshBounds();
    this.onChange(this);
    return true;
  }

  assignCode(code: number): boolean {
    if (!this.hasCode(code)) { this.sm.set(this.sizeSlot, 0); return false; }
    const size = this.sm.get(this.sizeSlot);
    if (size === 1) return true;
    const p = this.pos[code], first = this.perm[0];
    this.perm[p] = first; this.pos[first] = p;
    this.perm[0] = code; this.pos[code] = 0;
    this.sm.set(this.sizeSlot, 1);
    this.sm.set(this.loSlot, code);
    this.sm.set(this.hiSlot, code);
    this.onChange(this);
    return true;
  }

  /** keeps values >= v */
  removeBelow(v: number): boolean {
    if (this.finite) {
      let changed = false;
      for (let c = this.sm.get(this.loSlot); c <= this.sm.get(this.hiSlot) && this.vals[c] < v; c++) {
        if (this.hasCode(c)) {
          if (!this.removeCodeQuiet(c)) return false;
          changed = true;
        }
      }
      if (changed) { this.refreshBounds(); this.onChange(this); }
      return true;
    }
    const lo = Math.ceil(v);
    if (lo <= this.sm.get(this.loSlot)) return true;
    this.sm.set(this.loSlot, lo);
    if (lo > this.sm.get(this.hiSlot)) return false;
    this.onChange(this);
    return true;
  }

  /** keeps values <= v */
  removeAbove(v: number): boolean {
    if (this.finite) {
      let changed = false;
      for (let c = this.sm.get(this.hiSlot); c >= this.sm.get(this.loSlot) && this.vals[c] > v; c--) {
        if (this.hasCode(c)) {
          if (!this.removeCodeQuiet(c)) return false;
          changed = true;
        }
      }
      if (changed) { this.refreshBounds(); this.onChange(this); }
      return true;
    }
    const hi = Math.floor(v);
    if (hi >= this.sm.get(this.hiSlot)) return true;
    this.sm.set(this.hiSlot, hi);
    if (hi < this.sm.get(this.loSlot)) return false;
    this.onChange(this);
    return true;
  }

  /** binds an interval variable (or a finite one by value) */
  assignValue(v: number): boolean {
    if (this.finite) {
      const code = this.codeOf(v);
      return code >= 0 ? this.assignCode(code) : (this.sm.set(this.sizeSlot, 0), false);
    }
    if (!Number.isInteger(v) || v < this.sm.get(this.loSlot) || v > this.sm.get(this.hiSlot)) {
      this.sm.set(this.hiSlot, this.sm.get(this.loSlot) - 1);
      return false;
    }
    if (this.isBound()) return true;
    this.sm.set(this.loSlot, v);
    this.sm.set(this.hiSlot, v);
    this.onChange(this);
    return true;
  }

  /** the current bounds as a box for interval reasoning; undefined for non-numeric or empty domains */
  box(): Box | undefined {
    return this.numeric && this.size() > 0 ? { lo: this.min(), hi: this.max(), integral: this.integral } : undefined;
  }

  /** code of a numeric value in a finite domain's value list, or -1 (binary search: vals are sorted) */
  codeOf(v: number): number {
    const vals = this.vals;
    let lo = 0, hi = vals.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (vals[mid] < v) lo = mid + 1; else if (vals[mid] > v) hi = mid - 1; else return mid;
    }
    return -1;
  }

  containsValue(v: number): boolean {
    if (this.finite) { const c = this.codeOf(v); return c >= 0 && this.hasCode(c); }
    return Number.isInteger(v) && v >= this.sm.get(this.loSlot) && v <= this.sm.get(this.hiSlot);
  }

  private removeCodeQuiet(code: number): boolean {
    const size = this.sm.get(this.sizeSlot);
    const p = this.pos[code];
    const last = this.perm[size - 1];
    this.perm[p] = last; this.pos[last] = p;
    this.perm[size - 1] = code; this.pos[code] = size - 1;
    this.sm.set(this.sizeSlot, size - 1);
    return size - 1 > 0;
  }

  private refreshBounds(): void {
    let lo = this.sm.get(this.loSlot), hi = this.sm.get(this.hiSlot);
    while (lo <= hi && !this.hasCode(lo)) lo++;
    while (hi >= lo && !this.hasCode(hi)) hi--;
    this.sm.set(this.loSlot, lo);
    this.sm.set(this.hiSlot, hi);
  }
}
