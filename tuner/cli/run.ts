// Entry point of the bundled CLI (dist/cli.js).
import { main } from './main.ts';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
