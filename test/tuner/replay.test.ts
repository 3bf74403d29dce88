// The replay device on the real recordings of ../shared/bench/replay: the space it derives is exactly
// the recorded set, measuring is a lookup, recorded failures and unrecorded configurations map to
// statuses, plain and unterminated (interrupted) Kernel Tuner caches read too.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../solver/space.ts';
import { ReplayBackend } from '../../tuner/backends/replay/replay-backend.ts';
import { openDevice } from '../../tuner/backends/registry.ts';
import { entryKey, readKernelTunerCache } from '../../tuner/interop/kernel-tuner-cache.ts';
import { solverSpecOf } from '../../tuner/kernel-spec-load.ts';
import type { Measurement } from '../../tuner/measurement.ts';

const REPLAY = '../shared/bench/replay';
const FILES = ['convolution-A100', 'convolution-A4000', 'dedispersion-A100', 'dedispersion-A4000'];
const collect = async (it: AsyncIterable<Measurement>) => { const out: Measurement[] = []; for await (const m of it) out.push(m); return out; };

describe('replay backend on the recorded spaces', () => {
  for (const name of FILES) {
    it(`${name}: the derived space is exactly the recorded configurations`, () => {
      const b = ReplayBackend.open(join(REPLAY, `${name}.json.gz`));
      const space = SearchSpace.fromSpec(solverSpecOf(b.kernel, b.kernel.problem));
      expect(space.count()).toBe(b.cache.entries.size);
      let n = 0;
      for (const c of space.configurations()) { expect(b.cache.entries.has(entryKey(b.cache.params, c))).toBe(true); n++; }
      expect(n).toBe(b.cache.entries.size);
      expect(b.device).toMatchObject({ backend: 'replay', software: { recording: b.cache.sha256 } });
      expect(b.device.key).toMatch(/^replay\/nvidia-/);
    });
  }

  it('known sizes: 4,362 convolution and 11,130 dedispersion configurations; 161 recorded failures on convolution', () => {
    const conv = readKernelTunerCache(join(REPLAY, 'convolution-A100.json.gz'));
    const dedisp = readKernelTunerCache(join(REPLAY, 'dedispersion-A4000.json.gz'));
    expect(conv.entries.size).toBe(4362);
    expect(dedisp.entries.size).toBe(11130);
    expect([...conv.entries.values()].filter((e) => typeof e.time !== 'number')).toHaveLength(161);
    expect(conv.problemSize).toEqual([4096, 4096]);
    expect(dedisp.params).toContain('tile_stride_y');
  });

  it('a measurement is the recorded time; failures and unrecorded configurations get statuses', async () => {
    const b = ReplayBackend.open(join(REPLAY, 'convolution-A100.json.gz'));
    const entries = [...b.cache.entries.values()];
    const ok = entries.find((e) => typeof e.time === 'number')!;
    const runtime = entries.find((e) => typeof e.time !== 'number' && e.time.failure === 'RuntimeFailedConfig')!;
    const compile = entries.find((e) => typeof e.time !== 'number' && e.time.failure === 'CompilationFailedConfig')!;
    const absent = { ...ok.config, block_size_x: 17 };
    const got = await collect(b.measure(b.kernel, b.kernel.problem, [ok.config, runtime.config, compile.config, absent]));
    expect(got[0]).toMatchObject({ status: 'ok', timeMs: ok.time, score: ok.time, timer: 'replay' });
    expect(got[0].timesMs!.length).toBeGreaterThan(1);
    expect(got[0].spread).toBeGreaterThanOrEqual(0);
    expect(got[1]).toMatchObject({ status: 'launch', timer: 'replay', message: 'recorded as RuntimeFailedConfig' });
    expect(got[2]).toMatchObject({ status: 'compile', timer: 'replay' });
    expect(got[3]).toMatchObject({ status: 'invalid', message: expect.stringMatching(/not in the recording/) });
  });

  it('refuses a problem size it did not record', async () => {
    const b = ReplayBackend.open(join(REPLAY, 'dedispersion-A100.json.gz'));
    await expect(collect(b.measure(b.kernel, { ...b.kernel.problem, problem_size_0: 1 }, []))).rejects.toThrow(/replays only the problem it measured/);
  });

  it('reads a plain cache, and one an interrupted Kernel Tuner run left unterminated', async () => {
    const text = gunzipSync(readFileSync(join(REPLAY, 'dedispersion-A100.json.gz'))).toString();
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-replay-'));
    writeFileSync(join(dir, 'plain.json'), text);
    // keep the first 3 entries only, cut where Kernel Tuner would have been killed (no closing braces)
    const head = text.slice(0, text.indexOf('"cache": {') + 10);
    const lines = text.slice(head.length).split('\n').filter((l) => l.startsWith('"')).slice(0, 3);
    writeFileSync(join(dir, 'partial.json'), `${head}\n${lines.join('\n')}\n`);
    expect(readKernelTunerCache(join(dir, 'plain.json')).entries.size).toBe(11130);
    const partial = ReplayBackend.open(join(dir, 'partial.json'));
    expect(partial.cache.entries.size).toBe(3);
    expect(SearchSpace.fromSpec(solverSpecOf(partial.kernel, partial.kernel.problem)).count()).toBe(3);
    const d = await openDevice(`replay:${join(dir, 'plain.json')}`);
    expect(d.device.backend).toBe('replay');
  });

  it('a file that is not a Kernel Tuner cache is a clear user error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-replay-'));
    writeFileSync(join(dir, 'x.json'), '{"a": 1}');
    expect(() => ReplayBackend.open(join(dir, 'x.json'))).toThrow(/not a Kernel Tuner cache file/);
    writeFileSync(join(dir, 'y.json'), 'nonsense');
    expect(() => ReplayBackend.open(join(dir, 'y.json'))).toThrow(/not valid JSON/);
    expect(() => ReplayBackend.open(join(dir, 'missing.json.gz'))).toThrow(/no such file/);
  });

  it('the device registry: replay needs a file; unregistered devices and auto explain themselves', async () => {
    await expect(openDevice('replay:')).rejects.toThrow(/replay needs a recording/);
    // this test imports the registry alone: the CUDA and WebGPU backends (tuner/backends/builtin.ts) are not registered
    await expect(openDevice('cuda:0')).rejects.toThrow(/unknown device 'cuda:0'; available: replay:FILE, auto/);
    await expect(openDevice('auto')).rejects.toThrow(/--device auto found no usable device/);
  });
});
