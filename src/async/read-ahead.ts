/**
 * Read-ahead over a paged source: starts fetching at once and keeps up to `depth` pages in
 * flight, so the next Exchange Online page downloads while the engine works on this one (and
 * while AD and Graph are still being read at the start of a full cycle).
 */

/** A started read-ahead; iterate it once. `close()` stops it when the consumer never iterates. */
export interface ReadAhead<T> extends AsyncIterable<T> {
  close(): Promise<void>;
}

/** Starts reading `source` now, holding at most `depth` unconsumed pages. */
export function readAhead<T>(source: AsyncIterable<T>, depth: number): ReadAhead<T> {
  const iterator = source[Symbol.asyncIterator]();
  const pending: Promise<IteratorResult<T>>[] = [];
  let ended = false;
  let closed = false;
  const fill = (): void => {
    while (!ended && !closed && pending.length < depth) {
      const next = iterator.next();
      // Observed here so that a failure the consumer never reaches is not an unhandled rejection.
      next.then((result) => {
        if (result.done) ended = true;
      }, () => {
        ended = true;
      });
      pending.push(next);
    }
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await iterator.return?.();
  };
  fill();
  return {
    close,
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          fill();
          const next = pending.shift();
          if (!next) return;
          const result = await next;
          if (result.done) return;
          fill();
          yield result.value;
        }
      } finally {
        await close();
      }
    },
  };
}
