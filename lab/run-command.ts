import { spawn } from 'node:child_process';
import { LabCommandFailedError } from './lab-errors.js';

/** Result of a finished child process. */
export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program (no shell) and resolves with its output; rejects with
 * {@link LabCommandFailedError} carrying stderr when it exits non-zero.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; secrets?: readonly string[] } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) =>
      reject(new LabCommandFailedError(`${file} could not be started: ${error.message}`, { cause: error })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const detail = redact(`${file} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${(stderr || stdout).trim().slice(-2000)}`, options.secrets);
      reject(new LabCommandFailedError(detail));
    });
    // A program that exits without reading stdin makes this write fail with EPIPE; without a
    // handler that error would crash the process. The exit code still decides the outcome.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Replaces every occurrence of each secret so that error messages never carry a password. */
function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const secret of secrets ?? []) if (secret) out = out.split(secret).join('***');
  return out;
}
