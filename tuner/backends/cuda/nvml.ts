// GPU clock and temperature at measurement time, through NVML (koffi) where libnvidia-ml loads, else one
// `nvidia-smi` query. A timing is only comparable with another taken at a similar clock; the runner
// attaches these readings to every measurement so throttling shows up in the results.
import { execFileSync } from 'node:child_process';
import { loadFirst, type KoffiFunction } from './koffi.ts';

export interface DeviceState {
  smClockMHz?: number;
  memClockMHz?: number;
  temperatureC?: number;
  powerW?: number;
  /** 'nvml' or 'nvidia-smi' */
  via?: string;
}

const NVML_CLOCK_SM = 1;
const NVML_CLOCK_MEM = 2;
const NVML_TEMPERATURE_GPU = 0;

export interface DeviceMonitor {
  read(): DeviceState;
}

/** A monitor for the device with this PCI bus id ('0000:1B:00.0', as cuDeviceGetPCIBusId gives it). */
export function openMonitor(pciBusId: string | undefined, ordinal: number): DeviceMonitor {
  const found = loadFirst(['libnvidia-ml.so.1', 'libnvidia-ml.so']);
  if (found.lib) {
    try {
      const lib = found.lib;
      const init = lib.func('int nvmlInit_v2()');
      const byPci = lib.func('int nvmlDeviceGetHandleByPciBusId_v2(const char *id, _Out_ void **device)');
      const byIndex = lib.func('int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ void **device)');
      const clock: KoffiFunction = lib.func('int nvmlDeviceGetClockInfo(void *device, int type, _Out_ unsigned int *mhz)');
      const temp: KoffiFunction = lib.func('int nvmlDeviceGetTemperature(void *device, int sensor, _Out_ unsigned int *c)');
      const power: KoffiFunction = lib.func('int nvmlDeviceGetPowerUsage(void *device, _Out_ unsigned int *mw)');
      if ((init() as number) === 0) {
        const h: unknown[] = [null];
        // CUDA ordinals and NVML indices can differ (CUDA_VISIBLE_DEVICES, FASTEST_FIRST): match by PCI id.
        const ok = (pciBusId ? (byPci(pciBusId, h) as number) === 0 : false) || (byIndex(ordinal, h) as number) === 0;
        if (ok) {
          const dev = h[0];
          return {
            read(): DeviceState {
              const v = [0];
              const s: DeviceState = { via: 'nvml' };
              if ((clock(dev, NVML_CLOCK_SM, v) as number) === 0) s.smClockMHz = v[0];
              if ((clock(dev, NVML_CLOCK_MEM, v) as number) === 0) s.memClockMHz = v[0];
              if ((temp(dev, NVML_TEMPERATURE_GPU, v) as number) === 0) s.temperatureC = v[0];
              if ((power(dev, v) as number) === 0) s.powerW = Math.round(v[0] / 100) / 10;
              return s;
            },
          };
        }
      }
    } catch {
      // fall through to nvidia-smi
    }
  }
  // No NVML: read nvidia-smi once (it takes ~100 ms, too slow per candidate) and repeat that reading.
  let once: DeviceState | undefined;
  return {
    read(): DeviceState {
      if (!once) {
        once = { via: 'nvidia-smi (once)' };
        try {
          const out = execFileSync(
            'nvidia-smi',
            [`--id=${pciBusId ?? ordinal}`, '--query-gpu=clocks.sm,clocks.mem,temperature.gpu', '--format=csv,noheader,nounits'],
            { encoding: 'utf8', timeout: 10_000 },
          );
          const [sm, mem, t] = out.trim().split(/\s*,\s*/).map(Number);
          if (Number.isFinite(sm)) once.smClockMHz = sm;
          if (Number.isFinite(mem)) once.memClockMHz = mem;
          if (Number.isFinite(t)) once.temperatureC = t;
        } catch {
          // no reading
        }
      }
      return once;
    },
  };
}
