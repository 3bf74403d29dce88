// Pretty-printer: Python source for a tree, with only the parentheses the precedence rules need,
// so that parsing the text gives back the same tree (used in messages and for folded restrictions).

import type { Expr } from './ast.ts';

// Binding strength, loosest first (CPython's grammar levels).
const TERNARY = 0, OR = 1, AND = 2, NOT = 3, COMPARE = 4, SUM = 5, TERM = 6, UNARY = 7, POWER = 8, ATOM = 9;

export function toText(expr: Expr): string {
  return print(expr, TERNARY);
}

/** `e` printed so that it binds at least as tightly as `min`. */
function print(e: Expr, min: number): string {
  const [text, level] = render(e);
  return level < min ? `(${text})` : text;
}

function render(e: Expr): [string, number] {
  switch (e.kind) {
    case 'num':
      return numberText(e.value, e.isFloat);
    case 'str':
      return [JSON.stringify(e.value), ATOM]; // JSON escapes are valid Python escapes
    case 'bool':
      return [e.value ? 'True' : 'False', ATOM];
    case 'name':
      return [e.name, ATOM];
    case 'unary':
      return e.op === 'not' ? [`not ${print(e.arg, NOT)}`, NOT] : [`${e.op}${print(e.arg, UNARY)}`, UNARY];
    case 'binary':
      if (e.op === '**') return [`${print(e.left, ATOM)} ** ${print(e.right, UNARY)}`, POWER];
      if (e.op === '+' || e.op === '-') return [`${print(e.left, SUM)} ${e.op} ${print(e.right, TERM)}`, SUM];
      return [`${print(e.left, TERM)} ${e.op} ${print(e.right, UNARY)}`, TERM];
    case 'compare': {
      let text = print(e.operands[0], SUM);
      e.ops.forEach((op, i) => { text += ` ${op} ${print(e.operands[i + 1], SUM)}`; });
      return [text, COMPARE];
    }
    case 'boolop':
      // operands one level tighter: a nested `or` inside `or` keeps its parentheses (a different tree)
      return [e.args.map((a) => print(a, e.op === 'or' ? AND : NOT)).join(` ${e.op} `), e.op === 'or' ? OR : AND];
    case 'ternary':
      return [`${print(e.then, OR)} if ${print(e.test, OR)} else ${print(e.else, TERNARY)}`, TERNARY];
    case 'call':
      return [`${e.fn}(${e.args.map((a) => print(a, TERNARY)).join(', ')})`, ATOM];
    case 'list':
      return [`[${e.items.map((a) => print(a, TERNARY)).join(', ')}]`, ATOM];
  }
}

function numberText(value: number, isFloat: boolean): [string, number] {
  if (Number.isNaN(value)) return ["float('nan')", ATOM];
  // 1e999 is how Python source spells an infinite float literal (it overflows to inf)
  if (!Number.isFinite(value)) return value > 0 ? ['1e999', ATOM] : ['-1e999', UNARY];
  const magnitude = Math.abs(value);
  let text: string;
  if (!isFloat && Number.isInteger(magnitude)) {
    text = magnitude >= 1e21 ? BigInt(magnitude).toString() : String(magnitude); // String(1e21) is '1e+21', a float
  } else {
    text = String(magnitude);
    if (!/[.e]/.test(text)) text += '.0';
  }
  return value < 0 || Object.is(value, -0) ? [`-${text}`, UNARY] : [text, ATOM];
}
