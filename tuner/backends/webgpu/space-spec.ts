// The search space of a kernel on this device: its parameters and constraints, the device's hardware
// constraints, and the problem sizes and constants as constants (they appear in both).
import type { SpaceSpec } from '../../../solver/spec/spec.ts';
import type { KernelSpec } from '../../kernel-spec.ts';

export function kernelSpaceSpec(
  kernel: KernelSpec,
  problem: Readonly<Record<string, number>>,
  hardware: readonly { expr: string; label: string }[] = [],
): SpaceSpec {
  return {
    name: kernel.name,
    parameters: kernel.parameters,
    constraints: [...(kernel.constraints ?? []), ...hardware],
    constants: { ...(kernel.constants ?? {}), ...kernel.problem, ...problem },
  };
}
