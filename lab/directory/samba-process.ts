/**
 * Runs and stops the lab's Samba DC. Samba hard-codes ports 389/636, so (as root) each lab's DC
 * runs in its own network namespace with only loopback, and a pair of socat processes bridges a
 * host loopback port to its LDAPS port through a Unix socket. Two labs can then run side by side.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'ldapts';
import { LabCommandFailedError, LabResourceBusyError, LabStartTimeoutError } from '../lab-errors.js';
import { runCommand } from '../run-command.js';
import type { DirectoryPaths } from './directory-paths.js';
import { findProgram } from './samba-install.js';

/** Pids and address of a running lab DC, as recorded in `<labDir>/run/directory-processes.json`. */
export interface SambaProcesses {
  sambaPid: number;
  /** socat bridge processes (namespace side, host side); empty without a namespace. */
  socatPids: number[];
  /** Network namespace the DC runs in, or null when it runs on the host's loopback. */
  netns: string | null;
  ldapUrl: string;
  startedAt: string;
}

/** Options of {@link startSamba}. */
export interface StartSambaOptions {
  /** Host loopback port for LDAPS (ignored without a namespace: then 636). */
  ldapsPort: number;
  /** CA PEM that verifies the DC's certificate. */
  caPem: string;
  /** Credentials for the readiness bind. */
  bindName: string;
  password: string;
  timeoutMs?: number;
  /** Samba exits by itself after this long: a safety net against leaked servers. Default 24 h. */
  maximumRuntimeSeconds?: number;
}

/** Status of the lab DC. */
export interface SambaStatus {
  running: boolean;
  processes: SambaProcesses | null;
}

/**
 * Starts the DC and waits until an LDAPS bind verified against the lab CA succeeds.
 * Throws {@link LabResourceBusyError} when the port is taken, {@link LabStartTimeoutError}
 * (with the tail of the Samba log) when Samba dies or does not answer in time.
 */
