/**
 * Calls `fn` at most once per `intervalMs` (the first call always goes through), for progress a
 * terminal shows: a `sync` reports every mailbox, and a write to a terminal blocks the process.
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, intervalMs: number, now: () => number = Date.now): (...args: A) => void {
  let last: number | null = null;
  return (...args: A) => {
    const at = now();
    if (last !== null && at - last < intervalMs) return;
    last = at;
    fn(...args);
  };
}
