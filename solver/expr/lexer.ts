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

const MAX_KEYWORD_LENGTH = Math.max(...[...KEYWORDS].map((k) => k.length));

const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}]/u;

// Character codes, so the scanner compares numbers instead of building one-character strings.
const C_TAB = 9, C_LF = 10, C_FF = 12, C_CR = 13, C_SPACE = 32, C_QUOTE2 = 34, C_HASH = 35, C_QUOTE1 = 39;
const C_DOT = 46, C_0 = 48, C_1 = 49, C_7 = 55, C_9 = 57, C_BACKSLASH = 92, C_UNDERSCORE = 95;

const ID_START_ASCII = 1;
const ID_CONTINUE_ASCII = 2;
/** Classes of ASCII characters: letters and `_` start a name (ASCII part of ID_Start plus `_`); digits may continue one. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === C_UNDERSCORE;
  CLASS[c] = (letter ? ID_START_ASCII | ID_CONTINUE_ASCII : 0) | (c >= C_0 && c <= C_9 ? ID_CONTINUE_ASCII : 0);
}

function isAsciiIdContinue(c: number): boolean {
  return (CLASS[c] & ID_CONTINUE_ASCII) !== 0;
}

/** Is `text[i..]` an r/b/f/u string prefix of one or two letters, i.e. /^[rRbBfFuU]{1,2}$/ on the word? */
function isPrefixWord(word: string): boolean {
  if (word.length > 2) return false;
  for (let k = 0; k < word.length; k++) {
    const c = word.charCodeAt(k) | 32; // lower case
    if (c !== 114 && c !== 98 && c !== 102 && c !== 117) return false;
  }
  return true;
}

/**
 * The operator starting with character code `c` (then `d`, 0 at the end), longest match first (`**` over `*`, `//` over `/`),
 * or null. The spellings are the literals below, so the parser's comparisons with them are cheap.
 */
function operatorAt(c: number, d: number): string | null {
  switch (c) {
    case 42: return d === 42 ? '**' : '*';
    case 47: return d === 47 ? '//' : '/';
    case 60: return d === 61 ? '<=' : d === 60 ? '<<' : '<';
    case 62: return d === 61 ? '>=' : d === 62 ? '>>' : '>';
    case 61: return d === 61 ? '==' : '=';
    case 33: return d === 61 ? '!=' : null;
    case 45: return d === 62 ? '->' : '-';
    case 58: return d === 61 ? ':=' : ':';
    case 43: return '+';
    case 37: return '%';
    case 40: return '(';
    case 41: return ')';
    case 91: return '[';
    case 93: return ']';
    case 123: return '{';
    case 125: return '}';
    case 44: return ',';
    case 46: return '.';
    case 38: return '&';
    case 124: return '|';
    case 94: return '^';
    case 126: return '~';
    case 64: return '@';
    case 59: return ';';
    default: return null;
  }
}

/** All tokens get the same fields, in the same order (one object shape for the engine); value/isFloat are set only on literals. */
function token(kind: TokenKind, text: string, start: number, end: number): Token {
  return { kind, text, start, end, value: undefined, isFloat: undefined };
}

