// Recursive-descent parser for Python expressions, following CPython's grammar levels exactly:
//   ternary < or < and < not < comparison (chained, in, not in) < + - < * / // % < unary + - < ** < call/atom
// so restriction strings written for Kernel Tuner / T1 (which CPython evaluates) mean the same here.
// We never hand user text to eval/new Function; this parser is the only way in.

import type { CallName, CompareOp, Expr, ListNode } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';
import { syntaxError } from './syntax-error.ts';

/** Supported functions and how many arguments each accepts. */
export const FUNCTION_ARITY: Readonly<Record<CallName, readonly [number, number]>> = {
  abs: [1, 1], bool: [0, 1], float: [0, 1], int: [0, 1], len: [1, 1], max: [1, Infinity], min: [1, Infinity], round: [1, 2],
};
const SUPPORTED = Object.keys(FUNCTION_ARITY).sort().join(', ');

/**
 * Nesting we accept: brackets, calls, unary operators, `**` and ternary `else` branches each count
 * one level (CPython stops at 200 parentheses). Keeps recursion far from the JS stack limit.
 */
const MAX_NESTING = 200;
/** Tree depth we accept, so every recursive walk over the tree is safe. */
const MAX_TREE_DEPTH = 400;

/** Parses a Python expression (a restriction). List comprehensions and range() are rejected here. */
export function parseExpression(text: string, where?: string): Expr {
  const p = new Parser(text, where);
  const e = p.parseExpr();
  p.expectEnd();
  p.checkLists(e);
  return e;
}

// ---- value lists (T1 `Values`): [..], range(..), list(..), comprehensions ----

export type ListSource =
  | { kind: 'display'; items: Expr[]; start: number; end: number }
  | { kind: 'range'; args: Expr[]; start: number; end: number }
  | { kind: 'concat'; parts: ListSource[]; start: number; end: number }
  | { kind: 'comprehension'; element: Expr; clauses: ComprehensionClause[]; start: number; end: number };

export type ComprehensionClause =
  | { kind: 'for'; target: string; source: ListSource }
  | { kind: 'if'; test: Expr };

/** Parses the list expression of a parameter's values (see value-list.ts for evaluation). */
export function parseListSource(text: string, where?: string): ListSource {
  const p = new Parser(text, where);
  const s = p.parseListSource();
  p.expectEnd();
  return s;
}

