import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inUsnRange, usnRanges } from './usn-ranges.js';

describe('usnRanges', () => {
  it('cuts [0, highest] into equal widths and leaves the last range open', () => {
    expect(usnRanges(99n, 4)).toEqual([
      { after: null, upTo: 24n },
      { after: 24n, upTo: 49n },
      { after: 49n, upTo: 74n },
      { after: 74n, upTo: null },
    ]);
  });

  it('is one open range for one slice, and fewer slices than asked when the USN space is that small', () => {
    expect(usnRanges(12345n, 1)).toEqual([{ after: null, upTo: null }]);
    expect(usnRanges(1n, 4)).toEqual([{ after: null, upTo: 0n }, { after: 0n, upTo: null }]);
    expect(usnRanges(0n, 3)).toEqual([{ after: null, upTo: null }]);
  });

  it('refuses a count that is not a positive integer, and a negative USN', () => {
    expect(() => usnRanges(10n, 0)).toThrow(RangeError);
    expect(() => usnRanges(10n, 1.5)).toThrow(RangeError);
    expect(() => usnRanges(-1n, 2)).toThrow(RangeError);
  });

  it('puts every uSNCreated, including ones created after `highest`, in exactly one range', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 1, max: 16 }), fc.bigInt({ min: 0n, max: 3n * 10n ** 15n }),
      (highest, count, usn) => {
        const ranges = usnRanges(highest, count);
        expect(ranges.length).toBe(Math.min(count, Number(highest + 1n)));
        expect(ranges.filter((range) => inUsnRange(range, usn))).toHaveLength(1);
      },
    ), { numRuns: 2000 });
  });

  it('gives the ranges below `highest` equal widths (within one)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 100n, max: 10n ** 12n }), fc.integer({ min: 2, max: 8 }), (highest, count) => {
      const ranges = usnRanges(highest, count);
      const widths = ranges.slice(0, -1).map((r) => r.upTo! - (r.after ?? -1n));
      expect(new Set(widths).size).toBe(1);
      const lastCovered = ranges[ranges.length - 2]!.upTo!;
      expect(highest - lastCovered).toBeGreaterThanOrEqual(widths[0]!);
      expect(highest - lastCovered).toBeLessThan(widths[0]! * 2n);
    }));
  });
});
