// Parameter value lists as written in T1 files: Python list expressions such as `[1, 2, 'a']`,
// `range(1, 9)`, `list(range(0, 64, 8))` or `[2**i for i in range(0, 6)]`. Parsed with our own
// parser (parseListSource) and evaluated with the reference evaluator; nothing is eval'd.

import type { Value } from './ast.ts';
import { UserError } from '../user-error.ts';
import { evaluate } from './evaluate.ts';
import { parseListSource, type ComprehensionClause, type ListSource } from './parser.ts';
import { PyRuntimeError, truthy, typeName } from './python.ts';
import { positionMessage } from './syntax-error.ts';

/** More values than any tuning space needs; stops `range(10**12)` from exhausting memory. */
const MAX_VALUES = 1_000_000;

export function evaluateValueList(text: string, where?: string): Value[] {
  const source = parseListSource(text, where);
  const fail = (message: string, position: number): never => {
    throw new UserError(positionMessage(message, position, text), where);
  };
  const out: Value[] = [];
  const push = (v: Value, position: number): void => {
    if (out.length >= MAX_VALUES) fail(`more than ${MAX_VALUES} values`, position);
    out.push(v);
  };

  const value = (e: Parameters<typeof evaluate>[0], scope: ReadonlyMap<string, Value>): Value => {
    try {
      return evaluate(e, (name) => {
        if (!scope.has(name)) fail(`unknown name '${name}'`, e.start);
        return scope.get(name)!;
      });
    } catch (err) {
      if (err instanceof PyRuntimeError) fail(err.message, e.start);
      if (err instanceof UserError && !err.message.includes(' at position ')) fail(err.message, e.start);
      throw err;
    }
  };

  /** Calls `emit` for every item of `s` in order (comprehensions nest). */
  const each = (s: ListSource, scope: ReadonlyMap<string, Value>, emit: (v: Value) => void): void => {
    switch (s.kind) {
      case 'display':
        for (const item of s.items) emit(value(item, scope));
        return;
      case 'concat':
        for (const part of s.parts) each(part, scope, emit);
        return;
      case 'range': {
        const args = s.args.map((a) => {
          const v = value(a, scope);
          if (typeof v === 'string' || (typeof v === 'number' && !Number.isInteger(v))) {
            fail(`TypeError: '${typeName(v)}' object cannot be interpreted as an integer`, a.start);
          }
          return Number(v);
        });
        const [start, stop, step] = args.length === 1 ? [0, args[0], 1] : [args[0], args[1], args[2] ?? 1];
        if (step === 0) fail('ValueError: range() arg 3 must not be zero', s.start);
        const count = Math.max(0, Math.ceil((stop - start) / step));
        if (count > MAX_VALUES) fail(`range() has more than ${MAX_VALUES} values`, s.start);
        for (let i = 0; i < count; i++) emit(start + i * step);
        return;
      }
      case 'comprehension':
        comprehension(s.element, s.clauses, 0, scope, emit);
        return;
    }
  };

  const comprehension = (
    element: Parameters<typeof evaluate>[0], clauses: readonly ComprehensionClause[], i: number,
    scope: ReadonlyMap<string, Value>, emit: (v: Value) => void,
  ): void => {
    if (i === clauses.length) { emit(value(element, scope)); return; }
    const c = clauses[i];
    if (c.kind === 'if') {
      if (truthy(value(c.test, scope))) comprehension(element, clauses, i + 1, scope, emit);
      return;
    }
    // Python evaluates the iterable first, then binds the loop variable for each item.
    const items: Value[] = [];
    each(c.source, scope, (v) => items.push(v));
    for (const v of items) comprehension(element, clauses, i + 1, new Map(scope).set(c.target, v), emit);
  };

  each(source, new Map(), (v) => push(v, source.start));
  return out;
}
