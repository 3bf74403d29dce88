// The solver against brute force on many random small spaces: count, list, index round trip, best,
// validity of neighbours. Constraints are generated as text, so the parser is exercised too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../solver/model.ts';
import { optimize } from '../../solver/optimize.ts';
import { SearchSpace, type PlanMode } from '../../solver/space.ts';
import type { SpaceSpec } from '../../solver/spec/spec.ts';
import { evaluate } from '../../solver/expr/evaluate.ts';
import { parseExpression } from '../../solver/expr/parser.ts';
import { bruteForce, key } from './brute-force.ts';
import { UserError } from '../../solver/user-error.ts';

const NAMES = ['a', 'b', 'c', 'd', 'e'];

const term = (vars: string[]) => fc.oneof(
  fc.constantFrom(...vars),
  fc.integer({ min: -3, max: 12 }).map(String),
);
const arith = (vars: string[]) => fc.tuple(term(vars), fc.constantFrom('+', '-', '*', '//', '%', '/'), term(vars))
  .map(([x, op, y]) => `${x} ${op} ${y}`);
const atom = (vars: string[]) => fc.oneof(
  fc.tuple(arith(vars), fc.constantFrom('<', '<=', '>', '>=', '==', '!='), term(vars)).map(([l, op, r]) => `${l} ${op} ${r}`),
  fc.tuple(term(vars), term(vars)).map(([x, y]) => `${x} % ${y} == 0`),
  fc.tuple(term(vars), term(vars), fc.integer({ min: 0, max: 40 })).map(([x, y, k]) => `${x} * ${y} <= ${k}`),
  fc.tuple(fc.integer({ min: -2, max: 5 }), arith(vars), fc.integer({ min: 0, max: 30 })).map(([lo, m, hi]) => `${lo} <= ${m} <= ${hi}`),
  fc.tuple(term(vars), term(vars)).map(([x, y]) => `min(${x}, ${y}) >= 1`),
  fc.tuple(term(vars), fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 3 })).map(([x, l]) => `${x} in [${l.join(', ')}]`),
  fc.tuple(fc.constantFrom(...vars), term(vars), term(vars)).map(([t, x, y]) => `${t} == ${x} * ${y}`),
  // a disjunction of equalities pins t to one of a few computed values (the planner computes them)
  fc.tuple(fc.constantFrom(...vars), term(vars), term(vars), fc.integer({ min: -1, max: 6 }), fc.constantFrom('//', '+', '%'))
    .map(([t, x, y, k, op]) => `(${x} > ${k} and ${t} == ${x} ${op} ${y}) or (${x} <= ${k} and ${y} == ${t})`),
);
const constraint = (vars: string[]) => fc.oneof(
  { weight: 3, arbitrary: atom(vars) },
  { weight: 1, arbitrary: fc.tuple(atom(vars), fc.constantFrom('and', 'or'), atom(vars)).map(([x, op, y]) => `${x} ${op} ${y}`) },
  { weight: 1, arbitrary: atom(vars).map((x) => `not (${x})`) },
);

const specArb: fc.Arbitrary<SpaceSpec> = fc.integer({ min: 1, max: 5 }).chain((n) => {
  const vars = NAMES.slice(0, n);
  const domain = fc.oneof(
    { weight: 4, arbitrary: fc.uniqueArray(fc.integer({ min: -2, max: 16 }), { minLength: 1, maxLength: 5 }) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -2, max: 6 }), fc.integer({ min: 0, max: 12 })).map(([lo, w]) => ({ min: lo, max: lo + w })) },
  );
  return fc.record({
    parameters: fc.tuple(...vars.map(() => domain)).map((ds) => Object.fromEntries(vars.map((v, i) => [v, ds[i]]))),
    constraints: fc.array(constraint(vars), { minLength: 0, maxLength: 4 }),
  }) as fc.Arbitrary<SpaceSpec>;
});

/**
 * Builds the space; a constraint whose constant part always raises (`0 // 0`) is a spec error by design —
 * then brute force must find no configuration either, and the property has nothing more to check.
 */
