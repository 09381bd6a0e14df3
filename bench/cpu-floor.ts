/**
 * The shortest wall time a run's CPU work allows on this machine: a run cannot finish faster than
 * all the CPU seconds it cost (the engine's, the DC's, the emulator's…) spread evenly over the
 * cores. Set beside the run's wall time, it tells a bound the machine sets (wall ≈ floor) from
 * one the engine's own scheduling sets (wall well above the floor: work that waits for other
 * work instead of running beside it).
 */

/** The floor in seconds for `parts` (CPU seconds each process used during the run) on `cores` cores. */
export function cpuFloor(parts: Readonly<Record<string, number>>, cores: number): number {
  if (!Number.isInteger(cores) || cores < 1) throw new RangeError(`cores must be a positive integer, got ${cores}`);
  return Object.values(parts).reduce((a, b) => a + b, 0) / cores;
}
