// The README's main job: `kernelfit tune` with no kernel tunes the bundled WGSL matmul on the best
// device this machine has — here (no GPU) the CPU WebGPU adapter that scripts/webgpu-cpu.sh installs.
import { describe, expect, it } from 'vitest';
import { kernelfit } from './run-cli.ts';

describe('kernelfit tune (no kernel: the bundled matmul)', () => {
  it('picks a device by itself, tunes, verifies and prints the best configuration with its time', () => {
    const r = kernelfit(['tune', '--budget', '6', '--json', '--no-progress']);
    expect(r.stderr).toMatch(/no kernel given: tuning the bundled WGSL matmul/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.evaluations).toBe(6);
    expect(out.best.time_ms).toBeGreaterThan(0);
    expect(Object.keys(out.best.config).sort()).toEqual(['BK', 'TM', 'TN', 'VEC', 'WG_X', 'WG_Y']);
    expect(out.device.backend).toBe('webgpu');
    expect(out.failed.wrong ?? 0).toBe(0);
  });
});
