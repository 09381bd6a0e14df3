import type { Command } from 'commander';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/**
 * Parses argv and runs the chosen command. Known failures print `error <Code>: message`
 * (look the code up in docs/errors.md) and exit 1; anything else is a bug and shows its stack.
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof ExoWritebackError) {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
    } else {
      process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = 1;
  }
}
