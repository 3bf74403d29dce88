// Structural questions the solver asks about a restriction: which names it uses, what it becomes
// once constants are known, its top-level conjuncts (each becomes its own constraint), and whether
// it is linear or a product (so it can go to a specialised propagator instead of generic checking).

import type { BoolNode, Expr, NumNode, StrNode, Value } from './ast.ts';
import { UserError } from '../user-error.ts';
import { evaluate } from './evaluate.ts';
import { PyRuntimeError, truthy } from './python.ts';
import { positionMessage } from './syntax-error.ts';

export { toText } from './to-text.ts';

/** Children in evaluation order (list items included). */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'unary': return [e.arg];
    case 'binary': return [e.left, e.right];
    case 'compare': return e.operands;
    case 'boolop': return e.args;
    case 'call': return e.args;
    case 'list': return e.items;
    case 'ternary': return [e.test, e.then, e.else];
    default: return [];
  }
}

/** Distinct names, in order of first appearance in the text. */
export function freeNames(expr: Expr): string[] {
  const seen = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === 'name') seen.add(e.name);
    else if (e.kind === 'ternary') [e.then, e.test, e.else].forEach(visit); // text order, not evaluation order
    else for (const c of children(e)) visit(c);
  };
  visit(expr);
  return [...seen];
}

function literal(value: Value, span: { start: number; end: number }): NumNode | StrNode | BoolNode {
  const { start, end } = span;
  if (typeof value === 'number') return { kind: 'num', value, isFloat: !Number.isInteger(value), start, end };
  if (typeof value === 'string') return { kind: 'str', value, start, end };
  return { kind: 'bool', value, start, end };
}

function isLiteral(e: Expr): e is NumNode | StrNode | BoolNode {
  return e.kind === 'num' || e.kind === 'str' || e.kind === 'bool';
}

/**
 * Replaces the given names by their values and folds every constant sub-tree (Python semantics:
 * `True and x` becomes `x`, `c if True else d` becomes `c`). A constant sub-tree that raises
 * (`1/0`) is a spec error: UserError naming the position (and the text, when `source` is given) —
 * but only where Python would certainly evaluate it: under a short-circuit (`x > 0 or 1/0 > 0`) or a
 * conditional branch it stays unfolded, and raises (making the configuration invalid) only if reached.
 */
export function substitute(expr: Expr, constants: Readonly<Record<string, Value>>, source?: string, where?: string): Expr {
  const fold = (e: Expr, certain = true): Expr => {
    const keep = { start: e.start, end: e.end, ...(e.outerStart !== undefined ? { outerStart: e.outerStart, outerEnd: e.outerEnd } : {}) };
    let out: Expr;
    switch (e.kind) {
      case 'name':
        return Object.hasOwn(constants, e.name) ? { ...literal(constants[e.name], e), ...keep } : e;
      case 'num':
      case 'str':
      case 'bool':
        return e;
      case 'unary':
        out = { ...e, arg: fold(e.arg, certain) };
        break;
      case 'binary':
        out = { ...e, left: fold(e.left, certain), right: fold(e.right, certain) };
        break;
      case 'compare':
        // in a chain, operands after the second are evaluated only if the links before them hold
        out = { ...e, operands: e.operands.map((o, i) => fold(o, certain && i < 2)) };
        break;
      case 'call':
        out = { ...e, args: e.args.map((a) => fold(a, certain)) };
        break;
      case 'list':
        return { ...e, items: e.items.map((a) => fold(a, certain)) };
      case 'boolop': {
        // A constant operand decides statically: in `and`, truthy ones (not last) vanish and a falsy
        // one ends the chain; mirrored for `or`. Evaluation order and errors are unchanged.
        const args: Expr[] = [];
        let sure = certain; // operands after an undecided one are evaluated only conditionally
        for (let i = 0; i < e.args.length; i++) {
          const f = fold(e.args[i], sure);
          // a non-deciding constant vanishes, unless it is the last operand (which is the result)
          if (i < e.args.length - 1 && isLiteral(f) && truthy(f.value) === (e.op === 'and')) continue;
          args.push(f);
          if (isLiteral(f)) break;
          sure = false;
        }
        if (args.length === 1) return args[0];
        out = { ...e, args };
        break;
      }
      case 'ternary': {
        const test = fold(e.test, certain);
        if (isLiteral(test)) return fold(truthy(test.value) ? e.then : e.else, certain);
        out = { ...e, test, then: fold(e.then, false), else: fold(e.else, false) };
        break;
      }
    }
    if (!children(out).every((c) => isLiteral(c) || (c.kind === 'list' && c.items.every(isLiteral)))) return out;
    try {
      return { ...literal(evaluate(out, () => { throw new Error('unreachable: constant sub-tree'); }), e), ...keep };
    } catch (err) {
      if (!(err instanceof PyRuntimeError)) throw err;
      if (!certain) return out;
      const msg = `constant expression always fails with ${err.message}`;
      throw new UserError(source !== undefined ? positionMessage(msg, e.start, source) : `${msg} (at position ${e.start})`, where);
    }
  };
  return fold(expr);
}

