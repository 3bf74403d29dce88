// The buffers of one problem: allocated once, filled with the spec's initial contents (seeded), bound in
// argument order, and restored before each run that could see a previous run's writes.
//
// Binding convention: buffer arguments are @group(0) @binding(0…) in declaration order ('in' as
// var<storage, read>, 'out'/'inout' as var<storage, read_write>); scalar arguments, if any, are one uniform
// struct of 4-byte fields in declaration order at the next binding.
/// <reference types="@webgpu/types" />
import type { Value } from '../../../solver/expr/ast.ts';
import { evaluateFormula } from '../../../hw-profiles/resource-constraints.ts';
import { Random } from '../../../solver/random.ts';
import { UserError } from '../../../solver/user-error.ts';
import type { BufferArg, KernelSpec, ScalarArg } from '../../kernel-spec.ts';
import { ELEMENT_BYTES, hostArrayOf, type HostArray } from '../../host/element-types.ts';
import { initialContents } from '../../host/initial-contents.ts';

interface Bound {
  arg: BufferArg;
  elements: number;
  buffer: GPUBuffer;
  /** pristine copy of a writable buffer's initial contents */
  pristine?: GPUBuffer;
}

export class ProblemBuffers {
  readonly layout: GPUPipelineLayout;
  readonly bindGroup: GPUBindGroup;
  /** initial contents of every buffer argument, by name */
  readonly host = new Map<string, HostArray>();
  private readonly bound: Bound[] = [];
  private readonly uniform?: GPUBuffer;
  private readonly scalars: ScalarArg[];

  constructor(
    private readonly device: GPUDevice,
    readonly kernel: KernelSpec,
    readonly problem: Readonly<Record<string, number>>,
    seed: number,
  ) {
    const values = { ...(kernel.constants ?? {}), ...problem };
    const rng = new Random(seed);
    const entries: GPUBindGroupLayoutEntry[] = [];
    const groupEntries: GPUBindGroupEntry[] = [];
    for (const arg of kernel.args) {
      if (arg.kind !== 'buffer') continue;
      const elements = evaluateFormula(arg.size, values, `args.${arg.name}.size`);
      if (!Number.isInteger(elements) || elements < 1) throw new UserError(`size must be a positive integer, got ${elements}`, `args.${arg.name}.size`);
      const contents = initialContents(arg, elements, rng);
      this.host.set(arg.name, contents);
      const size = Math.ceil(contents.byteLength / 4) * 4;
      const buffer = device.createBuffer({ label: arg.name, size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      const bytes = padded(contents, size);
      device.queue.writeBuffer(buffer, 0, bytes);
      let pristine: GPUBuffer | undefined;
      if (arg.role !== 'in') {
        pristine = device.createBuffer({ label: `${arg.name} (initial)`, size, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(pristine, 0, bytes);
      }
      const binding = this.bound.length;
      entries.push({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: arg.role === 'in' ? 'read-only-storage' : 'storage' } });
      groupEntries.push({ binding, resource: { buffer } });
      this.bound.push({ arg, elements, buffer, pristine });
    }
    this.scalars = kernel.args.filter((a): a is ScalarArg => a.kind === 'scalar');
    if (this.scalars.length > 0) {
      for (const s of this.scalars) if (s.type === 'f16') throw new UserError('f16 scalars are not supported (use f32)', `args.${s.name}`);
      this.uniform = device.createBuffer({ label: 'scalars', size: Math.ceil((this.scalars.length * 4) / 16) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      const binding = this.bound.length;
      entries.push({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
      groupEntries.push({ binding, resource: { buffer: this.uniform } });
    }
    const bgl = device.createBindGroupLayout({ label: kernel.name, entries });
    this.layout = device.createPipelineLayout({ label: kernel.name, bindGroupLayouts: [bgl] });
    this.bindGroup = device.createBindGroup({ label: kernel.name, layout: bgl, entries: groupEntries });
  }

  /** Whether a run changes what the next run reads ('inout' buffers). */
  get inPlace(): boolean {
    return this.bound.some((b) => b.arg.role === 'inout');
  }

  /** Writes the scalar arguments' values for this configuration (they may depend on it). */
  setScalars(config: Readonly<Record<string, Value>>): void {
    if (!this.uniform) return;
    const values = { ...(this.kernel.constants ?? {}), ...this.problem, ...config };
    const data = new DataView(new ArrayBuffer(this.uniform.size));
    this.scalars.forEach((s, i) => {
      const v = evaluateFormula(s.value, values, `args.${s.name}.value`);
      if (s.type === 'f32') data.setFloat32(i * 4, v, true);
      else if (s.type === 'i32') data.setInt32(i * 4, v, true);
      else data.setUint32(i * 4, v, true);
    });
    this.device.queue.writeBuffer(this.uniform, 0, data.buffer);
  }

  /** Copies the initial contents back into the writable buffers ('all') or only the 'inout' ones. */
  restore(encoder: GPUCommandEncoder, which: 'all' | 'inout' = 'all'): void {
    for (const b of this.bound) {
      if (b.pristine && (which === 'all' || b.arg.role === 'inout')) encoder.copyBufferToBuffer(b.pristine, 0, b.buffer, 0, b.buffer.size);
    }
  }

  /** The outputs ('out' and 'inout' buffers) as they are on the device now, by name. */
  async readOutputs(): Promise<Map<string, HostArray>> {
    const outs = this.bound.filter((b) => b.arg.role !== 'in');
    const encoder = this.device.createCommandEncoder();
    const staging = outs.map((b) => {
      const s = this.device.createBuffer({ size: b.buffer.size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      encoder.copyBufferToBuffer(b.buffer, 0, s, 0, b.buffer.size);
      return s;
    });
    this.device.queue.submit([encoder.finish()]);
    const result = new Map<string, HostArray>();
    try {
      await Promise.all(staging.map((s) => s.mapAsync(GPUMapMode.READ)));
      outs.forEach((b, i) => {
        result.set(b.arg.name, hostArrayOf(b.arg.type, staging[i].getMappedRange().slice(0, b.elements * ELEMENT_BYTES[b.arg.type])));
      });
    } finally {
      for (const s of staging) s.destroy();
    }
    return result;
  }

  destroy(): void {
    for (const b of this.bound) {
      b.buffer.destroy();
      b.pristine?.destroy();
    }
    this.uniform?.destroy();
  }
}

function padded(contents: HostArray, size: number): ArrayBuffer {
  const out = new Uint8Array(size);
  out.set(new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength));
  return out.buffer;
}
