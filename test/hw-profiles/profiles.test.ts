// The GPU hardware profiles: every file validates, keys match file names, the numbers are internally consistent
// and agree with the CUDA Programming Guide's per-compute-capability table, the WebGPU default tier is the
// spec's defaults, bad files give UserErrors naming file + JSON path, and `kernelfit hw list|show|detect`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clearProfileCache,
  findProfile,
  listProfiles,
  loadProfile,
  loadProfileFile,
  profilesDir,
  sourceProblems,
} from '../../hw-profiles/load.ts';
import {
  deviceKey,
  isNvidiaProfile,
  KEY_PATTERN,
  normalizeKey,
  type NvidiaProfile,
  type Profile,
} from '../../hw-profiles/profile.ts';
import { hwCommand, registerHwCommands } from '../../tuner/cli/hw.ts';
import { UserError } from '../../solver/user-error.ts';

const dir = profilesDir();
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const profiles = listProfiles();
const nvidia = profiles.filter(isNvidiaProfile) as NvidiaProfile[];
const byKey = (k: string): Profile => {
  const p = profiles.find((q) => q.key === k);
  if (!p) throw new Error(`no profile ${k}`);
  return p;
};
const KB = 1024;

const tmp = mkdtempSync(join(tmpdir(), 'kernelfit-hw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const h100Text = readFileSync(join(dir, 'h100-sxm.json'), 'utf8');
function writeVariant(name: string, mutate: (o: Record<string, any>) => void): string {
  const o = JSON.parse(h100Text) as Record<string, any>;
  mutate(o);
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(o, null, 2));
  return path;
}
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('profile files', () => {
  it('has the required set of profiles', () => {
    const required = [
      'v100', 't4', 'a100-40gb', 'a100-80gb', 'a10', 'l4', 'rtx-3090', 'rtx-4090', 'h100-sxm', 'h100-pcie', 'h200',
      'b200', 'rtx-5090', 'mi250x', 'mi300x', 'apple-m1', 'apple-m2', 'apple-m3', 'webgpu-default',
      'webgpu-typical-desktop', 'webgpu-typical-mobile',
    ];
    expect(profiles.map((p) => p.key).sort()).toEqual(expect.arrayContaining(required));
    expect(new Set(nvidia.map((p) => p.computeCapability))).toEqual(new Set(['7.0', '7.5', '8.0', '8.6', '8.9', '9.0', '10.0', '12.0']));
  });

  it.each(files)('%s validates against the schema, with a source for every field', (f) => {
    const p = loadProfileFile(join(dir, f));
    expect(p.key).toBe(f.replace(/\.json$/, ''));
    expect(sourceProblems(p as unknown as Record<string, unknown>)).toEqual([]);
    for (const s of Object.values(p.sources)) expect(s.length).toBeGreaterThan(10);
  });

  it('keys are unique kebab-case, equal to the file names, and aliases collide with no key', () => {
    expect(profiles.map((p) => `${p.key}.json`).sort()).toEqual(files);
    const names = profiles.flatMap((p) => [p.key, ...(p.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(KEY_PATTERN);
  });

  it('every profile has a match rule, except the WebGPU tiers (matched by their limits)', () => {
    for (const p of profiles) {
      if (p.vendor === 'webgpu') continue;
      expect(p.match?.names?.length, p.key).toBeGreaterThan(0);
    }
  });
});

describe('NVIDIA consistency', () => {
  it.each(nvidia.map((p) => [p.key, p] as const))('%s is internally consistent', (_k, p) => {
    expect(p.warpSize).toBe(32);
    expect(p.maxWarpsPerSM * p.warpSize).toBe(p.maxThreadsPerSM);
    expect(p.maxThreadsPerBlock).toBeLessThanOrEqual(p.maxThreadsPerSM);
    expect(p.sharedMemoryPerBlock).toBe(48 * KB);
    expect(p.sharedMemoryPerBlockOptin).toBeLessThanOrEqual(p.sharedMemoryPerSM - p.reservedSharedMemoryPerBlock);
    // from sm_80 on, the opt-in limit is exactly the SM's shared memory less the 1 KB system reservation
    const major = Number(p.computeCapability.split('.')[0]);
    if (major >= 8) {
      expect(p.reservedSharedMemoryPerBlock).toBe(1024);
      expect(p.sharedMemoryPerBlockOptin).toBe(p.sharedMemoryPerSM - 1024);
      expect(p.sharedMemoryAllocationUnitSize).toBe(128);
    } else {
      expect(p.reservedSharedMemoryPerBlock).toBe(0);
      expect(p.sharedMemoryPerBlockOptin).toBe(p.sharedMemoryPerSM);
      expect(p.sharedMemoryAllocationUnitSize).toBe(256);
    }
    const c = p.sharedMemoryCarveoutsKB;
    expect([...c].sort((a, b) => a - b)).toEqual(c);
    expect(c[c.length - 1] * KB).toBe(p.sharedMemoryPerSM);
    expect(p.sharedMemoryPerSM).toBeLessThanOrEqual(p.l1CacheBytes);
    expect(p.registersPerSM).toBe(65536);
    expect(p.registersPerBlock).toBeLessThanOrEqual(p.registersPerSM);
    expect(p.maxRegistersPerThread).toBe(255);
    expect(p.registerAllocationUnitSize).toBe(256);
    expect(p.registerAllocationGranularity).toBe('warp');
    expect(p.maxBlockDimX).toBeLessThanOrEqual(p.maxThreadsPerBlock);
    expect([p.maxGridDimX, p.maxGridDimY, p.maxGridDimZ]).toEqual([2 ** 31 - 1, 65535, 65535]);
    expect(p.match?.computeCapability).toBe(p.computeCapability);
    expect(p.match?.smCount).toBe(p.smCount);
    // tensor peaks are at least the vector peaks; tf32 is at most fp16
    const t = p.peakTflops;
    expect(t.fp32).toBeGreaterThan(t.fp64 ?? 0);
    if (t.fp16 !== undefined) expect(t.fp16).toBeGreaterThanOrEqual(t.fp32!);
    if (t.tf32 !== undefined) expect(t.tf32).toBeLessThanOrEqual(t.fp16!);
    // mma.sync types by architecture (PTX ISA): bf16/tf32/f64 from sm_80, fp8 from sm_89
    const cc = Number(p.computeCapability) ;
    expect(p.mmaShapes.f16).toContain('m8n8k4');
    expect(p.mmaShapes.bf16 !== undefined).toBe(cc >= 8);
    expect(p.mmaShapes.tf32 !== undefined).toBe(cc >= 8);
    expect(p.mmaShapes.fp8 !== undefined).toBe(cc >= 8.9);
    expect(p.peakTflops.fp8 !== undefined).toBe(cc >= 8.9);
  });

  it('per-compute-capability fields agree across products and with the Programming Guide table', () => {
    // CUDA C++ Programming Guide, Technical Specifications per Compute Capability (+ 7.0 from the 12.x guide)
    const table: Record<string, [number, number, number, number, number[]]> = {
      //        threads/SM, blocks/SM, smem/SM KB, optin KB, carveouts
      '7.0': [2048, 32, 96, 96, [0, 8, 16, 32, 64, 96]],
      '7.5': [1024, 16, 64, 64, [32, 64]],
      '8.0': [2048, 32, 164, 163, [0, 8, 16, 32, 64, 100, 132, 164]],
      '8.6': [1536, 16, 100, 99, [0, 8, 16, 32, 64, 100]],
      '8.9': [1536, 24, 100, 99, [0, 8, 16, 32, 64, 100]],
      '9.0': [2048, 32, 228, 227, [0, 8, 16, 32, 64, 100, 132, 164, 196, 228]],
      '10.0': [2048, 32, 228, 227, [0, 8, 16, 32, 64, 100, 132, 164, 196, 228]],
      '12.0': [1536, 24, 100, 99, [0, 8, 16, 32, 64, 100]],
    };
    for (const p of nvidia) {
      const [threads, blocks, smem, optin, carve] = table[p.computeCapability];
      expect([p.key, p.maxThreadsPerSM, p.maxBlocksPerSM, p.sharedMemoryPerSM, p.sharedMemoryPerBlockOptin, p.sharedMemoryCarveoutsKB]).toEqual([
        p.key, threads, blocks, smem * KB, optin * KB, carve,
      ]);
    }
  });

  it('the H100 SXM profile equals what was measured on our H100 80GB HBM3', () => {
    const h = loadProfile('h100') as NvidiaProfile;
    expect(h.key).toBe('h100-sxm');
    expect({
      smCount: h.smCount, l2CacheBytes: h.l2CacheBytes, sharedMemoryPerBlockOptin: h.sharedMemoryPerBlockOptin,
      sharedMemoryPerSM: h.sharedMemoryPerSM, reservedSharedMemoryPerBlock: h.reservedSharedMemoryPerBlock,
      registersPerSM: h.registersPerSM, maxThreadsPerSM: h.maxThreadsPerSM, maxBlocksPerSM: h.maxBlocksPerSM,
      computeCapability: h.computeCapability, boostClockMHz: h.boostClockMHz,
    }).toEqual({
      smCount: 132, l2CacheBytes: 52428800, sharedMemoryPerBlockOptin: 232448, sharedMemoryPerSM: 233472,
      reservedSharedMemoryPerBlock: 1024, registersPerSM: 65536, maxThreadsPerSM: 2048, maxBlocksPerSM: 32,
      computeCapability: '9.0', boostClockMHz: 1980,
    });
    expect(h.sources.sharedMemoryPerBlockOptin).toMatch(/^measured: /);
    expect(h.match?.names).toContain('NVIDIA H100 80GB HBM3');
  });
});

describe('AMD, Apple', () => {
  it('AMD profiles are consistent (wave64, waves per CU, LDS, VGPRs)', () => {
    const amd = profiles.filter((p) => p.vendor === 'amd');
    expect(amd.map((p) => p.key).sort()).toEqual(['mi250x', 'mi300x']);
    for (const p of amd) {
      expect(p.wavefrontSize).toBe(64);
      expect(p.maxWavesPerCu).toBe(p.maxWavesPerSimd! * p.simdPerCu!);
      expect(p.maxLdsPerWorkgroup).toBeLessThanOrEqual(p.ldsPerCu!);
      expect(p.maxVgprsPerWave).toBeLessThanOrEqual(p.vgprsPerSimd!);
      expect(p.maxWorkgroupSize).toBe(1024);
      expect(p.smCount).toBeUndefined();
    }
    expect(byKey('mi300x').cuCount).toBe(304);
    expect(byKey('mi300x').gfxArch).toBe('gfx942');
    expect(byKey('mi250x').gfxArch).toBe('gfx90a');
  });

  it('Apple profiles use Metal limits (32-wide SIMD-groups, 1024 threads, 32 KB threadgroup memory)', () => {
    const apple = profiles.filter((p) => p.vendor === 'apple');
    expect(apple.length).toBeGreaterThanOrEqual(3);
    for (const p of apple) {
      expect([p.simdgroupSize, p.maxThreadsPerThreadgroup, p.maxThreadgroupMemoryLength]).toEqual([32, 1024, 32768]);
    }
    expect(apple.map((p) => p.metalGpuFamily)).toEqual(['apple7', 'apple8', 'apple9']);
  });
});

describe('WebGPU tiers', () => {
  // W3C WebGPU specification, "Limits": the default of every limit the profiles carry
  const SPEC_DEFAULTS: Record<string, number> = {
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupSizeX: 256,
    maxComputeWorkgroupSizeY: 256,
    maxComputeWorkgroupSizeZ: 64,
    maxComputeWorkgroupStorageSize: 16384,
    maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBufferBindingSize: 134217728,
    maxUniformBufferBindingSize: 65536,
    maxBufferSize: 268435456,
    maxStorageBuffersPerShaderStage: 8,
    maxUniformBuffersPerShaderStage: 12,
    maxBindGroups: 4,
    maxBindingsPerBindGroup: 1000,
    maxDynamicStorageBuffersPerPipelineLayout: 4,
    maxDynamicUniformBuffersPerPipelineLayout: 8,
    minStorageBufferOffsetAlignment: 256,
    minUniformBufferOffsetAlignment: 256,
    // GPUAdapterInfo bounds: a portable kernel must accept any subgroup size in [4, 128]
    subgroupMinSize: 4,
    subgroupMaxSize: 128,
  };
  const numeric = (p: Profile): Record<string, number> =>
    Object.fromEntries(Object.entries(p).filter(([, v]) => typeof v === 'number')) as Record<string, number>;

  it('webgpu-default is exactly the spec defaults', () => {
    expect(numeric(loadProfile('webgpu-default'))).toEqual(SPEC_DEFAULTS);
    expect(loadProfile('WebGPU').key).toBe('webgpu-default');
  });

  it('the typical tiers raise limits (never below the defaults) and cite where they come from', () => {
    for (const key of ['webgpu-typical-desktop', 'webgpu-typical-mobile']) {
      const p = numeric(byKey(key));
      expect(Object.keys(p).sort()).toEqual(Object.keys(SPEC_DEFAULTS).sort());
      for (const [k, v] of Object.entries(SPEC_DEFAULTS)) {
        if (k.startsWith('min') || k === 'subgroupMinSize') expect(p[k], `${key}.${k}`).toBeLessThanOrEqual(k === 'subgroupMinSize' ? 128 : v);
        else expect(p[k], `${key}.${k}`).toBeGreaterThanOrEqual(k === 'subgroupMaxSize' ? 4 : v);
      }
      expect(p.maxComputeWorkgroupSizeX).toBeLessThanOrEqual(p.maxComputeInvocationsPerWorkgroup);
      expect(p.maxStorageBufferBindingSize).toBeLessThanOrEqual(p.maxBufferSize);
      expect(Object.values(byKey(key).sources).join(' ')).toMatch(/Dawn/);
    }
    expect(byKey('webgpu-typical-desktop').maxComputeInvocationsPerWorkgroup).toBe(1024);
  });
});

describe('loading', () => {
  it('finds profiles case-insensitively by key, alias, name and reported device name', () => {
    expect(loadProfile('H100-SXM').key).toBe('h100-sxm');
    expect(loadProfile('h100').key).toBe('h100-sxm');
    expect(loadProfile('NVIDIA H100 80GB HBM3').key).toBe('h100-sxm');
    expect(loadProfile('nvidia h100 pcie 80gb').key).toBe('h100-pcie');
    expect(loadProfile('  A100 ').key).toBe('a100-40gb');
    expect(loadProfile('Tesla T4').key).toBe('t4');
    expect(findProfile('no such gpu')).toBeUndefined();
  });

  it('loads a profile from a path', () => {
    const path = writeVariant('my-h100.json', (o) => {
      o.key = 'my-h100';
      o.smCount = 114;
      o.match.smCount = 114;
    });
    const p = loadProfile(path);
    expect([p.key, p.smCount]).toEqual(['my-h100', 114]);
  });

  it('an unknown GPU is a UserError that lists the known names', () => {
    const e = userError(() => loadProfile('gtx-9999'));
    expect(e.message).toContain("unknown GPU 'gtx-9999'");
    for (const p of profiles) expect(e.message).toContain(p.key);
    expect(e.message).toContain('h100-sxm (h100');
  });

  it('bad JSON names the file, line and column', () => {
    const path = join(tmp, 'broken.json');
    writeFileSync(path, '{\n  "key": "broken",\n  "smCount": 132,\n}\n');
    const e = userError(() => loadProfileFile(path));
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/not valid JSON \(line 4, column 1\)/);
  });

  it('a missing file is a UserError naming it', () => {
    const e = userError(() => loadProfileFile(join(tmp, 'nope.json')));
    expect(e.message).toContain('nope.json');
    expect(e.message).toContain('ENOENT');
  });

  it.each([
    ['a field without a source', (o: any) => delete o.sources.smCount, '$.smCount has no source'],
    ['a peak without a source', (o: any) => delete o.sources.peakTflops, '$.peakTflops.fp8 has no source'],
    ['a source for an absent field', (o: any) => (o.sources.ldsSize = 'AMD CDNA3 ISA guide'), "$.sources.ldsSize is the source of 'ldsSize'"],
    ['a wrong type', (o: any) => (o.smCount = '132'), '$.smCount must be integer'],
    ['a missing required field', (o: any) => delete o.registersPerSM, '$.registersPerSM is required'],
    ['another vendor’s field', (o: any) => { o.ldsPerCu = 65536; o.sources.ldsPerCu = 'AMD CDNA3 ISA guide'; }, '$.ldsPerCu is not a field of this vendor'],
    ['an unknown field', (o: any) => { o.tensorCores = 528; o.sources.tensorCores = 'NVIDIA whitepaper'; }, '$.tensorCores is not a known field'],
    ['a bad mma shape', (o: any) => (o.mmaShapes.f16 = ['16x8x16']), '$.mmaShapes.f16[0] must match pattern'],
    ['a bad enum value', (o: any) => (o.vendor = 'intel'), '$.vendor must be equal to one of the allowed values'],
    ['inconsistent warps', (o: any) => (o.maxWarpsPerSM = 48), '$.maxWarpsPerSM maxWarpsPerSM (48) * warpSize (32) != maxThreadsPerSM (2048)'],
    ['opt-in above the SM', (o: any) => (o.sharedMemoryPerBlockOptin = 233472), '$.sharedMemoryPerBlockOptin sharedMemoryPerBlockOptin (233472) > sharedMemoryPerSM (233472) - reservedSharedMemoryPerBlock (1024)'],
  ])('%s is a UserError naming the file and the JSON path', (name, mutate, expected) => {
    const path = writeVariant(`${normalizeKey(name)}.json`, mutate);
    const e = userError(() => loadProfileFile(path));
    expect(e.message).toContain(path);
    expect(e.message).toContain(expected);
  });

  it('listProfiles rejects a file whose key is not its name, and duplicate names', () => {
    const d1 = join(tmp, 'dir1');
    mkdirSync(d1);
    writeFileSync(join(d1, 'h100.json'), h100Text);
    clearProfileCache();
    const e = userError(() => listProfiles(d1));
    expect(e.message).toContain(join(d1, 'h100.json'));
    expect(e.message).toContain("$.key is 'h100-sxm' but the file is named 'h100.json'");

    const d2 = join(tmp, 'dir2');
    mkdirSync(d2);
    writeFileSync(join(d2, 'h100-sxm.json'), h100Text);
    const other = JSON.parse(h100Text);
    other.key = 'other';
    writeFileSync(join(d2, 'other.json'), JSON.stringify(other));
    const e2 = userError(() => listProfiles(d2));
    expect(e2.message).toContain("'h100' is already used by h100-sxm.json");
  });

  it('the bundle in dist/ finds the profiles through ../hw-profiles/profiles/', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const out = join(root, 'dist', `hw-profiles-bundle-test-${process.pid}.mjs`);
    const entry = join(tmp, 'entry.ts');
    writeFileSync(entry, `import { listProfiles, profilesDir } from ${JSON.stringify(join(root, 'hw-profiles', 'load.ts'))};\nconsole.log(JSON.stringify({ dir: profilesDir(), n: listProfiles().length }));\n`);
    try {
      await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'error' });
      const res = JSON.parse(execFileSync(process.execPath, [out], { cwd: root, encoding: 'utf8' }));
      expect(res).toEqual({ dir: join(root, 'hw-profiles', 'profiles') + '/', n: profiles.length });
    } finally {
      rmSync(out, { force: true });
    }
  });
});

