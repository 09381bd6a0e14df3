/** `/proc/<pid>/stat`, read the one careful way: a process's CPU ticks sit after its command name. */
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/**
 * The fields of `/proc/<pid>/stat` after the command name (index 0 = state, 11 = utime,
 * 12 = stime, 13 = cutime, 14 = cstime), or null when the process is gone or there is no /proc.
 */
export async function statFields(pid: number | 'self'): Promise<string[] | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
