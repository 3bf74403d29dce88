// End-to-end CUDA tuning benchmark (issue 4), for a GPU machine:
//   npm run bench:cuda [-- --out DIR] [--quick] [--devices 0,1]
// 1. Tunes the real SGEMM space (kernels/cuda/sgemm.kernel.json, every valid configuration under the
//    device's limits) plus four planted faults (kernels/cuda/sgemm-planted.cu: an out-of-bounds read, an
//    endless loop, a compile error, a launch over the shared-memory limit), from a cold cubin cache; checks
//    each fault is recorded with its kind and the tune completes. Reports compile throughput and the
//    GPU-busy fraction of the tune.
// 2. Re-measures the top 5 interleaved, verifies the best again, and times it in 10 separate runs
//    (spread = max/min of their medians).
// 3. Compiles the whole space again with no cache at the pool's full width: compiles per second.
// Writes the report to DIR/cuda-e2e-<card>-<date>.txt (and prints it).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SearchSpace } from '../solver/space.ts';
import { createCudaBackend, type CudaBackend } from '../tuner/backends/cuda/backend.ts';
import { findNvrtc } from '../tuner/backends/cuda/nvrtc.ts';
import { summarize } from '../tuner/backends/cuda/timing.ts';
import { loadKernelSpecFile, solverSpecOf } from '../tuner/kernel-spec-load.ts';
import type { KernelSpec } from '../tuner/kernel-spec.ts';
import type { Config, Measurement } from '../tuner/measurement.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

function findRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      loadKernelSpecFile(join(d, 'kernels/cuda/sgemm.kernel.json'));
      return d;
    } catch {
      d = dirname(d);
    }
  }
  return process.cwd();
}

const lines: string[] = [];
let outFile: string | undefined;
function say(s = ''): void {
  console.log(s);
  lines.push(s);
  if (outFile) writeFileSync(outFile, lines.join('\n') + '\n');
}

const key = (c: Config) => JSON.stringify(c);
const fmt = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const cfgText = (c: Config) => Object.entries(c).map(([k, v]) => `${k}=${v}`).join(' ');

