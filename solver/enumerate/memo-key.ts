// Text for a value in a memo key made of several values joined by commas. Strings are quoted (JSON), so
// a comma inside one cannot make two different keys read alike ("a,b" + "c" vs "a" + "b,c"); numbers
// keep their own text (NaN and Infinity stay distinct, which JSON would not keep).
export function keyText(x: unknown): string {
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}
