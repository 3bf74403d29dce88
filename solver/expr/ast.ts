// The expression tree shared by the parser, the evaluators and the solver.
// Positions are 0-based character offsets into the source text, so errors can point at the user's own text.

export type Value = number | string | boolean;

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in' | 'not in';
export type ArithOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type CallName = 'min' | 'max' | 'abs' | 'int' | 'float' | 'round' | 'bool' | 'len';

interface Span {
  /** offset of the first character of this node in the source */
  start: number;
  /** offset one past the last character */
  end: number;
  /** when the node was written in parentheses: the span including the outermost ones (set by the parser) */
  outerStart?: number;
  outerEnd?: number;
}

/** Numeric literal. `isFloat` records `1.0` vs `1` (Python keeps the distinction; we only need it for display). */
export interface NumNode extends Span { kind: 'num'; value: number; isFloat: boolean }
export interface StrNode extends Span { kind: 'str'; value: string }
export interface BoolNode extends Span { kind: 'bool'; value: boolean }
/** A parameter or constant name. */
export interface NameNode extends Span { kind: 'name'; name: string }
export interface UnaryNode extends Span { kind: 'unary'; op: '-' | '+' | 'not'; arg: Expr }
export interface BinaryNode extends Span { kind: 'binary'; op: ArithOp; left: Expr; right: Expr }
/** Python chained comparison: `a < b <= c` is ops ['<','<='], operands [a,b,c]. */
export interface CompareNode extends Span { kind: 'compare'; ops: CompareOp[]; operands: Expr[] }
/** `and` / `or` with Python value semantics (returns an operand, short-circuits). */
export interface BoolOpNode extends Span { kind: 'boolop'; op: 'and' | 'or'; args: Expr[] }
export interface CallNode extends Span { kind: 'call'; fn: CallName; args: Expr[] }
/** List or tuple display: `[1, 2]`, `(1, 2)`. Used on the right of `in`. */
export interface ListNode extends Span { kind: 'list'; items: Expr[] }
/** `a if cond else b` */
export interface TernaryNode extends Span { kind: 'ternary'; test: Expr; then: Expr; else: Expr }

export type Expr =
  | NumNode | StrNode | BoolNode | NameNode | UnaryNode | BinaryNode
  | CompareNode | BoolOpNode | CallNode | ListNode | TernaryNode;
