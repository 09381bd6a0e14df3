import { describe, expect, it } from 'vitest';
import { OneBehind } from './one-behind.js';

/** A promise settled from outside, to hold a task in flight. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('OneBehind', () => {
  it('returns while its task runs, and starts the next only once that one has settled', async () => {
    const tasks = new OneBehind();
    const first = deferred();
    const started: string[] = [];
    await tasks.next(() => {
      started.push('first');
      return first.promise;
    });
    // The caller went on with the first task still in flight.
    expect(started).toEqual(['first']);
    let secondQueued = false;
    const second = tasks.next(() => {
      started.push('second');
      return Promise.resolve();
    }).then(() => (secondQueued = true));
    await Promise.resolve();
    expect(started).toEqual(['first']);
    expect(secondQueued).toBe(false);
    first.resolve();
    await second;
    expect(started).toEqual(['first', 'second']);
    await tasks.settled();
  });

  it('throws a task\'s error at the next call, without starting that call\'s task', async () => {
    const tasks = new OneBehind();
    const failing = deferred();
    await tasks.next(() => failing.promise);
    failing.reject(new Error('disk full'));
    let started = false;
    await expect(tasks.next(() => {
      started = true;
      return Promise.resolve();
    })).rejects.toThrow('disk full');
    expect(started).toBe(false);
    await expect(tasks.settled()).rejects.toThrow('disk full');
  });

  it('leaves no unhandled rejection when nobody asks after a failed task', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const tasks = new OneBehind();
      await tasks.next(() => Promise.reject(new Error('never read')));
      // Let the rejection reach the event loop's check for unhandled ones.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('settles at once when no task was started', async () => {
    await expect(new OneBehind().settled()).resolves.toBeUndefined();
  });
});
