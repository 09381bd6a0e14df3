import type { Command } from 'commander';

/** `exo-writeback lab …`: bring up, inspect and tear down the built-in lab. */
export function registerLabCommands(program: Command): void {
  program.command('lab').description('the built-in lab: a real Samba AD DC and an emulated Exchange Online tenant');
}
