// Minimal conflicts: the reported constraints are unsatisfiable together, and dropping any one of
// them makes them satisfiable (checked against brute force on random infeasible spaces).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimalConflict, explain } from '../../solver/explain.ts';
import { buildModel } from '../../solver/model.ts';
import { SearchSpace } from '../../solver/space.ts';
import { bruteForce } from './brute-force.ts';

describe('explain', () => {
  it('names the conflicting constraints in the user\'s texts and ignores the innocent ones', () => {
    const model = buildModel({
      parameters: { BM: [16, 32, 64], BK: [8, 16], T: { min: 1, max: 131072 } },
      constraints: ['BM >= 32', 'T == BM * BK', 'BK == 8 or BK == 16', { expr: 'T <= 200', label: 'threads ≤ 200' }],
    });
    expect(minimalConflict(model)).toEqual(['BM >= 32', 'T == BM * BK', 'threads ≤ 200']);
  });

  it('a constant-false constraint is a conflict on its own', () => {
    expect(minimalConflict(buildModel({ constants: { N: 3 }, parameters: { a: [1, 2] }, constraints: ['a > 0', 'N > 5'] }))).toEqual(['N > 5']);
  });

  it('reports how each constraint prunes', () => {
    const e = explain(SearchSpace.fromSpec({ parameters: { a: [1, 2, 3, 4], b: [1, 2] }, constraints: ['a > 2', 'b == 1'] }));
    expect(e.count).toBe(2);
    expect(e.conflict).toBeNull();
    expect(e.effects).toEqual([
      { text: 'a > 2', aloneAdmits: 4, withoutIt: 4 },
      { text: 'b == 1', aloneAdmits: 4, withoutIt: 4 },
    ]);
  });

  it('the conflict is minimal and really conflicts (random infeasible spaces vs brute force)', () => {
    const arb = fc.record({
      a: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }),
      b: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }),
      cons: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'a + b', 'a * b', 'a - b'), fc.constantFrom('<', '>', '==', '!=', '<=', '>='), fc.integer({ min: 0, max: 12 }))
        .map(([l, op, r]) => `${l} ${op} ${r}`), { minLength: 1, maxLength: 6 }),
    });
    let checked = 0;
    fc.assert(fc.property(arb, ({ a, b, cons }) => {
      const spec = { parameters: { a, b }, constraints: cons };
      const conflict = minimalConflict(buildModel(spec));
      const empty = bruteForce(spec).length === 0;
      expect(conflict !== null).toBe(empty);
      if (!conflict) return;
      checked++;
      expect(bruteForce({ parameters: { a, b }, constraints: conflict })).toEqual([]);
      for (let i = 0; i < conflict.length; i++) {
        const rest = conflict.filter((_, j) => j !== i);
        expect(bruteForce({ parameters: { a, b }, constraints: rest }).length).toBeGreaterThan(0);
      }
    }), { numRuns: 400 });
    expect(checked).toBeGreaterThan(20);
  });
});
