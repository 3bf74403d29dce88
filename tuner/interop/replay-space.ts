// The search space of a recording: exactly the configurations a Kernel Tuner cache holds (its restrictions
// are not in the file, only their result). Strategies need a SearchSpace (sampling, neighbours), so the
// recorded set is written back as constraints a person can read:
//   1. each parameter keeps only the values that occur;
//   2. each pair of parameters keeps only the value pairs that occur (this recovers the usual
//      `a*b <= 1024` or `tile > 1 or stride == 0` restrictions as tables, and is already exact for the
//      dedispersion recordings);
//   3. whatever the pairs still let through that was never recorded is excluded by one last constraint
//      over a mixed-radix index of the configuration (convolution's shared-memory limit ties 5
//      parameters together; 438 configurations are removed that way).
// The result is checked: the space's count must equal the number of recorded configurations.
import type { Value } from '../../solver/expr/ast.ts';
import { SearchSpace } from '../../solver/space.ts';
import type { LabelledConstraint, SpaceSpec } from '../../solver/spec/spec.ts';
import { entryKey, type KernelTunerCache } from './kernel-tuner-cache.ts';

export function replaySpaceSpec(cache: KernelTunerCache): SpaceSpec {
  const rows = [...cache.entries.values()].map((e) => e.config);
  const params = cache.params;
  const lit = (v: Value) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  const same = (a: Value, b: Value) => (typeof a === 'string' || typeof b === 'string' ? a === b : Number(a) === Number(b));

  // 1. values that occur, in the listed order
  const parameters: Record<string, Value[]> = {};
  for (const p of params) {
    const listed = cache.values[p];
    parameters[p] = listed.filter((v) => rows.some((r) => same(r[p], v)));
  }
  const varying = params.filter((p) => parameters[p].length > 1);

  // 2. pairs that occur
  const constraints: LabelledConstraint[] = [];
  for (let i = 0; i < varying.length; i++) {
    for (let j = i + 1; j < varying.length; j++) {
      const a = varying[i], b = varying[j];
      const seen = new Map<number, Set<number>>();
      const ia = (v: Value) => parameters[a].findIndex((x) => same(x, v));
      const ib = (v: Value) => parameters[b].findIndex((x) => same(x, v));
      for (const r of rows) {
        const k = ia(r[a]);
        if (!seen.has(k)) seen.set(k, new Set());
        seen.get(k)!.add(ib(r[b]));
      }
      const full = [...seen.values()].every((s) => s.size === parameters[b].length) && seen.size === parameters[a].length;
      if (full) continue;
      const clauses = [...seen].sort((x, y) => x[0] - y[0]).map(([k, s]) => {
        const bs = [...s].sort((x, y) => x - y).map((q) => lit(parameters[b][q]));
        return s.size === parameters[b].length ? `${a} == ${lit(parameters[a][k])}` : `(${a} == ${lit(parameters[a][k])} and ${b} in [${bs.join(', ')}])`;
      });
      constraints.push({ expr: clauses.join(' or '), label: `recorded combinations of ${a} and ${b}` });
    }
  }
  const spec: SpaceSpec = { name: `${cache.kernelName} on ${cache.deviceName} (recorded)`, parameters, constraints };

  // 3. what the pairs let through but was never recorded
  const space = SearchSpace.fromSpec(spec, cache.file);
  if (space.count() === cache.entries.size) return spec;
  const radix: number[] = [];
  let r = 1;
  for (let k = varying.length - 1; k >= 0; k--) { radix[k] = r; r *= parameters[varying[k]].length; }
  const indexOf = (c: Record<string, Value>) => varying.reduce((s, p, k) => s + parameters[p].findIndex((x) => same(x, c[p])) * radix[k], 0);
  const excluded: number[] = [];
  for (const c of space.configurations()) if (!cache.entries.has(entryKey(params, c))) excluded.push(indexOf(c));
  const digit = (p: string) => {
    const vs = parameters[p];
    // the position of the value in the list, as a chain of conditionals (works for strings too)
    return vs.slice(0, -1).reduceRight((rest, v, q) => `(${q} if ${p} == ${lit(v)} else ${rest})`, String(vs.length - 1));
  };
  const index = varying.map((p, k) => `${digit(p)} * ${radix[k]}`).join(' + ');
  constraints.push({ expr: `(${index}) not in [${excluded.join(', ')}]`, label: `configurations the recording does not hold (${excluded.length})` });
  return spec;
}
