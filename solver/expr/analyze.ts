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
  const out: string[] = [];
  collectNames(expr, out);
  return out;
}

function collectNames(e: Expr, out: string[]): void {
  switch (e.kind) {
    case 'name':
      // a linear scan: expressions name few parameters, and this keeps the walk allocation-free
      if (!out.includes(e.name)) out.push(e.name);
      return;
    case 'unary': collectNames(e.arg, out); return;
    case 'binary': collectNames(e.left, out); collectNames(e.right, out); return;
    case 'ternary': // text order, not evaluation order
      collectNames(e.then, out); collectNames(e.test, out); collectNames(e.else, out); return;
    case 'compare': for (const c of e.operands) collectNames(c, out); return;
    case 'boolop': case 'call': for (const c of e.args) collectNames(c, out); return;
    case 'list': for (const c of e.items) collectNames(c, out); return;
    default: return;
  }
}

/**
 * Pushes the free names of `expr` onto `names` (as freeNames does, skipping those already there) and
 * says whether the tree is settled: nothing in it folds, so substitute(expr, constants) returns `expr`
 * itself whenever none of its names is one of the constants. One walk for both, for buildModel.
 */
export function collectNamesSettled(e: Expr, names: string[]): boolean {
  switch (e.kind) {
    case 'name':
      if (!names.includes(e.name)) names.push(e.name);
      return true;
    case 'num': case 'str': case 'bool':
      return true;
    case 'unary':
      return collectNamesSettled(e.arg, names) && !isConstChild(e.arg);
    case 'binary': {
      const left = collectNamesSettled(e.left, names);
      const right = collectNamesSettled(e.right, names);
      return left && right && !(isConstChild(e.left) && isConstChild(e.right));
    }
    case 'ternary': { // names in text order
      const then = collectNamesSettled(e.then, names);
      const test = collectNamesSettled(e.test, names);
      const orElse = collectNamesSettled(e.else, names);
      return then && test && orElse && !isLiteral(e.test) && !allChildrenConst(e);
    }
    case 'compare': return collectAll(e.operands, names) && !allChildrenConst(e);
    case 'call': return collectAll(e.args, names) && !allChildrenConst(e);
    case 'list': return collectAll(e.items, names);
    case 'boolop': {
      // a literal operand before the last one decides or vanishes; fewer than two operands collapse
      let settled = collectAll(e.args, names) && e.args.length >= 2;
      for (let i = 0; i < e.args.length - 1; i++) if (isLiteral(e.args[i])) settled = false;
      return settled;
    }
  }
}

function collectAll(items: readonly Expr[], names: string[]): boolean {
  let settled = true;
  for (const c of items) if (!collectNamesSettled(c, names)) settled = false;
  return settled;
}

function literal(value: Value, span: { start: number; end: number }): NumNode | StrNode | BoolNode {
  const { start, end } = span;
  if (typeof value === 'number') return { kind: 'num', value, isFloat: !Number.isInteger(value), start, end };
  if (typeof value === 'string') return { kind: 'str', value, start, end };
  return { kind: 'bool', value, start, end };
}

/** The literal `value` in place of `e`: e's span, and its parentheses when it had some. */
function literalFor(value: Value, e: Expr): NumNode | StrNode | BoolNode {
  const lit = literal(value, e);
  if (e.outerStart !== undefined) { lit.outerStart = e.outerStart; lit.outerEnd = e.outerEnd; }
  return lit;
}

function isLiteral(e: Expr): e is NumNode | StrNode | BoolNode {
  return e.kind === 'num' || e.kind === 'str' || e.kind === 'bool';
}

/** A child that a constant node may have: a literal, or a list display of literals. */
function isConstChild(c: Expr): boolean {
  if (isLiteral(c)) return true;
  if (c.kind !== 'list') return false;
  for (const item of c.items) if (!isLiteral(item)) return false;
  return true;
}

/** Whether every child of `e` is constant (then `e` itself can be evaluated now). */
function allChildrenConst(e: Expr): boolean {
  switch (e.kind) {
    case 'unary': return isConstChild(e.arg);
    case 'binary': return isConstChild(e.left) && isConstChild(e.right);
    case 'ternary': return isConstChild(e.test) && isConstChild(e.then) && isConstChild(e.else);
    case 'compare': for (const c of e.operands) if (!isConstChild(c)) return false; return true;
    case 'boolop': case 'call': for (const c of e.args) if (!isConstChild(c)) return false; return true;
    case 'list': for (const c of e.items) if (!isConstChild(c)) return false; return true;
    default: return true;
  }
}

