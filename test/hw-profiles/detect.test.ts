// Device detection: no GPU → no devices and a reason (never a throw); the matching of real-looking device
// records (the values read through libcuda and nvidia-smi on our H100 80GB HBM3, driver 580.159.04) to
// profiles, with overrides where the device differs; the WebGPU tier matching and the probe extension point.
import { describe, expect, it } from 'vitest';
import {
  cudaProbe,
  detectDevices,
  matchCudaDevice,
  matchWebGpuAdapter,
  parseNvidiaSmiCsv,
  registerDeviceProbe,
  registeredDeviceProbes,
  type CudaDeviceRecord,
  type DeviceProbe,
} from '../../hw-profiles/detect.ts';
import { listProfiles, loadProfile } from '../../hw-profiles/load.ts';

const profiles = listProfiles();

/** What readCudaDevicesWithLibcuda() returned on our H100 machine (cuDeviceGetAttribute, cuDeviceTotalMem_v2). */
const H100_LIBCUDA: CudaDeviceRecord = {
  index: 0,
  name: 'NVIDIA H100 80GB HBM3',
  computeCapability: '9.0',
  smCount: 132,
  warpSize: 32,
  maxThreadsPerBlock: 1024,
  maxThreadsPerSM: 2048,
  maxBlocksPerSM: 32,
  registersPerBlock: 65536,
  registersPerSM: 65536,
  sharedMemoryPerBlock: 49152,
  sharedMemoryPerBlockOptin: 232448,
  sharedMemoryPerSM: 233472,
  reservedSharedMemoryPerBlock: 1024,
  l2CacheBytes: 52428800,
  memoryBytes: 85017493504,
  boostClockMHz: 1980,
  maxGridDimX: 2147483647,
  maxGridDimY: 65535,
  maxGridDimZ: 65535,
  maxBlockDimX: 1024,
  maxBlockDimY: 1024,
  maxBlockDimZ: 64,
  via: 'libcuda (cuDeviceGetAttribute, cuDeviceTotalMem_v2), driver API 13.0',
};
/** `nvidia-smi --query-gpu=index,name,compute_cap,memory.total,clocks.max.sm,driver_version --format=csv,noheader,nounits` there. */
const H100_SMI = '0, NVIDIA H100 80GB HBM3, 9.0, 81559, 1980, 580.159.04\n';

const missing: DeviceProbe = cudaProbe({
  libraries: ['libcuda-kernelfit-test-missing.so.1'],
  nvidiaSmi: 'nvidia-smi-kernelfit-test-missing',
});

