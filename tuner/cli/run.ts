// Entry point of the bundled CLI (dist/cli.js).
import { main } from './main.ts';

// the reader went away (`kernelfit space list … | head`): what it wanted is written, stop quietly. The
// error can come after a command returned, when the last buffered output is flushed.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  // a command may have set its own exit code (e.g. 1 for an infeasible space); errors override it
  (code) => { if (code !== 0) process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