describe('profile keys', () => {
  it('normalizes device names to stable keys', () => {
    expect(normalizeKey('NVIDIA H100 80GB HBM3')).toBe('nvidia-h100-80gb-hbm3');
    expect(deviceKey('nvidia', 'NVIDIA GeForce RTX 4070')).toBe('nvidia-rtx-4070');
    expect(deviceKey('nvidia', 'Tesla V100-SXM2-16GB')).toBe('nvidia-v100-sxm2-16gb');
    expect(deviceKey('amd', 'AMD Instinct MI300X')).toBe('amd-mi300x');
    expect(deviceKey('webgpu', 'intel xe-lpg')).toBe('webgpu-intel-xe-lpg');
    expect(deviceKey('apple', 'Apple M2 Pro')).toBe('apple-m2-pro');
  });
});

describe('kernelfit hw', () => {
  function program(): { run: (...args: string[]) => Promise<string>; cmd: Command } {
    const cmd = new Command('kernelfit').exitOverride();
    let text = '';
    registerHwCommands(cmd, { write: (t) => void (text += t) });
    return {
      cmd,
      run: async (...args) => {
        text = '';
        await cmd.parseAsync(args, { from: 'user' });
        return text;
      },
    };
  }

  it('hw list prints every profile; --json and --vendor', async () => {
    const { run } = program();
    const text = await run('hw', 'list');
    expect(text.split('\n')[0]).toMatch(/^KEY\s+NAME\s+VENDOR\s+ARCH/);
    for (const p of profiles) expect(text).toContain(p.key);
    expect(text).toMatch(/h100-sxm\s+NVIDIA H100 SXM5 80GB\s+nvidia\s+hopper\s+9\.0\s+132 SMs/);
    const json = JSON.parse(await run('hw', 'list', '--json')) as Profile[];
    expect(json.map((p) => p.key)).toEqual(profiles.map((p) => p.key));
    const amd = JSON.parse(await run('hw', 'list', '--json', '--vendor', 'amd')) as Profile[];
    expect(amd.map((p) => p.key)).toEqual(['mi250x', 'mi300x']);
  });

  it('hw show prints every field with its source; --json is the profile', async () => {
    const { run } = program();
    const text = await run('hw', 'show', 'H100');
    expect(text).toContain('NVIDIA H100 SXM5 80GB — h100-sxm');
    expect(text).toMatch(/sharedMemoryPerBlockOptin\s+232448 \(227 KiB\)\s+measured: /);
    expect(text).toMatch(/peakTflops\.bf16\s+989\.4\s+NVIDIA H100/);
    expect(text).toMatch(/mmaShapes\.fp8\s+m16n8k32\s+PTX ISA/);
    expect(JSON.parse(await run('hw', 'show', 'h100-sxm', '--json'))).toEqual(loadProfile('h100-sxm'));
  });

  it('hw show of an unknown GPU is a UserError listing the known names', async () => {
    const { run } = program();
    await expect(run('hw', 'show', 'gtx-9999')).rejects.toThrow(/unknown GPU 'gtx-9999'; known: .*h100-sxm/);
  });

  it('hw detect reports no GPU with a reason on this machine, or the matched profiles on a GPU machine', async () => {
    const { run } = program();
    const json = JSON.parse(await run('hw', 'detect', '--json')) as { devices: { profile: string | null; name: string }[]; reason?: string };
    const text = await run('hw', 'detect');
    if (json.devices.length === 0) {
      expect(json.reason).toMatch(/^no GPU found: cuda: /);
      expect(text).toContain('No GPU detected.');
    } else {
      for (const d of json.devices) expect(text).toContain(d.name);
    }
  });

  it('hwCommand creates the hw command once, for other files to attach sub-commands', () => {
    const { cmd } = program();
    const hw = hwCommand(cmd);
    expect(hwCommand(cmd)).toBe(hw);
    expect(hw.commands.map((c) => c.name())).toEqual(['list', 'show', 'detect']);
    hw.command('occupancy');
    registerHwCommands(cmd); // idempotent
    expect(cmd.commands.filter((c) => c.name() === 'hw')).toHaveLength(1);
    expect(hw.commands.map((c) => c.name())).toEqual(['list', 'show', 'detect', 'occupancy']);
  });
});
