import { describe, expect, it } from 'vitest';
import { mergeAsync } from './merge-async.js';

/** A source whose items are released one by one by the test. */
function controlled<T>() {
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  const queued: Array<IteratorResult<T> | Error> = [];
  let closed = false;
  const settle = (item: IteratorResult<T>) => {
    const resolve = waiting.shift();
    if (resolve) resolve(item);
    else queued.push(item);
  };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const item = queued.shift();
        if (item instanceof Error) return Promise.reject(item);
        if (item) return Promise.resolve(item);
        return new Promise<IteratorResult<T>>((resolve) => waiting.push(resolve));
      },
      return: () => {
        closed = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  return {
    iterable,
    emit: (value: T) => settle({ done: false, value }),
    end: () => settle({ done: true, value: undefined }),
    /** The next request (not yet made) fails with `error`. */
    failNext: (error: Error) => queued.push(error),
    get closed() {
      return closed;
    },
  };
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('mergeAsync', () => {
  it('yields every item of every source, each source in its own order', async () => {
    const out: string[] = [];
    for await (const item of mergeAsync([from(['a1', 'a2', 'a3']), from(['b1']), from([]), from(['c1', 'c2'])])) out.push(item);
    expect([...out].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2']);
    expect(out.filter((i) => i.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(out.filter((i) => i.startsWith('c'))).toEqual(['c1', 'c2']);
  });

  it('hands items out in the order they arrive, not source by source', async () => {
    const a = controlled<string>();
    const b = controlled<string>();
    const merged = mergeAsync([a.iterable, b.iterable]);
    b.emit('b1');
    expect(await merged.next()).toEqual({ done: false, value: 'b1' });
    a.emit('a1');
    expect(await merged.next()).toEqual({ done: false, value: 'a1' });
    b.end();
    a.emit('a2');
    expect(await merged.next()).toEqual({ done: false, value: 'a2' });
    a.end();
    expect(await merged.next()).toEqual({ done: true, value: undefined });
  });

  it('ends with the first failure and closes the sources still open', async () => {
    const a = controlled<string>();
    const b = controlled<string>();
    a.failNext(new Error('connection lost'));
    const merged = mergeAsync([a.iterable, b.iterable]);
    await expect(merged.next()).rejects.toThrow('connection lost');
    expect(b.closed).toBe(true);
  });

  it('closes every source when the consumer stops early', async () => {
    const a = controlled<string>();
    const b = controlled<string>();
    const merged = mergeAsync([a.iterable, b.iterable]);
    a.emit('a1');
    for await (const item of merged) {
      expect(item).toBe('a1');
      break;
    }
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(true);
  });
});
