// Compiles an expression tree to a JavaScript function, once, for the solver's inner loop.
//
// The source is generated from the AST only (names become `v[slot]`, numbers go through String(),
// strings through JSON.stringify), so no user text ever reaches `new Function`. Where Python and
// JavaScript agree for the static types involved (numbers/bools: + - * < == ...), plain JS operators
// are emitted; python.ts helpers are called only where they differ (floored % and //, division by
// zero, **, strings). Intermediate values live in local `let` temporaries: no allocation for
// numeric expressions. The result must agree exactly with evaluate.ts (tested differentially).

import type { CompareOp, Expr, Value } from './ast.ts';
import { UserError } from '../user-error.ts';
import * as py from './python.ts';

/** What the caller knows about a name's values; 'any' (the default) is always correct but slower. */
export type StaticType = 'number' | 'boolean' | 'string' | 'any';

/** The static type that covers every value in a parameter's value list. */
export function staticTypeOf(values: readonly Value[]): StaticType {
  if (values.length === 0) return 'any';
  const t = typeof values[0];
  if (!values.every((v) => typeof v === t)) return 'any';
  return t as 'number' | 'boolean' | 'string';
}

// Static types as bit sets.
const NUM = 1;
const BOOL = 2;
const STR = 4;
const ANY = NUM | BOOL | STR;
const TYPE_BITS: Record<StaticType, number> = { number: NUM, boolean: BOOL, string: STR, any: ANY };

/** Only numbers and booleans: JS arithmetic and ordering agree with Python's. */
const numeric = (t: number): boolean => (t & STR) === 0;

interface Code { js: string; t: number }

/** The helpers generated code may call, bound as constants of the generated closure. */
const HELPERS = {
  numDiv: py.numDiv, numFloorDiv: py.numFloorDiv, numMod: py.numMod, numPow: py.numPow,
  add: py.add, sub: py.sub, mul: py.mul, div: py.div, floorDiv: py.floorDiv, mod: py.mod, pow: py.pow,
  neg: py.neg, pos: py.pos, truthy: py.truthy, eq: py.eq, lt: py.lt, le: py.le, gt: py.gt, ge: py.ge,
  inOp: (x: Value, container: Value): boolean => py.contains(container, x),
  minOf: py.minOf, maxOf: py.maxOf, iterate: py.iterate, abs: py.abs, toInt: py.toInt, toFloat: py.toFloat,
  round: py.round, len: py.len,
};

export type Compiled = (v: ArrayLike<Value>) => Value;
export type CompiledPredicate = (v: ArrayLike<Value>) => boolean;

/** Compiles `expr` to a function of the slot array; `slotOf` maps each name to its index in `v`. */
export function compileExpr(expr: Expr, slotOf: (name: string) => number, typeOf?: (name: string) => StaticType): Compiled {
  const g = new Generator(slotOf, typeOf);
  return g.build(g.value(expr).js) as Compiled;
}

/**
 * Several predicates fused into one function that returns the index of the first one that is falsy,
 * or −1 when all hold: one call per candidate in the enumerator's inner loop instead of one per check.
 */
export function compileFirstFailing(exprs: readonly Expr[], slotOf: (name: string) => number, typeOf?: (name: string) => StaticType): (v: ArrayLike<Value>) => number {
  const g = new Generator(slotOf, typeOf);
  let body = '-1';
  for (let i = exprs.length - 1; i >= 0; i--) body = `(${g.truth(exprs[i])} ? ${body} : ${i})`;
  return g.build(body) as (v: ArrayLike<Value>) => number;
}

/** Like compileExpr but returns Python truthiness of the result; a PyRuntimeError propagates. */
export function compilePredicate(expr: Expr, slotOf: (name: string) => number, typeOf?: (name: string) => StaticType): CompiledPredicate {
  const g = new Generator(slotOf, typeOf);
  return g.build(g.truth(expr)) as CompiledPredicate;
}

