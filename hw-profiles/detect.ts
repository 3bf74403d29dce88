// Detects the GPUs of this machine and maps each to a hardware profile.
//
// CUDA: reads the real attributes through libcuda (koffi: cuInit, cuDeviceGetCount, cuDeviceGetName,
// cuDeviceGetAttribute, cuDeviceTotalMem_v2) or, where libcuda can't be loaded, `nvidia-smi --query-gpu`.
// Each device is matched to the best profile (by reported name, else compute capability + SM count, else
// compute capability alone) and every field where the real device differs from the profile is reported
// as an override: the real value wins in `effective`.
//
// No GPU is not an error: detectDevices() resolves to { devices: [], reason } and never throws for it.
//
// Extension point (WebGPU): detection runs a list of DeviceProbes. A WebGPU probe (another issue: it will
// call navigator.gpu.requestAdapter() from the `webgpu` package) returns adapters via matchWebGpuAdapter()
// below and is added with registerDeviceProbe(); nothing else here needs to change.
import { execFileSync } from 'node:child_process';
import { listProfiles } from './load.ts';
import { deviceKey, type Profile, type Vendor, type WebGpuFields } from './profile.ts';

// ---- public types ------------------------------------------------------------------------------

/** One field where the real device differs from its profile. */
export interface Override {
  field: string;
  profileValue: unknown;
  deviceValue: unknown;
  /** Why the difference is expected, where it is (e.g. usable vs nominal memory). */
  note?: string;
}

export type MatchKind = 'name' | 'computeCapability+smCount' | 'computeCapability' | 'webgpuTier' | 'none';

export interface DetectedDevice {
  index: number;
  vendor: Vendor;
  /** Name as the driver reports it. */
  name: string;
  /** Which probe found it: 'libcuda', 'nvidia-smi', 'webgpu', … */
  source: string;
  /** Profile key to use in config files: the matched profile's key, else deviceKey(vendor, name). */
  key: string;
  /** The matched profile as shipped (undefined when nothing matched). */
  profile: Profile | undefined;
  matchedBy: MatchKind;
  /** Fields where the real device differs from `profile` (the real value is in `effective`). */
  overrides: Override[];
  /** The profile with the device's real values applied; undefined when nothing matched. */
  effective: Profile | undefined;
  /** Raw values read from the device, by profile field name. */
  attributes: Record<string, number | string>;
}

export interface DetectionResult {
  devices: DetectedDevice[];
  /** Why the list is empty (each probe's failure), undefined when devices were found. */
  reason?: string;
  /** What each probe did, for `hw detect` output. */
  probes: { name: string; found: number; failure?: string }[];
}

export interface ProbeResult {
  devices: DetectedDevice[];
  /** Set when the probe found nothing: why (library missing, no device, command failed, …). */
  failure?: string;
}

export interface DeviceProbe {
  name: string;
  probe(profiles: Profile[]): Promise<ProbeResult>;
}

// ---- CUDA attribute records ------------------------------------------------------------------

/** Attributes of one CUDA device, named by profile field. Everything but index/name is optional. */
export interface CudaDeviceRecord {
  index: number;
  name: string;
  computeCapability?: string;
  smCount?: number;
  warpSize?: number;
  maxThreadsPerBlock?: number;
  maxThreadsPerSM?: number;
  maxBlocksPerSM?: number;
  registersPerBlock?: number;
  registersPerSM?: number;
  sharedMemoryPerBlock?: number;
  sharedMemoryPerBlockOptin?: number;
  sharedMemoryPerSM?: number;
  reservedSharedMemoryPerBlock?: number;
  l2CacheBytes?: number;
  memoryBytes?: number;
  boostClockMHz?: number;
  maxGridDimX?: number;
  maxGridDimY?: number;
  maxGridDimZ?: number;
  maxBlockDimX?: number;
  maxBlockDimY?: number;
  maxBlockDimZ?: number;
  /** e.g. 'libcuda, driver API 13.0' or 'nvidia-smi, driver 580.65.06' */
  via?: string;
}

