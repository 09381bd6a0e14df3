/**
 * Standalone entry of the tenant emulator, spawned (detached) by the lab orchestrator:
 *
 *   node dist/lab/emulator/main.js --state <file> [--port <n>] [--host 127.0.0.1]
 *        [--cert <pem> --key <pem>] [--pid-file <file>] [--ready-file <file>] [--faults <json file>]
 *        [--exo-max-concurrency <n|none>] [--cloud-managed-filterable]
 *
 * The state file must exist (write it with `writeTenantData(buildTenantState(…))`). Once
 * listening it writes its pid to `--pid-file` (default `<state dir>/emulator.pid`), writes
 * `{pid,url,port}` to `--ready-file` if given, and prints `emulator listening on <url>`. SIGTERM or
 * SIGINT close the server and flush the state before exiting. One log line per request on stdout.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { EmulatorConfigError } from './emulator-errors.js';
import { startEmulator } from './emulator-server.js';
import type { FaultRule } from './faults.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      state: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'pid-file': { type: 'string' },
      'ready-file': { type: 'string' },
      faults: { type: 'string' },
      'exo-max-concurrency': { type: 'string' },
      'cloud-managed-filterable': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.state) throw new EmulatorConfigError('--state <file> is required');
  if (Boolean(values.cert) !== Boolean(values.key)) throw new EmulatorConfigError('--cert and --key go together');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EmulatorConfigError(`bad --port ${values.port}`);
  const concurrency = values['exo-max-concurrency'];
  const faults = values.faults ? (JSON.parse(await readFile(values.faults, 'utf8')) as FaultRule[]) : [];

  const emulator = await startEmulator({
    statePath: values.state,
    port,
    host: values.host,
    tls: values.cert && values.key ? { certFile: values.cert, keyFile: values.key } : undefined,
    faults,
    exoMaxConcurrency: concurrency === undefined ? undefined : concurrency === 'none' ? null : Number(concurrency),
    cloudManagedFilterable: values['cloud-managed-filterable'],
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const pidFile = values['pid-file'] ?? join(dirname(values.state), 'emulator.pid');
  await writeFile(pidFile, `${process.pid}\n`);
  if (values['ready-file']) await writeFile(values['ready-file'], JSON.stringify({ pid: process.pid, url: emulator.url, port: emulator.port }));
  process.stdout.write(`emulator listening on ${emulator.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`emulator stopping (${signal})\n`);
    emulator
      .close()
      .then(() => rm(pidFile, { force: true }))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`emulator: failed to save state: ${(error as Error).message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${(error as Error).message}\n`);
  process.exit(1);
});
