// fast-check generators for expression trees and environments, shared by the property tests.
import fc from 'fast-check';
import type { ArithOp, CallName, CompareOp, Expr, Value } from '../../../solver/expr/ast.ts';

const at = { start: 0, end: 0 };

export interface TreeOptions {
  /** names that may appear */
  names: readonly string[];
  /** include string and bool literals */
  strings?: boolean;
  /** include float literals */
  floats?: boolean;
  maxDepth?: number;
}

const ARITH: readonly ArithOp[] = ['+', '-', '*', '/', '//', '%', '**'];
const ORDER: readonly CompareOp[] = ['<', '<=', '>', '>=', '==', '!='];

/** Random trees that respect the parser's rules (lists only after `in` or inside min/max/len). */
export function exprArb(opts: TreeOptions): fc.Arbitrary<Expr> {
  const ints = fc.integer({ min: 0, max: 9 }).map((value): Expr => ({ kind: 'num', value, isFloat: false, ...at }));
  const floats = fc.constantFrom(0.5, 1.5, 2.5, 0.1, 3.0).map((value): Expr => ({ kind: 'num', value, isFloat: true, ...at }));
  const strs = fc.constantFrom('', 'a', 'ab', 'b').map((value): Expr => ({ kind: 'str', value, ...at }));
  const bools = fc.boolean().map((value): Expr => ({ kind: 'bool', value, ...at }));
  const names = fc.constantFrom(...opts.names).map((name): Expr => ({ kind: 'name', name, ...at }));
  const leaves: Array<fc.Arbitrary<Expr>> = [ints, names, names];
  if (opts.floats !== false) leaves.push(floats);
  if (opts.strings !== false) leaves.push(strs, bools);
  const leaf = fc.oneof(...leaves);

  const { expr } = fc.letrec<{ expr: Expr; list: Expr }>((tie) => {
    const sub = tie('expr');
    const list = fc.array(sub, { maxLength: 3 }).map((items): Expr => ({ kind: 'list', items, ...at }));
    return {
      list,
      expr: fc.oneof(
        { depthSize: 'small', maxDepth: opts.maxDepth ?? 5 },
        leaf,
        fc.record({ op: fc.constantFrom<'-' | '+' | 'not'>('-', '+', 'not'), arg: sub }).map(({ op, arg }): Expr => ({ kind: 'unary', op, arg, ...at })),
        fc.record({ op: fc.constantFrom(...ARITH), left: sub, right: sub }).map(({ op, left, right }): Expr => ({ kind: 'binary', op, left, right, ...at })),
        fc.record({ ops: fc.array(fc.constantFrom(...ORDER), { minLength: 1, maxLength: 3 }), first: sub, rest: fc.array(sub, { minLength: 3, maxLength: 3 }) })
          .map(({ ops, first, rest }): Expr => ({ kind: 'compare', ops, operands: [first, ...rest.slice(0, ops.length)], ...at })),
        fc.record({ not: fc.boolean(), x: sub, items: tie('list') })
          .map(({ not, x, items }): Expr => ({ kind: 'compare', ops: [not ? 'not in' : 'in'], operands: [x, items], ...at })),
        fc.record({ op: fc.constantFrom<'and' | 'or'>('and', 'or'), args: fc.array(sub, { minLength: 2, maxLength: 3 }) })
          .map(({ op, args }): Expr => ({ kind: 'boolop', op, args, ...at })),
        fc.record({ test: sub, then: sub, else: sub }).map((r): Expr => ({ kind: 'ternary', ...r, ...at })),
        fc.record({ fn: fc.constantFrom<CallName>('min', 'max'), args: fc.array(sub, { minLength: 1, maxLength: 3 }) })
          .map(({ fn, args }): Expr => ({ kind: 'call', fn, args, ...at })),
        fc.record({ fn: fc.constantFrom<CallName>('min', 'max', 'len'), items: tie('list') })
          .map(({ fn, items }): Expr => ({ kind: 'call', fn, args: [items], ...at })),
        fc.record({ fn: fc.constantFrom<CallName>('abs', 'int', 'float', 'round', 'bool', 'len'), arg: sub })
          .map(({ fn, arg }): Expr => ({ kind: 'call', fn, args: [arg], ...at })),
        fc.record({ arg: sub, digits: fc.integer({ min: -2, max: 3 }) })
          .map(({ arg, digits }): Expr => ({ kind: 'call', fn: 'round', args: [arg, digits < 0 ? { kind: 'unary', op: '-', arg: { kind: 'num', value: -digits, isFloat: false, ...at }, ...at } : { kind: 'num', value: digits, isFloat: false, ...at }], ...at })),
      ),
    };
  });
  return expr;
}

/** Numbers that exercise signs, zero and fractions. */
export const numberArb = fc.oneof(fc.integer({ min: -6, max: 9 }), fc.constantFrom(0.5, -1.5, 2.5, 1e-3, 7.0));
export const anyValueArb: fc.Arbitrary<Value> = fc.oneof(numberArb, fc.boolean(), fc.constantFrom('', 'a', 'ab', 'b'));

/** Removes positions, so trees from different texts compare structurally. */
export function strip(e: Expr): unknown {
  const { start: _s, end: _e, outerStart: _os, outerEnd: _oe, ...rest } = e;
  const out: Record<string, unknown> = { ...rest };
  for (const [k, v] of Object.entries(rest)) {
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'object' && x !== null ? strip(x as Expr) : x));
    else if (typeof v === 'object' && v !== null) out[k] = strip(v as Expr);
  }
  return out;
}
