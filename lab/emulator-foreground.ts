/** `exo-writeback lab emulator`: the tenant emulator as a foreground process, stopped by SIGTERM/SIGINT. */
import { startEmulator } from './emulator/emulator-server.js';
import { LabInvalidOptionError } from './lab-errors.js';

/** Options of {@link serveEmulator}. */
export interface ServeEmulatorOptions {
  state: string;
  port: number;
  cert?: string;
  key?: string;
}

/** Serves until a termination signal, then persists the tenant and exits. */
export async function serveEmulator(options: ServeEmulatorOptions): Promise<void> {
  if (Boolean(options.cert) !== Boolean(options.key)) throw new LabInvalidOptionError('--cert and --key go together');
  const emulator = await startEmulator({
    statePath: options.state,
    port: options.port,
    ...(options.cert && options.key ? { tls: { certFile: options.cert, keyFile: options.key } } : {}),
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
