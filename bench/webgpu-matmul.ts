// npm run bench:webgpu [-- --sizes 1024,2048,4096] [--seconds 270] [--out FILE] [--cpu]
// The tunable WGSL matmul (kernels/wgsl/matmul.wgsl) tuned on this machine's WebGPU adapter at square f32
// sizes, against the best of common fixed defaults measured in the same run: the naive kernel with 16×16 and
// 8×8 workgroups, the textbook shared-memory tiling with a 16×16 workgroup (one output per invocation), and a
// TF.js-style 8×8 workgroup with 4×4 outputs per invocation (32×32 tiles). Tuning: random sampling of the
// space built from the adapter's limits, under a time budget split over the sizes (`--seconds`, default
// 270: 25/30/45%). Every candidate is verified against the host reference (sampled entries at large sizes).
// Reports GFLOP/s, the ratio tuned / best default (goal ≥ 2×), and, for the tuned configuration, timestamp
// queries against the wall clock over one long run (≥ 1 s). `--cpu` forces SwiftShader (for a dry run).
import { writeFileSync } from 'node:fs';
import { createWebGpuBackend, type WebGpuBackend } from '../tuner/backends/webgpu/backend.ts';
import type { KernelSpec } from '../tuner/kernel-spec.ts';
import { loadKernelSpecFile } from '../tuner/kernel-spec-load.ts';
import type { Config, Measurement } from '../tuner/measurement.ts';
import { tune } from '../tuner/tune.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const sizes = (flag('--sizes') ?? '1024,2048,4096').split(',').map(Number);
const seconds = Number(flag('--seconds') ?? 270);
const outFile = flag('--out');
const shares = sizes.length === 3 ? [0.25, 0.3, 0.45] : sizes.map(() => 1 / sizes.length);

const lines: string[] = [];
const log = (s = '') => {
  lines.push(s);
  process.stdout.write(s + '\n');
  if (outFile) writeFileSync(outFile, lines.join('\n') + '\n');
};

const tiled = loadKernelSpecFile('kernels/wgsl/matmul.spec.json').kernel;
const naive = loadKernelSpecFile('kernels/wgsl/matmul-naive.spec.json').kernel;
const DEFAULTS: { name: string; kernel: KernelSpec; config: Config }[] = [
  { name: 'naive, 16×16 workgroup', kernel: naive, config: { WG_X: 16, WG_Y: 16 } },
  { name: 'naive, 8×8 workgroup', kernel: naive, config: { WG_X: 8, WG_Y: 8 } },
  { name: 'tiled, 16×16 workgroup, 1×1 per invocation (BK 16)', kernel: tiled, config: { WG_X: 16, WG_Y: 16, TM: 1, TN: 1, BK: 16, VEC: 1 } },
  { name: 'tiled, 8×8 workgroup, 4×4 per invocation, vec4 (TF.js-style)', kernel: tiled, config: { WG_X: 8, WG_Y: 8, TM: 4, TN: 4, BK: 32, VEC: 4 } },
];

const fmt = (g: number) => (g >= 100 ? g.toFixed(0) : g.toPrecision(3));
const gflops = (m: Measurement | undefined) => (m?.status === 'ok' ? fmt(m.throughput!) : m ? m.status : '-');
const cfgText = (c: Config) => Object.entries(c).map(([k, v]) => `${k}=${v}`).join(' ');

async function measureOne(backend: WebGpuBackend, kernel: KernelSpec, problem: Record<string, number>, config: Config): Promise<Measurement> {
  for await (const m of backend.measure(kernel, problem, [config])) return m;
  throw new Error('no measurement');
}

const backend = await createWebGpuBackend({ software: argv.includes('--cpu') ? 'only' : 'auto' });
log(`# WebGPU matmul (f32, square) — tuned vs fixed defaults`);
log(`date: ${new Date().toISOString()}`);
log(`device: ${backend.device.name} — key ${backend.device.key}; ${Object.entries(backend.device.software).map(([k, v]) => `${k} ${v}`).join(', ')}`);
log(`timer: ${backend.timerKind}${backend.timerKind === 'wall-clock' ? ` (${backend.wallClockNote})` : ''}; limits: ${backend.limits.maxComputeInvocationsPerWorkgroup} invocations, ${backend.limits.maxComputeWorkgroupStorageSize} B workgroup storage`);
log(`command: npm run bench:webgpu -- ${argv.join(' ')}`);
log(`tuning: random sampling of the space from the adapter limits, ${seconds} s split over sizes ${sizes.join(', ')}; every candidate verified`);
const summary: string[] = [];
for (const [i, n] of sizes.entries()) {
  try {
    await benchSize(i, n);
  } catch (err) {
    log(`${n}: failed: ${(err as Error).stack ?? err}`);
  }
}

