/**
 * Splits a domain's users into disjoint slices by `uSNCreated`, so a full read can run as several
 * paged searches on several connections at once. uSNCreated suits this: every object has it, it
 * never changes (so an object modified during the read stays in its slice, unlike uSNChanged),
 * it is indexed in AD, and its ordering match (`<=`) is defined for every value — each object
 * falls in exactly one slice. Pure: no I/O.
 */

/** Objects whose uSNCreated is greater than `after` (when set) and at most `upTo` (when set). */
export interface UsnRange {
  after: bigint | null;
  upTo: bigint | null;
}

/**
 * `count` ranges covering every uSNCreated: [0, highest] cut into equal widths, the last one
 * open-ended (objects created on the DC while the read runs). Fewer when `highest` is too small
 * to cut that often; one open range for `count` 1.
 */
export function usnRanges(highest: bigint, count: number): UsnRange[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  if (highest < 0n) throw new RangeError(`highest must not be negative, got ${highest}`);
  const slices = BigInt(count) > highest + 1n ? Number(highest + 1n) : count;
  const width = (highest + 1n) / BigInt(slices);
  const ranges: UsnRange[] = [];
  let after: bigint | null = null;
  for (let i = 1; i <= slices; i++) {
    const upTo = i === slices ? null : width * BigInt(i) - 1n;
    ranges.push({ after, upTo });
    after = upTo;
  }
  return ranges;
}

/** Whether `usn` falls in `range` (what the DC evaluates; for tests and checks). */
export function inUsnRange(range: UsnRange, usn: bigint): boolean {
  return (range.after === null || usn > range.after) && (range.upTo === null || usn <= range.upTo);
}