function build(spec: SpaceSpec, plan: PlanMode = 'auto'): SearchSpace | null {
  try {
    return SearchSpace.fromSpec(spec, undefined, { plan });
  } catch (e) {
    if (!(e instanceof UserError) || !/always fails/.test(e.message)) throw e;
    expect(bruteForce(spec)).toEqual([]);
    return null;
  }
}

describe('SearchSpace vs brute force (random spaces)', () => {
  // every plan mode: 'quick' (order only), 'thorough' (projections, cuts, the generated count program) and 'auto'
  it.each(['auto', 'quick', 'thorough'] as const)('count and the set of configurations agree; index order round-trips (plan: %s)', (plan) => {
    fc.assert(fc.property(specArb, (spec) => {
      const names = Object.keys(spec.parameters);
      const expected = bruteForce(spec).map((c) => key(c, names)).sort();
      const space = build(spec, plan);
      if (!space) return;
      expect(space.count()).toBe(expected.length);
      const listed = [...space.configurations()];
      expect(listed.map((c) => key(c, names)).sort()).toEqual(expected);
      const m = space.materialize();
      expect(m.count).toBe(expected.length);
      for (let i = 0; i < listed.length; i++) {
        expect(space.at(i)).toEqual(listed[i]);
        expect(space.isValid(listed[i])).toBe(true);
        const fromColumns = Object.fromEntries(m.params.map((p, k) => [p, m.values[k] ? m.values[k]![m.columns[k][i]] : m.columns[k][i]]));
        expect(fromColumns).toEqual(listed[i]);
      }
      const lines = [...space.jsonLines()].join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(lines.map((c) => key(c, names)).sort()).toEqual(expected);
    }), { numRuns: 1000 });
  });

  it('best equals the brute-force optimum, with the documented tie-break', () => {
    fc.assert(fc.property(specArb, fc.constantFrom('max', 'min'), fc.integer({ min: 0, max: 4 }), (spec, sense, which) => {
      const names = Object.keys(spec.parameters);
      const objective = which === 0 ? names[0] : which === 1 ? `${names[0]} + ${names[names.length - 1]}` : which === 2 ? `${names[0]} * ${names[names.length - 1]}` : which === 3 ? `-${names[0]}` : `abs(${names[0]} - 3)`;
      const full: SpaceSpec = { ...spec, objective: sense === 'max' ? { maximize: objective } : { minimize: objective } };
      if (!build(spec)) return;
      const all = bruteForce(spec);
      const r = optimize(buildModel(full));
      if (all.length === 0) { expect(r.status).toBe('infeasible'); return; }
      expect(r.status).toBe('optimal');
      if (r.status !== 'optimal') return;
      const f = parseExpression(objective);
      const val = (c: Record<string, unknown>) => Number(evaluate(f, (n) => c[n] as number));
      const best = all.reduce((b, c) => (sense === 'max' ? Math.max(b, val(c)) : Math.min(b, val(c))), sense === 'max' ? -Infinity : Infinity);
      expect(r.objectives[0].value + 0).toBe(best + 0); // Python ints have no -0
      expect(val(r.config) + 0).toBe(best + 0);
      // tie-break: the first optimal configuration in declaration/listed order
      const order = (c: Record<string, unknown>) => names.map((n) => {
        const d = spec.parameters[n];
        return Array.isArray(d) ? d.indexOf(c[n] as number) : (c[n] as number) - d.min;
      });
      const firstOptimal = all.filter((c) => val(c) === best).sort((x, y) => {
        const a = order(x), b = order(y);
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
        return 0;
      })[0];
      expect(key(r.config, names)).toBe(key(firstOptimal, names));
    }), { numRuns: 1000 });
  });

  it('neighbours are valid and differ in exactly one parameter', () => {
    fc.assert(fc.property(specArb, fc.nat(), (spec, pick) => {
      const space = build(spec);
      if (!space) return;
      const n = space.count();
      if (n === 0) return;
      const c = space.at(pick % n);
      for (const nb of space.neighbours(c)) {
        expect(space.isValid(nb)).toBe(true);
        expect(Object.keys(c).filter((k) => c[k] !== nb[k]).length).toBe(1);
      }
    }), { numRuns: 300 });
  });
});
