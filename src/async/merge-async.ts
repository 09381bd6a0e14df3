/**
 * Several async sources read at once, their items handed out in the order they arrive: what
 * lets a full AD read run as several paged searches on several connections. Each source has at
 * most one item requested ahead; a source that fails ends the merge with its error, and the
 * merge ending early (a failure, or the consumer stopping) closes every source still open.
 */

/** Yields every item of every source, as each arrives. */
export async function* mergeAsync<T>(sources: ReadonlyArray<AsyncIterable<T>>): AsyncGenerator<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const request = (index: number) => {
    pending.set(index, iterators[index]!.next().then((result) => ({ index, result })));
  };
  iterators.forEach((_, index) => request(index));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      request(index);
      yield result.value;
    }
  } finally {
    if (pending.size > 0) {
      // Requests still in flight are not awaited: one may be what failed. Each open source is closed.
      for (const next of pending.values()) next.catch(() => undefined);
      await Promise.allSettled([...pending.keys()].map(async (index) => {
        await iterators[index]!.return?.();
      }));
    }
  }
}
