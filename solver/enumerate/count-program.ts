// A component's count as one generated JavaScript function: the plan's levels become nested loops over
// their candidate values, every check is inlined (no call per check), and where the rest of the search
// reads the chosen values only through a few numbers (hotspot: `bx*tx`, `by*ty`, `2+sh`) the subtree
// count is memoised by them, at every such level (dynamic programming along the order).
//
// Counting only: the table is still built by FiniteSearch. A Python runtime error in a check or a memo
// key (e.g. `x % 0`) aborts the program, and the caller falls back to FiniteSearch, which records
// errors per constraint; one in a computed level's formula only means that formula gives no value.
import type { Expr } from '../expr/ast.ts';
import { expressionWriter, type StaticType } from '../expr/compile.ts';
import { rangeOf, type BoxOf } from '../expr/range.ts';
import type { IntVar } from '../engine/var.ts';
import { PyRuntimeError } from '../expr/python.ts';
import { keyText } from './memo-key.ts';

export interface ProgramLevel {
  v: IntVar;
  /** candidate values, ascending (finite vars: the user's values of the surviving codes) */
  values: readonly unknown[];
  checks: { expr: Expr; antitone: boolean }[];
  /** computed level: the value is this expression of earlier levels */
  define?: Expr;
  /** computed level whose value is one of these expressions' values (a disjunction of equalities) */
  options?: Expr[];
}

export interface ProgramMemo {
  /** the subtree below this level (for a tail level: its survivors) is counted once per key */
  level: number;
  key: Expr[];
}

export type CountProgram = () => number;

/** Largest packed key: beyond 2^53 doubles no longer hold every integer. */
const PACK_LIMIT = 2 ** 52;
/** Most key combinations for which a memo is a plain array rather than a Map. */
const ARRAY_MEMO_LIMIT = 1 << 16;

