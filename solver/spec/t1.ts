// Kernel Tuner's T1 input format → a native spec. Parameter values may be JSON lists or Python list
// expressions (`[2**i for i in range(0, 6)]`), evaluated by our own evaluator, never by eval.
import type { Value } from '../expr/ast.ts';
import { evaluateValueList } from '../expr/value-list.ts';
import { UserError } from '../user-error.ts';
import type { SpaceSpec } from './spec.ts';

interface T1Parameter { Name?: unknown; Type?: unknown; Values?: unknown }
interface T1Condition { Expression?: unknown; Parameters?: unknown }

export function isT1(json: object): boolean {
  return 'ConfigurationSpace' in json;
}

export function fromT1(json: object, where: string): SpaceSpec {
  const j = json as { General?: { BenchmarkName?: unknown }; ConfigurationSpace: { TuningParameters?: unknown; Conditions?: unknown } };
  const cs = j.ConfigurationSpace;
  if (typeof cs !== 'object' || cs === null) throw new UserError('"ConfigurationSpace" must be an object', where);
  if (!Array.isArray(cs.TuningParameters)) throw new UserError('"ConfigurationSpace.TuningParameters" must be a list', where);
  const parameters: Record<string, Value[]> = {};
  cs.TuningParameters.forEach((p: T1Parameter, i) => {
    const at = `${where}: ConfigurationSpace.TuningParameters[${i}]`;
    if (typeof p?.Name !== 'string') throw new UserError('"Name" must be a string', at);
    let values: Value[];
    if (Array.isArray(p.Values)) values = p.Values as Value[];
    else if (typeof p.Values === 'string') values = evaluateValueList(p.Values, `${at}.Values`);
    else throw new UserError('"Values" must be a list or a Python list expression', at);
    if (p.Type === 'float') values = values.map(Number);
    parameters[p.Name] = values;
  });
  const conditions = cs.Conditions ?? [];
  if (!Array.isArray(conditions)) throw new UserError('"ConfigurationSpace.Conditions" must be a list', where);
  const constraints = conditions.map((c: T1Condition, i) => {
    if (typeof c?.Expression !== 'string') throw new UserError('"Expression" must be a string', `${where}: ConfigurationSpace.Conditions[${i}]`);
    return c.Expression;
  });
  const name = typeof j.General?.BenchmarkName === 'string' ? j.General.BenchmarkName : undefined;
  return { ...(name ? { name } : {}), parameters, constraints };
}