async function benchSize(i: number, n: number): Promise<void> {
  const problem = { M: n, N: n, K: n };
  log();
  log(`## ${n}×${n}×${n}`);
  const base: { name: string; m: Measurement }[] = [];
  for (const d of DEFAULTS) {
    const m = await measureOne(backend, d.kernel, problem, d.config);
    base.push({ name: d.name, m });
    log(`default  ${d.name.padEnd(62)} ${String(gflops(m)).padStart(7)} GFLOP/s${m.status === 'ok' ? `  (${m.timeMs!.toFixed(3)} ms, ${m.timesMs!.length} reps)` : `  ${m.message ?? ''}`}`);
  }
  const bestBase = base.filter((b) => b.m.status === 'ok').sort((a, b) => b.m.throughput! - a.m.throughput!)[0];
  const t0 = performance.now();
  const result = await tune({ kernel: tiled, backend, problem, strategy: 'random', seed: 1, budget: `${Math.max(5, Math.round(seconds * shares[i]))}s` });
  const failed = Object.entries(result.failed).map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
  log(`tuning: ${result.measured} of ${result.spaceSize} configurations in ${((performance.now() - t0) / 1000).toFixed(0)} s (failed: ${failed})`);
  const ok = result.measurements.filter((m) => m.status === 'ok').sort((a, b) => b.throughput! - a.throughput!);
  for (const m of ok.slice(0, 5)) log(`tuned    ${cfgText(m.config).padEnd(62)} ${fmt(m.throughput!).padStart(7)} GFLOP/s  (${m.timeMs!.toFixed(3)} ms, spread ${(m.spread! * 100).toFixed(1)}%)`);
  const best = ok[0];
  if (!best || !bestBase) {
    log('no result');
    return;
  }
  const ratio = best.throughput! / bestBase.m.throughput!;
  log(`ratio tuned / best default (${bestBase.name}): ${ratio.toFixed(2)}× ${ratio >= 2 ? '(goal ≥ 2× met)' : '(goal ≥ 2× not met)'}`);
  // the issue's defaults: naive and the one-output-per-invocation tilings (8×8, 16×16 workgroups)
  const simple = base.filter((b) => b.m.status === 'ok' && !b.name.includes('TF.js')).sort((a, b) => b.m.throughput! - a.m.throughput!)[0];
  const simpleRatio = simple ? best.throughput! / simple.m.throughput! : NaN;
  if (simple) log(`ratio tuned / best naive-or-1×1 default (${simple.name}): ${simpleRatio.toFixed(2)}×`);
  const reps = Math.min(2000, Math.max(20, Math.ceil(1000 / best.timeMs!)));
  const clocks = await backend.clockAgreement(tiled, problem, best.config, reps).catch((e: Error) => e);
  if (clocks instanceof Error) log(`clocks: ${clocks.message}`);
  else log(`clocks over one run of ${clocks.reps} dispatches: timestamps ${clocks.timestampMs.toFixed(4)} ms, wall ${clocks.wallMs.toFixed(4)} ms per dispatch (timestamps/wall ${(clocks.timestampMs / clocks.wallMs).toFixed(3)})`);
  summary.push(`${n}: tuned ${fmt(best.throughput!)} GFLOP/s vs best default ${fmt(bestBase.m.throughput!)} GFLOP/s (${bestBase.name}) = ${ratio.toFixed(2)}× (vs naive/1×1 defaults ${simpleRatio.toFixed(2)}×)${clocks instanceof Error ? '' : `; timestamps/wall ${(clocks.timestampMs / clocks.wallMs).toFixed(3)}`}`);
}
log();
log('## summary');
for (const s of summary) log(s);
await backend.close();
process.exit(0);
