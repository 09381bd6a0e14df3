/**
 * CPU time the lab's domain controller has used: the Samba process tree (the master and its
 * forked workers) read from /proc. Measured around a run, it shows what the run cost the DC —
 * the figure that bounds every LDAP-heavy scenario, and one that does not depend on what else
 * the machine was doing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime (+ cutime + cstime: workers that already exited and were reaped). */
  ticks: number;
}

async function procStat(pid: number): Promise<ProcStat | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (i: number) => Number(fields[i]);
    return { pid, ppid: num(1), ticks: num(11) + num(12) + num(13) + num(14) };
  } catch {
    return null;
  }
}

/** CPU seconds used so far by the Samba process tree of the lab in `labDir`. */
export async function dcCpuSeconds(labDir: string): Promise<number> {
  const { sambaPid } = JSON.parse(await readFile(join(labDir, 'run', 'directory-processes.json'), 'utf8')) as { sambaPid: number };
  const stats = (await Promise.all((await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map((name) => procStat(Number(name))))).filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let ticks = 0;
  const visit = (pid: number, stat: ProcStat | undefined) => {
    if (stat) ticks += stat.ticks;
    for (const child of children.get(pid) ?? []) visit(child.pid, child);
  };
  visit(sambaPid, stats.find((s) => s.pid === sambaPid));
  return ticks / TICKS_PER_SECOND;
}

/** Runs `work` and adds the DC CPU seconds it cost. */
export async function withDcCpu<T>(labDir: string, work: () => Promise<T>): Promise<T & { dcCpuS: number }> {
  const before = await dcCpuSeconds(labDir);
  const result = await work();
  return { ...result, dcCpuS: (await dcCpuSeconds(labDir)) - before };
}
