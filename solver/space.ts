// The facade: the one class users of the solver touch. A SearchSpace is a spec after root propagation,
// split into independent components; counting multiplies component counts, a configuration's index is
// a mixed-radix number over the components, and nothing materialises the product unless asked to.
import type { Value } from './expr/ast.ts';
import type { IntVar } from './engine/var.ts';
import { makeComponent, type Component } from './component.ts';
import { factorize } from './factor.ts';
import { buildModel, type Model } from './model.ts';
import { holds } from './propagators/check.ts';
import { Random } from './random.ts';
import { propagateRoot, type RootState } from './root.ts';
import type { SpaceSpec } from './spec/spec.ts';
import { UserError } from './user-error.ts';
import { JsonLineWriter } from './json-lines.ts';

export type Config = Record<string, Value>;

/** All configurations as typed arrays: column p holds, per configuration, the index of parameter p's value in `values[p]`. */
export interface MaterializedSpace {
  count: number;
  params: string[];
  /** value index (list parameters) or the value itself (interval parameters, `values[p]` is null) */
  columns: (Uint8Array | Uint16Array | Int32Array | Float64Array)[];
  values: (readonly Value[] | null)[];
}

export interface SpaceStats {
  cartesian: number;
  components: number;
  /** values removed from list domains by root propagation */
  prunedValues: number;
  /** parameters fixed to one value by root propagation */
  fixed: string[];
  /** constraint evaluations (of whole or partial configurations) that raised a Python error and so count as "not satisfied" */
  runtimeErrors: { constraint: string; type: string; count: number }[];
}

/**
 * How components are planned: 'thorough' analyses monotonicity, bound projections and memoised cuts
 * and counts with a generated program; 'quick' only orders the search; 'auto' (the default) is
 * thorough for components whose Cartesian product exceeds a couple of thousand. Every mode gives the
 * same configurations; tests run them all.
 */
export type PlanMode = 'auto' | 'quick' | 'thorough';

export interface SpaceOptions { plan?: PlanMode }

export class SearchSpace {
  readonly model: Model;
  readonly params: readonly string[];
  private readonly root: RootState;
  private comps: Component[] | null = null;
  /** index of each parameter inside its component (or -1 when root propagation fixed it) */
  private where: { comp: number; k: number }[] = [];

  static fromSpec(spec: SpaceSpec, where?: string, options?: SpaceOptions): SearchSpace {
    return new SearchSpace(buildModel(spec, where), options);
  }

  constructor(model: Model, private readonly options: SpaceOptions = {}) {
    this.model = model;
    this.params = model.params.map((p) => p.name);
    this.root = propagateRoot(model);
  }

  /** False when propagation alone proves the space empty (count() is then 0). */
  get feasibleAtRoot(): boolean { return this.root.feasible; }

  private components(): Component[] {
    if (this.comps) return this.comps;
    if (!this.root.feasible) return (this.comps = []);
    const plans = factorize(this.root, this.model.constraints);
    // components in the order of their first parameter, so indices follow declaration order
    plans.sort((a, b) => Math.min(...a.vars.map((v) => v.id)) - Math.min(...b.vars.map((v) => v.id)));
    this.comps = plans.map((p) => makeComponent(p, this.root, this.options.plan ?? 'auto'));
    this.where = this.params.map(() => ({ comp: -1, k: -1 }));
    this.comps.forEach((c, ci) => c.vars.forEach((v, k) => { this.where[v.id] = { comp: ci, k }; }));
    return this.comps;
  }

  count(): number {
    if (!this.root.feasible) return 0;
    let n = 1;
    for (const c of this.components()) {
      n *= c.count();
      if (n === 0) return 0;
    }
    return n;
  }

  /** The configuration with this index (0 ≤ index < count()), by mixed-radix decoding over the components. */
  at(index: number): Config {
    const total = this.count();
    if (!Number.isInteger(index) || index < 0 || index >= total) throw new RangeError(`configuration index ${index} outside 0..${total - 1}`);
    const comps = this.components();
    const entry = new Array<number>(comps.length);
    for (let c = comps.length - 1; c >= 0; c--) {
      const n = comps[c].count();
      entry[c] = index % n;
      index = Math.floor(index / n);
    }
    return this.configOf(entry);
  }

  /** The index of a configuration, or -1 when it is not in the space. */
  indexOf(config: Config): number {
    if (!this.isValid(config)) return -1;
    const comps = this.components();
    let index = 0;
    for (const comp of comps) {
      const t = comp.table();
      const codes = comp.vars.map((v) => codeOf(v, config[v.name]));
      let found = -1;
      for (let e = 0; e < t.count && found < 0; e++) {
        let ok = true;
        for (let k = 0; k < codes.length && ok; k++) ok = t.columns[k][e] === codes[k];
        if (ok) found = e;
      }
      if (found < 0) return -1;
      index = index * t.count + found;
    }
    return index;
  }

