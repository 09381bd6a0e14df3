import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INCREMENTAL_OVERLAP_MS, formatOpathDate, incrementalFilter } from './incremental-window.js';

/** Parses the formatter's output back (UTC), for round-trip properties. */
function parseUs(text: string): number {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/.exec(text);
  if (!m) throw new Error(`not a US date: ${text}`);
  const [, mo, d, y, h, mi, s, ap] = m;
  const hour = (Number(h) % 12) + (ap === 'PM' ? 12 : 0);
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s));
}

describe('formatOpathDate', () => {
  it.each([
    ['2026-08-01T14:00:00Z', '8/1/2026 2:00:00 PM'],
    ['2026-08-01T14:00:00.999Z', '8/1/2026 2:00:00 PM'],
    ['2026-12-31T23:59:59.999Z', '12/31/2026 11:59:59 PM'],
    ['2026-01-05T00:00:00Z', '1/5/2026 12:00:00 AM'],
    ['2026-01-05T00:07:09Z', '1/5/2026 12:07:09 AM'],
    ['2026-01-05T12:00:00Z', '1/5/2026 12:00:00 PM'],
    ['2026-01-05T11:59:59Z', '1/5/2026 11:59:59 AM'],
    ['2028-02-29T01:02:03Z', '2/29/2028 1:02:03 AM'],
  ])('%s → %s (UTC, US culture, seconds rounded down)', (iso, text) => {
    expect(formatOpathDate(new Date(iso))).toBe(text);
  });

  it('refuses an invalid date', () => {
    expect(() => formatOpathDate(new Date('nope'))).toThrow(RangeError);
  });

  it('property: round-trips to the instant floored to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
        expect(parseUs(formatOpathDate(new Date(ms)))).toBe(Math.floor(ms / 1000) * 1000);
      }),
    );
  });
});

describe('incrementalFilter', () => {
  it('filters dir-synced mailboxes changed after watermark minus overlap', () => {
    expect(incrementalFilter(new Date('2026-08-01T14:05:00Z'), 5 * 60_000)).toBe("IsDirSynced -eq $true -and WhenChangedUTC -gt '8/1/2026 2:00:00 PM'");
  });

  it('rounds down, so the literal is never after watermark − overlap', () => {
    expect(incrementalFilter(new Date('2026-08-01T14:00:00.750Z'), 500)).toBe("IsDirSynced -eq $true -and WhenChangedUTC -gt '8/1/2026 2:00:00 PM'");
    expect(incrementalFilter(new Date('2026-08-01T14:00:00.250Z'), 500)).toBe("IsDirSynced -eq $true -and WhenChangedUTC -gt '8/1/2026 1:59:59 PM'");
  });

  it('defaults to a 5-minute overlap and refuses a negative one', () => {
    expect(DEFAULT_INCREMENTAL_OVERLAP_MS).toBe(300_000);
    expect(incrementalFilter(new Date('2026-08-01T14:05:00Z'))).toContain("'8/1/2026 2:00:00 PM'");
    expect(() => incrementalFilter(new Date(), -1)).toThrow(RangeError);
  });

  it('property: every change after watermark − overlap satisfies the filter', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.nat(3_600_000), fc.integer({ min: 1, max: 10_000 }), (watermark, overlap, after) => {
        const literal = /'([^']+)'$/.exec(incrementalFilter(new Date(watermark), overlap))![1]!;
        expect(parseUs(literal)).toBeLessThanOrEqual(watermark - overlap);
        expect(watermark - overlap - parseUs(literal)).toBeLessThan(1000);
        expect(watermark - overlap + after).toBeGreaterThan(parseUs(literal));
      }),
    );
  });
});

