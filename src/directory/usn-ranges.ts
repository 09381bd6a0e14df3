/**
 * Splits a domain's users into disjoint slices by `uSNCreated`, so a full read can run as several
 * paged searches on several connections at once. uSNCreated suits this: every object has it, it
 * never changes (so an object modified during the read stays in its slice, unlike uSNChanged),
 * it is indexed in AD, and its ordering match (`<=`) is defined for every value — each object
 * falls in exactly one slice. Pure: no I/O.
 *
 * Equal widths of [0, highestCommittedUSN] rarely hold equal numbers of users: the DC's USN also
 * counts every modification and every other object. So a read cuts at the quantiles of the
 * uSNCreated values the previous full read of the same DC saw ({@link usnQuantileCuts},
 * {@link usnRangesAt}) when it has them, and uses equal widths only for a DC's first read.
 */

/** The largest USN: AD's USNs are LARGE_INTEGERs (64-bit signed). */
export const MAX_USN = 2n ** 63n - 1n;

/** A USN as LDAP writes it (decimal digits), or null when it is not one in 0–2^63-1. */
export function parseUsn(text: unknown): bigint | null {
  if (typeof text !== 'string' || !/^\d{1,19}$/.test(text)) return null;
  const usn = BigInt(text);
  return usn <= MAX_USN ? usn : null;
}

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

/**
 * The ranges cut at `cuts`: up to the first cut, between each two, and above the last one
 * (open-ended). Refuses cuts that are not ascending and distinct, or negative. No cut: one open range.
 */
export function usnRangesAt(cuts: readonly bigint[]): UsnRange[] {
  cuts.forEach((cut, i) => {
    if (cut < 0n) throw new RangeError(`a cut must not be negative, got ${cut}`);
    if (i > 0 && cut <= cuts[i - 1]!) throw new RangeError(`cuts must ascend, got ${cuts[i - 1]} then ${cut}`);
  });
  const ranges: UsnRange[] = [];
  let after: bigint | null = null;
  for (const cut of cuts) {
    ranges.push({ after, upTo: cut });
    after = cut;
  }
  ranges.push({ after, upTo: null });
  return ranges;
}

/**
 * The cuts that split `usns` (any order; each object's uSNCreated) into `count` ranges holding as
 * near equal numbers as whole values allow: the last value of each of the first `count - 1`
 * shares, once sorted. Fewer cuts when there are fewer distinct values than that. USNs are
 * 64-bit signed integers in AD: a value outside 0–2^63-1 is refused.
 */
export function usnQuantileCuts(usns: readonly bigint[], count: number): bigint[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  for (const usn of usns) if (usn < 0n || usn > MAX_USN) throw new RangeError(`a USN must be 0–2^63-1, got ${usn}`);
  // A typed array sorts numerically in native code: a full read hands over every user's value.
  const sorted = BigInt64Array.from(usns).sort();
  const cuts: bigint[] = [];
  for (let i = 1; i < count; i++) {
    const at = Math.floor((i * sorted.length) / count) - 1;
    const cut = sorted[at];
    if (cut !== undefined && (cuts.length === 0 || cut > cuts[cuts.length - 1]!)) cuts.push(cut);
  }
  return cuts;
}