  /** Every configuration, streamed in index order. */
  *configurations(): IterableIterator<Config> {
    const total = this.count();
    if (total === 0) return;
    const comps = this.components();
    const tables = comps.map((c) => c.table());
    const entry = new Array<number>(comps.length).fill(0);
    for (let i = 0; i < total; i++) {
      yield this.configOf(entry, tables);
      for (let c = comps.length - 1; c >= 0; c--) {
        if (++entry[c] < tables[c].count) break;
        entry[c] = 0;
      }
    }
  }

  /** Every configuration as JSON text, one object per line, in index order, keys in declaration order. */
  *jsonLines(): IterableIterator<string> {
    const decoder = new TextDecoder();
    for (const bytes of this.jsonBytes()) yield decoder.decode(bytes);
  }

  /**
   * The same as UTF-8 chunks, built for speed (this is what `kernelfit space list` writes): each
   * parameter's `"name":value` bytes are encoded once per value, and each line copies the bytes of
   * the leading parameters that did not change since the previous line, then appends the rest.
   */
  *jsonBytes(chunkBytes = 1 << 20): IterableIterator<Uint8Array> {
    const total = this.count();
    if (total === 0) return;
    const writer = new JsonLineWriter(this, chunkBytes);
    for (let done = 0; done < total;) {
      done = writer.fill(total, done);
      yield writer.take();
    }
  }

  /** @internal what JsonLineWriter needs to know about the layout of configurations */
  layout() {
    const comps = this.components();
    return {
      params: this.params,
      tables: comps.map((c) => c.table()),
      where: this.where,
      valueOf: (p: number, code: number): Value => {
        const w = this.where[p];
        return w.comp < 0 ? this.root.vars[p].value() : comps[w.comp].valueOf(w.k, code);
      },
      isList: (p: number): boolean => this.root.vars[p].finite,
      maxValueChars: (p: number): number => {
        const v = this.root.vars[p];
        return v.finite ? Math.max(...v.raw.map((x) => JSON.stringify(x).length)) : 24;
      },
    };
  }

  /** All configurations as typed arrays (no object per configuration). */
  materialize(): MaterializedSpace {
    const comps = this.components();
    // tables first: their sizes give the count without a separate counting pass
    const tables = this.root.feasible ? comps.map((c) => c.table()) : [];
    const total = this.count();
    const vars = this.root.vars;
    const values = vars.map((v) => (v.finite ? v.raw : null));
    const columns = vars.map((v) => {
      if (!v.finite) return new Float64Array(total);
      const m = v.raw.length;
      return m <= 256 ? new Uint8Array(total) : m <= 65536 ? new Uint16Array(total) : new Int32Array(total);
    });
    if (total === 0) return { count: 0, params: [...this.params], columns, values };
    let outer = 1;
    let inner = total;
    const done = new Set<number>();
    for (const [ci, comp] of comps.entries()) {
      const t = tables[ci];
      inner /= t.count;
      comp.vars.forEach((v, k) => {
        done.add(v.id);
        const col = columns[v.id], src = t.columns[k];
        const block = t.count * inner;
        // one block: each entry repeated `inner` times; then the block repeated `outer` times
        if (inner === 1) col.set(src);
        else if (inner < 16) {
          for (let e = 0, r = 0; e < t.count; e++) for (let j = 0; j < inner; j++) col[r++] = src[e];
        } else for (let e = 0; e < t.count; e++) col.fill(src[e], e * inner, (e + 1) * inner);
        for (let filled = block; filled < total; filled *= 2) col.copyWithin(filled, 0, Math.min(filled, total - filled));
      });
      outer *= t.count;
    }
    for (const v of vars) {
      if (done.has(v.id)) continue;
      columns[v.id].fill(v.finite ? v.boundCode() : v.min());
    }
    return { count: total, params: [...this.params], columns, values };
  }

  /** Whether a configuration (all parameters given) satisfies the domains and every constraint. */
  isValid(config: Config): boolean {
    const m = this.model;
    const env: Value[] = new Array(m.params.length);
    for (let p = 0; p < m.params.length; p++) {
      const param = m.params[p];
      if (!(param.name in config)) return false;
      const v = config[param.name];
      if (param.sorted) {
        if (!param.sorted.some((x) => pyEqual(x, v))) return false;
      } else if (typeof v !== 'number' || !Number.isInteger(v) || v < param.interval!.lo || v > param.interval!.hi) return false;
      env[p] = v;
    }
    if (m.alwaysFalse.length > 0) return false;
    return m.constraints.every((c) => holds(this.root.preds[c.id], env));
  }

