import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

/** A paged source that records when each page was requested and whether it was stopped. */
function source(pages: number, failAt?: number) {
  const requested: number[] = [];
  let returned = false;
  async function* generate(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < pages; i++) {
        requested.push(i);
        await Promise.resolve();
        if (i === failAt) throw new Error(`page ${i} failed`);
        yield i;
      }
    } finally {
      returned = true;
    }
  }
  return { iterable: generate(), requested, returned: () => returned };
}

describe('readAhead', () => {
  it('starts fetching before anyone iterates, holds at most `depth` pages, and yields every page in order', async () => {
    const s = source(5);
    const ahead = readAhead(s.iterable, 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.requested).toEqual([0, 1]);
    const seen: number[] = [];
    for await (const page of ahead) seen.push(page);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(s.returned()).toBe(true);
  });

  it('passes a failure on at the page that failed, after the pages before it', async () => {
    const s = source(5, 2);
    const seen: number[] = [];
    const error = await (async () => {
      for await (const page of readAhead(s.iterable, 3)) seen.push(page);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0, 1]);
    expect((error as Error).message).toBe('page 2 failed');
  });

  it('stops the source when the consumer stops early or closes it without iterating', async () => {
    const early = source(10);
    for await (const page of readAhead(early.iterable, 2)) if (page === 1) break;
    expect(early.returned()).toBe(true);
    expect(early.requested.length).toBeLessThan(10);

    const unused = source(10);
    const ahead = readAhead(unused.iterable, 2);
    await ahead.close();
    expect(unused.returned()).toBe(true);
  });
});
