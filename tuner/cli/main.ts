// kernelfit's command line: parses flags and calls the library; every command group lives in its own file.
import { Command, CommanderError } from 'commander';
import { UserError } from '../../solver/user-error.ts';
import { registerSpaceCommands } from './space.ts';
import { registerHwCommands } from './hw.ts';
import { registerOccupancyCommand } from './hw-occupancy.ts';
import { registerTuneCommands } from './tune.ts';
import '../backends/builtin.ts';

export function buildProgram(): Command {
  const program = new Command('kernelfit')
    .description('GPU-kernel autotuner driven by an integer constraint solver')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerSpaceCommands(program);
  registerOccupancyCommand(registerHwCommands(program));
  registerTuneCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (unknown option, missing argument, --help, --version)
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`kernelfit: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
