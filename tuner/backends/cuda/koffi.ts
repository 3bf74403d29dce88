// The one place koffi (FFI) is loaded. koffi ships as CommonJS; createRequire loads it synchronously, so
// library bindings can be made at module level of a worker or the runner without an await.
import { createRequire } from 'node:module';

export type Koffi = typeof import('koffi');
export type KoffiLibrary = ReturnType<Koffi['load']>;
export type KoffiFunction = ReturnType<KoffiLibrary['func']>;

let cached: Koffi | undefined;

export function koffi(): Koffi {
  if (!cached) cached = createRequire(import.meta.url)('koffi') as Koffi;
  return cached;
}

/**
 * Loads the first library of `candidates` that opens. Returns the handle and the path, or the reasons
 * every candidate failed: a missing library is an ordinary answer here ("no GPU", "no NVRTC"), not an error.
 */
export function loadFirst(candidates: readonly string[]): { lib: KoffiLibrary; path: string } | { lib?: undefined; failures: string[] } {
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      return { lib: koffi().load(path), path };
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { failures };
}
