/**
 * CPU time the lab's own processes have used, read from /proc: the domain controller (the Samba
 * process tree: the master and its forked workers), the socat bridge in front of it, and the
 * emulator. Measured around a run, it shows what the run cost each of them — the DC's share is the
 * figure that bounds every LDAP-heavy scenario, and one that does not depend on what else the
 * machine was doing; all of them together, with the measured process's own CPU, give the
 * machine's CPU floor for the run (see {@link cpuFloor}).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emulatorPid } from '../lab/emulator-process.js';
import { statFields, TICKS_PER_SECOND } from './proc-stat.js';

/** How often a measurement samples the lab's processes (a process that exits between samples loses at most this much). */
const SAMPLE_MS = 100;

interface ProcStat {
  /** utime + stime of the process itself (not of children it reaped: those are sampled while they live). */
  ticks: number;
}

/** CPU seconds used by the lab's processes. */
export interface LabCpu {
  /** The Samba process tree. */
  dc: number;
  /** The socat bridge between loopback and the DC's network namespace (a child per connection). */
  bridge: number;
  /** The Exchange Online / Graph / token emulator (0 when it is not running). */
  emulator: number;
}

type Group = keyof LabCpu;

async function procStat(pid: number): Promise<ProcStat | null> {
  const fields = await statFields(pid);
  return fields ? { ticks: Number(fields[11]) + Number(fields[12]) } : null;
}

/** The lab's root processes by group. */
async function labRoots(labDir: string): Promise<Array<[number, Group]>> {
  const { sambaPid, socatPids } = JSON.parse(await readFile(join(labDir, 'run', 'directory-processes.json'), 'utf8')) as { sambaPid: number; socatPids?: number[] };
  const emulator = await emulatorPid(labDir);
  return [[sambaPid, 'dc'], ...(socatPids ?? []).map((pid): [number, Group] => [pid, 'bridge']), ...(emulator === null ? [] : [[emulator, 'emulator'] as [number, Group]])];
}

/** The pids of a process's children (empty once it has exited). */
async function childPids(pid: number): Promise<number[]> {
  try {
    return (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).split(' ').filter((p) => p !== '').map(Number);
  } catch {
    return [];
  }
}

/** Every live process of the lab's trees, with its group and own CPU ticks (walks the trees down from the roots). */
async function sample(roots: ReadonlyArray<[number, Group]>): Promise<Map<number, { group: Group; ticks: number }>> {
  const found = new Map<number, { group: Group; ticks: number }>();
  const visit = async (pid: number, group: Group): Promise<void> => {
    const [stat, children] = await Promise.all([procStat(pid), childPids(pid)]);
    if (stat) found.set(pid, { group, ticks: stat.ticks });
    await Promise.all(children.map((child) => visit(child, group)));
  };
  await Promise.all(roots.map(([pid, group]) => visit(pid, group)));
  return found;
}

/** What a run cost the lab: the DC's CPU seconds, and the bridge's and the emulator's. */
export interface LabCpuCost {
  dcCpuS: number;
  bridgeCpuS: number;
  emulatorCpuS: number;
}

/**
 * Runs `work` and adds the CPU seconds it cost the lab's processes. The trees are sampled every
 * 100 ms while it runs, so processes that live only for a connection (socat's children) count too.
 */
export async function withLabCpu<T>(labDir: string, work: () => Promise<T>): Promise<T & LabCpuCost> {
  const roots = await labRoots(labDir);
  const before = await sample(roots);
  const last = new Map(before);
  const record = (found: Map<number, { group: Group; ticks: number }>) => {
    for (const [pid, seen] of found) last.set(pid, seen);
  };
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => record(await sample(roots)));
  }, SAMPLE_MS);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(timer);
    await sampling;
  }
  record(await sample(roots));
  const cost: LabCpu = { dc: 0, bridge: 0, emulator: 0 };
  for (const [pid, seen] of last) cost[seen.group] += seen.ticks - (before.get(pid)?.ticks ?? 0);
  return { ...result, dcCpuS: cost.dc / TICKS_PER_SECOND, bridgeCpuS: cost.bridge / TICKS_PER_SECOND, emulatorCpuS: cost.emulator / TICKS_PER_SECOND };
}
