// Configurations as JSON lines, written straight into byte chunks: what `kernelfit space list` streams.
import type { SearchSpace } from './space.ts';

/**
 * Writes configurations as JSON lines into byte chunks. Kept out of the generator so that the hot loop
 * is an ordinary method V8 optimises well.
 */
export class JsonLineWriter {
  private readonly P: number;
  private readonly pieces: Map<number, Uint8Array>[];
  private readonly pieceByCode: (Uint8Array[] | null)[];
  private readonly compOf: Int32Array;
  private readonly column: ArrayLike<number>[];
  private readonly entry: Int32Array;
  private readonly counts: Int32Array;
  private readonly byComp: number[][];
  private readonly codes: Float64Array;
  private readonly at: Int32Array;
  private buf: Uint8Array;
  private pos = 0;
  private lineStart = 0;
  private chunkStart = 0;
  private changedFrom = 0;
  private readonly encoder = new TextEncoder();

  constructor(private readonly space: SearchSpace, private readonly chunkBytes: number) {
    const L = space.layout();
    this.L = L;
    const P = (this.P = L.params.length);
    this.pieces = L.params.map(() => new Map());
    this.pieceByCode = L.params.map((_, p) => (L.isList(p) ? [] : null));
    this.compOf = Int32Array.from(L.where, (w) => w.comp);
    this.column = L.where.map((w) => (w.comp < 0 ? new Int32Array(1) : L.tables[w.comp].columns[w.k]));
    this.entry = new Int32Array(L.tables.length);
    this.counts = Int32Array.from(L.tables, (t) => t.count);
    this.byComp = L.tables.map(() => []);
    for (let p = 0; p < P; p++) if (this.compOf[p] >= 0) this.byComp[this.compOf[p]].push(p);
    this.codes = new Float64Array(P);
    for (let p = 0; p < P; p++) this.codes[p] = this.column[p][0];
    this.at = new Int32Array(P + 1);
    let maxLine = 2;
    for (let p = 0; p < P; p++) maxLine += 2 + 6 * JSON.stringify(L.params[p]).length + 3 * L.maxValueChars(p);
    this.buf = new Uint8Array(chunkBytes + 2 * maxLine);
  }
  private readonly L: ReturnType<SearchSpace['layout']>;

  private piece(p: number, code: number): Uint8Array {
    // value-list codes are small integers: an array lookup; interval values go through a Map
    const byCode = this.pieceByCode[p];
    let b = byCode !== null ? byCode[code] : this.pieces[p].get(code);
    if (b === undefined) {
      b = this.encoder.encode(`${p === 0 ? '{' : ','}${JSON.stringify(this.L.params[p])}:${JSON.stringify(this.L.valueOf(p, code))}`);
      if (byCode !== null) byCode[code] = b; else this.pieces[p].set(code, b);
    }
    return b;
  }

  /** Writes lines `done`, `done+1`, … until the chunk is full or all are written; returns the new `done`. */
  fill(total: number, done: number): number {
    const P = this.P, codes = this.codes, at = this.at, entry = this.entry, counts = this.counts;
    let buf = this.buf, pos = this.pos, lineStart = this.lineStart, changedFrom = this.changedFrom;
    const limit = this.chunkBytes;
    while (done < total && pos < limit) {
      const start = pos;
      // copy the unchanged leading pieces of the previous line, then write the rest
      const keep = at[changedFrom];
      if (changedFrom > 0) buf.copyWithin(pos, lineStart, lineStart + keep);
      pos += keep;
      for (let p = changedFrom; p < P; p++) {
        at[p] = pos - start;
        const b = this.piece(p, codes[p]);
        for (let k = 0; k < b.length; k++) buf[pos++] = b[k];
      }
      at[P] = pos - start;
      buf[pos++] = 125; // }
      buf[pos++] = 10; // \n
      lineStart = start;
      if (++done === total) break;
      let c = entry.length - 1;
      while (++entry[c] === counts[c]) entry[c--] = 0;
      changedFrom = P;
      for (let j = c; j < entry.length; j++) {
        const e = entry[j];
        for (const p of this.byComp[j]) {
          const code = this.column[p][e];
          if (code !== codes[p]) { codes[p] = code; if (p < changedFrom) changedFrom = p; }
        }
      }
    }
    this.pos = pos; this.lineStart = lineStart; this.changedFrom = changedFrom;
    void buf;
    return done;
  }

  /** The bytes written since the last take(); the last line stays behind as the template of the next. */
  take(): Uint8Array {
    // the buffer is handed out as it is (no copy) and never written again: the next one starts afresh
    const out = this.buf.subarray(this.chunkStart, this.pos);
    const next = new Uint8Array(this.buf.length);
    next.set(this.buf.subarray(this.lineStart, this.pos));
    this.buf = next;
    this.pos -= this.lineStart;
    this.lineStart = 0;
    this.chunkStart = this.pos;
    return out;
  }
}
