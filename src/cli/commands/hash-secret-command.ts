/** `hash-secret`: turns the console password or API token into the hash the configuration stores. */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { hashSecret } from '../../config/secret-hash.js';
import { InvalidOptionError } from '../cli-errors.js';

/** Reads the secret: piped stdin as is (one line), or typed at a prompt without echo. */
async function readSecret(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text.replace(/\r?\n$/, '');
  }
  const prompt = 'Secret (not shown): ';
  const output = process.stderr;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // Echo nothing of what is typed: only the prompt is written.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (s.startsWith(prompt)) output.write(prompt);
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    output.write('\n');
  }
}

/** Registers `hash-secret`. */
export function registerHashSecretCommand(program: Command): void {
  program
    .command('hash-secret')
    .description('print the scrypt hash of a console password or API token (read from stdin or typed), for service.http.auth')
    .action(async () => {
      const secret = await readSecret();
      try {
        process.stdout.write(`${await hashSecret(secret)}\n`);
      } catch (error) {
        if (error instanceof RangeError) throw new InvalidOptionError(`the secret is too short: ${error.message}`);
        throw error;
      }
    });
}
