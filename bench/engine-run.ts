/** Runs the engine's CLI as its own process, measured (wall time and peak RSS). */
import { rm } from 'node:fs/promises';
import { cliLauncher } from '../lab/package-root.js';
import { loadConfig } from '../src/config/load-config.js';
import type { LabFacts } from '../lab/lab-facts.js';
import { measure, type Measured } from './process-meter.js';

/** What `exo-writeback sync --json` printed. */
export interface SyncOutput {
  durationMs: number;
  mailboxesRead: number;
  inScope: number;
  updated: number;
  unchanged: number;
  failed: Record<string, number>;
  /** Where the cycle's time went (the engine's `CycleTimings`); the AD read is what the scenarios split on. */
  timings?: { directoryReadMs: number };
}

/**
 * One full cycle (`exo-writeback sync`) against the lab; throws unless it exits 0. `launcher`
 * picks the build (default: this one). The lab's provisioning log starts empty each time.
 */
export async function engineSync(facts: LabFacts, launcher: string = cliLauncher()): Promise<Measured & { summary: SyncOutput }> {
  // Each cycle appends ~4 KB per in-scope mailbox; over a bench session's hundreds of cycles the
  // log of a 100k lab grew to 44 GB. Appending costs the same whatever the file's size.
  await rm((await loadConfig(facts.engineConfigFile)).logFile, { force: true });
  const run = await measure(process.execPath, [launcher, 'sync', '--json', '--config', facts.engineConfigFile]);
  if (run.exitCode !== 0) throw new Error(`exo-writeback sync exited ${run.exitCode}: ${run.stderr.slice(-2000)}`);
  return { ...run, summary: JSON.parse(run.stdout) as SyncOutput };
}
