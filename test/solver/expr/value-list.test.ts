// T1 `Values` list expressions.
import { describe, expect, it } from 'vitest';
import { evaluateValueList } from '../../../solver/expr/value-list.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { UserError } from '../../../solver/user-error.ts';

describe('evaluateValueList', () => {
  const cases: Array<[string, unknown[]]> = [
    ["[1, 2, 'a']", [1, 2, 'a']],
    ['[1.5, True, -2, 2**10, 7 // 2]', [1.5, true, -2, 1024, 3]],
    ['range(4)', [0, 1, 2, 3]],
    ['range(2, 5)', [2, 3, 4]],
    ['range(10, 0, -3)', [10, 7, 4, 1]],
    ['range(5, 2)', []],
    ['list(range(0, 64, 16))', [0, 16, 32, 48]],
    ['tuple(range(2))', [0, 1]],
    ['(1, 2)', [1, 2]],
    ['[]', []],
    ['[2**i for i in range(0, 6)]', [1, 2, 4, 8, 16, 32]],
    ['[x*8 for x in range(1, 9) if x % 2 == 0]', [16, 32, 48, 64]],
    ['[x for x in [3, 1, 2] if x > 1 if x < 3]', [2]],
    ['[i * 10 + j for i in range(1, 3) for j in range(i)]', [10, 20, 21]],
    ['[x for x in [y * 2 for y in range(3)]]', [0, 2, 4]],
    ['[1, 2] + list(range(3, 5))', [1, 2, 3, 4]],
    ["['a' if i % 2 else 'b' for i in range(3)]", ['b', 'a', 'b']],
  ];
  for (const [text, want] of cases) it(text, () => expect(evaluateValueList(text)).toEqual(want));

  const errors: Array<[string, RegExp]> = [
    ['range(1.5)', /'float' object cannot be interpreted as an integer/],
    ['range(1, 5, 0)', /must not be zero/],
    ['range(10**7)', /more than 1000000 values/],
    ['[1/0]', /ZeroDivisionError/],
    ['[y for x in range(3)]', /unknown name 'y'/],
    ['5', /expected a list, range\(\.\.\.\) or a list comprehension/],
    ['(5)', /expected a list or tuple/],
    ['sorted(range(3))', /expected a list/],
    ['[x for x in 5]', /expected a list/],
    ['range()', /range\(\) takes 1 to 3 arguments/],
    ['[1, 2', /unexpected end/],
  ];
  for (const [text, re] of errors) {
    it(`${text} is a UserError`, () => {
      expect(() => evaluateValueList(text, 'params.X.Values')).toThrow(UserError);
      expect(() => evaluateValueList(text)).toThrow(re);
    });
  }

  it('comprehensions stay out of restriction expressions', () => {
    expect(() => parseExpression('[2**i for i in range(3)]')).toThrow(/only allowed in parameter value lists/);
  });
});
