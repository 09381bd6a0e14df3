import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inUsnRange, MAX_USN, parseUsn, usnQuantileCuts, usnRanges, usnRangesAt } from './usn-ranges.js';

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

describe('parseUsn', () => {
  it('reads decimal USNs up to 2^63-1 and nothing else', () => {
    expect(parseUsn('0')).toBe(0n);
    expect(parseUsn('9825')).toBe(9825n);
    expect(parseUsn(MAX_USN.toString())).toBe(MAX_USN);
    for (const bad of ['', '-1', '1.5', ' 12', '12a', '9223372036854775808', '99999999999999999999', 12, null, undefined, Buffer.from('12')]) {
      expect(parseUsn(bad)).toBeNull();
    }
  });
});

describe('usnRangesAt', () => {
  it('cuts at the given USNs and leaves the last range open', () => {
    expect(usnRangesAt([10n, 20n])).toEqual([
      { after: null, upTo: 10n },
      { after: 10n, upTo: 20n },
      { after: 20n, upTo: null },
    ]);
    expect(usnRangesAt([])).toEqual([{ after: null, upTo: null }]);
  });

  it('refuses cuts that do not ascend, repeat, or are negative', () => {
    expect(() => usnRangesAt([20n, 10n])).toThrow(RangeError);
    expect(() => usnRangesAt([10n, 10n])).toThrow(RangeError);
    expect(() => usnRangesAt([-1n])).toThrow(RangeError);
  });

  it('puts every uSNCreated in exactly one range', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.bigInt({ min: 0n, max: 10n ** 12n }), { maxLength: 8 }), fc.bigInt({ min: 0n, max: 2n * 10n ** 12n }),
      (values, usn) => {
        const ranges = usnRangesAt([...values].sort((a, b) => (a < b ? -1 : 1)));
        expect(ranges).toHaveLength(values.length + 1);
        expect(ranges.filter((range) => inUsnRange(range, usn))).toHaveLength(1);
      },
    ), { numRuns: 2000 });
  });
});

describe('usnQuantileCuts', () => {
  it('cuts after each equal share of the sorted values', () => {
    expect(usnQuantileCuts([8n, 1n, 7n, 3n, 5n, 2n, 6n, 4n], 4)).toEqual([2n, 4n, 6n]);
    expect(usnQuantileCuts([5n, 1n, 9n], 1)).toEqual([]);
    expect(usnQuantileCuts([], 3)).toEqual([]);
  });

  it('gives fewer cuts when there are too few distinct values', () => {
    expect(usnQuantileCuts([7n], 4)).toEqual([]);
    expect(usnQuantileCuts([3n, 1n, 2n], 4)).toEqual([1n, 2n]);
    expect(usnQuantileCuts([3n, 3n, 3n, 3n], 2)).toEqual([3n]);
  });

  it('refuses a count that is not a positive integer, and a value outside 64-bit USNs', () => {
    expect(() => usnQuantileCuts([1n], 0)).toThrow(RangeError);
    expect(() => usnQuantileCuts([1n], 2.5)).toThrow(RangeError);
    expect(() => usnQuantileCuts([2n ** 63n], 2)).toThrow(RangeError);
    expect(() => usnQuantileCuts([-1n], 2)).toThrow(RangeError);
  });

  it('splits distinct values into ranges whose sizes differ by at most one, and the cuts are valid ranges', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 0, maxLength: 400 }), fc.integer({ min: 1, max: 8 }),
      (values, count) => {
        const ranges = usnRangesAt(usnQuantileCuts(values, count));
        const sizes = ranges.map((range) => values.filter((usn) => inUsnRange(range, usn)).length);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(values.length);
        if (values.length >= count) {
          expect(ranges).toHaveLength(count);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        }
      },
    ), { numRuns: 500 });
  });
});
