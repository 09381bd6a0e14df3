/**
 * Runs the tenant emulator as a background process of its own (so it outlives `lab up`), and
 * stops it again. The process is `exo-writeback lab emulator …`, the same command a user can run
 * in the foreground.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LabResourceBusyError, LabStartTimeoutError } from './lab-errors.js';
import { cliLauncher } from './package-root.js';

/** Files of the emulator process under `<lab>/emulator` and `<lab>/run`. */
export function emulatorProcessPaths(labDir: string) {
  return {
    pidFile: join(labDir, 'run', 'emulator.pid'),
    logFile: join(labDir, 'emulator', 'emulator.log'),
  };
}

/** Options of {@link startEmulatorProcess}. */
export interface EmulatorProcessOptions {
  labDir: string;
  statePath: string;
  port: number;
  certFile: string;
  keyFile: string;
  caPem: string;
  /** How long to wait for the health endpoint. Default 30 s. */
  timeoutMs?: number;
}

/** Starts the emulator detached, waits until its health endpoint answers over verified TLS, returns its pid. */
export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<number> {
  const paths = emulatorProcessPaths(options.labDir);
  await mkdir(join(options.labDir, 'run'), { recursive: true });
  await mkdir(join(options.labDir, 'emulator'), { recursive: true });
  if (await healthy(options.port, options.caPem)) {
    throw new LabResourceBusyError(`port ${options.port} already serves an emulator (another lab?); choose another with --emulator-port`);
  }
  const log = await open(paths.logFile, 'a', 0o600);
  const child = spawn(
    process.execPath,
    [cliLauncher(), 'lab', 'emulator', '--state', options.statePath, '--port', String(options.port),
      '--cert', options.certFile, '--key', options.keyFile],
    { detached: true, stdio: ['ignore', log.fd, log.fd] },
  );
  await log.close();
  const pid = child.pid;
  if (pid === undefined) throw new LabStartTimeoutError('the emulator process could not be started');
  const exit: { code: number | null } = { code: null };
  child.on('exit', (code) => (exit.code = code ?? -1));
  child.unref();
  await writeFile(paths.pidFile, `${pid}\n`);

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exit.code !== null) {
      throw new LabStartTimeoutError(`the emulator exited (code ${exit.code}) before it was ready:\n${await tail(paths.logFile)}`);
    }
    if (await healthy(options.port, options.caPem)) return pid;
    await delay(100);
  }
  await stopEmulatorProcess(options.labDir);
  throw new LabStartTimeoutError(`the emulator did not answer on port ${options.port} within the timeout:\n${await tail(paths.logFile)}`);
}

/** The emulator's pid when its process is alive, else null. */
export async function emulatorPid(labDir: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(emulatorProcessPaths(labDir).pidFile, 'utf8')).trim());
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

/** Stops the emulator (SIGTERM, so it flushes its state; SIGKILL after 10 s). True when one ran. */
export async function stopEmulatorProcess(labDir: string): Promise<boolean> {
  const pid = await emulatorPid(labDir);
  const pidFile = emulatorProcessPaths(labDir).pidFile;
  if (pid === null) {
    await rm(pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await delay(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await delay(20);
  await rm(pidFile, { force: true });
  return true;
}

/** True when `https://127.0.0.1:<port>/_emulator/health` answers 200 over TLS verified with the lab CA. */
export function healthy(port: number, caPem: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/_emulator/health', method: 'GET', ca: caPem, timeout: 2000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited child not yet reaped) still answers signal 0; treat it as gone.
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

async function tail(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
