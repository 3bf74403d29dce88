// Writing large outputs to stdout without buffering them all in memory (waits for 'drain'), and
// ending quietly when the reader goes away (`kernelfit space list … | head`).
import { once } from 'node:events';

export async function writeChunks(chunks: Iterable<string | Uint8Array>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  let closed = false;
  const onError = (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') closed = true; else throw e; };
  out.on('error', onError);
  try {
    for (const chunk of chunks) {
      if (closed) return;
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
  } finally {
    out.off('error', onError);
  }
}

/** CSV field: quoted only when needed. */
export function csvField(v: unknown): string {
  const s = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
