// A stand-in for tuner/backends/cuda/runner.ts that speaks the same IPC protocol without a GPU, so the
// orchestration (dispatch, watchdog, restarts, replayed setup, result mapping) is tested in CI. What a
// candidate does is read from its launch: grid[0] picks the behaviour, block[0] the "kernel time".
//   grid[0] = 1 ok · 2 sticky crash (result, then exit 3) · 3 hang (never answers) · 4 launch failure
//             5 dies without a word · 6 wrong output
// FAKE_RUNNER_LOG, when set, gets one line per message received (to check replays after restarts).
import { appendFileSync } from 'node:fs';
import type { FromRunner, RunResult, ToRunner } from '../../../tuner/backends/cuda/protocol.ts';

const send = (m: FromRunner, then?: () => void) => process.send!(m, undefined, {}, then);
const log = (s: string) => {
  if (process.env.FAKE_RUNNER_LOG) appendFileSync(process.env.FAKE_RUNNER_LOG, `${process.pid} ${s}\n`);
};

let setups = 0;
let dead = false; // after a sticky error, as the real runner: leave queued work to the next process
process.on('message', (m: ToRunner) => {
  log(m.type);
  if (dead) return;
  switch (m.type) {
    case 'init':
      send({ type: 'ready', device: { ordinal: m.device, name: 'Fake GPU', computeCapability: '9.0', smCount: 132, driver: 'fake', libcuda: 'none' } });
      return;
    case 'setup':
    case 'reference':
      setups++;
      send({ type: 'setup-done', seq: m.seq, ok: true });
      return;
    case 'measure': {
      send({ type: 'begin', id: m.id });
      const behaviour = m.candidate.grid[0];
      const t = m.candidate.block[0] / 1000;
      if (setups === 0) {
        send({ type: 'result', id: m.id, result: { status: 'launch', message: 'measure before setup', kernelMs: 0, spanMs: 0 } });
        return;
      }
      if (behaviour === 3) {
        const end = Date.now() + 3_600_000;
        while (Date.now() < end) {
          // hang: a kernel that never finishes keeps the runner inside a CUDA call
        }
        return;
      }
      if (behaviour === 5) process.exit(1);
      let result: RunResult;
      if (behaviour === 2) result = { status: 'crash', message: 'checked run: cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)', kernelMs: 0, spanMs: 0, sticky: true };
      else if (behaviour === 4) result = { status: 'launch', message: 'cuLaunchKernel failed: CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (701)', kernelMs: 0, spanMs: 0 };
      else {
        const times = Array.from({ length: 10 }, (_, i) => t * (1 + 0.001 * i));
        result = { status: behaviour === 6 ? 'wrong' : 'ok', timesMs: times, kernelMs: times.reduce((a, b) => a + b, 0), spanMs: 11 * t, device: { smClockMHz: 1980, temperatureC: 40 } };
      }
      if (result.sticky) dead = true;
      send({ type: 'result', id: m.id, result }, result.sticky ? () => process.exit(3) : undefined);
      return;
    }
    case 'remeasure':
      send({ type: 'begin', id: m.id });
      send({
        type: 'remeasure-result',
        id: m.id,
        results: m.candidates.map((c) => ({ status: 'ok', timesMs: [c.block[0] / 1000], kernelMs: c.block[0] / 1000, spanMs: c.block[0] / 1000 })),
      });
      return;
    case 'exit':
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
