/**
 * The shortest wall time a run's CPU work allows on this machine. A run cannot finish faster than
 * all the CPU seconds it cost (the engine's, the DC's, the emulator's…) spread evenly over the
 * cores, nor faster than its longest single-threaded part (the DC serves one LDAP connection on
 * one worker). Set beside the run's wall time, it tells a bound the machine sets (wall ≈ floor)
 * from one the engine's own scheduling sets (wall well above floor).
 */

/** What {@link cpuFloor} needs: CPU seconds by process, the cores, and which parts are serial. */
export interface CpuCost {
  /** CPU seconds each process used during the run. */
  parts: Readonly<Record<string, number>>;
  /** Parts that run on one thread (their CPU seconds are a wall time of their own). */
  serial: readonly string[];
  cores: number;
}

/** The floor in seconds, and which bound set it: `all cores busy`, or the name of a serial part. */
export function cpuFloor(cost: CpuCost): { seconds: number; boundBy: string } {
  if (!Number.isInteger(cost.cores) || cost.cores < 1) throw new RangeError(`cores must be a positive integer, got ${cost.cores}`);
  const total = Object.values(cost.parts).reduce((a, b) => a + b, 0);
  let seconds = total / cost.cores;
  let boundBy = 'all cores busy';
  for (const name of cost.serial) {
    const part = cost.parts[name] ?? 0;
    if (part > seconds) {
      seconds = part;
      boundBy = name;
    }
  }
  return { seconds, boundBy };
}