/**
 * Several expressions compiled by one `new Function`: predicates (Python truthiness) and values. The
 * per-call overhead of `new Function` (parsing or a cache lookup, then binding the helpers) is paid
 * once instead of once per expression — root propagation compiles every constraint of a space.
 * Errors (unknown names, misplaced lists) are thrown for the first offending expression, as a loop of
 * single compilations would.
 */
export function compileMany(items: readonly { expr: Expr; as: 'predicate' | 'value' }[], slotOf: (name: string) => number, typeOf?: (name: string) => StaticType): Function[] {
  if (items.length === 0) return [];
  const used = new Set<HelperName>();
  let fns = '';
  for (let i = 0; i < items.length; i++) {
    const g = new Generator(slotOf, typeOf, used);
    const body = items[i].as === 'predicate' ? g.truth(items[i].expr) : g.value(items[i].expr).js;
    fns += `${i > 0 ? ',' : ''}function(v){${g.declaration()}return ${body}}`;
  }
  return new Function('h', `"use strict";${preamble(used)}return [${fns}];`)(HELPERS) as Function[];
}

type HelperName = keyof typeof HELPERS;

/**
 * Binds the helpers the code calls, and only those: the source is shorter, and a `new Function` whose
 * source V8 has seen before costs about 2 µs per KB (the cache key is the whole text).
 */
function preamble(used: ReadonlySet<HelperName>): string {
  if (used.size === 0) return '';
  let names = '';
  for (const n of used) names += names ? `,${n}` : n;
  return `const {${names}}=h;`;
}

class Generator {
  private temps = 0;

  constructor(
    private readonly slotOf: (name: string) => number,
    private readonly typeOf?: (name: string) => StaticType,
    /** the helpers the generated code calls */
    private readonly used: Set<HelperName> = new Set(),
    /** names read from a local variable of the generated code rather than from `v` */
    private readonly local?: (name: string) => string | undefined,
  ) {}

  build(body: string): Function {
    const src = `"use strict";${preamble(this.used)}return function compiled(v){${this.declaration()}return ${body}};`;
    return new Function('h', src)(HELPERS) as Function;
  }

  /** a helper's name in generated code (recorded as used) */
  private u(name: HelperName): string {
    this.used.add(name);
    return name;
  }

  /** `let t0, t1, …;` for the temporaries used so far */
  declaration(): string {
    if (this.temps === 0) return '';
    let d = 'let t0';
    for (let i = 1; i < this.temps; i++) d += `, t${i}`;
    return d + ';';
  }

  private temp(): string {
    return `t${this.temps++}`;
  }

  /** JS code for Python truthiness of an already generated value. */
  private truthOf(c: Code): string {
    if (c.t === NUM) return `(${c.js} !== 0)`; // NaN stays truthy, as in Python
    if (c.t === BOOL) return c.js;
    if (c.t === STR) return `(${c.js} !== "")`;
    if (numeric(c.t)) return `(${c.js} != 0)`; // number or bool: JS == converts the bool
    return `${this.u('truthy')}(${c.js})`;
  }

  /** JS code for the truthiness of `e`, avoiding building the Python value where possible. */
  truth(e: Expr): string {
    if (e.kind === 'boolop') return `(${e.args.map((a) => this.truth(a)).join(e.op === 'and' ? ' && ' : ' || ')})`;
    if (e.kind === 'unary' && e.op === 'not') return `(!${this.truth(e.arg)})`;
    return this.truthOf(this.value(e));
  }

  /** A number-typed operand for the numeric kernels (booleans converted, so `false` counts as 0). */
  private num(c: Code): string {
    return c.t === NUM ? c.js : `(+${c.js})`;
  }

