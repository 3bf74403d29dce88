import type { Command } from 'commander';

export function registerSpaceCommands(program: Command): void {
  void program;
}