/**
 * `items` folded; the same array when nothing changed, so unchanged sub-trees are shared, not copied.
 * `certainUpTo`: items at this index and beyond are evaluated only conditionally.
 */
function foldAll(items: Expr[], fold: (e: Expr, certain: boolean) => Expr, certain: boolean, certainUpTo: number): Expr[] {
  let out: Expr[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const f = fold(items[i], certain && i < certainUpTo);
    if (out === null) {
      if (f === items[i]) continue;
      out = items.slice(0, i);
    }
    out.push(f);
  }
  return out ?? items;
}

/**
 * Replaces the given names by their values and folds every constant sub-tree (Python semantics:
 * `True and x` becomes `x`, `c if True else d` becomes `c`). A constant sub-tree that raises
 * (`1/0`) is a spec error: UserError naming the position (and the text, when `source` is given) —
 * but only where Python would certainly evaluate it: under a short-circuit (`x > 0 or 1/0 > 0`) or a
 * conditional branch it stays unfolded, and raises (making the configuration invalid) only if reached.
 * Sub-trees that nothing changes are returned as they are (trees are never mutated), not copied.
 */
export function substitute(expr: Expr, constants: Readonly<Record<string, Value>>, source?: string, where?: string): Expr {
  const fold = (e: Expr, certain = true): Expr => {
    let out: Expr;
    switch (e.kind) {
      case 'name':
        return Object.hasOwn(constants, e.name) ? literalFor(constants[e.name], e) : e;
      case 'num':
      case 'str':
      case 'bool':
        return e;
      case 'unary': {
        const arg = fold(e.arg, certain);
        out = arg === e.arg ? e : { ...e, arg };
        break;
      }
      case 'binary': {
        const left = fold(e.left, certain);
        const right = fold(e.right, certain);
        out = left === e.left && right === e.right ? e : { ...e, left, right };
        break;
      }
      case 'compare': {
        // in a chain, operands after the second are evaluated only if the links before them hold
        const operands = foldAll(e.operands, fold, certain, 2);
        out = operands === e.operands ? e : { ...e, operands };
        break;
      }
      case 'call': {
        const args = foldAll(e.args, fold, certain, Infinity);
        out = args === e.args ? e : { ...e, args };
        break;
      }
      case 'list': {
        const items = foldAll(e.items, fold, certain, Infinity);
        return items === e.items ? e : { ...e, items };
      }
      case 'boolop': {
        // A constant operand decides statically: in `and`, truthy ones (not last) vanish and a falsy
        // one ends the chain; mirrored for `or`. Evaluation order and errors are unchanged.
        const args: Expr[] = [];
        let same = true;
        let sure = certain; // operands after an undecided one are evaluated only conditionally
        for (let i = 0; i < e.args.length; i++) {
          const f = fold(e.args[i], sure);
          if (f !== e.args[i]) same = false;
          // a non-deciding constant vanishes, unless it is the last operand (which is the result)
          if (i < e.args.length - 1 && isLiteral(f) && truthy(f.value) === (e.op === 'and')) { same = false; continue; }
          args.push(f);
          if (isLiteral(f)) break;
          sure = false;
        }
        if (args.length === 1) return args[0];
        out = same && args.length === e.args.length ? e : { ...e, args };
        break;
      }
      case 'ternary': {
        const test = fold(e.test, certain);
        if (isLiteral(test)) return fold(truthy(test.value) ? e.then : e.else, certain);
        const then = fold(e.then, false);
        const orElse = fold(e.else, false);
        out = test === e.test && then === e.then && orElse === e.else ? e : { ...e, test, then, else: orElse };
        break;
      }
    }
    if (!allChildrenConst(out)) return out;
    try {
      return literalFor(evaluate(out, () => { throw new Error('unreachable: constant sub-tree'); }), e);
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
  const out: Expr[] = [];
  pushConjuncts(expr, out);
  return out;
}

function pushConjuncts(expr: Expr, out: Expr[]): void {
  if (expr.kind === 'boolop' && expr.op === 'and') {
    for (const a of expr.args) pushConjuncts(a, out);
    return;
  }
  if (expr.kind === 'compare' && expr.ops.length > 1) {
    for (let i = 0; i < expr.ops.length; i++) {
      const a = expr.operands[i];
      const b = expr.operands[i + 1];
      out.push({ kind: 'compare', ops: [expr.ops[i]], operands: [a, b], start: outer(a).start, end: outer(b).end });
    }
    return;
  }
  out.push(expr);
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
