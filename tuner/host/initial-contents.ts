// Buffers' initial contents, seeded: every runner, every restart and both backends see the same inputs for
// the same seed. One generator (solver/random.ts) serves all buffers, drawn in argument order.
import { Random } from '../../solver/random.ts';
import type { BufferArg, KernelSpec } from '../kernel-spec.ts';
import { allocHost, type HostArray } from './element-types.ts';
import { f32ToF16 } from './f16.ts';

/** The arg's initial contents. random: f32/f16 uniform in [-1, 1), i32 in [-8, 8), u32 in [0, 16). */
export function initialContents(arg: BufferArg, n: number, rng: Random): HostArray {
  const a = allocHost(arg.type, n);
  const put = arg.type === 'f16' ? (i: number, v: number) => { a[i] = f32ToF16(v); } : (i: number, v: number) => { a[i] = v; };
  const fill = arg.fill;
  if (fill === 'zeros') return a;
  for (let i = 0; i < n; i++) {
    let v: number;
    if (fill === 'random') {
      v = arg.type === 'i32' ? rng.below(16) - 8 : arg.type === 'u32' ? rng.below(16) : rng.next() * 2 - 1;
    } else if (fill === 'ones') v = 1;
    else if (fill === 'index') v = i;
    else v = fill;
    put(i, v);
  }
  return a;
}

/** Every buffer argument's initial contents, by name; `elements` gives each one's length. */
export function initialInputs(kernel: KernelSpec, elements: ReadonlyMap<string, number>, seed: number): Map<string, HostArray> {
  const rng = new Random(seed);
  const out = new Map<string, HostArray>();
  for (const a of kernel.args) if (a.kind === 'buffer') out.set(a.name, initialContents(a, elements.get(a.name)!, rng));
  return out;
}
