import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { newRecordId } from './record-id.js';

describe('newRecordId', () => {
  it('makes valid, distinct UUIDv7 ids across many pool fills', () => {
    const ids = Array.from({ length: 2000 }, () => newRecordId());
    for (const id of ids.slice(0, 300)) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Random bits differ between ids of the same pool and of the next pool.
    expect(new Set(ids.map((id) => id.slice(-12))).size).toBe(ids.length);
  });

  it('puts the time first, so ids of later milliseconds sort after earlier ones', () => {
    const before = Date.now();
    const id = newRecordId();
    const after = Date.now();
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
    const ids = Array.from({ length: 5000 }, () => newRecordId());
    const stamps = ids.map((i) => i.replace(/-/g, '').slice(0, 12));
    expect([...stamps].sort()).toEqual(stamps);
  });
});
