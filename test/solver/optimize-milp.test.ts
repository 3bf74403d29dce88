// The MILP backends against the native solver on random spaces with linear objectives: same status,
// same optimum value, and — through the explicit tie-break — the same configuration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../solver/model.ts';
import { optimize } from '../../solver/optimize.ts';
import { optimizeWithMilp } from '../../solver/optimize-milp.ts';
import type { SpaceSpec } from '../../solver/spec/spec.ts';
import { UserError } from '../../solver/user-error.ts';

const linearAtom = fc.tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', 'c'), fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', 'c'), fc.constantFrom('<=', '>=', '==', '<', '>'), fc.integer({ min: -10, max: 30 }))
  .map(([k1, x, k2, y, op, r]) => `${k1}*${x} + ${k2}*${y} ${op} ${r}`);
const nonLinearAtom = fc.constantFrom('a % b == 0', 'a * b <= 24', 'c != a', 'max(a, b) >= 3', 'a in [1, 2, 4, 8]');

const specArb: fc.Arbitrary<SpaceSpec> = fc.record({
  a: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
  b: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
  cLo: fc.integer({ min: -5, max: 5 }),
  cons: fc.array(fc.oneof(linearAtom, nonLinearAtom), { maxLength: 4 }),
  obj: fc.tuple(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -4, max: 4 }), fc.integer({ min: -4, max: 4 })),
  sense: fc.constantFrom('maximize', 'minimize'),
  second: fc.boolean(),
}).map(({ a, b, cLo, cons, obj, sense, second }) => {
  const goal = `${obj[0]}*a + ${obj[1]}*b + ${obj[2]}*c`;
  const first = sense === 'maximize' ? { maximize: goal } : { minimize: goal };
  return {
    parameters: { a, b, c: { min: cLo, max: cLo + 12 } },
    constraints: cons,
    objective: second ? { lexicographic: [first, { minimize: 'a - b' }] } : first,
  };
});

describe('MILP backends vs native optimisation', () => {
  for (const backend of ['glpk', 'lp-solver'] as const) {
    it(`${backend}: same status, optimum and configuration as the native solver on random spaces`, async () => {
      await fc.assert(fc.asyncProperty(specArb, async (spec) => {
        const model = buildModel(spec);
        const native = optimize(model);
        const milp = await optimizeWithMilp(model, backend);
        expect(milp.status).toBe(native.status);
        if (native.status === 'optimal' && milp.status === 'optimal') {
          expect(milp.objectives.map((o) => o.value)).toEqual(native.objectives.map((o) => o.value));
          expect(milp.config).toEqual(native.config);
        }
      }), { numRuns: 300 });
    });
  }

  it('a non-linear objective is refused with a clear message', async () => {
    const model = buildModel({ parameters: { a: [1, 2, 3] }, objective: { maximize: 'a * a' } });
    await expect(optimizeWithMilp(model, 'glpk')).rejects.toThrow(UserError);
    await expect(optimizeWithMilp(model, 'glpk')).rejects.toThrow(/not linear/);
  });
});