/** CUdevice_attribute values (cuda.h) for the fields read through cuDeviceGetAttribute. */
export const CU_DEVICE_ATTRIBUTES = {
  maxThreadsPerBlock: 1, // CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK
  maxBlockDimX: 2,
  maxBlockDimY: 3,
  maxBlockDimZ: 4,
  maxGridDimX: 5,
  maxGridDimY: 6,
  maxGridDimZ: 7,
  sharedMemoryPerBlock: 8, // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK
  warpSize: 10,
  registersPerBlock: 12, // CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK
  clockRateKHz: 13, // CU_DEVICE_ATTRIBUTE_CLOCK_RATE (kHz)
  smCount: 16, // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
  l2CacheBytes: 38, // CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE
  maxThreadsPerSM: 39, // CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR
  ccMajor: 75,
  ccMinor: 76,
  sharedMemoryPerSM: 81, // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
  registersPerSM: 82, // CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR
  sharedMemoryPerBlockOptin: 97, // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
  maxBlocksPerSM: 106, // CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR
  reservedSharedMemoryPerBlock: 111, // CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK
} as const;

/** Fields compared between a CUDA device and its profile (all numbers but computeCapability). */
const CUDA_COMPARED_FIELDS = [
  'computeCapability',
  'smCount',
  'warpSize',
  'maxThreadsPerBlock',
  'maxThreadsPerSM',
  'maxWarpsPerSM',
  'maxBlocksPerSM',
  'registersPerBlock',
  'registersPerSM',
  'sharedMemoryPerBlock',
  'sharedMemoryPerBlockOptin',
  'sharedMemoryPerSM',
  'reservedSharedMemoryPerBlock',
  'l2CacheBytes',
  'memoryBytes',
  'boostClockMHz',
  'maxGridDimX',
  'maxGridDimY',
  'maxGridDimZ',
  'maxBlockDimX',
  'maxBlockDimY',
  'maxBlockDimZ',
] as const;

/** Fields that belong to one product, not to its compute capability: dropped when matching by CC alone. */
const PRODUCT_FIELDS = ['smCount', 'l2CacheBytes', 'memoryBytes', 'memoryBandwidthGBs', 'boostClockMHz', 'peakTflops'] as const;

function recordAttributes(rec: CudaDeviceRecord): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'index' || k === 'via' || v === undefined) continue;
    out[k] = v as number | string;
  }
  if (rec.maxThreadsPerSM !== undefined && rec.warpSize) out.maxWarpsPerSM = rec.maxThreadsPerSM / rec.warpSize;
  return out;
}

/**
 * Maps one CUDA device to its best profile: exact reported name (match.names), then match.namePatterns,
 * then compute capability + SM count (several: the one whose memory is closest), then compute capability
 * alone (a same-CC profile supplies the per-CC limits; product fields are dropped). Fields where the device
 * differs from the profile become overrides and the real values win in `effective`.
 */
