import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRecord } from './state-store-contract.js';
import { bodyHash, joinRecord, splitRecord } from './record-body.js';

describe('splitRecord / joinRecord', () => {
  const text = fc.string({ maxLength: 12 });
  const record = fc.record({
    at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
    cycleId: text, id: text, update: fc.boolean(), status: fc.constantFrom('success', 'failure', 'skipped', 'warning' as const),
  }).map((o) => ({ ...makeRecord(o), changeId: `chg-${o.id}`, durationInMilliseconds: o.id.length * 7 }));

  it('gives back the very record it split: every field, in the same order', () => {
    fc.assert(fc.property(record, (r) => {
      const { body, envelope } = splitRecord(r);
      expect(JSON.stringify(joinRecord(r.id, r.cycleId, envelope, body))).toBe(JSON.stringify(r));
    }));
  });

  it('gives records that differ only in their envelope the same body and hash, and any other difference another', () => {
    fc.assert(fc.property(record, text, fc.integer({ min: 0, max: 1e6 }), (r, other, ms) => {
      const again = { ...r, id: `${r.id}+${other}`, cycleId: other, changeId: `${other}!`, durationInMilliseconds: ms, activityDateTime: new Date(ms).toISOString() };
      const a = splitRecord(r);
      const b = splitRecord(again);
      expect(b.body).toBe(a.body);
      expect(bodyHash(b.body).equals(bodyHash(a.body))).toBe(true);
      const renamed = splitRecord({ ...r, sourceIdentity: { ...r.sourceIdentity, displayName: `${r.sourceIdentity.displayName ?? ''}x` } });
      expect(bodyHash(renamed.body).equals(bodyHash(a.body))).toBe(false);
      expect(bodyHash(splitRecord({ ...r, dryRun: !r.dryRun }).body).equals(bodyHash(a.body))).toBe(false);
    }));
  });

  it('keeps no envelope field in the body', () => {
    const r = makeRecord({ cycleId: 'cycle-1', at: new Date('2026-01-01T00:00:00Z'), id: 'record-1' });
    const body = JSON.parse(splitRecord(r).body) as Record<string, unknown>;
    for (const key of ['id', 'activityDateTime', 'cycleId', 'changeId', 'durationInMilliseconds']) expect(body).not.toHaveProperty(key);
    expect(bodyHash(splitRecord(r).body)).toHaveLength(32);
  });
});