export function tokenize(text: string, where?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  // Reads past the end are guarded (`k < n`): an out-of-bounds charCodeAt would throw optimized code away.
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C_SPACE) { i++; continue; }
    if (c < 128 && (CLASS[c] & ID_START_ASCII) !== 0) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d >= 128) { j = scanIdContinue(text, j); break; } // a non-ASCII letter follows
        if ((CLASS[d] & ID_CONTINUE_ASCII) === 0) break;
        j++;
      }
      if (j - i <= 2 && j < n && (text.charCodeAt(j) === C_QUOTE1 || text.charCodeAt(j) === C_QUOTE2)) {
        i = prefixedString(text, i, j, tokens, where);
        continue;
      }
      const w = text.slice(i, j);
      // no keyword is longer than 8 letters (parameter names often are): skip the set lookup for those
      const kw = j - i <= MAX_KEYWORD_LENGTH && KEYWORDS.has(w);
      tokens.push({ kind: kw ? 'keyword' : 'name', text: w, start: i, end: j, value: undefined, isFloat: undefined });
      i = j;
      continue;
    }
    if (c >= C_0 && c <= C_9) {
      // fast path: a plain decimal integer (no leading zero, separator, fraction, exponent or suffix)
      let j = i + 1;
      let v = c - C_0;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d < C_0 || d > C_9) break;
        v = v * 10 + (d - C_0);
        j++;
      }
      const after = j < n ? text.charCodeAt(j) : C_SPACE;
      if ((c === C_0 && j > i + 1) || j - i > 15 || after >= 128 || after === C_DOT || (CLASS[after] & ID_CONTINUE_ASCII) !== 0) {
        const tok = readNumber(text, i, where);
        tokens.push(tok);
        i = tok.end;
        continue;
      }
      tokens.push({ kind: 'num', text: text.slice(i, j), start: i, end: j, value: v, isFloat: false });
      i = j;
      continue;
    }
    if (c < 128) {
      const op = operatorAt(c, i + 1 < n ? text.charCodeAt(i + 1) : 0);
      if (op !== null) {
        if (op === '.' && i + 1 < n && isDigitCode(text.charCodeAt(i + 1))) { // `.5`
          const tok = readNumber(text, i, where);
          tokens.push(tok);
          i = tok.end;
          continue;
        }
        tokens.push({ kind: 'op', text: op, start: i, end: i + op.length, value: undefined, isFloat: undefined });
        i += op.length;
        continue;
      }
      if (c === C_TAB || c === C_LF || c === C_CR || c === C_FF) { i++; continue; }
      if (c === C_QUOTE1 || c === C_QUOTE2) {
        const tok = readString(text, i, false, where);
        tokens.push(tok);
        i = tok.end;
        continue;
      }
      if (c === C_BACKSLASH && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d === C_LF) { i += 2; continue; } // explicit line continuation
        if (d === C_CR && i + 2 < n && text.charCodeAt(i + 2) === C_LF) { i += 3; continue; }
      }
      if (c === C_HASH) throw syntaxError('comments are not supported', i, text, where);
      throw syntaxError(`invalid character ${JSON.stringify(text[i])}`, i, text, where);
    }
    // non-ASCII: an identifier (Unicode ID_Start) or an invalid character
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    if (ID_START.test(ch)) {
      const j = scanIdContinue(text, i + ch.length);
      const w = text.slice(i, j);
      tokens.push({ kind: KEYWORDS.has(w) ? 'keyword' : 'name', text: w, start: i, end: j, value: undefined, isFloat: undefined });
      i = j;
      continue;
    }
    throw syntaxError(`invalid character ${JSON.stringify(ch)}`, i, text, where);
  }
  tokens.push({ kind: 'end', text: '', start: n, end: n, value: undefined, isFloat: undefined });
  return tokens;
}

/** End of the identifier characters (Unicode ID_Continue, by code point) from j. */
function scanIdContinue(text: string, j: number): number {
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c < 128) {
      if (!isAsciiIdContinue(c)) break;
      j++;
      continue;
    }
    const d = String.fromCodePoint(text.codePointAt(j)!);
    if (!ID_CONTINUE.test(d)) break;
    j += d.length;
  }
  return j;
}

/**
 * The word text[i..j) (one or two letters) followed by a quote: a string with a prefix (r'..' is fine,
 * bytes and f-strings are not), or else just a name. Returns the next offset.
 */
function prefixedString(text: string, i: number, j: number, tokens: Token[], where?: string): number {
  const w = text.slice(i, j);
  if (isPrefixWord(w)) {
    const lower = w.toLowerCase();
    if (lower.includes('b') || lower.includes('f')) {
      throw syntaxError(`${lower.includes('b') ? 'bytes' : 'f-string'} literals are not supported`, i, text, where);
    }
    const tok = readString(text, j, lower.includes('r'), where);
    tok.start = i;
    tokens.push(tok);
    return tok.end;
  }
  tokens.push({ kind: KEYWORDS.has(w) ? 'keyword' : 'name', text: w, start: i, end: j, value: undefined, isFloat: undefined });
  return j;
}