export function matchCudaDevice(rec: CudaDeviceRecord, profiles: Profile[], source = 'libcuda'): DetectedDevice {
  const nvidia = profiles.filter((p) => p.vendor === 'nvidia');
  const name = rec.name.trim();
  const lname = name.toLowerCase();
  let profile: Profile | undefined;
  let matchedBy: MatchKind = 'none';

  profile = nvidia.find((p) => (p.match?.names ?? []).some((n) => n.toLowerCase() === lname));
  if (profile) matchedBy = 'name';
  if (!profile) {
    profile = nvidia.find((p) => (p.match?.namePatterns ?? []).some((re) => new RegExp(re, 'i').test(name)));
    if (profile) matchedBy = 'name';
  }
  if (!profile && rec.computeCapability !== undefined && rec.smCount !== undefined) {
    const same = nvidia.filter((p) => p.computeCapability === rec.computeCapability && p.smCount === rec.smCount);
    if (same.length > 0) {
      const mem = rec.memoryBytes;
      same.sort((a, b) =>
        mem === undefined ? 0 : Math.abs((a.memoryBytes ?? 0) - mem) - Math.abs((b.memoryBytes ?? 0) - mem),
      );
      profile = same[0];
      matchedBy = 'computeCapability+smCount';
    }
  }
  if (!profile && rec.computeCapability !== undefined) {
    profile = nvidia.find((p) => p.computeCapability === rec.computeCapability);
    if (profile) matchedBy = 'computeCapability';
  }

  const attributes = recordAttributes(rec);
  const via = rec.via ?? source;
  const overrides: Override[] = [];
  let effective: Profile | undefined;
  if (profile) {
    const eff: Record<string, unknown> = structuredClone(profile) as unknown as Record<string, unknown>;
    const sources = eff.sources as Record<string, string>;
    if (matchedBy === 'computeCapability') {
      // The profile is another product of the same compute capability: keep its per-CC limits only.
      for (const f of PRODUCT_FIELDS) {
        delete eff[f];
        for (const k of Object.keys(sources)) if (k === f || k.startsWith(`${f}.`)) delete sources[k];
      }
      delete eff.aliases;
      delete eff.match;
      eff.key = deviceKey('nvidia', name);
      eff.name = name;
      eff.notes = `Detected ${name}: no profile; per-compute-capability limits from '${profile.key}' (${profile.computeCapability}), product values from the device.`;
    }
    for (const field of CUDA_COMPARED_FIELDS) {
      const real = attributes[field];
      if (real === undefined) continue;
      const shipped = (profile as unknown as Record<string, unknown>)[field];
      if (matchedBy === 'computeCapability' && (PRODUCT_FIELDS as readonly string[]).includes(field)) {
        eff[field] = real;
        sources[field] = `measured: ${via} on ${name}`;
        continue;
      }
      if (shipped === real) continue;
      const o: Override = { field, profileValue: shipped, deviceValue: real };
      if (field === 'memoryBytes' && typeof shipped === 'number' && typeof real === 'number' && real < shipped && real > shipped * 0.9) {
        o.note = 'the driver reports usable memory, a little less than the nominal capacity';
      }
      if (field === 'boostClockMHz') o.note = 'clock the driver reports (application clocks or a different SKU)';
      overrides.push(o);
      eff[field] = real;
      sources[field] = `measured: ${via} on ${name}`;
    }
    effective = eff as unknown as Profile;
  }
  return {
    index: rec.index,
    vendor: 'nvidia',
    name,
    source,
    key: matchedBy === 'computeCapability' || !profile ? deviceKey('nvidia', name) : profile.key,
    profile,
    matchedBy,
    overrides,
    effective,
    attributes,
  };
}

// ---- libcuda through koffi ----------------------------------------------------------------------

const CUDA_LIBRARIES =
  process.platform === 'win32' ? ['nvcuda.dll'] : process.platform === 'darwin' ? ['libcuda.dylib'] : ['libcuda.so.1', 'libcuda.so'];

type KoffiModule = typeof import('koffi');

async function loadKoffi(): Promise<KoffiModule> {
  const mod = (await import('koffi')) as unknown as { default?: KoffiModule } & KoffiModule;
  return mod.default ?? mod;
}

