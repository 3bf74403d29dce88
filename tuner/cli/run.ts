// Entry point of the bundled CLI (dist/cli.js).
import { main } from './main.ts';

main(process.argv.slice(2)).then(
  // a command may have set its own exit code (e.g. 1 for an infeasible space); errors override it
  (code) => { if (code !== 0) process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
