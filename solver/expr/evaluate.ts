// Tree-walking reference evaluator: slow but obviously Python. It is the ground truth that the
// compiled evaluator (compile.ts) and the range analysis (range.ts) are tested against.

import type { BinaryNode, CompareNode, Expr, Value } from './ast.ts';
import { UserError } from '../user-error.ts';
import * as py from './python.ts';

export type Env = (name: string) => Value;

/** Evaluates `expr`; an unknown name is the caller's business: `env` should throw a UserError. */
export function evaluate(expr: Expr, env: Env): Value {
  switch (expr.kind) {
    case 'num':
    case 'str':
    case 'bool':
      return expr.value;
    case 'name': {
      const v = env(expr.name);
      if (v === undefined) throw new UserError(`unknown name '${expr.name}'`);
      return v;
    }
    case 'unary': {
      const a = evaluate(expr.arg, env);
      return expr.op === '-' ? py.neg(a) : expr.op === '+' ? py.pos(a) : py.not(a);
    }
    case 'binary':
      return binary(expr, evaluate(expr.left, env), evaluate(expr.right, env));
    case 'compare':
      return compareChain(expr, env);
    case 'boolop': {
      // Python returns the deciding operand itself, not a bool
      let v: Value = false;
      for (const arg of expr.args) {
        v = evaluate(arg, env);
        if (py.truthy(v) === (expr.op === 'or')) return v;
      }
      return v;
    }
    case 'ternary':
      return py.truthy(evaluate(expr.test, env)) ? evaluate(expr.then, env) : evaluate(expr.else, env);
    case 'call':
      return call(expr.fn, expr.args, env);
    case 'list':
      throw new UserError("a list is only allowed after 'in' / 'not in' or as the argument of min(), max() or len()");
  }
}

function binary(e: BinaryNode, a: Value, b: Value): Value {
  switch (e.op) {
    case '+': return py.add(a, b);
    case '-': return py.sub(a, b);
    case '*': return py.mul(a, b);
    case '/': return py.div(a, b);
    case '//': return py.floorDiv(a, b);
    case '%': return py.mod(a, b);
    case '**': return py.pow(a, b);
  }
}

/** Evaluates an operand that may be a list display (only where the parser allows one). */
function operand(e: Expr, env: Env): Value | Value[] {
  return e.kind === 'list' ? e.items.map((item) => evaluate(item, env)) : evaluate(e, env);
}

/** `a < b < c` is `a < b and b < c` with b evaluated once; stops at the first false link. */
function compareChain(e: CompareNode, env: Env): boolean {
  let left = evaluate(e.operands[0], env);
  for (let i = 0; i < e.ops.length; i++) {
    const right = operand(e.operands[i + 1], env);
    if (!py.compare(e.ops[i], left, right)) return false;
    left = right as Value; // a list is always the last operand
  }
  return true;
}

function call(fn: string, argNodes: readonly Expr[], env: Env): Value {
  const args = argNodes.map((a) => operand(a, env));
  switch (fn) {
    case 'min':
    case 'max': {
      const items = args.length === 1 ? py.iterate(args[0]) : (args as Value[]);
      return fn === 'min' ? py.minOf(items) : py.maxOf(items);
    }
    case 'len': return py.len(args[0]);
    case 'abs': return py.abs(args[0] as Value);
    case 'int': return args.length === 0 ? 0 : py.toInt(args[0] as Value);
    case 'float': return args.length === 0 ? 0 : py.toFloat(args[0] as Value);
    case 'bool': return args.length === 0 ? false : py.truthy(args[0] as Value);
    case 'round': return py.round(args[0] as Value, args[1] as Value | undefined);
  }
  throw new UserError(`unknown function '${fn}'`);
}

/** An env over a plain record that reports unknown names as a UserError. */
export function recordEnv(values: Readonly<Record<string, Value>>): Env {
  return (name) => {
    if (!Object.hasOwn(values, name)) throw new UserError(`unknown name '${name}'`);
    return values[name];
  };
}