/** --single 'BM=64,BN=256,…': one configuration measured once in this process (for timing across processes). */
async function single(spec: string): Promise<void> {
  const root = findRoot();
  const { kernel } = loadKernelSpecFile(join(root, 'kernels/cuda/sgemm.kernel.json'));
  const n = Number(opt('--size') ?? 2048);
  const config: Config = Object.fromEntries(spec.split(',').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  const backend = await createCudaBackend({});
  try {
    for await (const m of backend.measure(kernel, { M: n, N: n, K: n }, [config])) {
      console.log(`single ${cfgText(config)}: ${m.status} median ${fmt(m.timeMs, 4)} ms, ${m.timesMs?.length} reps, spread ${fmt((m.spread ?? 0) * 100, 1)}%, ${m.device?.smClockMHz} MHz, ${m.device?.temperatureC} C, pid ${process.pid}`);
    }
  } finally {
    await backend.close();
  }
}

async function main(): Promise<void> {
  if (opt('--single')) return single(opt('--single')!);
  const root = findRoot();
  const quick = flag('--quick');
  const { kernel } = loadKernelSpecFile(join(root, 'kernels/cuda/sgemm.kernel.json'));
  const n = Number(opt('--size') ?? (quick ? 1024 : 2048));
  const problem = { M: n, N: n, K: n };
  const cacheDir = mkdtempSync(join(tmpdir(), 'kernelfit-bench-cubins-'));
  const devices = opt('--devices')?.split(',').map(Number);
  const t0 = performance.now();
  const backend: CudaBackend = await createCudaBackend({
    cacheDir,
    watchdogMs: Number(opt('--watchdog') ?? 2000),
    ...(devices ? { devices } : {}),
  });
  const card = backend.devices[0].name;
  const date = new Date().toISOString().slice(0, 10);
  const outDir = resolve(opt('--out') ?? process.env.OUT ?? join(root, 'bench/results'));
  mkdirSync(outDir, { recursive: true });
  const cardKey = /h100/i.test(card) ? 'h100' : /h200/i.test(card) ? 'h200' : card.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  outFile = join(outDir, `cuda-e2e-${cardKey}-${date}.txt`);
  const nvrtc = findNvrtc();
  say(`# kernelfit CUDA end-to-end benchmark, ${new Date().toISOString()}`);
  say(`command: node dist/bench/cuda-e2e.js ${argv.join(' ')}   (npm run bench:cuda)`);
  say(`card: ${backend.devices.map((d) => `${d.name} [cuda:${d.ordinal}, sm_${d.computeCapability.replace('.', '')}, ${d.smCount} SMs, ${d.pciBusId ?? ''}]`).join('; ')}`);
  say(`driver: ${backend.devices[0].driver}; compiler: ${backend.device.software.compiler}; arch ${backend.arch}; device key ${backend.device.key}`);
  say(`NVRTC: ${'failure' in nvrtc ? nvrtc.failure : `${nvrtc.version} at ${nvrtc.path}`}`);
  say(`problem: M=N=K=${n}; backend opened in ${fmt((performance.now() - t0) / 1000, 2)} s`);

  // ---- the space -----------------------------------------------------------------------------------
  const hw = backend.hardwareConstraints(kernel);
  const space = SearchSpace.fromSpec(solverSpecOf(kernel, problem, hw));
  const count = space.count();
  const valid: Config[] = [];
  for (let i = 0; i < count; i++) valid.push(space.at(i) as Config);
  const planted: KernelSpec = {
    ...kernel,
    name: 'sgemm-planted',
    source: join(root, 'kernels/cuda/sgemm-planted.cu'),
    parameters: { ...kernel.parameters, FAULT: [0, 1, 2, 3, 4] },
    launch: { ...kernel.launch, dynamicSharedMemory: '300000 if FAULT == 4 else 0' },
  };
  const base = valid.find((c) => c.BM === 64 && c.BN === 64 && c.BK === 8 && c.TM === 4 && c.TN === 4) ?? valid[0];
  const faults: { config: Config; want: string; what: string }[] = [
    { config: { ...base, FAULT: 1 }, want: 'crash', what: 'reads out of bounds' },
    { config: { ...base, FAULT: 2 }, want: 'timeout', what: 'loops forever' },
    { config: { ...base, FAULT: 3 }, want: 'compile', what: 'fails to compile' },
    { config: { ...base, FAULT: 4 }, want: 'launch', what: 'over the shared-memory limit (300000 B dynamic)' },
  ];
  const configs: Config[] = (quick ? valid.slice(0, 40) : valid).map((c) => ({ ...c, FAULT: 0 }));
  faults.forEach((f, i) => configs.splice(Math.floor(((i + 1) * configs.length) / 5), 0, f.config));
  say(`space: ${count} valid configurations under ${hw.length} device constraints (${hw.map((h) => h.label).join('; ')})`);
  say(`tuning ${configs.length} candidates (${configs.length - 4} of the space + 4 planted faults), cold cubin cache`);

  // ---- 1. the tune ---------------------------------------------------------------------------------
  const results: Measurement[] = [];
  const tTune = performance.now();
  for await (const m of backend.measure(planted, problem, configs)) results.push(m);
  const tuneS = (performance.now() - tTune) / 1000;
  const st = backend.stats();
  say('');
  say(`## tune: ${results.length} measurements in ${fmt(tuneS, 1)} s (all ${configs.length} returned: ${results.length === configs.length})`);
  say(`statuses: ${JSON.stringify(st.byStatus)}; runner restarts: ${st.runnerRestarts}`);
  const perGpu: Record<string, number> = {};
  for (const m of results) { const g = String(m.device?.gpu ?? '?'); perGpu[`cuda:${g}`] = (perGpu[`cuda:${g}`] ?? 0) + 1; }
  say(`measurements per GPU: ${JSON.stringify(perGpu)}`);
  say(`compiles: ${st.compiles} (${st.cachedCompiles} cached, ${st.compileFailures} failed) on ${st.poolSize} threads, ${fmt(st.compilesPerSecond, 1)}/s over the tune (paced by the GPU look-ahead)`);
  say(`GPU-busy fraction (time in timed launches / wall from first candidate on the GPU): ${fmt(st.gpuBusyFraction * 100, 1)}%; with flushes and restores between them: ${fmt(st.gpuOccupiedFraction * 100, 1)}%; GPU wall ${fmt(st.gpuWallMs / 1000, 1)} s`);
  say(`  of which lost to the planted faults (faulting run + watchdog + runner restart): ${fmt(st.faultRecoveryMs / 1000, 2)} s; busy fraction without that time: ${fmt(st.gpuBusyExcludingFaults * 100, 1)}%`);
  const withReport = results.filter((r) => r.resources?.spillStores !== undefined).length;
  say(`ptxas reports (NVRTC --ptxas-options=-v) for ${withReport} of ${results.filter((r) => r.resources).length} compiled candidates`);
  say('planted faults:');
  let faultsOk = true;
  for (const f of faults) {
    const m = results.find((r) => key(r.config) === key(f.config));
    const good = m?.status === f.want;
    faultsOk &&= good;
    say(`  FAULT=${f.config.FAULT} (${f.what}): ${m?.status ?? 'missing'} (want ${f.want}) ${good ? 'OK' : 'MISMATCH'} — ${(m?.message ?? '').split('\n')[0].slice(0, 160)}`);
  }
  const others = results.filter((r) => r.config.FAULT === 0 && r.status !== 'ok');
  if (others.length) {
    say(`unplanted failures: ${others.length}`);
    for (const m of others.slice(0, 10)) say(`  ${cfgText(m.config)}: ${m.status} ${(m.message ?? '').split('\n')[0].slice(0, 160)}`);
  }
  const ok = results.filter((r) => r.status === 'ok' && r.throughput !== undefined).sort((a, b) => b.throughput! - a.throughput!);
  say(`ok (verified against the host float64 matmul, rtol ${kernel.tolerance?.rtol} atol ${kernel.tolerance?.atol}): ${ok.length}`);
  say('top 5: GFLOP/s, median ms, spread (max-min)/median, reps, regs, SM clock MHz, temp C');
  for (const m of ok.slice(0, 5)) {
    say(`  ${cfgText(m.config)}: ${fmt(m.throughput, 0)} GFLOP/s, ${fmt(m.timeMs, 4)} ms, spread ${fmt((m.spread ?? 0) * 100, 1)}%, ${m.timesMs?.length} reps, ${m.resources?.registers} regs, ${m.device?.smClockMHz} MHz, ${m.device?.temperatureC} C`);
  }
  const slow = ok[ok.length - 1];
  if (slow) say(`slowest ok: ${cfgText(slow.config)}: ${fmt(slow.throughput, 0)} GFLOP/s, ${fmt(slow.timeMs, 3)} ms`);
  if (ok.length === 0) throw new Error('no configuration ran correctly');

  // ---- 2. re-measure, verify, timing quality ------------------------------------------------------------
  const top = ok.slice(0, 5).map((m) => m.config);
  const re = await backend.remeasure(planted, problem, top, { rounds: 10, repsPerRound: 10 });
  say('');
  say('## top 5 re-measured interleaved (10 rounds × 10 reps, rotated order)');
  for (const m of re) say(`  ${cfgText(m.config)}: ${m.status} ${fmt(m.throughput, 0)} GFLOP/s, ${fmt(m.timeMs, 4)} ms, spread ${fmt((m.spread ?? 0) * 100, 1)}%`);
  const reOk = re.filter((m) => m.status === 'ok').sort((a, b) => a.score! - b.score!);
  const best = (reOk[0] ?? ok[0]).config;
  say(`best after re-measure: ${cfgText(best)}`);

  const runs: Measurement[] = [];
  for (let i = 0; i < (quick ? 3 : 10); i++) {
    for await (const m of backend.measure(planted, problem, [best])) runs.push(m);
  }
  const medians = runs.filter((m) => m.status === 'ok').map((m) => m.timeMs!);
  const s = summarize(medians);
  say('');
  say(`## timing quality: the best configuration in ${runs.length} separate measurements (each: checked run + verification, estimate, warm-up, reps with L2 flush)`);
  say(`  statuses: ${runs.map((m) => m.status).join(',')}  (best verified: ${runs.every((m) => m.status === 'ok')})`);
  say(`  medians (ms): ${medians.map((x) => x.toFixed(4)).join(' ')}`);
  say(`  max/min = ${fmt(s.max / s.min, 4)} (spread ${fmt((s.max / s.min - 1) * 100, 2)}%, goal ≤ 3%); clocks ${[...new Set(runs.map((m) => m.device?.smClockMHz))].join('/')} MHz, temps ${[...new Set(runs.map((m) => m.device?.temperatureC))].join('/')} C`);

  // ---- 3. compile throughput -------------------------------------------------------------------------------
  const pc = await backend.precompile(kernel, valid, { cache: false });
  say('');
  say(`## compile throughput: ${valid.length} configurations, no cache, ${backend.stats().poolSize} worker threads, ${backend.device.software.compiler}`);
  say(`  ${pc.ok} ok, ${pc.failed} failed in ${fmt(pc.ms / 1000, 2)} s = ${fmt(pc.perSecond, 1)} compiles/s (goal ≥ 15/s with NVRTC on 16 cores)`);
  const regs = pc.results.filter((r) => r.ok).map((r) => r.kernels[0]?.registers ?? 0);
  say(`  ptxas report parsed for ${regs.filter((x) => x > 0).length} of ${pc.ok} (registers ${Math.min(...regs)}–${Math.max(...regs)})`);
  const noReport = pc.results.find((r) => r.ok && r.kernels.length === 0);
  if (noReport) say(`  a compile without a parsed report; its log (${noReport.log.length} chars): ${JSON.stringify(noReport.log.slice(0, 400))}`);

  say('');
  say(`summary: candidates ${configs.length}, tune completed ${results.length === configs.length}, faults recorded right ${faultsOk}, best verified ${runs.every((m) => m.status === 'ok')}, GPU-busy ${fmt(st.gpuBusyFraction * 100, 1)}%, compiles/s ${fmt(pc.perSecond, 1)}, 10-run max/min ${fmt(s.max / s.min, 4)}; total ${fmt((performance.now() - t0) / 1000, 1)} s`);
  await backend.close();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    say(`FAILED: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
