// Registers the CUDA backend as `--device cuda[:ORDINALS]` when imported: `cuda` uses every GPU,
// `cuda:1` one, `cuda:0,2` several (one runner process each). `--device auto` picks CUDA first where
// libcuda loads and reports a device. Nothing CUDA is loaded until a device is opened or detected.
import { UserError } from '../../../solver/user-error.ts';
import { registerBackend } from '../registry.ts';

export function parseOrdinals(arg: string): number[] | undefined {
  if (arg === '') return undefined;
  const list = arg.split(',').map((s) => s.trim());
  if (!list.every((s) => /^\d+$/.test(s))) throw new UserError(`'cuda:${arg}': expected device ordinals, e.g. cuda:0 or cuda:0,1`, '--device');
  return list.map(Number);
}

/** null when a CUDA GPU is usable here, else why not (one line). */
export async function detectCuda(): Promise<string | null> {
  const { loadLibcuda } = await import('./libcuda.ts');
  const cu = loadLibcuda();
  if ('failure' in cu) return cu.failure;
  const rc = cu.cuInit(0) as number;
  if (rc !== 0) return `cuInit failed (CUresult ${rc})`;
  const n = [0];
  if ((cu.cuDeviceGetCount(n) as number) !== 0 || n[0] === 0) return 'libcuda reports no device';
  return null;
}

registerBackend('cuda', {
  async open(arg) {
    const devices = parseOrdinals(arg);
    const { createCudaBackend } = await import('./backend.ts');
    return createCudaBackend(devices ? { devices } : {});
  },
  detect: detectCuda,
  autoPriority: 20,
  runs: ['cuda'],
});
