// Tokenizer for Python expression syntax. Keywords are recognised only as whole identifiers, so
// `and_x` is a name and `A % B ==0` lexes fine. Positions are 0-based offsets into the source.

import { syntaxError } from './syntax-error.ts';

export type TokenKind = 'num' | 'str' | 'name' | 'keyword' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** operator or keyword spelling, identifier name, or the raw text of a literal */
  text: string;
  start: number;
  end: number;
  /** literal value for 'num' and 'str' tokens */
  value?: number | string;
  isFloat?: boolean;
}

/** Python's keywords; those we do not support still lex as keywords so the parser can say so. */
const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

// Longest first, so `**` wins over `*` and `//` over `/`.
const OPERATORS = ['**', '//', '<=', '>=', '==', '!=', '->', ':=', '<<', '>>', '+', '-', '*', '/', '%', '<', '>',
  '(', ')', '[', ']', '{', '}', ',', '.', ':', '=', '&', '|', '^', '~', '@', ';'];

const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}]/u;

const DIGITS: Record<number, RegExp> = { 2: /[01]/, 8: /[0-7]/, 10: /[0-9]/, 16: /[0-9a-fA-F]/ };

export function tokenize(text: string, where?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') { i++; continue; }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3; // explicit line continuation
      continue;
    }
    if (c === '#') throw syntaxError('comments are not supported', i, text, where);
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      const tok = readNumber(text, i, where);
      tokens.push(tok);
      i = tok.end;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (ID_START.test(ch)) {
      let j = i + ch.length;
      while (j < n) {
        const d = String.fromCodePoint(text.codePointAt(j)!);
        if (!ID_CONTINUE.test(d)) break;
        j += d.length;
      }
      const word = text.slice(i, j);
      // string prefixes: r'..' is fine, bytes and f-strings are not
      if ((text[j] === "'" || text[j] === '"') && /^[rRbBfFuU]{1,2}$/.test(word)) {
        const lower = word.toLowerCase();
        if (lower.includes('b') || lower.includes('f')) {
          throw syntaxError(`${lower.includes('b') ? 'bytes' : 'f-string'} literals are not supported`, i, text, where);
        }
        const tok = readString(text, j, lower.includes('r'), where);
        tok.start = i;
        tokens.push(tok);
        i = tok.end;
        continue;
      }
      tokens.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'name', text: word, start: i, end: j });
      i = j;
      continue;
    }
    if (c === "'" || c === '"') {
      const tok = readString(text, i, false, where);
      tokens.push(tok);
      i = tok.end;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    throw syntaxError(`invalid character ${JSON.stringify(ch)}`, i, text, where);
  }
  tokens.push({ kind: 'end', text: '', start: n, end: n });
  return tokens;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Reads `digit (['_'] digit)*` starting at i; returns the end offset (i when there is no digit). */
function readDigits(text: string, i: number, digit: RegExp, where?: string): number {
  if (!digit.test(text[i] ?? '')) return i;
  let j = i + 1;
  while (j < text.length) {
    if (digit.test(text[j])) { j++; continue; }
    if (text[j] === '_') {
      if (!digit.test(text[j + 1] ?? '')) throw syntaxError('invalid number literal (misplaced "_")', j, text, where);
      j++;
      continue;
    }
    break;
  }
  return j;
}

function readNumber(text: string, start: number, where?: string): Token {
  let i = start;
  let isFloat = false;
  let value: number;
  const prefix = text[i] === '0' ? (text[i + 1] ?? '').toLowerCase() : '';
  if (prefix === 'x' || prefix === 'o' || prefix === 'b') {
    const radix = prefix === 'x' ? 16 : prefix === 'o' ? 8 : 2;
    let j = i + 2;
    if (text[j] === '_') j++;
    const end = readDigits(text, j, DIGITS[radix], where);
    if (end === j) throw syntaxError(`invalid ${prefix === 'x' ? 'hexadecimal' : prefix === 'o' ? 'octal' : 'binary'} literal`, start, text, where);
    const digits = text.slice(j, end).replace(/_/g, '');
    value = radix === 16 ? Number('0x' + digits) : radix === 8 ? Number('0o' + digits) : Number('0b' + digits);
    i = end;
  } else {
    const intEnd = readDigits(text, i, DIGITS[10], where);
    i = intEnd;
    if (text[i] === '.') {
      isFloat = true;
      i = readDigits(text, i + 1, DIGITS[10], where);
    }
    if (text[i] === 'e' || text[i] === 'E') {
      let j = i + 1;
      if (text[j] === '+' || text[j] === '-') j++;
      const expEnd = readDigits(text, j, DIGITS[10], where);
      if (expEnd > j) {
        isFloat = true;
        i = expEnd;
      }
    }
    const raw = text.slice(start, i);
    if (!isFloat && /^0+[1-9]/.test(raw.replace(/_/g, ''))) {
      throw syntaxError('leading zeros in decimal integer literals are not permitted (use 0o for octal)', start, text, where);
    }
    value = Number(raw.replace(/_/g, ''));
  }
  // `1if x else 2` is legal Python (a keyword may follow a number); `12abc` or `1j` is not.
  const next = text[i];
  if (next !== undefined && ID_CONTINUE.test(next)) {
    const m = /^[\p{ID_Continue}]+/u.exec(text.slice(i));
    const word = m ? m[0] : next;
    if (!['and', 'or', 'if', 'else', 'in', 'not', 'for', 'is'].some((k) => word.startsWith(k))) {
      throw syntaxError(next === 'j' || next === 'J' ? 'complex literals are not supported' : 'invalid number literal', start, text, where);
    }
  }
  return { kind: 'num', text: text.slice(start, i), start, end: i, value, isFloat };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

function readString(text: string, start: number, raw: boolean, where?: string): Token {
  const quote = text[start];
  const triple = text.startsWith(quote.repeat(3), start);
  const closing = triple ? quote.repeat(3) : quote;
  let i = start + closing.length;
  let out = '';
  for (;;) {
    if (i >= text.length) throw syntaxError('unterminated string literal', start, text, where);
    if (text.startsWith(closing, i)) { i += closing.length; break; }
    const c = text[i];
    if (c === '\n' && !triple) throw syntaxError('unterminated string literal', start, text, where);
    if (c !== '\\') { out += c; i++; continue; }
    const e = text[i + 1];
    if (e === undefined) throw syntaxError('unterminated string literal', start, text, where);
    if (raw) { out += c + e; i += 2; continue; }
    if (e in SIMPLE_ESCAPES) { out += SIMPLE_ESCAPES[e]; i += 2; continue; }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const hex = text.slice(i + 2, i + 2 + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw syntaxError(`truncated \\${e} escape`, i, text, where);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw syntaxError('illegal Unicode character', i, text, where);
      out += String.fromCodePoint(cp);
      i += 2 + hexLen;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(text.slice(i + 1))!;
      out += String.fromCodePoint(parseInt(m[0], 8));
      i += 1 + m[0].length;
      continue;
    }
    if (e === 'N') throw syntaxError('\\N{...} escapes are not supported', i, text, where);
    out += c + e; // unknown escapes keep the backslash, as in Python
    i += 2;
  }
  return { kind: 'str', text: text.slice(start, i), start, end: i, value: out };
}