  value(e: Expr): Code {
    switch (e.kind) {
      case 'num':
        return { js: numberLiteral(e.value), t: NUM };
      case 'str':
        return { js: JSON.stringify(e.value), t: STR };
      case 'bool':
        return { js: e.value ? 'true' : 'false', t: BOOL };
      case 'name': {
        const local = this.local?.(e.name);
        if (local !== undefined) return { js: local, t: TYPE_BITS[this.typeOf?.(e.name) ?? 'any'] ?? ANY };
        const slot = this.slotOf(e.name);
        if (!Number.isInteger(slot) || slot < 0) throw new UserError(`unknown name '${e.name}'`);
        return { js: `v[${slot}]`, t: TYPE_BITS[this.typeOf?.(e.name) ?? 'any'] ?? ANY };
      }
      case 'unary': {
        if (e.op === 'not') return { js: `(!${this.truth(e.arg)})`, t: BOOL };
        const a = this.value(e.arg);
        if (e.op === '-') return numeric(a.t) ? { js: `(-${a.js})`, t: NUM } : { js: `${this.u('neg')}(${a.js})`, t: NUM };
        if (a.t === NUM) return a;
        return numeric(a.t) ? { js: `(+${a.js})`, t: NUM } : { js: `${this.u('pos')}(${a.js})`, t: NUM };
      }
      case 'binary':
        return this.binary(e.op, this.value(e.left), this.value(e.right));
      case 'compare':
        return { js: this.compare(e.ops, e.operands), t: BOOL };
      case 'boolop': {
        // Python returns the deciding operand: (truthy(t = a) ? (truthy(t = b) ? c : t) : t) for `and`
        const t = this.temp();
        const codes = e.args.map((a) => this.value(a));
        let js = codes[codes.length - 1].js;
        let type = 0;
        for (const c of codes) type |= c.t;
        for (let i = e.args.length - 2; i >= 0; i--) {
          const test = this.truthOf({ js: `(${t} = ${codes[i].js})`, t: codes[i].t });
          js = e.op === 'and' ? `(${test} ? ${js} : ${t})` : `(${test} ? ${t} : ${js})`;
        }
        return { js, t: type };
      }
      case 'ternary': {
        const a = this.value(e.then);
        const b = this.value(e.else);
        return { js: `(${this.truth(e.test)} ? ${a.js} : ${b.js})`, t: a.t | b.t };
      }
      case 'call':
        return this.call(e.fn, e.args);
      case 'list':
        throw new UserError("a list is only allowed after 'in' / 'not in' or as the argument of min(), max() or len()");
    }
  }

  private binary(op: string, a: Code, b: Code): Code {
    const nums = numeric(a.t) && numeric(b.t);
    switch (op) {
      case '+':
        if (nums) return { js: `(${a.js} + ${b.js})`, t: NUM };
        // numbers add to a number, strings concatenate; anything else raises
        return { js: `${this.u('add')}(${a.js}, ${b.js})`, t: ((a.t & b.t & STR) | ((a.t & ~STR) && (b.t & ~STR) ? NUM : 0)) || NUM };
      case '-':
        return nums ? { js: `(${a.js} - ${b.js})`, t: NUM } : { js: `${this.u('sub')}(${a.js}, ${b.js})`, t: NUM };
      case '*':
        return nums ? { js: `(${a.js} * ${b.js})`, t: NUM } : { js: `${this.u('mul')}(${a.js}, ${b.js})`, t: NUM | ((a.t | b.t) & STR) };
      case '/':
        return nums ? { js: `${this.u('numDiv')}(${this.num(a)}, ${this.num(b)})`, t: NUM } : { js: `${this.u('div')}(${a.js}, ${b.js})`, t: NUM };
      case '//':
        return nums ? { js: `${this.u('numFloorDiv')}(${this.num(a)}, ${this.num(b)})`, t: NUM } : { js: `${this.u('floorDiv')}(${a.js}, ${b.js})`, t: NUM };
      case '%': {
        if (!nums) return { js: `${this.u('mod')}(${a.js}, ${b.js})`, t: NUM };
        // Non-negative dividend and positive divisor: JS % is already Python's %.
        const x = this.temp();
        if (isPositiveLiteral(b.js)) return { js: `((${x} = ${this.num(a)}) >= 0 ? ${x} % ${b.js} : ${this.u('numMod')}(${x}, ${b.js}))`, t: NUM };
        const y = this.temp();
        return { js: `((${x} = ${this.num(a)}), (${y} = ${this.num(b)}), (${y} > 0 && ${x} >= 0) ? ${x} % ${y} : ${this.u('numMod')}(${x}, ${y}))`, t: NUM };
      }
      case '**':
        return nums ? { js: `${this.u('numPow')}(${this.num(a)}, ${this.num(b)})`, t: NUM } : { js: `${this.u('pow')}(${a.js}, ${b.js})`, t: NUM };
    }
    throw new Error(`unknown operator ${op}`);
  }

