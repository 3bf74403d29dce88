// The host matmul reference, fast enough for real problem sizes: row-blocked (16 rows of C share each
// streamed row of B, so B is read from memory M/16 times instead of M times) and split by rows over
// worker threads sharing the operands (SharedArrayBuffer). 2048³ is 8.6 G multiply-adds; a naive
// row-by-row loop took 47 s on a 2-core machine, memory-bound on re-reading B.
//
// The worker body is plain JavaScript given to `new Worker(..., { eval: true })`, so it runs the same from
// TypeScript sources (tests) and from a bundle, with no module to locate.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { NumberArray } from './element-types.ts';

const BODY = `
function matmulRows(A, B, C, C0, M, N, K, alpha, beta, r0, r1) {
  const IB = 16;
  const acc = new Float64Array(IB * N);
  for (let i0 = r0; i0 < r1; i0 += IB) {
    const ib = Math.min(IB, r1 - i0);
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const boff = k * N;
      for (let ii = 0; ii < ib; ii++) {
        const a = A[(i0 + ii) * K + k];
        if (a === 0) continue;
        const coff = ii * N;
        for (let j = 0; j < N; j++) acc[coff + j] += a * B[boff + j];
      }
    }
    for (let ii = 0; ii < ib; ii++) {
      const o = (i0 + ii) * N;
      for (let j = 0; j < N; j++) C[o + j] = alpha * acc[ii * N + j] + (beta !== 0 ? beta * C0[o + j] : 0);
    }
  }
}`;

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const matmulRows = new Function(`${BODY}; return matmulRows;`)() as (
  A: NumberArray, B: NumberArray, C: Float64Array, C0: NumberArray, M: number, N: number, K: number, alpha: number, beta: number, r0: number, r1: number,
) => void;

const WORKER = `
const { parentPort, workerData: d } = require('node:worker_threads');
${BODY}
matmulRows(new Float64Array(d.A), new Float64Array(d.B), new Float64Array(d.C), new Float64Array(d.C0), d.M, d.N, d.K, d.alpha, d.beta, d.r0, d.r1);
parentPort.postMessage('done');
`;

/** The values as float64 in memory every worker reads. */
function shared(a: NumberArray): SharedArrayBuffer {
  const s = new SharedArrayBuffer(a.length * 8);
  new Float64Array(s).set(a);
  return s;
}

/**
 * C = alpha·A·B + beta·C0 (row-major; A M×K, B K×N, C0 M×N, read only when beta ≠ 0) accumulated in
 * float64; `threads` 1 computes on this thread, as does any problem too small to pay for workers.
 */
export async function threadedMatmul(
  A: NumberArray, B: NumberArray, C0: NumberArray, M: number, N: number, K: number, alpha: number, beta: number,
  threads = availableParallelism(),
): Promise<Float64Array> {
  const work = M * N * K;
  const t = Math.max(1, Math.min(threads, Math.ceil(M / 16), work < 5e7 ? 1 : threads));
  if (t === 1) {
    const C = new Float64Array(M * N);
    matmulRows(A, B, C, C0, M, N, K, alpha, beta, 0, M);
    return C;
  }
  const sA = shared(A);
  const sB = shared(B);
  const sC0 = shared(C0);
  const sC = new SharedArrayBuffer(M * N * 8);
  const rows = Math.ceil(M / t / 16) * 16;
  const jobs: Promise<void>[] = [];
  for (let r0 = 0; r0 < M; r0 += rows) {
    const r1 = Math.min(M, r0 + rows);
    jobs.push(
      new Promise<void>((resolve, reject) => {
        const w = new Worker(WORKER, { eval: true, workerData: { A: sA, B: sB, C: sC, C0: sC0, M, N, K, alpha, beta, r0, r1 } });
        w.once('message', () => {
          void w.terminate();
          resolve();
        });
        w.once('error', reject);
      }),
    );
  }
  await Promise.all(jobs);
  return new Float64Array(sC);
}
