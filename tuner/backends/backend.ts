// A place where configurations are measured: a CUDA GPU, a WebGPU adapter, or a replay of a recorded
// space. Backends know nothing of strategies: they take configurations and return measurements.
import type { KernelSpec } from '../kernel-spec.ts';
import type { Config, Measurement } from '../measurement.ts';

export interface DeviceInfo {
  /** stable key for journals and config files, e.g. "nvidia/hopper/nvidia-h100-80gb-hbm3" */
  key: string;
  /** human name */
  name: string;
  backend: 'cuda' | 'webgpu' | 'replay';
  /** what identifies the software stack: driver, compiler, Dawn version… (part of the journal key) */
  software: Record<string, string>;
}

export interface Backend {
  readonly device: DeviceInfo;
  /**
   * Constraint expressions (Python semantics, over the kernel's parameters, problem sizes and constants)
   * that this device imposes on the kernel: threads, shared memory, workgroup limits… Added to the
   * kernel's own constraints so the space never holds a configuration the device must reject.
   */
  hardwareConstraints(kernel: KernelSpec): { expr: string; label: string }[];
  /**
   * Measures configurations; results may come back in any order and as soon as each is done (compilation
   * of later ones overlaps timing of earlier ones). Never throws for a bad configuration.
   */
  measure(kernel: KernelSpec, problem: Record<string, number>, configs: Config[]): AsyncIterable<Measurement>;
  /**
   * Optional: times configurations again, interleaved, so that they compare under the same conditions —
   * the guard against noise for the top few at the end of a tune. One measurement per configuration, in order.
   */
  remeasure?(kernel: KernelSpec, problem: Record<string, number>, configs: Config[]): Promise<Measurement[]>;
  close(): Promise<void>;
}
