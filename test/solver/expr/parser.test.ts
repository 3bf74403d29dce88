// Parser: Python precedence and literal forms, error messages with positions, list placement rules.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../solver/expr/ast.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { UserError } from '../../../solver/user-error.ts';

/** Fully parenthesised rendering, to pin down the tree shape. */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'num': return e.isFloat ? `${e.value}f` : String(e.value);
    case 'str': return JSON.stringify(e.value);
    case 'bool': return String(e.value);
    case 'name': return e.name;
    case 'unary': return `(${e.op} ${shape(e.arg)})`;
    case 'binary': return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'compare': return `(${e.operands.map((o, i) => (i ? `${e.ops[i - 1]} ` : '') + shape(o)).join(' ')})`;
    case 'boolop': return `(${e.args.map(shape).join(` ${e.op} `)})`;
    case 'ternary': return `(${shape(e.then)} if ${shape(e.test)} else ${shape(e.else)})`;
    case 'call': return `${e.fn}(${e.args.map(shape).join(', ')})`;
    case 'list': return `[${e.items.map(shape).join(', ')}]`;
  }
}

function errorOf(text: string): UserError {
  try {
    parseExpression(text);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

describe('precedence (CPython grammar)', () => {
  const cases: Array<[string, string]> = [
    ['a if b else c if d else e', '(a if b else (c if d else e))'],
    ['a or b if c else d', '((a or b) if c else d)'],
    ['a or b and c', '(a or (b and c))'],
    ['not a and b', '((not a) and b)'],
    ['not a == b', '(not (a == b))'],
    ['a < b == c', '(a < b == c)'],
    ['a + b < c * d', '((a + b) < (c * d))'],
    ['a - b + c', '((a - b) + c)'],
    ['a * b / c // d % e', '((((a * b) / c) // d) % e)'],
    ['a + b * c', '(a + (b * c))'],
    ['-a * b', '((- a) * b)'],
    ['-2 ** 2', '(- (2 ** 2))'],
    ['2 ** -1', '(2 ** (- 1))'],
    ['2 ** 3 ** 2', '(2 ** (3 ** 2))'],
    ['-a ** -b ** c', '(- (a ** (- (b ** c))))'],
    ['X + N - 1 / N', '((X + N) - (1 / N))'],
    ['a not in [1, 2] or b in (3,)', '((a not in [1, 2]) or (b in [3]))'],
    ['not not a', '(not (not a))'],
    ['a and b and c or d', '((a and b and c) or d)'],
    ['min(a, b) * max([c, d])', '(min(a, b) * max([c, d]))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['a == (b == c)', '(a == (b == c))'],
  ];
  for (const [text, want] of cases) it(text, () => expect(shape(parseExpression(text))).toBe(want));
});

describe('literals and names', () => {
  it('numbers', () => {
    expect(shape(parseExpression('1_000 + 0x10 + 0o17 + 0b101 + 0X_ff'))).toBe('((((1000 + 16) + 15) + 5) + 255)');
    expect(shape(parseExpression('1.5 + 1e3 + .5 + 1. + 1E-2 + 2e+1'))).toBe('(((((1.5f + 1000f) + 0.5f) + 1f) + 0.01f) + 20f)');
    expect(shape(parseExpression('0 + 00'))).toBe('(0 + 0)');
  });
  it('strings, with escapes, prefixes and implicit concatenation', () => {
    expect(parseExpression(`'a\\'b' "c"`)).toMatchObject({ kind: 'str', value: "a'bc" });
    expect(parseExpression(`"\\n\\t\\x41\\u00e9"`)).toMatchObject({ value: '\n\tAé' });
    expect(parseExpression(`r'\\d'`)).toMatchObject({ value: '\\d' });
    expect(parseExpression(`'''tri'ple'''`)).toMatchObject({ value: "tri'ple" });
  });
  it('booleans and keywords only as whole words', () => {
    expect(shape(parseExpression('True != False'))).toBe('(true != false)');
    expect(shape(parseExpression('A % B ==0'))).toBe('((A % B) == 0)');
    expect(shape(parseExpression('and_x + or1 + notx + x_in + if_ + Truex'))).toBe('(((((and_x + or1) + notx) + x_in) + if_) + Truex)');
    expect(shape(parseExpression('1if x else 2'))).toBe('(1 if x else 2)');
    expect(shape(parseExpression('größe * _x2'))).toBe('(größe * _x2)');
  });
  it('whitespace, newlines and line continuations', () => {
    expect(shape(parseExpression('  a\n+\tb \\\n * c  '))).toBe('(a + (b * c))');
  });
});

describe('spans', () => {
  it('are 0-based offsets, parenthesised nodes keep their parentheses in outerStart/outerEnd', () => {
    const text = 'x + (a * b)';
    const e = parseExpression(text);
    if (e.kind !== 'binary') throw new Error('binary expected');
    expect(text.slice(e.start, e.end)).toBe(text);
    expect(text.slice(e.right.start, e.right.end)).toBe('a * b');
    expect(text.slice(e.right.outerStart, e.right.outerEnd)).toBe('(a * b)');
    const c = parseExpression('(a) < b');
    expect([c.start, c.end]).toEqual([0, 7]);
  });
});

describe('errors', () => {
  it('name the text and position, with a caret line', () => {
    const e = errorOf('a * (b))');
    expect(e.message).toBe(`unexpected ')' at position 7 in "a * (b))"\n  a * (b))\n         ^`);
  });
  it('carry the where prefix', () => {
    try {
      parseExpression('a +', 'restrictions[2]');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).where).toBe('restrictions[2]');
      expect((e as UserError).message).toMatch(/^restrictions\[2\]: unexpected end of expression at position 3/);
    }
  });
  const cases: Array<[string, RegExp, number]> = [
    ['foo(1)', /unknown function 'foo' \(supported: abs, bool, float, int, len, max, min, round\)/, 0],
    ['a + range(3)', /unknown function 'range'/, 4],
    ['a +', /unexpected end of expression/, 3],
    ['a b', /unexpected 'b'/, 2],
    ['(a', /unexpected end of expression \(expected '\)' or ','\)/, 2],
    ['a is b', /'is' is not supported/, 2],
    ['a == None', /None is not supported/, 5],
    ['x.y', /unexpected '.'/, 1],
    ['x[0]', /unexpected '\['/, 1],
    ['f(x)(y)', /unknown function 'f'/, 0],
    ['min(x)(y)', /unexpected '\('/, 6],
    ['007', /leading zeros/, 0],
    ['1_', /misplaced "_"/, 1],
    ['0x', /invalid hexadecimal literal/, 0],
    ['12abc', /invalid number literal/, 0],
    ['3j', /complex literals are not supported/, 0],
    ["'abc", /unterminated string literal/, 0],
    ["b'x'", /bytes literals are not supported/, 0],
    ["f'{x}'", /f-string literals are not supported/, 0],
    ['a $ b', /invalid character "\$"/, 2],
    ['a # b', /comments are not supported/, 2],
    ['a = 1', /unexpected '='/, 2],
    ['abs(1, 2)', /abs\(\) takes 1 argument \(2 given\)/, 0],
    ['min()', /min\(\) takes at least 1 argument/, 0],
    ['round(x, ndigits=2)', /keyword arguments are not supported/, 9],
    ['[x for x in y]', /list comprehensions are only allowed in parameter value lists/, 3],
    ['[1, 2] == x', /a list is only allowed after 'in'/, 0],
    ['x in [1] == y', /a list is only allowed after 'in'/, 5],
    ['abs([1])', /a list is only allowed/, 4],
    ['x in [[1]]', /a list is only allowed/, 6],
    ['', /unexpected end of expression/, 0],
    ['lambda: 1', /unexpected 'lambda'/, 0],
    ['a if b', /expected 'else'/, 6],
    ['a not b', /unexpected 'not'/, 2],
  ];
  for (const [text, re, position] of cases) {
    it(`${JSON.stringify(text)} → ${re.source}`, () => {
      const e = errorOf(text);
      expect(e.message).toMatch(re);
      expect(e.message).toContain(`at position ${position} in ${JSON.stringify(text)}`);
    });
  }
  it('nesting up to CPython\'s limit of 200 parentheses is fine', () => {
    expect(shape(parseExpression('('.repeat(199) + 'x' + ')'.repeat(199)))).toBe('x');
    expect(parseExpression('x if a else '.repeat(150) + 'y').kind).toBe('ternary');
  });
  it('deep nesting is refused with a UserError, not a stack overflow', () => {
    expect(errorOf('x if a else '.repeat(100_000) + 'y').message).toMatch(/nested too deeply/);
    expect(errorOf('['.repeat(100_000)).message).toMatch(/nested too deeply/);
    expect(errorOf('min('.repeat(100_000)).message).toMatch(/nested too deeply/);
    expect(errorOf('('.repeat(5000) + 'x' + ')'.repeat(5000)).message).toMatch(/nested too deeply/);
    expect(errorOf('-'.repeat(5000) + 'x').message).toMatch(/nested too deeply/);
    expect(errorOf(Array.from({ length: 2000 }, () => 'x').join(' + ')).message).toMatch(/too long or nested too deeply/);
    expect(errorOf('2' + ' ** 2'.repeat(3000)).message).toMatch(/nested too deeply/);
  });
});
