// Reference implementation for differential tests: the Cartesian product filtered with the
// tree-walking evaluator (Python semantics), no solver code involved beyond parsing.
import type { Value } from '../../solver/expr/ast.ts';
import { evaluate } from '../../solver/expr/evaluate.ts';
import { parseExpression } from '../../solver/expr/parser.ts';
import { PyRuntimeError, truthy } from '../../solver/expr/python.ts';
import type { SpaceSpec } from '../../solver/spec/spec.ts';

export function bruteForce(spec: SpaceSpec): Record<string, Value>[] {
  const names = Object.keys(spec.parameters);
  const domains = names.map((n) => {
    const d = spec.parameters[n];
    if (Array.isArray(d)) return d;
    const out: number[] = [];
    for (let v = d.min; v <= d.max; v++) out.push(v);
    return out;
  });
  const exprs = (spec.constraints ?? []).map((c) => parseExpression(typeof c === 'string' ? c : c.expr));
  const consts = spec.constants ?? {};
  const out: Record<string, Value>[] = [];
  const cur: Record<string, Value> = {};
  const env = (n: string) => (n in cur ? cur[n] : consts[n]);
  const rec = (i: number) => {
    if (i === names.length) {
      for (const e of exprs) {
        try { if (!truthy(evaluate(e, env))) return; } catch (err) { if (err instanceof PyRuntimeError) return; throw err; }
      }
      out.push({ ...cur });
      return;
    }
    for (const v of domains[i]) { cur[names[i]] = v; rec(i + 1); }
  };
  rec(0);
  return out;
}

export function key(c: Record<string, Value>, names: string[]): string {
  return names.map((n) => String(Number(c[n]) === Number(c[n]) ? Number(c[n]) : c[n])).join('|');
}