export class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private nesting = 0;
  /** nodes made so far: while at most MAX_TREE_DEPTH, no tree can be too deep and depths need no bookkeeping */
  private nodes = 0;
  /** tree depth of nodes, filled in only once `nodes` passes MAX_TREE_DEPTH */
  private depth: WeakMap<Expr, number> | null = null;
  /** whether a list node was made; without one there is nothing for checkListPositions to find */
  private sawList = false;

  constructor(readonly text: string, readonly where?: string) {
    this.tokens = tokenize(text, where);
  }

  // ---- token helpers ----

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  /** The current token (the 'end' token once everything is read). */
  private cur(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private isOp(op: string, offset = 0): boolean {
    const t = offset === 0 ? this.tokens[this.pos] : this.peek(offset);
    return t.kind === 'op' && t.text === op;
  }

  private isKeyword(kw: string, offset = 0): boolean {
    const t = offset === 0 ? this.tokens[this.pos] : this.peek(offset);
    return t.kind === 'keyword' && t.text === kw;
  }

  private error(message: string, position: number): never {
    throw syntaxError(message, position, this.text, this.where);
  }

  private unexpected(t: Token = this.peek(), hint = ''): never {
    if (t.kind === 'end') this.error(`unexpected end of expression${hint}`, t.start);
    if (t.kind === 'keyword' && t.text === 'is') this.error("'is' is not supported (use '==' or '!=')", t.start);
    if (t.kind === 'keyword' && t.text === 'None') this.error('None is not supported', t.start);
    this.error(`unexpected ${JSON.stringify(t.text).replace(/^"|"$/g, "'")}${hint}`, t.start);
  }

  private expectOp(op: string): Token {
    if (!this.isOp(op)) this.unexpected(this.peek(), ` (expected '${op}')`);
    return this.next();
  }

  expectEnd(): void {
    if (this.peek().kind !== 'end') this.unexpected();
  }

  private enter(at: number): void {
    if (++this.nesting > MAX_NESTING) this.error('expression is nested too deeply', at);
  }

  private leave(): void {
    this.nesting--;
  }

  /**
   * Refuses trees too deep to walk recursively. A node's depth is at most the number of nodes made so
   * far, so depths are only worked out (and remembered) once that number passes the limit.
   */
  private made<T extends Expr>(node: T): T {
    if (++this.nodes > MAX_TREE_DEPTH && this.depthOf(node) > MAX_TREE_DEPTH) this.error('expression is too long or nested too deeply', node.start);
    return node;
  }

  /** Depth of a node already made (so at most MAX_TREE_DEPTH: the recursion is bounded). */
  private depthOf(e: Expr): number {
    const depth = (this.depth ??= new WeakMap());
    const known = depth.get(e);
    if (known !== undefined) return known;
    let d = 0;
    switch (e.kind) {
      case 'unary': d = this.depthOf(e.arg); break;
      case 'binary': d = Math.max(this.depthOf(e.left), this.depthOf(e.right)); break;
      case 'ternary': d = Math.max(this.depthOf(e.test), this.depthOf(e.then), this.depthOf(e.else)); break;
      case 'compare': for (const c of e.operands) d = Math.max(d, this.depthOf(c)); break;
      case 'boolop': case 'call': for (const c of e.args) d = Math.max(d, this.depthOf(c)); break;
      case 'list': for (const c of e.items) d = Math.max(d, this.depthOf(c)); break;
      default: break;
    }
    depth.set(e, d + 1);
    return d + 1;
  }

  /** checkListPositions, skipped when this parser made no list (then it has nothing to find). */
  checkLists(e: Expr): void {
    if (this.sawList) this.checkListPositions(e);
  }

  private startOf(e: Expr): number {
    return e.outerStart ?? e.start;
  }

  private endOf(e: Expr): number {
    return e.outerEnd ?? e.end;
  }

  // ---- grammar ----

  /** expression: disjunction ['if' disjunction 'else' expression] */
  parseExpr(): Expr {
    const body = this.parseDisjunction();
    if (!this.isKeyword('if')) return body;
    this.next();
    const test = this.parseDisjunction();
    if (!this.isKeyword('else')) this.unexpected(this.peek(), " (expected 'else')");
    const elseTok = this.next();
    this.enter(elseTok.start);
    const orElse = this.parseExpr();
    this.leave();
    return this.made({ kind: 'ternary', test, then: body, else: orElse, start: this.startOf(body), end: this.endOf(orElse) });
  }

  parseDisjunction(): Expr {
    const first = this.parseConjunction();
    if (!this.isKeyword('or')) return first;
    const args = [first];
    while (this.isKeyword('or')) {
      this.next();
      args.push(this.parseConjunction());
    }
    return this.boolOp('or', args);
  }

  private parseConjunction(): Expr {
    // parseInversion only when there is a `not` (one call less per operand)
    const first = this.isKeyword('not') ? this.parseInversion() : this.parseComparison();
    if (!this.isKeyword('and')) return first;
    const args = [first];
    while (this.isKeyword('and')) {
      this.next();
      args.push(this.parseInversion());
    }
    return this.boolOp('and', args);
  }

  private boolOp(op: 'and' | 'or', args: Expr[]): Expr {
    return this.made({ kind: 'boolop', op, args, start: this.startOf(args[0]), end: this.endOf(args[args.length - 1]) });
  }

  private parseInversion(): Expr {
    if (this.isKeyword('not')) {
      const t = this.next();
      this.enter(t.start);
      const arg = this.parseInversion();
      this.leave();
      return this.made({ kind: 'unary', op: 'not', arg, start: t.start, end: this.endOf(arg) });
    }
    return this.parseComparison();
  }

  private compareOp(): CompareOp | undefined {
    const t = this.cur();
    if (t.kind === 'op') {
      switch (t.text) {
        case '<': case '<=': case '>': case '>=': case '==': case '!=': return t.text;
        default: return undefined;
      }
    }
    if (t.kind !== 'keyword') return undefined;
    if (t.text === 'in') return 'in';
    if (t.kind === 'keyword' && t.text === 'not' && this.isKeyword('in', 1)) return 'not in';
    if (t.kind === 'keyword' && t.text === 'is') this.unexpected(t);
    return undefined;
  }

  private parseComparison(): Expr {
    const first = this.parseSum();
    let op = this.compareOp();
    if (!op) return first;
    const ops: CompareOp[] = [];
    const operands = [first];
    while (op) {
      this.next();
      if (op === 'not in') this.next();
      ops.push(op);
      operands.push(this.parseSum());
      op = this.compareOp();
    }
    return this.made({ kind: 'compare', ops, operands, start: this.startOf(first), end: this.endOf(operands[operands.length - 1]) });
  }

  private parseSum(): Expr {
    let left = this.parseTerm();
    for (;;) {
      const t = this.cur();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) break;
      const op = this.next().text as '+' | '-';
      const right = this.parseTerm();
      left = this.made({ kind: 'binary', op, left, right, start: this.startOf(left), end: this.endOf(right) });
    }
    return left;
  }

  private parseTerm(): Expr {
    const first = this.parseFactor();
    const t = this.cur();
    // most factors stand alone: only a term operator needs the loop
    if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/' && t.text !== '//' && t.text !== '%')) return first;
    return this.parseTermRest(first);
  }

  private parseTermRest(first: Expr): Expr {
    let left = first;
    for (;;) {
      const t = this.cur();
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/' && t.text !== '//' && t.text !== '%')) break;
      const op = this.next().text as '*' | '/' | '//' | '%';
      const right = this.parseFactor();
      left = this.made({ kind: 'binary', op, left, right, start: this.startOf(left), end: this.endOf(right) });
    }
    return left;
  }

  /** factor: ('+'|'-') factor | power — so `-2**2` is -(2**2). */
  private parseFactor(): Expr {
    const t0 = this.cur();
    if (t0.kind === 'op' && (t0.text === '+' || t0.text === '-')) {
      const t = this.next();
      this.enter(t.start);
      const arg = this.parseFactor();
      this.leave();
      return this.made({ kind: 'unary', op: t.text as '+' | '-', arg, start: t.start, end: this.endOf(arg) });
    }
    // power: primary ['**' factor] — right-associative, and `2**-1` allowed.
    const base = this.parsePrimary();
    if (!this.isOp('**')) return base;
    const t = this.next();
    this.enter(t.start);
    const exp = this.parseFactor();
    this.leave();
    return this.made({ kind: 'binary', op: '**', left: base, right: exp, start: this.startOf(base), end: this.endOf(exp) });
  }

  private parsePrimary(): Expr {
    const t = this.cur();
    let atom: Expr;
    if (t.kind === 'name') {
      // t is not the 'end' token, so there is a token after it
      const after = this.tokens[this.pos + 1];
      if (after.kind === 'op' && after.text === '(') return this.parseCall();
      this.pos++;
      atom = this.made({ kind: 'name', name: t.text, start: t.start, end: t.end });
    } else if (t.kind === 'num') {
      this.pos++;
      atom = this.made({ kind: 'num', value: t.value as number, isFloat: t.isFloat === true, start: t.start, end: t.end });
    } else {
      atom = this.parseAtom();
    }
    // Attribute access, subscripts and calls on anything but a plain function name are not supported.
    const n = this.cur();
    if (n.kind === 'op' && (n.text === '(' || n.text === '[' || n.text === '.')) this.unexpected();
    return atom;
  }

  private parseCall(): Expr {
    const nameTok = this.next();
    const fn = nameTok.text;
    if (!Object.hasOwn(FUNCTION_ARITY, fn)) {
      this.error(`unknown function '${fn}' (supported: ${SUPPORTED})`, nameTok.start);
    }
    this.enter(nameTok.start);
    this.expectOp('(');
    const args: Expr[] = [];
    while (!this.isOp(')')) {
      if (this.peek().kind === 'name' && this.isOp('=', 1)) this.error('keyword arguments are not supported', this.peek().start);
      args.push(this.parseExpr());
      if (!this.isOp(',')) break;
      this.next();
    }
    const close = this.expectOp(')');
    this.leave();
    const [lo, hi] = FUNCTION_ARITY[fn as CallName];
    if (args.length < lo || args.length > hi) {
      const want = lo === hi ? `${lo}` : hi === Infinity ? `at least ${lo}` : `${lo} to ${hi}`;
      this.error(`${fn}() takes ${want} argument${want === '1' ? '' : 's'} (${args.length} given)`, nameTok.start);
    }
    if (this.isOp('(') || this.isOp('[') || this.isOp('.')) this.unexpected();
    return this.made({ kind: 'call', fn: fn as CallName, args, start: nameTok.start, end: close.end });
  }

  private parseAtom(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'num':
        this.next();
        return this.made({ kind: 'num', value: t.value as number, isFloat: t.isFloat === true, start: t.start, end: t.end });
      case 'str': {
        this.next();
        let value = t.value as string;
        let end = t.end;
        while (this.peek().kind === 'str') { // implicit concatenation: 'a' 'b'
          const s = this.next();
          value += s.value as string;
          end = s.end;
        }
        return this.made({ kind: 'str', value, start: t.start, end });
      }
      case 'name':
        this.next();
        return this.made({ kind: 'name', name: t.text, start: t.start, end: t.end });
      case 'keyword':
        if (t.text === 'True' || t.text === 'False') {
          this.next();
          return this.made({ kind: 'bool', value: t.text === 'True', start: t.start, end: t.end });
        }
        return this.unexpected(t);
      case 'op':
        if (t.text === '(') return this.parseParens();
        if (t.text === '[') return this.parseListDisplay();
        return this.unexpected(t);
      default:
        return this.unexpected(t);
    }
  }

  /** `(expr)`, or a tuple `()`, `(a,)`, `(a, b)` (a tuple is a ListNode: only used after `in`). */
  private parseParens(): Expr {
    const open = this.next();
    this.enter(open.start);
    if (this.isOp(')')) {
      const close = this.next();
      this.leave();
      this.sawList = true;
      return this.made({ kind: 'list', items: [], start: open.start, end: close.end });
    }
    const first = this.parseExpr();
    if (this.isOp(')')) {
      const close = this.next();
      this.leave();
      first.outerStart = open.start;
      first.outerEnd = close.end;
      return first;
    }
    if (!this.isOp(',')) this.unexpected(this.peek(), " (expected ')' or ',')");
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(')')) break;
      items.push(this.parseExpr());
    }
    const close = this.expectOp(')');
    this.leave();
    this.sawList = true;
    return this.made({ kind: 'list', items, start: open.start, end: close.end });
  }

  private parseListDisplay(): ListNode {
    const open = this.next();
    this.enter(open.start);
    const items: Expr[] = [];
    while (!this.isOp(']')) {
      items.push(this.parseExpr());
      if (this.isKeyword('for')) this.error('list comprehensions are only allowed in parameter value lists', this.peek().start);
      if (!this.isOp(',')) break;
      this.next();
    }
    const close = this.expectOp(']');
    this.leave();
    this.sawList = true;
    return this.made({ kind: 'list', items, start: open.start, end: close.end });
  }

  /**
   * Lists are not values in this language: one may only appear right of `in`/`not in` (last in a
   * chain) or as the single argument of min/max/len, the places where Kernel Tuner strings use them.
   */
  checkListPositions(e: Expr, allowed = false): void {
    switch (e.kind) {
      case 'list':
        if (!allowed) this.error("a list is only allowed after 'in' / 'not in' or as the argument of min(), max() or len()", e.outerStart ?? e.start);
        for (const item of e.items) this.checkListPositions(item);
        return;
      case 'unary':
        return this.checkListPositions(e.arg);
      case 'binary':
        this.checkListPositions(e.left);
        return this.checkListPositions(e.right);
      case 'compare': {
        const last = e.operands.length - 1;
        for (let i = 0; i <= last; i++) this.checkListPositions(e.operands[i], i === last && (e.ops[i - 1] === 'in' || e.ops[i - 1] === 'not in'));
        return;
      }
      case 'boolop':
        for (const a of e.args) this.checkListPositions(a);
        return;
      case 'call': {
        const single = e.args.length === 1 && (e.fn === 'min' || e.fn === 'max' || e.fn === 'len');
        for (const a of e.args) this.checkListPositions(a, single);
        return;
      }
      case 'ternary':
        this.checkListPositions(e.test);
        this.checkListPositions(e.then);
        return this.checkListPositions(e.else);
      default:
        return;
    }
  }

  // ---- value-list grammar ----

  /** source: primary ('+' primary)* */
  parseListSource(): ListSource {
    const first = this.parseListPrimary();
    if (!this.isOp('+')) return first;
    const parts = [first];
    while (this.isOp('+')) {
      this.next();
      parts.push(this.parseListPrimary());
    }
    return { kind: 'concat', parts, start: first.start, end: parts[parts.length - 1].end };
  }

  private parseListPrimary(): ListSource {
    const t = this.peek();
    this.enter(t.start);
    let result: ListSource;
    if (t.kind === 'name' && t.text === 'range' && this.isOp('(', 1)) {
      this.next();
      this.next();
      const args: Expr[] = [];
      while (!this.isOp(')')) {
        args.push(this.checked(this.parseExpr()));
        if (!this.isOp(',')) break;
        this.next();
      }
      const close = this.expectOp(')');
      if (args.length < 1 || args.length > 3) this.error(`range() takes 1 to 3 arguments (${args.length} given)`, t.start);
      result = { kind: 'range', args, start: t.start, end: close.end };
    } else if (t.kind === 'name' && (t.text === 'list' || t.text === 'tuple') && this.isOp('(', 1)) {
      this.next();
      this.next();
      const inner = this.parseListSource();
      const close = this.expectOp(')');
      result = { ...inner, start: t.start, end: close.end };
    } else if (t.kind === 'op' && (t.text === '[' || t.text === '(')) {
      result = this.parseBracketedList();
    } else {
      this.unexpected(t, ' (expected a list, range(...) or a list comprehension)');
    }
    this.leave();
    return result;
  }

  private checked(e: Expr): Expr {
    this.checkLists(e);
    return e;
  }

  private parseBracketedList(): ListSource {
    const open = this.next();
    const closeOp = open.text === '[' ? ']' : ')';
    const items: Expr[] = [];
    if (this.isOp(closeOp)) {
      const close = this.next();
      return { kind: 'display', items, start: open.start, end: close.end };
    }
    const first = this.checked(this.parseExpr());
    if (this.isKeyword('for')) {
      const clauses = this.parseComprehensionClauses();
      const close = this.expectOp(closeOp);
      return { kind: 'comprehension', element: first, clauses, start: open.start, end: close.end };
    }
    items.push(first);
    if (closeOp === ')' && this.isOp(')')) this.error('expected a list or tuple, not a parenthesized value', open.start);
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(closeOp)) break;
      items.push(this.checked(this.parseExpr()));
    }
    const close = this.expectOp(closeOp);
    return { kind: 'display', items, start: open.start, end: close.end };
  }

  private parseComprehensionClauses(): ComprehensionClause[] {
    const clauses: ComprehensionClause[] = [];
    while (this.isKeyword('for')) {
      this.next();
      const target = this.peek();
      if (target.kind !== 'name') this.unexpected(target, ' (expected a loop variable name)');
      this.next();
      if (!this.isKeyword('in')) this.unexpected(this.peek(), " (expected 'in')");
      this.next();
      clauses.push({ kind: 'for', target: target.text, source: this.parseListSource() });
      while (this.isKeyword('if')) {
        this.next();
        clauses.push({ kind: 'if', test: this.checked(this.parseDisjunction()) });
      }
    }
    return clauses;
  }
}
