import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export default function setup(): void {
  // the real search spaces and replay recordings live in the shared folder beside the checkout (as in
  // CI); without it a score of tests would each fail on a missing file, so say it once, up front
  const bench = resolve('../shared/bench');
  if (!existsSync(resolve(bench, 'real-spaces.json')) || !existsSync(resolve(bench, 'replay'))) {
    throw new Error(`the tests read ${bench} (real-spaces.json and replay/): run them in a checkout placed beside the shared folder, as CI does (see the README)`);
  }
  execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { stdio: 'inherit' });
}
