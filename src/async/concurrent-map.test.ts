import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './concurrent-map.js';

/** A task whose completion the test controls, so "in flight" is observable without timing. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('mapConcurrent', () => {
  it('keeps at most `limit` in flight and returns results in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const gates = Array.from({ length: 10 }, gate);
    const done = mapConcurrent(gates, { limit: 3 }, async (g, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await g.opened;
      inFlight--;
      return i * 2;
    });
    // Finish in reverse order of start: results must still come back in input order.
    for (let i = gates.length - 1; i >= 0; i--) gates[i]!.open();
    expect(await done).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(most).toBe(3);
  });

  it('starts nothing new after a failure, lets started items settle, then throws the first failure', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const error = await mapConcurrent([0, 1, 2, 3, 4, 5], { limit: 2 }, async (n) => {
      started.push(n);
      await Promise.resolve();
      if (n === 1) throw new Error('one failed');
      settled.push(n);
      return n;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('one failed');
    expect(started).toEqual([0, 1, 2]);
    expect(settled).toEqual([0, 2]);
  });

  it('stops starting items when asked, leaving their results undefined', async () => {
    let stop = false;
    const results = await mapConcurrent([1, 2, 3, 4], { limit: 1, stopStarting: () => stop }, (n) => {
      if (n === 2) stop = true;
      return Promise.resolve(n);
    });
    expect(results).toEqual([1, 2, undefined, undefined]);
  });
});
