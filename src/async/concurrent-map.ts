/**
 * Bounded concurrency for per-object work: several objects' LDAP round trips in flight on the one
 * connection, so the DC is never idle while the engine works out the next object's change.
 */

/** Options of {@link mapConcurrent}. */
export interface ConcurrentMapOptions {
  /** Most items in flight at once (≥ 1). */
  limit: number;
  /** Asked before each item starts: true stops starting new ones (those started still finish). */
  stopStarting?: () => boolean;
}

/**
 * Maps `items` through `work`, at most `limit` at a time; results in input order, `undefined` for
 * items never started. After a failure no new item starts, and the first failure is thrown once
 * every started item has settled — so nothing is left running behind the caller's back.
 */
export async function mapConcurrent<T, R>(items: readonly T[], options: ConcurrentMapOptions, work: (item: T, index: number) => Promise<R>): Promise<Array<R | undefined>> {
  const results: Array<R | undefined> = new Array<R | undefined>(items.length);
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length && !(options.stopStarting?.() ?? false)) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.limit, items.length)) }, worker));
  if (failed) throw failure;
  return results;
}
