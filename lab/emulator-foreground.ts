/** `exo-writeback lab emulator`: the tenant emulator as a foreground process, stopped by SIGTERM/SIGINT. */
import { readFile } from 'node:fs/promises';
import { startEmulator } from './emulator/emulator-server.js';
import type { FaultRule } from './emulator/faults.js';
import { LabInvalidOptionError } from './lab-errors.js';

/** Options of {@link serveEmulator}, as the CLI collects them. */
export interface ServeEmulatorOptions {
  state: string;
  port: number;
  cert?: string;
  key?: string;
  /** JSON file with an array of fault rules in force from the start. */
  faults?: string;
  /** Cap on concurrent EXO calls (`none` for no cap). */
  exoMaxConcurrency?: string;
  cloudManagedFilterable?: boolean;
}

/** Serves until a termination signal, then persists the tenant and returns. */
export async function serveEmulator(options: ServeEmulatorOptions): Promise<void> {
  if (Boolean(options.cert) !== Boolean(options.key)) throw new LabInvalidOptionError('--cert and --key go together');
  const faults = options.faults ? await readFaults(options.faults) : [];
  const emulator = await startEmulator({
    statePath: options.state,
    port: options.port,
    ...(options.cert && options.key ? { tls: { certFile: options.cert, keyFile: options.key } } : {}),
    faults,
    ...(options.exoMaxConcurrency !== undefined ? { exoMaxConcurrency: concurrency(options.exoMaxConcurrency) } : {}),
    cloudManagedFilterable: options.cloudManagedFilterable ?? false,
    log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`${new Date().toISOString()} tenant emulator listening on ${emulator.url} (pid ${process.pid})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stdout.write(`${new Date().toISOString()} ${signal}: saving the tenant and stopping\n`);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await emulator.close();
}

async function readFaults(path: string): Promise<FaultRule[]> {
  try {
    const rules: unknown = JSON.parse(await readFile(path, 'utf8'));
    return (Array.isArray(rules) ? rules : [rules]) as FaultRule[];
  } catch (error) {
    throw new LabInvalidOptionError(`--faults ${path}: not a JSON file of fault rules (${(error as Error).message})`);
  }
}

function concurrency(value: string): number | null {
  if (value === 'none') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new LabInvalidOptionError(`--exo-max-concurrency takes a positive whole number or 'none', got '${value}'`);
  return n;
}