/** Span of a node including its own parentheses, so `text.slice(start, end)` shows the user's text. */
function outer(e: Expr): { start: number; end: number } {
  return { start: e.outerStart ?? e.start, end: e.outerEnd ?? e.end };
}

/**
 * The parts that must all hold: top-level `and` operands and the links of a comparison chain
 * (`a < b <= c` → `a < b`, `b <= c`), recursively. Spans stay on the user's text.
 */
export function splitConjuncts(expr: Expr): Expr[] {
  if (expr.kind === 'boolop' && expr.op === 'and') return expr.args.flatMap(splitConjuncts);
  if (expr.kind === 'compare' && expr.ops.length > 1) {
    return expr.ops.map((op, i) => {
      const a = expr.operands[i];
      const b = expr.operands[i + 1];
      return { kind: 'compare', ops: [op], operands: [a, b], start: outer(a).start, end: outer(b).end } as Expr;
    });
  }
  return [expr];
}

export interface LinearForm { terms: Map<string, number>; constant: number }

/**
 * `expr` as Σ coef·name + constant, for arithmetic built from + - * by constants, unary minus and
 * division by a non-zero constant; null otherwise. Zero coefficients are dropped.
 */
export function linearForm(expr: Expr): LinearForm | null {
  const lin = (e: Expr): LinearForm | null => {
    switch (e.kind) {
      case 'num': return { terms: new Map(), constant: e.value };
      case 'bool': return { terms: new Map(), constant: e.value ? 1 : 0 };
      case 'name': return { terms: new Map([[e.name, 1]]), constant: 0 };
      case 'unary': {
        if (e.op === 'not') return null;
        const a = lin(e.arg);
        return a && (e.op === '+' ? a : scale(a, -1));
      }
      case 'binary': {
        const a = lin(e.left);
        const b = a && lin(e.right);
        if (!a || !b) return null;
        switch (e.op) {
          case '+': return combine(a, b, 1);
          case '-': return combine(a, b, -1);
          case '*':
            if (a.terms.size === 0) return scale(b, a.constant);
            if (b.terms.size === 0) return scale(a, b.constant);
            return null;
          case '/':
            if (b.terms.size === 0 && b.constant !== 0) return scale(a, 1 / b.constant);
            return null;
          default:
            return null;
        }
      }
      default:
        return null;
    }
  };
  const f = lin(expr);
  if (!f) return null;
  for (const [k, c] of f.terms) if (c === 0) f.terms.delete(k);
  return f;
}

function scale(f: LinearForm, k: number): LinearForm {
  return { terms: new Map([...f.terms].map(([n, c]) => [n, c * k])), constant: f.constant * k };
}

function combine(a: LinearForm, b: LinearForm, sign: 1 | -1): LinearForm {
  const terms = new Map(a.terms);
  for (const [n, c] of b.terms) terms.set(n, (terms.get(n) ?? 0) + sign * c);
  return { terms, constant: a.constant + sign * b.constant };
}

export interface ProductForm { coef: number; factors: string[] }

/**
 * `expr` as coef · Π names (a name may repeat), e.g. `BM*BK*2` or `-x**2`; null otherwise.
 * Allows * / (by a non-zero constant), unary minus and ** with a small non-negative integer exponent.
 */
export function productForm(expr: Expr): ProductForm | null {
  const prod = (e: Expr): ProductForm | null => {
    switch (e.kind) {
      case 'num': return { coef: e.value, factors: [] };
      case 'bool': return { coef: e.value ? 1 : 0, factors: [] };
      case 'name': return { coef: 1, factors: [e.name] };
      case 'unary': {
        if (e.op === 'not') return null;
        const a = prod(e.arg);
        return a && (e.op === '+' ? a : { coef: -a.coef, factors: a.factors });
      }
      case 'binary': {
        const a = prod(e.left);
        const b = a && prod(e.right);
        if (!a || !b) return null;
        if (e.op === '*') return { coef: a.coef * b.coef, factors: [...a.factors, ...b.factors] };
        if (e.op === '/' && b.factors.length === 0 && b.coef !== 0) return { coef: a.coef / b.coef, factors: a.factors };
        if (e.op === '**' && b.factors.length === 0 && Number.isInteger(b.coef) && b.coef >= 0 && b.coef <= 16) {
          return { coef: a.coef ** b.coef, factors: Array.from({ length: b.coef }, () => a.factors).flat() };
        }
        return null;
      }
      default:
        return null;
    }
  };
  return prod(expr);
}
