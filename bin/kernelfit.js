#!/usr/bin/env node
// Runs the bundled CLI; `npm install` (its prepare step) or `npm run build` produces dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('kernelfit: dist/cli.js is missing; run `npm install` or `npm run build` in the kernelfit folder\n');
  process.exit(2);
}
await import(cli);