export async function startSamba(paths: DirectoryPaths, options: StartSambaOptions): Promise<SambaProcesses> {
  const status = await sambaStatus(paths);
  if (status.running && status.processes) return status.processes;
  // Leftovers of a crashed run (stale pids, namespace, socket) would break the new one.
  await stopSamba(paths);
  await mkdir(paths.runDir, { recursive: true, mode: 0o700 });
  await rm(paths.sambaPidFile, { force: true });

  const useNetns = await netnsAvailable();
  const port = useNetns ? options.ldapsPort : 636;
  if (!(await portFree(port))) {
    throw new LabResourceBusyError(`127.0.0.1:${port} is already in use; pick another LDAPS port for this lab`);
  }
  const netns = useNetns ? paths.netnsName : null;
  const processes: SambaProcesses = {
    sambaPid: 0, socatPids: [], netns, ldapUrl: `ldaps://127.0.0.1:${port}`, startedAt: new Date().toISOString(),
  };
  try {
    if (netns) {
      await runCommand('ip', ['netns', 'add', netns]);
      await runCommand('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    }
    const samba = (await findProgram('samba')) ?? 'samba';
    const sambaArgs = [samba, '-s', paths.smbConf, '-F', '--debug-stdout',
      `--maximum-runtime=${options.maximumRuntimeSeconds ?? 86_400}`];
    const died = { exited: false };
    processes.sambaPid = spawnDetached(netns ? ['ip', 'netns', 'exec', netns, ...sambaArgs] : sambaArgs, paths.sambaLog, died);
    if (netns) {
      await rm(paths.bridgeSocket, { force: true });
      processes.socatPids.push(spawnDetached(['ip', 'netns', 'exec', netns, 'socat',
        `UNIX-LISTEN:${paths.bridgeSocket},fork,mode=600,unlink-early`, 'TCP:127.0.0.1:636'], paths.socatLog));
      processes.socatPids.push(spawnDetached(['socat',
        `TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, `UNIX-CONNECT:${paths.bridgeSocket}`], paths.socatLog));
    }
    await writeFile(paths.processesFile, `${JSON.stringify(processes, null, 2)}\n`, { mode: 0o600 });
    await waitReady(paths, processes, options, died);
    return processes;
  } catch (error) {
    await stopSamba(paths);
    throw error;
  }
}

/**
 * Stops the DC: SIGTERM to Samba, SIGKILL to its process group if anything is left after a few
 * seconds, then the socat bridge; deletes the namespace. Safe to call when nothing runs.
 */
export async function stopSamba(paths: DirectoryPaths): Promise<void> {
  const recorded = await readProcesses(paths);
  const pidFromFile = Number((await readFile(paths.sambaPidFile, 'utf8').catch(() => '')).trim()) || null;
  const sambaPids = [...new Set([recorded?.sambaPid, pidFromFile].filter((p): p is number => !!p && isProcess(p, 'samba')))];
  for (const pid of sambaPids) await terminateGroup(pid, 5_000);
  for (const pid of recorded?.socatPids ?? []) if (isProcess(pid, 'socat')) await terminateGroup(pid, 2_000);
  const netns = recorded?.netns ?? paths.netnsName;
  if (await netnsExists(netns)) {
    // Anything still inside the namespace is ours (a fork we did not record): end it.
    const { stdout } = await runCommand('ip', ['netns', 'pids', netns]);
    for (const pid of stdout.split(/\s+/).filter(Boolean).map(Number)) signal(pid, 'SIGKILL');
    await runCommand('ip', ['netns', 'del', netns]);
  }
  await rm(paths.bridgeSocket, { force: true });
  await rm(paths.processesFile, { force: true });
}

/** Reports whether the lab's Samba runs (its recorded pid is a live samba process). */
export async function sambaStatus(paths: DirectoryPaths): Promise<SambaStatus> {
  const processes = await readProcesses(paths);
  if (!processes) return { running: false, processes: null };
  const running = isProcess(processes.sambaPid, 'samba') && processes.socatPids.every((p) => isProcess(p, 'socat'));
  return { running, processes };
}

async function readProcesses(paths: DirectoryPaths): Promise<SambaProcesses | null> {
  try {
    return JSON.parse(await readFile(paths.processesFile, 'utf8')) as SambaProcesses;
  } catch {
    return null;
  }
}

/**
 * Starts a program in its own session and process group (like `setsid`), output appended to a
 * log file, not tied to our lifetime. `ip netns exec` execs the program, so the pid is its pid.
 */
function spawnDetached(argv: string[], logFile: string, exitFlag?: { exited: boolean }): number {
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const [file, ...args] = argv as [string, ...string[]];
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new LabCommandFailedError(`${file} could not be started`);
    child.on('exit', () => {
      if (exitFlag) exitFlag.exited = true;
    });
    child.on('error', () => {
      if (exitFlag) exitFlag.exited = true;
    });
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

async function waitReady(paths: DirectoryPaths, processes: SambaProcesses, options: StartSambaOptions, died: { exited: boolean }): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    // A second DC on the same ports exits with NT_STATUS_ADDRESS_ALREADY_ASSOCIATED while a
    // probe could still succeed against the first: check our own process is alive.
    // (No command-name check here: right after spawn the pid may still be `ip` before its exec.)
    if (died.exited || !isProcess(processes.sambaPid)) {
      throw new LabStartTimeoutError(`samba exited during start-up; last log lines:\n${await logTail(paths.sambaLog)}`);
    }
    for (const pid of processes.socatPids) {
      if (!isProcess(pid)) {
        throw new LabStartTimeoutError(`the socat LDAPS bridge exited during start-up; log:\n${await logTail(paths.socatLog)}`);
      }
    }
    try {
      await probeBind(processes.ldapUrl, options.caPem, options.bindName, options.password);
      return;
    } catch (error) {
      lastError = error;
    }
    await delay(100);
  }
  const reason = lastError instanceof Error ? lastError.message.split(options.password).join('***') : String(lastError);
  throw new LabStartTimeoutError(`no LDAPS bind to ${processes.ldapUrl} within ${options.timeoutMs ?? 60_000} ms (${reason}); last Samba log lines:\n${await logTail(paths.sambaLog)}`);
}

/** One LDAPS bind verified against the lab CA; rejects on any failure. */
export async function probeBind(url: string, caPem: string, bindName: string, password: string): Promise<void> {
  const client = new Client({ url, tlsOptions: { ca: [caPem] }, connectTimeout: 2_000, timeout: 5_000 });
  try {
    await client.bind(bindName, password);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function logTail(file: string, lines = 25): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** SIGTERM a process (group leader), SIGKILL its group if anything remains after `graceMs`. */
async function terminateGroup(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pid)) await delay(50);
  if (groupAlive(pid)) signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (Date.now() < killDeadline && groupAlive(pid)) await delay(20);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * True while any live (non-zombie) process is in process group `pgid`. Scans /proc rather than
 * `kill(-pgid, 0)`, which also succeeds for zombies that a container's pid 1 may never reap.
 */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcFile(`/proc/${entry}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] = state, fields[2] = pgrp
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** True when `pid` is a live, non-zombie process (whose command is `comm`, when given). */
export function isProcess(pid: number, comm?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    // Read synchronously through /proc: cheap, and avoids a pid reused by an unrelated program.
    const stat = readProcFile(`/proc/${pid}/stat`);
    if (stat === null) return false;
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    if (comm) {
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      return name === comm || name.startsWith(comm);
    }
    return true;
  } catch {
    return false;
  }
}

function readProcFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Network namespaces need root and `ip`; without them the DC runs on the host's 127.0.0.1:636. */
async function netnsAvailable(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return (await findProgram('ip')) !== null && (await findProgram('socat')) !== null;
}

async function netnsExists(name: string): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    const { stdout } = await runCommand('ip', ['netns', 'list']);
    return stdout.split('\n').some((line) => line.split(' ')[0] === name);
  } catch {
    return false;
  }
}

/** True when nothing listens on 127.0.0.1:`port`. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