function isDigitCode(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

function isDigitOf(c: number, radix: number): boolean {
  switch (radix) {
    case 10: return c >= C_0 && c <= C_9;
    case 16: return (c >= C_0 && c <= C_9) || ((c | 32) >= 97 && (c | 32) <= 102);
    case 8: return c >= C_0 && c <= C_7;
    default: return c === C_0 || c === C_1;
  }
}

/** Reads `digit (['_'] digit)*` starting at i; returns the end offset (i when there is no digit). */
function readDigits(text: string, i: number, radix: number, where?: string): number {
  if (i >= text.length || !isDigitOf(text.charCodeAt(i), radix)) return i;
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (isDigitOf(c, radix)) { j++; continue; }
    if (c === C_UNDERSCORE) {
      if (j + 1 >= text.length || !isDigitOf(text.charCodeAt(j + 1), radix)) throw syntaxError('invalid number literal (misplaced "_")', j, text, where);
      j++;
      continue;
    }
    break;
  }
  return j;
}

/** `raw` without its `_` digit separators (most literals have none). */
function withoutUnderscores(raw: string): string {
  return raw.includes('_') ? raw.replace(/_/g, '') : raw;
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
    const end = readDigits(text, j, radix, where);
    if (end === j) throw syntaxError(`invalid ${prefix === 'x' ? 'hexadecimal' : prefix === 'o' ? 'octal' : 'binary'} literal`, start, text, where);
    const digits = withoutUnderscores(text.slice(j, end));
    value = radix === 16 ? Number('0x' + digits) : radix === 8 ? Number('0o' + digits) : Number('0b' + digits);
    i = end;
  } else {
    const intEnd = readDigits(text, i, 10, where);
    i = intEnd;
    if (i < text.length && text.charCodeAt(i) === C_DOT) {
      isFloat = true;
      i = readDigits(text, i + 1, 10, where);
    }
    const e = i < text.length ? text.charCodeAt(i) : 0;
    if (e === 101 || e === 69) { // e E
      let j = i + 1;
      if (text[j] === '+' || text[j] === '-') j++;
      const expEnd = readDigits(text, j, 10, where);
      if (expEnd > j) {
        isFloat = true;
        i = expEnd;
      }
    }
    const raw = withoutUnderscores(text.slice(start, i));
    if (!isFloat && raw.charCodeAt(0) === C_0 && /^0+[1-9]/.test(raw)) {
      throw syntaxError('leading zeros in decimal integer literals are not permitted (use 0o for octal)', start, text, where);
    }
    value = Number(raw);
  }
  // `1if x else 2` is legal Python (a keyword may follow a number); `12abc` or `1j` is not.
  const nc = i < text.length ? text.charCodeAt(i) : 0;
  if (i < text.length && (nc < 128 ? isAsciiIdContinue(nc) : ID_CONTINUE.test(text[i]))) {
    const next = text[i];
    const m = /^[\p{ID_Continue}]+/u.exec(text.slice(i));
    const word = m ? m[0] : next;
    if (!['and', 'or', 'if', 'else', 'in', 'not', 'for', 'is'].some((k) => word.startsWith(k))) {
      throw syntaxError(next === 'j' || next === 'J' ? 'complex literals are not supported' : 'invalid number literal', start, text, where);
    }
  }
  const tok = token('num', text.slice(start, i), start, i);
  tok.value = value;
  tok.isFloat = isFloat;
  return tok;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

function readString(text: string, start: number, raw: boolean, where?: string): Token {
  const quote = text[start];
  const q = text.charCodeAt(start);
  const triple = text.charCodeAt(start + 1) === q && text.charCodeAt(start + 2) === q;
  const closing = triple ? quote.repeat(3) : quote;
  let i = start + closing.length;
  let out = '';
  for (;;) {
    // copy the run of plain characters in one slice
    let j = i;
    for (;;) {
      const c = text.charCodeAt(j);
      if (c === q || c === C_BACKSLASH || (c === C_LF && !triple) || j >= text.length) break;
      j++;
    }
    if (j > i) { out += text.slice(i, j); i = j; }
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
  const tok = token('str', text.slice(start, i), start, i);
  tok.value = out;
  return tok;
}