export function compileCount(
  levels: readonly ProgramLevel[],
  tail: number,
  memos: readonly ProgramMemo[],
  cur: unknown[],
  /** every name the checks read: the component's levels and the parameters fixed at the root */
  slotOf: (name: string) => number,
  typeOf: (name: string) => StaticType,
  box: BoxOf,
  integral: ReadonlySet<string>,
): CountProgram {
  // the component's values live in locals (registers once optimised), not in the slot array
  const localOf = new Map(levels.map((l) => [l.v.name, `x${l.v.id}`]));
  const w = expressionWriter(slotOf, typeOf, (name) => localOf.get(name));
  const memoAt = new Map(memos.map((m) => [m.level, m.key]));
  const domainMaps = new Map<ProgramLevel, string>();
  const consts: unknown[] = [];
  const constant = (x: unknown) => { consts.push(x); return `k${consts.length - 1}`; };

  const loopVar = (i: number) => `j${i}`;
  /** code that makes the checks of level i hold, or leaves the current iteration (break/continue) */
  const guard = (l: ProgramLevel, leave: (antitone: boolean) => string) =>
    l.checks.map((c) => `if (!${w.truth(c.expr)}) ${leave(c.antitone)}`).join('\n');

  /** the value of a computed level, mapped to the domain's own value (undefined: outside the domain) */
  const computedValue = (l: ProgramLevel, e: Expr): string => {
    const x = w.value(e);
    if (!l.v.finite) return `inInterval(${x}, ${constant(l.v)})`;
    let map = domainMaps.get(l);
    if (map === undefined) {
      domainMaps.set(l, (map = constant(new Map<unknown, unknown>(l.values.map((val) => [typeof val === 'boolean' ? Number(val) : val, val])))));
    }
    return `domainValue(${x}, ${map})`;
  };

  const gen = (i: number, acc: string): string => {
    if (i === tail) return tailCode(acc);
    const key = memoAt.get(i);
    if (key === undefined) return loop(i, acc);
    const s = `s${i}`;
    return `{ ${memoised(i, key, s, loop(i, s))}\n${acc} += ${s}; }`;
  };

  /** `sum` declared and set to what `code` adds to it, `code` run only the first time the key is seen */
  const memoised = (i: number, key: Expr[], sum: string, code: string): string => {
    const t = memoTable(key, `key${i}`);
    return `${t.key} let ${sum} = ${t.get};
if (${sum} === undefined) { ${sum} = 0;
${code}
${t.set(sum)} }`;
  };

  /** a searched level: its candidates in turn, `then` for each that passes the level's checks */
  const scan = (i: number, then: string): string => {
    const l = levels[i];
    const d = constant(l.values);
    const j = loopVar(i);
    return `for (let ${j} = 0; ${j} < ${d}.length; ${j}++) { x${l.v.id} = ${d}[${j}];
${guard(l, (antitone) => (antitone ? 'break;' : 'continue;'))}
${then} }`;
  };

  /**
   * A computed level: each formula's value in turn (a value two options share is taken once), with the
   * level's checks; `then` is the code for a value that passes. A formula that raises gives no value
   * (as in FiniteSearch: the disjunct that holds it may never evaluate it).
   */
  const computedLevel = (i: number, then: string): string => {
    const l = levels[i];
    const exprs = l.define ? [l.define] : l.options!;
    const x = `o${i}`, q = `q${i}`, seen = constant(new Array(exprs.length));
    // one loop over the options, not one copy of the subtree's code per option (that would grow
    // exponentially with the number of such levels)
    const cases = exprs.map((e, k) => `case ${k}: ${x} = ${computedValue(l, e)}; break;`).join(' ');
    return `for (let ${q} = 0; ${q} < ${exprs.length}; ${q}++) {
let ${x};
try { switch (${q}) { ${cases} } } catch (e) { if (!(e instanceof PyRuntimeError)) throw e; }
${seen}[${q}] = ${x};
if (${x} === undefined) continue;
let dup${i} = false; for (let p = 0; p < ${q}; p++) if (${seen}[p] === ${x}) dup${i} = true;
if (dup${i}) continue;
x${l.v.id} = ${x};
${guard(l, () => 'continue;')}
${then} }`;
  };

  const loop = (i: number, acc: string): string => {
    const l = levels[i];
    return l.define || l.options ? computedLevel(i, gen(i + 1, acc)) : scan(i, gen(i + 1, acc));
  };

  /** the independent tail: each level's survivors counted on their own, the counts multiplied */
  const tailCode = (acc: string): string => {
    if (tail === levels.length) return `${acc} += 1;`;
    const parts: string[] = [];
    for (let i = tail; i < levels.length; i++) {
      const l = levels[i];
      const c = `c${i}`;
      const code = l.define || l.options ? computedLevel(i, `${c}++;`) : scan(i, `${c}++;`);
      const key = memoAt.get(i);
      parts.push(key === undefined ? `let ${c} = 0;\n${code}` : memoised(i, key, c, code));
    }
    const product = Array.from({ length: levels.length - tail }, (_, k) => `c${tail + k}`).join(' * ');
    return `{ ${parts.join('\n')}\n${acc} += ${product}; }`;
  };

  /**
   * A memo table for these key values: an array indexed by one packed number when they are bounded
   * integers with few combinations, a Map by that number when there are more, a Map by their text
   * otherwise. Returns the code declaring the key (as `name`), and reading and writing an entry.
   */
  const memoTable = (key: Expr[], name: string) => {
    const ranges = key.map((e) => (isIntegral(e, integral) ? rangeOf(e, box) : null));
    let width = 1;
    const packable = ranges.every((r) => {
      if (!r || !Number.isFinite(r.lo) || !Number.isFinite(r.hi)) return false;
      width *= r.hi - r.lo + 1;
      return width <= PACK_LIMIT;
    });
    let js: string;
    if (packable) {
      js = '0';
      key.forEach((e, k) => {
        const r = ranges[k]!;
        js = `(${js}) * ${r.hi - r.lo + 1} + (${w.value(e)} - (${r.lo}))`;
      });
    } else {
      js = key.map((e) => `keyText(${w.value(e)})`).join(` + "," + `);
    }
    // an array lookup is a few instructions, a Map lookup a hash and a probe
    const m = constant(packable && width <= ARRAY_MEMO_LIMIT ? new Array(width) : new Map<unknown, number>());
    const isArray = packable && width <= ARRAY_MEMO_LIMIT;
    return {
      key: `const ${name} = ${js};`,
      get: isArray ? `${m}[${name}]` : `${m}.get(${name})`,
      set: (x: string) => (isArray ? `${m}[${name}] = ${x};` : `${m}.set(${name}, ${x});`),
    };
  };

  const body = `let total = 0;\n${gen(0, 'total')}\nreturn total;`;
  const src = `"use strict"; ${w.preamble()} const { inInterval, domainValue, keyText, PyRuntimeError } = h;
return function countComponent(v, c) { const [${consts.map((_, k) => `k${k}`).join(', ')}] = c; let ${[...localOf.values()].join(', ')}; ${w.declarations()} ${body} };`;
  let fn = programs.get(src);
  if (fn === undefined) {
    fn = new Function('h', src)({ ...w.helpers, inInterval, domainValue, keyText, PyRuntimeError }) as (v: unknown[], c: unknown[]) => number;
    if (programs.size >= PROGRAM_CACHE) programs.delete(programs.keys().next().value!);
    programs.set(src, fn);
  }
  const program = fn;
  return () => program(cur, consts);
}

/**
 * Compiled programs by their source text. A program reads everything that differs between runs (the
 * domains, the memo tables, the values) from its arguments, so the same source is the same function;
 * V8 caches the parse of a repeated source too, but a new closure starts cold each time, in the
 * interpreter, while this one keeps its optimised code.
 */
const programs = new Map<string, (v: unknown[], c: unknown[]) => number>();
const PROGRAM_CACHE = 256;

/** Forgets every compiled program (benchmarks measure the cost of compiling them with it). */
export function clearCountPrograms(): void {
  programs.clear();
}

function inInterval(x: unknown, v: IntVar): number | undefined {
  const n = typeof x === 'boolean' ? Number(x) : x;
  return typeof n === 'number' && v.containsValue(n) ? n : undefined;
}

function domainValue(x: unknown, byValue: Map<unknown, unknown>): unknown {
  return byValue.get(typeof x === 'boolean' ? Number(x) : x);
}

/** The expression's value is an integer whenever it is a number: built from integral names with + - * // % abs min max. */
function isIntegral(e: Expr, integral: ReadonlySet<string>): boolean {
  switch (e.kind) {
    case 'num': return Number.isInteger(e.value);
    case 'bool': return true;
    case 'name': return integral.has(e.name);
    case 'unary': return e.op !== 'not' ? isIntegral(e.arg, integral) : true;
    case 'binary': return (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '//' || e.op === '%') && isIntegral(e.left, integral) && isIntegral(e.right, integral);
    case 'compare': return true;
    case 'call': return (e.fn === 'abs' || e.fn === 'min' || e.fn === 'max') && e.args.every((a) => isIntegral(a, integral));
    default: return false;
  }
}
