/**
 * `exo-writeback run` as its own process for the scenarios that need the service: a config of its
 * own beside the lab's (its own state file, log and port), and the cycles it reports, read from
 * its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse, stringify } from 'yaml';
import { cliLauncher } from '../lab/package-root.js';
import { highWaterMarkKiB, mebibytes } from './process-meter.js';
import type { LabFacts } from '../lab/lab-facts.js';

/** A cycle the service reported (`cycle finished`). */
export interface ServiceCycle {
  cycleId: string;
  kind: string;
  durationMs: number;
  updated: number;
  unchanged: number;
}

/**
 * Writes a config for the service in `runDir` (emptied first): the lab's, with this interval, a
 * state file and log in `runDir`, and any free port for its console. Returns the file's path.
 */
export async function serviceConfig(facts: LabFacts, runDir: string, intervalSeconds: number): Promise<string> {
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  const config = parse(await readFile(facts.engineConfigFile, 'utf8')) as Record<string, Record<string, unknown>>;
  config.service = { ...config.service, intervalSeconds, stateFile: join(runDir, 'state.db'), http: { host: '127.0.0.1', port: 0 } };
  config.log = { file: join(runDir, 'provisioning-log.jsonl') };
  const configFile = join(runDir, 'exo-writeback.yaml');
  await writeFile(configFile, stringify(config), { mode: 0o600 });
  return configFile;
}

/** Starts the service; watch it with the returned handle, and always `stop()` it. */
export function startService(configFile: string) {
  const child: ChildProcess = spawn(process.execPath, [cliLauncher(), 'run', '--config', configFile, '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const cycles: ServiceCycle[] = [];
  const waiters: Array<{ kind: string; resolve: (cycle: ServiceCycle) => void }> = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the service exited (${code}): ${stderr}`))));
  exited.catch(() => undefined);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: { msg?: string; cycleId?: string; kind?: string; durationMs?: number; updated?: number; unchanged?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (entry.msg !== 'cycle finished' || !entry.kind) return;
    const cycle = { cycleId: entry.cycleId ?? '', kind: entry.kind, durationMs: entry.durationMs ?? NaN, updated: entry.updated ?? 0, unchanged: entry.unchanged ?? 0 };
    cycles.push(cycle);
    // Those waiting for another kind keep waiting.
    const waiting = waiters.splice(0);
    for (const waiter of waiting) {
      if (waiter.kind === entry.kind) waiter.resolve(cycle);
      else waiters.push(waiter);
    }
  });
  return {
    cycles: () => cycles,
    /** The service's peak resident memory so far, in MiB (null without /proc, or once it exited). */
    peakRssMiB: async (): Promise<number | null> => {
      const kib = child.pid === undefined || child.exitCode !== null ? null : await highWaterMarkKiB(child.pid);
      return kib === null ? null : mebibytes(kib);
    },
    /** The next cycle of this kind to finish (rejects if the service exits first). */
    cycleFinished: (kind: string) => Promise.race([new Promise<ServiceCycle>((resolve) => waiters.push({ kind, resolve })), exited]),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
