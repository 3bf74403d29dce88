// The WebGPU backend's pieces that need no device: ${…} templating and override constants, timing
// statistics, hardware constraints from limits, the key. (References, the comparison and f16: test/tuner/host.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../../solver/space.ts';
import { loadProfile } from '../../../hw-profiles/load.ts';
import { adapterKey, KERNEL_LIMITS, type AdapterLimits } from '../../../tuner/backends/webgpu/device-info.ts';
import { adapterProfile, webGpuHardwareConstraints } from '../../../tuner/backends/webgpu/hardware-constraints.ts';
import { declaredOverrides, expandTemplate, prepareShader } from '../../../tuner/backends/webgpu/source.ts';
import { summarize } from '../../../tuner/backends/webgpu/timing.ts';
import { solverSpecOf } from '../../../tuner/kernel-spec-load.ts';
import { wgslKernel } from './cpu-device.ts';

describe('WGSL preparation', () => {
  it('expands ${EXPR} with Python semantics, leaving // comments alone', () => {
    const text = "const A = ${TM * TN}u; // ${not expanded}\nalias VT = ${'f32' if VEC == 1 else 'vec4<f32>'}; const B = ${7 // 2}; const F = ${X > 1};";
    expect(expandTemplate(text, { TM: 2, TN: 4, VEC: 4, X: 0 })).toBe(
      'const A = 8u; // ${not expanded}\nalias VT = vec4<f32>; const B = 3; const F = false;',
    );
    expect(() => expandTemplate('const A = ${TM +};', { TM: 1 })).toThrow(/WGSL line 1/);
    expect(() => expandTemplate('const A = ${TM;', { TM: 1 })).toThrow(/unterminated/);
  });

  it('passes declared overrides that are parameters, problem sizes or constants; template mode passes none', () => {
    const k = wgslKernel('matmul-naive');
    expect(declaredOverrides('override M: u32;\n@id(3) override  WG_X: u32 = 16u;')).toEqual(['M', 'WG_X']);
    const s = prepareShader(k, 'override M: u32; override WG_X: u32; override FLAG: bool; override OTHER: f32 = 1.0;', { WG_X: 8, FLAG: true }, { M: 64, N: 64, K: 64 });
    expect(s.constants).toEqual({ M: 64, WG_X: 8, FLAG: 1 });
    expect(prepareShader({ ...k, parameterPassing: 'template' }, 'override M: u32;', {}, { M: 64 }).constants).toEqual({});
  });

  it('the matmul template gives WGSL with its parameters in place', () => {
    const k = wgslKernel('matmul');
    const { code, constants } = prepareShader(k, readFileSync(k.source, 'utf8'), { WG_X: 8, WG_Y: 4, TM: 2, TN: 4, BK: 16, VEC: 4 }, k.problem);
    expect(code).toContain('alias VT = vec4<f32>;');
    expect(code).toContain('const BK = 16u;');
    for (const line of code.split('\n')) expect(line.split('//')[0]).not.toContain('${');
    expect(constants).toEqual({ M: 1024, N: 1024, K: 1024 });
  });
});

describe('timing statistics', () => {
  it('median and spread', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, spread: 1 });
    expect(summarize([4, 1, 2, 3])).toEqual({ median: 2.5, spread: 3 / 2.5 });
  });
});

describe('hardware constraints from adapter limits', () => {
  // an adapter that reports exactly the WebGPU default limits
  const spec = loadProfile('webgpu-default') as unknown as Record<string, number>;
  const limits = Object.fromEntries(KERNEL_LIMITS.map((k) => [k, spec[k]])) as AdapterLimits;
  it('every configuration of the space fits the limits; the labels name them', () => {
    const kernel = wgslKernel('matmul');
    const profile = adapterProfile('acme/gpu/x1', 'Acme X1', limits);
    const hw = webGpuHardwareConstraints(kernel, profile);
    expect(hw.map((c) => c.label)).toContain('workgroup storage ≤ 16384 B (acme-gpu-x1 maxComputeWorkgroupStorageSize)');
    const problem = { M: 256, N: 256, K: 256 };
    const space = SearchSpace.fromSpec(solverSpecOf(kernel, problem, hw));
    const own = SearchSpace.fromSpec(solverSpecOf(kernel, problem));
    let excluded = 0;
    for (const c of own.configurations()) {
      const n = c as Record<string, number>;
      const fits = n.WG_X * n.WG_Y <= 256 && (n.BK * (n.WG_Y * n.TM + 1) + n.BK * n.WG_X * n.TN) * 4 <= 16384;
      expect(space.isValid(c)).toBe(fits);
      if (!fits) excluded++;
    }
    expect(excluded).toBeGreaterThan(0);
    // too many workgroups in a dimension
    const tall = SearchSpace.fromSpec(solverSpecOf(kernel, { M: 65536 * 4, N: 32, K: 8 }, hw));
    for (const c of tall.configurations()) expect((65536 * 4) / ((c.WG_Y as number) * (c.TM as number))).toBeLessThanOrEqual(65535);
  });

  it('the device key is vendor/architecture/device, normalised; the description (driver version) only without a device', () => {
    // adapter.info as Dawn reports it on our H100 (Vulkan, driver 580) and on SwiftShader
    const h100 = { vendor: 'nvidia', architecture: '', device: 'nvidia-h100-80gb-hbm3', description: 'NVIDIA: 580.159.04 580.159.4.0' } as GPUAdapterInfo;
    expect(adapterKey(h100)).toBe('nvidia/nvidia-h100-80gb-hbm3');
    expect(adapterKey({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' } as GPUAdapterInfo))
      .toBe('google/swiftshader/swiftshader-device-subzero');
    expect(adapterKey({ vendor: 'apple', architecture: 'metal-3', device: '', description: 'Apple M2' } as GPUAdapterInfo)).toBe('apple/metal-3/apple-m2');
  });
});