/** Reads every CUDA device through the driver API. Throws an Error whose message says what failed. */
export async function readCudaDevicesWithLibcuda(libraries: string[] = CUDA_LIBRARIES): Promise<CudaDeviceRecord[]> {
  const koffi = await loadKoffi();
  let lib: ReturnType<KoffiModule['load']> | undefined;
  const errors: string[] = [];
  for (const path of libraries) {
    try {
      lib = koffi.load(path);
      break;
    } catch (err) {
      errors.push(`${path}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (!lib) throw new Error(`libcuda not found (${errors.join('; ')})`);
  const cuInit = lib.func('int cuInit(unsigned int flags)');
  const cuDriverGetVersion = lib.func('int cuDriverGetVersion(_Out_ int *version)');
  const cuDeviceGetCount = lib.func('int cuDeviceGetCount(_Out_ int *count)');
  const cuDeviceGet = lib.func('int cuDeviceGet(_Out_ int *device, int ordinal)');
  const cuDeviceGetName = lib.func('int cuDeviceGetName(_Out_ uint8_t *name, int len, int dev)');
  const cuDeviceGetAttribute = lib.func('int cuDeviceGetAttribute(_Out_ int *value, int attrib, int dev)');
  const cuDeviceTotalMem = lib.func('int cuDeviceTotalMem_v2(_Out_ size_t *bytes, int dev)');

  const check = (what: string, rc: number): void => {
    if (rc !== 0) throw new Error(`${what} failed: CUresult ${rc}${rc === 100 ? ' (CUDA_ERROR_NO_DEVICE)' : rc === 35 ? ' (CUDA_ERROR_INSUFFICIENT_DRIVER)' : ''}`);
  };
  check('cuInit', cuInit(0) as number);
  const ver = [0];
  const driver = cuDriverGetVersion(ver) === 0 ? `driver API ${Math.floor(ver[0] / 1000)}.${(ver[0] % 1000) / 10}` : 'driver API ?';
  const count = [0];
  check('cuDeviceGetCount', cuDeviceGetCount(count) as number);
  const records: CudaDeviceRecord[] = [];
  for (let i = 0; i < count[0]; i++) {
    const dev = [0];
    check(`cuDeviceGet(${i})`, cuDeviceGet(dev, i) as number);
    const nameBuf = Buffer.alloc(256);
    check(`cuDeviceGetName(${i})`, cuDeviceGetName(nameBuf, nameBuf.length, dev[0]) as number);
    const name = nameBuf.toString('utf8', 0, Math.max(0, nameBuf.indexOf(0))) || `CUDA device ${i}`;
    const attr = (a: number): number | undefined => {
      const out = [0];
      return cuDeviceGetAttribute(out, a, dev[0]) === 0 ? out[0] : undefined;
    };
    const A = CU_DEVICE_ATTRIBUTES;
    const major = attr(A.ccMajor);
    const minor = attr(A.ccMinor);
    const mem: (number | bigint)[] = [0];
    const clock = attr(A.clockRateKHz);
    const rec: CudaDeviceRecord = {
      index: i,
      name,
      computeCapability: major !== undefined && minor !== undefined ? `${major}.${minor}` : undefined,
      smCount: attr(A.smCount),
      warpSize: attr(A.warpSize),
      maxThreadsPerBlock: attr(A.maxThreadsPerBlock),
      maxThreadsPerSM: attr(A.maxThreadsPerSM),
      maxBlocksPerSM: attr(A.maxBlocksPerSM),
      registersPerBlock: attr(A.registersPerBlock),
      registersPerSM: attr(A.registersPerSM),
      sharedMemoryPerBlock: attr(A.sharedMemoryPerBlock),
      sharedMemoryPerBlockOptin: attr(A.sharedMemoryPerBlockOptin),
      sharedMemoryPerSM: attr(A.sharedMemoryPerSM),
      reservedSharedMemoryPerBlock: attr(A.reservedSharedMemoryPerBlock),
      l2CacheBytes: attr(A.l2CacheBytes),
      memoryBytes: cuDeviceTotalMem(mem, dev[0]) === 0 ? Number(mem[0]) : undefined,
      boostClockMHz: clock !== undefined && clock > 0 ? Math.round(clock / 1000) : undefined,
      maxGridDimX: attr(A.maxGridDimX),
      maxGridDimY: attr(A.maxGridDimY),
      maxGridDimZ: attr(A.maxGridDimZ),
      maxBlockDimX: attr(A.maxBlockDimX),
      maxBlockDimY: attr(A.maxBlockDimY),
      maxBlockDimZ: attr(A.maxBlockDimZ),
      via: `libcuda (cuDeviceGetAttribute, cuDeviceTotalMem_v2), ${driver}`,
    };
    for (const k of Object.keys(rec) as (keyof CudaDeviceRecord)[]) if (rec[k] === undefined) delete rec[k];
    records.push(rec);
  }
  return records;
}

// ---- nvidia-smi fallback -----------------------------------------------------------------------

/** Parses `nvidia-smi --query-gpu=index,name,compute_cap,memory.total,clocks.max.sm,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaSmiCsv(csv: string): CudaDeviceRecord[] {
  const out: CudaDeviceRecord[] = [];
  for (const line of csv.split('\n')) {
    if (line.trim() === '') continue;
    const [index, name, cc, memMiB, clock, driver] = line.split(',').map((s) => s.trim());
    const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined);
    const rec: CudaDeviceRecord = { index: num(index) ?? out.length, name: name ?? `CUDA device ${out.length}` };
    if (cc && /^\d+\.\d+$/.test(cc)) rec.computeCapability = cc;
    const mem = num(memMiB);
    if (mem !== undefined) rec.memoryBytes = mem * 1024 * 1024;
    const clk = num(clock);
    if (clk !== undefined) rec.boostClockMHz = clk;
    rec.via = `nvidia-smi${driver ? `, driver ${driver}` : ''}`;
    out.push(rec);
  }
  return out;
}

export function readCudaDevicesWithNvidiaSmi(command = 'nvidia-smi'): CudaDeviceRecord[] {
  let csv: string;
  try {
    csv = execFileSync(
      command,
      ['--query-gpu=index,name,compute_cap,memory.total,clocks.max.sm,driver_version', '--format=csv,noheader,nounits'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15000 },
    );
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${command} not found`);
    throw new Error(`${command} failed: ${(e.stderr ?? e.message).toString().trim().split('\n')[0]}`);
  }
  return parseNvidiaSmiCsv(csv);
}

/** The CUDA probe: libcuda first, nvidia-smi where libcuda can't be loaded. */
export function cudaProbe(options: { libraries?: string[]; nvidiaSmi?: string } = {}): DeviceProbe {
  return {
    name: 'cuda',
    async probe(profiles) {
      const failures: string[] = [];
      try {
        const recs = await readCudaDevicesWithLibcuda(options.libraries);
        if (recs.length > 0) return { devices: recs.map((r) => matchCudaDevice(r, profiles, 'libcuda')) };
        failures.push('libcuda: no CUDA device');
      } catch (err) {
        failures.push((err as Error).message);
      }
      try {
        const recs = readCudaDevicesWithNvidiaSmi(options.nvidiaSmi);
        if (recs.length > 0) return { devices: recs.map((r) => matchCudaDevice(r, profiles, 'nvidia-smi')) };
        failures.push('nvidia-smi: no GPU listed');
      } catch (err) {
        failures.push((err as Error).message);
      }
      return { devices: [], failure: failures.join('; ') };
    },
  };
}

// ---- WebGPU (extension point) --------------------------------------------------------------------

/** What a WebGPU probe reads from an adapter: adapter.info and adapter.limits. */
export interface WebGpuAdapterRecord {
  index: number;
  vendor: string;
  architecture: string;
  device?: string;
  description?: string;
  limits: Partial<Record<keyof WebGpuFields, number>>;
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
}

const ALIGNMENT_LIMITS = ['minStorageBufferOffsetAlignment', 'minUniformBufferOffsetAlignment'];

/**
 * Maps a WebGPU adapter to a profile: one whose match.vendor/architecture equal the adapter's, else the
 * WebGPU tier with the most raised limits that the adapter meets (every limit at least the tier's; alignments
 * at most). The adapter's real limits then override the tier's.
 */
export function matchWebGpuAdapter(rec: WebGpuAdapterRecord, profiles: Profile[]): DetectedDevice {
  const tiers = profiles.filter((p) => p.vendor === 'webgpu');
  const real: Record<string, number> = { ...(rec.limits as Record<string, number>) };
  if (rec.subgroupMinSize !== undefined) real.subgroupMinSize = rec.subgroupMinSize;
  if (rec.subgroupMaxSize !== undefined) real.subgroupMaxSize = rec.subgroupMaxSize;
  const fieldsOf = (p: Profile): [string, number][] =>
    Object.entries(p).filter(([k, v]) => typeof v === 'number' && k !== 'subgroupMinSize' && k !== 'subgroupMaxSize') as [string, number][];
  const meets = (p: Profile): boolean =>
    fieldsOf(p).every(([k, v]) => real[k] === undefined || (ALIGNMENT_LIMITS.includes(k) ? real[k] <= v : real[k] >= v));
  let profile = tiers.find(
    (p) =>
      p.match?.vendor !== undefined &&
      p.match.vendor.toLowerCase() === rec.vendor.toLowerCase() &&
      (p.match.architecture === undefined || p.match.architecture.toLowerCase() === rec.architecture.toLowerCase()),
  );
  let matchedBy: MatchKind = profile ? 'name' : 'none';
  if (!profile) {
    const base = tiers.find((p) => p.key === 'webgpu-default');
    const raised = (p: Profile): number => (base ? fieldsOf(p).filter(([k, v]) => (base as unknown as Record<string, number>)[k] !== v).length : 0);
    const fitting = tiers.filter(meets).sort((a, b) => raised(b) - raised(a));
    profile = fitting[0];
    if (profile) matchedBy = 'webgpuTier';
  }
  const overrides: Override[] = [];
  let effective: Profile | undefined;
  const name = rec.description || rec.device || `${rec.vendor} ${rec.architecture}`.trim() || `WebGPU adapter ${rec.index}`;
  if (profile) {
    const eff = structuredClone(profile) as unknown as Record<string, unknown>;
    const sources = eff.sources as Record<string, string>;
    for (const [k, v] of Object.entries(real)) {
      if (!(k in eff) || eff[k] === v) continue;
      overrides.push({ field: k, profileValue: eff[k], deviceValue: v });
      eff[k] = v;
      sources[k] = `measured: adapter.limits / adapter.info of ${name}`;
    }
    effective = eff as unknown as Profile;
  }
  return {
    index: rec.index,
    vendor: 'webgpu',
    name,
    source: 'webgpu',
    key: deviceKey('webgpu', [rec.vendor, rec.architecture].filter(Boolean).join(' ') || name),
    profile,
    matchedBy,
    overrides,
    effective,
    attributes: { vendor: rec.vendor, architecture: rec.architecture, ...real },
  };
}

// ---- detection ----------------------------------------------------------------------------------

const probes: DeviceProbe[] = [cudaProbe()];

/**
 * Adds a probe (e.g. WebGPU) that detectDevices() runs after the built-in ones; one of the same name is
 * replaced. Returns a function that removes it again.
 */
export function registerDeviceProbe(probe: DeviceProbe): () => void {
  const i = probes.findIndex((p) => p.name === probe.name);
  const previous = i >= 0 ? probes[i] : undefined;
  if (i >= 0) probes[i] = probe;
  else probes.push(probe);
  return () => {
    const j = probes.indexOf(probe);
    if (j < 0) return;
    if (previous) probes[j] = previous;
    else probes.splice(j, 1);
  };
}

export function registeredDeviceProbes(): readonly DeviceProbe[] {
  return probes;
}

/**
 * Detects this machine's GPUs. Never throws for a missing GPU, driver or library: resolves to
 * { devices: [], reason } with each probe's failure in `reason`.
 */
export async function detectDevices(
  options: { probes?: readonly DeviceProbe[]; profiles?: Profile[] } = {},
): Promise<DetectionResult> {
  const profiles = options.profiles ?? listProfiles();
  const devices: DetectedDevice[] = [];
  const report: DetectionResult['probes'] = [];
  for (const p of options.probes ?? probes) {
    let res: ProbeResult;
    try {
      res = await p.probe(profiles);
    } catch (err) {
      res = { devices: [], failure: (err as Error).message };
    }
    devices.push(...res.devices);
    report.push({ name: p.name, found: res.devices.length, ...(res.devices.length === 0 ? { failure: res.failure ?? 'no device' } : {}) });
  }
  devices.sort((a, b) => a.vendor.localeCompare(b.vendor) || a.index - b.index);
  if (devices.length > 0) return { devices, probes: report };
  const reason = `no GPU found: ${report.map((r) => `${r.name}: ${r.failure}`).join('; ') || 'no probes'}`;
  return { devices, reason, probes: report };
}
