/**
 * Runs a command and measures it: wall time, peak resident memory read from the kernel
 * (`VmHWM` in /proc/<pid>/status, the high-water mark) while it runs, and the CPU time it used
 * (the kernel adds a reaped child's to its parent's `cutime`/`cstime`).
 */
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { statFields, TICKS_PER_SECOND } from './proc-stat.js';

/** What one measured run produced. */
export interface Measured {
  wallMs: number;
  /** Peak RSS in MiB (the last high-water mark read before exit; sampled every 50 ms). */
  peakRssMiB: number | null;
  /** User + system CPU seconds of the command and the children it waited for (10 ms ticks); null off Linux. */
  cpuS: number | null;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** KiB as MiB, to a tenth. */
export const mebibytes = (kib: number): number => Math.round((kib / 1024) * 10) / 10;

/** The kernel's high-water mark of `pid`'s resident memory (`VmHWM`), in KiB; null without /proc. */
export async function highWaterMarkKiB(pid: number): Promise<number | null> {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU ticks of this process's reaped children so far (cutime + cstime), or null without /proc. */
async function reapedChildrenTicks(): Promise<number | null> {
  const fields = await statFields('self');
  return fields ? Number(fields[13]) + Number(fields[14]) : null;
}

/**
 * Runs `command args` with `env` added; resolves when it exits. Its CPU time is right only while
 * it is the one child this process reaps meanwhile: the bench measures one command at a time.
 */
export async function measure(command: string, args: string[], options: { env?: Record<string, string>; stdin?: string; stdoutFile?: string } = {}): Promise<Measured> {
  // A large output (a 100k-entry ldapsearch) goes straight to a file: reading it here would
  // compete for the CPU with the process being measured.
  const file = options.stdoutFile ? await open(options.stdoutFile, 'w') : null;
  const ticksBefore = await reapedChildrenTicks();
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', file ? file.fd : 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin!.end(options.stdin ?? '');
  let peak: number | null = null;
  const sample = async () => {
    if (child.pid === undefined) return;
    const kib = await highWaterMarkKiB(child.pid);
    if (kib !== null) peak = Math.max(peak ?? 0, kib);
  };
  const timer = setInterval(() => void sample(), 50);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  clearInterval(timer);
  await file?.close();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const ticksAfter = await reapedChildrenTicks();
  const cpuS = ticksBefore === null || ticksAfter === null ? null : (ticksAfter - ticksBefore) / TICKS_PER_SECOND;
  return { wallMs, cpuS, peakRssMiB: peak === null ? null : mebibytes(peak), exitCode, stdout, stderr };
}