  /** `n` distinct configurations drawn uniformly (all of them, shuffled, when n ≥ count). */
  sample(n: number, seed = 0): Config[] {
    const total = this.count();
    const rng = new Random(seed);
    const k = Math.min(n, total);
    // Floyd's algorithm: k distinct indices without materialising 0..total-1
    const chosen = new Set<number>();
    const order: number[] = [];
    for (let j = total - k; j < total; j++) {
      const t = rng.below(j + 1);
      const pick = chosen.has(t) ? j : t;
      chosen.add(pick);
      order.push(pick);
    }
    // Floyd's output order is not uniform; shuffle it
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order.map((i) => this.at(i));
  }

  /**
   * Valid configurations that differ from `config` in exactly one parameter: any other value
   * ('hamming'), or the previous/next value in the listed order ('adjacent'; ±1 for intervals).
   */
  neighbours(config: Config, method: 'hamming' | 'adjacent' = 'hamming'): Config[] {
    const out: Config[] = [];
    for (const p of this.model.params) {
      const here = config[p.name];
      let options: Value[];
      if (p.listed) {
        const i = p.listed.findIndex((x) => pyEqual(x, here));
        options = method === 'adjacent' ? [p.listed[i - 1], p.listed[i + 1]].filter((x) => x !== undefined) : p.listed.filter((_, j) => j !== i);
      } else {
        const x = Number(here);
        options = method === 'adjacent' ? [x - 1, x + 1] : [];
        if (method === 'hamming') {
          // an interval may be huge: its neighbours are those values that keep the configuration valid,
          // found through the constraints on this parameter alone
          const { lo, hi } = p.interval!;
          if (hi - lo <= 4096) for (let y = lo; y <= hi; y++) if (y !== x) options.push(y);
          else options.push(x - 1, x + 1);
        }
      }
      for (const o of options) {
        const cand = { ...config, [p.name]: o };
        if (this.isValid(cand)) out.push(cand);
      }
    }
    return out;
  }

  stats(): SpaceStats {
    const vars = this.root.vars;
    let cartesian = 1;
    for (const p of this.model.params) cartesian *= p.sorted ? p.sorted.length : p.interval!.hi - p.interval!.lo + 1;
    const comps = this.components();
    const errors = new Map<number, { count: number; type: string }>();
    for (const c of [...comps, this.root]) for (const [id, e] of c.runtimeErrors) {
      const r = errors.get(id);
      if (r) r.count += e.count; else errors.set(id, { ...e });
    }
    return {
      cartesian,
      components: comps.length,
      prunedValues: this.model.params.reduce((s, p, i) => s + (p.sorted ? p.sorted.length - Math.max(0, vars[i].size()) : 0), 0),
      fixed: this.root.feasible ? vars.filter((v) => v.size() === 1).map((v) => v.name) : [],
      runtimeErrors: [...errors].map(([id, e]) => ({ constraint: this.model.constraints[id].text, type: e.type, count: e.count })),
    };
  }

  /**
   * The independent components with their configurations: for component c, `params` are parameter
   * indices and `value(k, entry)` the value of params[k] in configuration `entry` of that component.
   * Parameters in no component were fixed by propagation: `fixedValue(p)`. Components whose size is
   * bounded by `tableLimit` are materialised right away.
   */
  blocks(tableLimit = 0): { params: number[]; count: number; value: (k: number, entry: number) => Value }[] {
    return this.components().map((comp) => ({
      params: comp.vars.map((v) => v.id),
      // a table that is sure to be small is built at once (one search instead of a count and then a table)
      count: comp.sizeBound() <= tableLimit ? comp.table().count : comp.count(),
      value: (k: number, entry: number) => comp.valueOf(k, comp.table().columns[k][entry]),
    }));
  }

  fixedValue(p: number): Value { return this.root.vars[p].value(); }

  /** root-propagated domain of a parameter: its remaining values, or its bounds for a wide interval */
  domainOf(name: string): Value[] | { min: number; max: number } {
    const i = this.model.index.get(name);
    if (i === undefined) throw new UserError(`unknown parameter '${name}'`);
    const v = this.root.vars[i];
    if (!this.root.feasible || v.size() <= 0) return [];
    if (!v.finite) return { min: v.min(), max: v.max() };
    return Array.from(v.codes()).sort((a, b) => a - b).map((c) => v.raw[c]);
  }

  private configOf(entry: number[], tables = this.components().map((c) => c.table())): Config {
    const comps = this.components();
    const out: Config = {};
    this.params.forEach((name, p) => {
      const w = this.where[p];
      out[name] = w.comp < 0 ? (this.root.vars[p].value()) : comps[w.comp].valueOf(w.k, tables[w.comp].columns[w.k][entry[w.comp]]);
    });
    return out;
  }

}

/** How a component table stores a variable's value: its code (value lists) or the value (intervals). */
function codeOf(v: IntVar, value: Value): number {
  return v.finite ? v.raw.findIndex((x) => pyEqual(x, value)) : Number(value);
}

/** Python's == between two parameter values (True == 1 == 1.0, strings only equal strings). */
function pyEqual(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return Number(a) === Number(b);
}