  /** `a == b` for already generated, each-evaluated-once operands. */
  private eq(a: Code, b: Code): string {
    if (a.t === NUM && b.t === NUM) return `(${a.js} === ${b.js})`;
    if (numeric(a.t) && numeric(b.t)) return `(${a.js} == ${b.js})`; // JS == converts bool to number, like Python
    if (a.t === STR && b.t === STR) return `(${a.js} === ${b.js})`;
    if ((a.t === STR && numeric(b.t)) || (b.t === STR && numeric(a.t))) return `(${a.js}, ${b.js}, false)`;
    return `${this.u('eq')}(${a.js}, ${b.js})`;
  }

  private order(op: '<' | '<=' | '>' | '>=', a: Code, b: Code): string {
    if (numeric(a.t) && numeric(b.t)) return `(${a.js} ${op} ${b.js})`;
    const fn = op === '<' ? 'lt' : op === '<=' ? 'le' : op === '>' ? 'gt' : 'ge';
    return `${this.u(fn)}(${a.js}, ${b.js})`;
  }

  /** One link of a comparison chain; `a` is evaluated before the right operand. */
  private link(op: CompareOp, a: Code, right: Expr, bind: boolean): { js: string; next: Code } {
    if ((op === 'in' || op === 'not in') && right.kind === 'list') {
      // Python evaluates x and every item, then compares item by item.
      const x = this.temp();
      const xs: Code = { js: x, t: a.t };
      const parts = [`(${x} = ${a.js})`];
      const tests: string[] = [];
      for (const item of right.items) {
        const c = this.value(item);
        if (item.kind === 'num' || item.kind === 'str' || item.kind === 'bool') { // pure: no temporary needed
          tests.push(this.eq(xs, c));
          continue;
        }
        const ti = this.temp();
        parts.push(`(${ti} = ${c.js})`);
        tests.push(this.eq(xs, { js: ti, t: c.t }));
      }
      const any = tests.length ? `(${tests.join(' || ')})` : 'false';
      parts.push(op === 'in' ? any : `(!${any})`);
      return { js: `(${parts.join(', ')})`, next: xs };
    }
    let b = this.value(right);
    let bFirst = b.js;
    if (bind) {
      const t = this.temp();
      bFirst = `(${t} = ${b.js})`;
      b = { js: t, t: b.t };
    }
    const bf: Code = { js: bFirst, t: b.t };
    let js: string;
    switch (op) {
      case '==': js = this.eq(a, bf); break;
      case '!=': js = `(!${this.eq(a, bf)})`; break;
      case 'in': js = `${this.u('inOp')}(${a.js}, ${bFirst})`; break;
      case 'not in': js = `(!${this.u('inOp')}(${a.js}, ${bFirst}))`; break;
      default: js = this.order(op, a, bf);
    }
    return { js, next: b };
  }

  private compare(ops: readonly CompareOp[], operands: readonly Expr[]): string {
    let left = this.value(operands[0]);
    const links: string[] = [];
    for (let i = 0; i < ops.length; i++) {
      const last = i === ops.length - 1;
      const { js, next } = this.link(ops[i], left, operands[i + 1], !last);
      links.push(js);
      left = next;
    }
    return links.length === 1 ? links[0] : `(${links.join(' && ')})`;
  }

