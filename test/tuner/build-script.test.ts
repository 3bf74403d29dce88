// The library example runs as a user would run it (tsx), writes its generated header, and a second run
// takes everything from its journal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (out: string) => spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'examples/build-script.ts', '../shared/bench/replay/dedispersion-A4000.json.gz', out], { encoding: 'utf8', timeout: 120_000 });

describe('examples/build-script.ts', () => {
  it('tunes a replay space through the library API and writes the best configuration as #defines', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kernelfit-build-')), 'gen', 'tuned.h');
    const first = run(out);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/tuned\.h: [\d.]+ ms \(300 evaluated, 0 from the journal\)/);
    const header = readFileSync(out, 'utf8');
    expect(header).toMatch(/^#define BLOCK_SIZE_X \d+$/m);
    expect(header).toMatch(/^#define TILE_STRIDE_Y [01]$/m);
    const second = run(out);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/\(300 evaluated, 300 from the journal\)/);
    expect(readFileSync(out, 'utf8').split('\n').slice(2)).toEqual(header.split('\n').slice(2));
  });
});