describe('detectDevices without a GPU', () => {
  it('returns no devices and says why, without throwing', async () => {
    const r = await detectDevices({ probes: [missing] });
    expect(r.devices).toEqual([]);
    expect(r.reason).toMatch(/^no GPU found: cuda: libcuda not found \(libcuda-kernelfit-test-missing\.so\.1: .*\); nvidia-smi-kernelfit-test-missing not found$/);
    expect(r.probes).toEqual([{ name: 'cuda', found: 0, failure: expect.stringContaining('libcuda not found') }]);
  });

  it('on this machine: no devices and a reason, or (on a GPU machine) every device matched', async () => {
    const r = await detectDevices();
    if (r.devices.length === 0) {
      expect(r.reason).toMatch(/^no GPU found: cuda: /);
    } else {
      expect(r.reason).toBeUndefined();
      for (const d of r.devices) expect(d.key).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it('a probe that throws is reported, not thrown', async () => {
    const broken: DeviceProbe = { name: 'broken', probe: async () => { throw new Error('adapter request failed'); } };
    const r = await detectDevices({ probes: [missing, broken] });
    expect(r.devices).toEqual([]);
    expect(r.reason).toContain('broken: adapter request failed');
  });
});

describe('matching CUDA devices to profiles', () => {
  it('our H100 matches h100-sxm by name; only memory differs (usable vs nominal)', () => {
    const d = matchCudaDevice(H100_LIBCUDA, profiles);
    expect([d.key, d.matchedBy, d.vendor, d.source]).toEqual(['h100-sxm', 'name', 'nvidia', 'libcuda']);
    expect(d.overrides).toEqual([
      {
        field: 'memoryBytes',
        profileValue: 80 * 2 ** 30,
        deviceValue: 85017493504,
        note: 'the driver reports usable memory, a little less than the nominal capacity',
      },
    ]);
    expect(d.effective?.memoryBytes).toBe(85017493504);
    expect(d.effective?.sources.memoryBytes).toBe(`measured: ${H100_LIBCUDA.via} on NVIDIA H100 80GB HBM3`);
    expect(d.effective?.sharedMemoryPerBlockOptin).toBe(232448);
    expect(d.attributes.maxWarpsPerSM).toBe(64);
    // the shipped profile is untouched
    expect(loadProfile('h100-sxm').memoryBytes).toBe(80 * 2 ** 30);
  });

  it('a field where the device differs is an override and the real value wins', () => {
    const d = matchCudaDevice({ ...H100_LIBCUDA, smCount: 114, name: 'NVIDIA H100 PCIe', l2CacheBytes: 52428800, boostClockMHz: 1755, memoryBytes: 85520809984 }, profiles);
    expect([d.key, d.matchedBy]).toEqual(['h100-pcie', 'name']);
    expect(d.overrides.map((o) => o.field)).toEqual(['memoryBytes']);
    const e = matchCudaDevice({ ...H100_LIBCUDA, reservedSharedMemoryPerBlock: 0, sharedMemoryPerBlockOptin: 233472 }, profiles);
    expect(e.overrides.map((o) => [o.field, o.profileValue, o.deviceValue])).toEqual([
      ['sharedMemoryPerBlockOptin', 232448, 233472],
      ['reservedSharedMemoryPerBlock', 1024, 0],
      ['memoryBytes', 80 * 2 ** 30, 85017493504],
    ]);
    expect(e.effective?.reservedSharedMemoryPerBlock).toBe(0);
    expect(e.effective?.sources.reservedSharedMemoryPerBlock).toMatch(/^measured: /);
  });

  it('an unlisted name falls back to compute capability + SM count, choosing by memory size', () => {
    const h100 = matchCudaDevice({ ...H100_LIBCUDA, name: 'NVIDIA H100 80GB HBM3 (renamed)' }, profiles);
    expect([h100.key, h100.matchedBy]).toEqual(['h100-sxm', 'computeCapability+smCount']);
    // H200 and H100 SXM share 9.0 / 132 SMs: the memory decides (H200: 143771 MiB reported)
    const h200 = matchCudaDevice({ ...H100_LIBCUDA, name: 'NVIDIA H200 (renamed)', memoryBytes: 143771 * 2 ** 20 }, profiles);
    expect([h200.key, h200.matchedBy]).toEqual(['h200', 'computeCapability+smCount']);
  });

  it('a GPU without a profile gets the per-CC limits of a same-CC profile and its own product values', () => {
    const d = matchCudaDevice(
      { index: 1, name: 'NVIDIA GeForce RTX 4070', computeCapability: '8.9', smCount: 46, l2CacheBytes: 36 * 2 ** 20, memoryBytes: 12 * 2 ** 30, boostClockMHz: 2475, maxThreadsPerSM: 1536, warpSize: 32 },
      profiles,
    );
    expect([d.key, d.matchedBy, d.profile?.computeCapability]).toEqual(['nvidia-rtx-4070', 'computeCapability', '8.9']);
    const eff = d.effective!;
    expect([eff.key, eff.name, eff.smCount, eff.l2CacheBytes, eff.boostClockMHz]).toEqual(['nvidia-rtx-4070', 'NVIDIA GeForce RTX 4070', 46, 36 * 2 ** 20, 2475]);
    expect(eff.sharedMemoryPerSM).toBe(100 * 1024);
    expect(eff.maxBlocksPerSM).toBe(24);
    expect(eff.peakTflops).toBeUndefined();
    expect(eff.memoryBandwidthGBs).toBeUndefined();
    expect(eff.sources.peakTflops).toBeUndefined();
    expect(eff.sources.smCount).toMatch(/^measured: /);
    expect(d.overrides).toEqual([]);
  });

  it('a device with no usable facts matches nothing and still gets a key', () => {
    const d = matchCudaDevice({ index: 0, name: 'NVIDIA Mystery GPU' }, profiles);
    expect([d.key, d.matchedBy, d.profile, d.effective]).toEqual(['nvidia-mystery-gpu', 'none', undefined, undefined]);
  });

  it('nvidia-smi output (the fallback) parses and matches', () => {
    const recs = parseNvidiaSmiCsv(H100_SMI);
    expect(recs).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0', memoryBytes: 81559 * 2 ** 20, boostClockMHz: 1980, via: 'nvidia-smi, driver 580.159.04' },
    ]);
    const d = matchCudaDevice(recs[0], profiles, 'nvidia-smi');
    expect([d.key, d.matchedBy, d.source]).toEqual(['h100-sxm', 'name', 'nvidia-smi']);
    expect(d.overrides.map((o) => o.field)).toEqual(['memoryBytes']);
    // an older driver without compute_cap prints '[N/A]'
    expect(parseNvidiaSmiCsv('0, Tesla T4, [N/A], 15360, 1590, 470.57.02')[0].computeCapability).toBeUndefined();
  });
});

describe('WebGPU (extension point)', () => {
  const SPEC = {
    maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupSizeY: 256, maxComputeWorkgroupSizeZ: 64,
    maxComputeWorkgroupStorageSize: 16384, maxComputeWorkgroupsPerDimension: 65535, maxStorageBufferBindingSize: 134217728,
    maxUniformBufferBindingSize: 65536, maxBufferSize: 268435456, maxStorageBuffersPerShaderStage: 8, maxUniformBuffersPerShaderStage: 12,
    maxBindGroups: 4, maxBindingsPerBindGroup: 1000, maxDynamicStorageBuffersPerPipelineLayout: 4, maxDynamicUniformBuffersPerPipelineLayout: 8,
    minStorageBufferOffsetAlignment: 256, minUniformBufferOffsetAlignment: 256,
  };

  it('an adapter with only the default limits maps to webgpu-default', () => {
    const d = matchWebGpuAdapter({ index: 0, vendor: 'google', architecture: 'swiftshader', limits: SPEC }, profiles);
    expect([d.key, d.profile?.key, d.matchedBy, d.vendor]).toEqual(['webgpu-google-swiftshader', 'webgpu-default', 'webgpuTier', 'webgpu']);
    expect(d.overrides).toEqual([]);
  });

  it('a desktop adapter maps to the desktop tier and its real limits override the tier', () => {
    const limits = { ...SPEC, maxComputeInvocationsPerWorkgroup: 1024, maxComputeWorkgroupSizeX: 1024, maxComputeWorkgroupSizeY: 1024, maxComputeWorkgroupStorageSize: 32768, maxStorageBufferBindingSize: 4294967292, maxBufferSize: 4294967296, maxStorageBuffersPerShaderStage: 10, maxDynamicStorageBuffersPerPipelineLayout: 8, maxDynamicUniformBuffersPerPipelineLayout: 10 };
    const d = matchWebGpuAdapter({ index: 0, vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3090', limits, subgroupMinSize: 32, subgroupMaxSize: 32 }, profiles);
    expect([d.profile?.key, d.name]).toEqual(['webgpu-typical-desktop', 'NVIDIA GeForce RTX 3090']);
    expect(d.overrides.map((o) => [o.field, o.deviceValue])).toEqual([
      ['maxStorageBufferBindingSize', 4294967292],
      ['maxBufferSize', 4294967296],
      ['subgroupMaxSize', 32],
    ]);
    expect(d.effective?.maxBufferSize).toBe(4294967296);
  });

  it('a phone adapter with 32 KB workgroup storage maps to the mobile tier', () => {
    const d = matchWebGpuAdapter({ index: 0, vendor: 'arm', architecture: 'valhall', limits: { ...SPEC, maxComputeWorkgroupStorageSize: 32768 }, subgroupMinSize: 16, subgroupMaxSize: 16 }, profiles);
    expect(d.profile?.key).toBe('webgpu-typical-mobile');
    expect(d.effective?.subgroupMaxSize).toBe(16);
  });

  it('registerDeviceProbe adds a probe that detectDevices runs, and the returned function removes it', async () => {
    const before = registeredDeviceProbes().length;
    const fake: DeviceProbe = {
      name: 'webgpu-test',
      probe: async (ps) => ({ devices: [matchWebGpuAdapter({ index: 0, vendor: 'apple', architecture: 'metal-3', limits: SPEC }, ps)] }),
    };
    const remove = registerDeviceProbe(fake);
    try {
      expect(registeredDeviceProbes().map((p) => p.name)).toEqual(['cuda', 'webgpu-test']);
      const r = await detectDevices({ probes: [missing, ...registeredDeviceProbes().slice(1)] });
      expect(r.devices.map((d) => [d.vendor, d.key])).toEqual([['webgpu', 'webgpu-apple-metal-3']]);
      expect(r.reason).toBeUndefined();
      expect(r.probes.map((p) => [p.name, p.found])).toEqual([['cuda', 0], ['webgpu-test', 1]]);
    } finally {
      remove();
    }
    expect(registeredDeviceProbes().length).toBe(before);
  });
});