  private call(fn: string, args: readonly Expr[]): Code {
    switch (fn) {
      case 'min':
      case 'max': {
        const items = args.length === 1 ? (args[0].kind === 'list' ? args[0].items : undefined) : args;
        if (!items) {
          const a = this.value(args[0]);
          return { js: `${this.u(`${fn}Of`)}(${this.u('iterate')}(${a.js}))`, t: a.t === STR ? STR : ANY };
        }
        const codes = items.map((i) => this.value(i));
        let type = 0;
        for (const c of codes) type |= c.t;
        if (codes.length === 0) return { js: `${this.u(`${fn}Of`)}([])`, t: ANY };
        if (!numeric(type)) return { js: `${this.u(`${fn}Of`)}([${codes.map((c) => c.js).join(', ')}])`, t: type };
        // Keep the first of equal items, and NaN where Python keeps it: replace only if strictly better.
        const best = this.temp();
        const cur = this.temp();
        const cmp = fn === 'min' ? '<' : '>';
        const parts = [`(${best} = ${codes[0].js})`];
        for (const c of codes.slice(1)) parts.push(`(${cur} = ${c.js})`, `(${best} = ${cur} ${cmp} ${best} ? ${cur} : ${best})`);
        parts.push(best);
        return { js: `(${parts.join(', ')})`, t: type };
      }
      case 'len': {
        if (args[0].kind === 'list') {
          const items = args[0].items.map((i) => this.value(i).js);
          return { js: items.length ? `(${items.join(', ')}, ${items.length})` : '0', t: NUM };
        }
        return { js: `${this.u('len')}(${this.value(args[0]).js})`, t: NUM };
      }
      case 'abs': {
        const a = this.value(args[0]);
        return { js: numeric(a.t) ? `Math.abs(${a.js})` : `${this.u('abs')}(${a.js})`, t: NUM };
      }
      case 'int': {
        if (args.length === 0) return { js: '0', t: NUM };
        const a = this.value(args[0]);
        return { js: a.t === BOOL ? `(+${a.js})` : `${this.u('toInt')}(${a.js})`, t: NUM };
      }
      case 'float': {
        if (args.length === 0) return { js: '0', t: NUM };
        const a = this.value(args[0]);
        return { js: a.t === NUM ? a.js : a.t === BOOL ? `(+${a.js})` : `${this.u('toFloat')}(${a.js})`, t: NUM };
      }
      case 'bool':
        return { js: args.length === 0 ? 'false' : this.truth(args[0]), t: BOOL };
      case 'round': {
        const a = this.value(args[0]);
        return { js: args.length === 1 ? `${this.u('round')}(${a.js})` : `${this.u('round')}(${a.js}, ${this.value(args[1]).js})`, t: NUM };
      }
    }
    throw new UserError(`unknown function '${fn}'`);
  }
}

function isPositiveLiteral(js: string): boolean {
  return /^[0-9.e+]+$/.test(js) && Number(js) > 0;
}

function numberLiteral(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '(-Infinity)';
  if (x === 0) return '0';
  return x < 0 ? `(${String(x)})` : String(x);
}

/**
 * For generators of larger functions (enumerate/count-program.ts) that inline many expressions into
 * one body: the source of each expression's truth or value, the temporaries they need (to declare
 * once at the top of the body) and the helpers the source calls.
 */
export function expressionWriter(slotOf: (name: string) => number, typeOf?: (name: string) => StaticType, local?: (name: string) => string | undefined) {
  const used = new Set<HelperName>();
  const g = new Generator(slotOf, typeOf, used, local);
  return {
    truth: (e: Expr): string => g.truth(e),
    value: (e: Expr): string => g.value(e).js,
    declarations: (): string => g.declaration(),
    /** binds, from `h`, the helpers the code written so far calls */
    preamble: (): string => preamble(used),
    helpers: HELPERS as Record<string, unknown>,
  };
}
