import { describe, expect, it } from 'vitest';
import { DEFAULT_QUARANTINE_POLICY, nextQuarantineAttempt, quarantineReasonForCycle, quarantineReasonForError } from './quarantine.js';

describe('quarantineReasonForError', () => {
  it.each([
    ['TokenRequestFailed', 'AuthenticationRefused'],
    ['CloudAccessDenied', 'AuthenticationRefused'],
    ['DirectoryBindFailed', 'AuthenticationRefused'],
    ['DirectoryUnreachable', 'DirectoryUnreachable'],
    ['DirectoryTlsFailed', 'DirectoryUnreachable'],
    ['CloudUnreachable', 'CloudUnreachable'],
    ['CloudThrottled', 'CloudUnreachable'],
    ['SchemaMissing', 'SchemaMissing'],
  ])('%s → %s', (code, reason) => {
    expect(quarantineReasonForError(code)).toBe(reason);
  });

  it.each(['DirectoryAccessDenied', 'DirectoryBusy', 'DirectoryConnectionLost', 'DirectoryObjectGone', 'ExoObjectNotFound', 'CloudProtocolError', 'Unexpected', '', 'toString', '__proto__'])(
    '%s stays a per-object failure (null)',
    (code) => {
      expect(quarantineReasonForError(code)).toBeNull();
    },
  );

  it('undefinedAttributeType (17) proves the schema missing; other result codes do not', () => {
    expect(quarantineReasonForError('DirectoryConstraintViolation', 17)).toBe('SchemaMissing');
    expect(quarantineReasonForError('DirectoryOperationFailed', 17)).toBe('SchemaMissing');
    expect(quarantineReasonForError('DirectoryConstraintViolation', 65)).toBeNull();
    expect(quarantineReasonForError('DirectoryConstraintViolation', 19)).toBeNull();
    expect(quarantineReasonForError('DirectoryConstraintViolation', null)).toBeNull();
    expect(quarantineReasonForError('DirectoryAccessDenied', 17)).toBeNull();
  });
});

describe('quarantineReasonForCycle', () => {
  it('quarantines when more than half of at least 10 writes were denied', () => {
    expect(quarantineReasonForCycle({ attempted: 10, accessDenied: 6 })).toBe('MostWritesDenied');
    expect(quarantineReasonForCycle({ attempted: 1000, accessDenied: 1000 })).toBe('MostWritesDenied');
  });

  it('exactly half is not "most"', () => {
    expect(quarantineReasonForCycle({ attempted: 10, accessDenied: 5 })).toBeNull();
  });

  it('fewer than 10 attempted writes never quarantine: they stay per-object failures', () => {
    expect(quarantineReasonForCycle({ attempted: 9, accessDenied: 9 })).toBeNull();
    expect(quarantineReasonForCycle({ attempted: 0, accessDenied: 0 })).toBeNull();
  });

  it('takes another threshold and minimum', () => {
    expect(quarantineReasonForCycle({ attempted: 10, accessDenied: 3 }, 0.25)).toBe('MostWritesDenied');
    expect(quarantineReasonForCycle({ attempted: 3, accessDenied: 3 }, 0.5, 3)).toBe('MostWritesDenied');
    expect(quarantineReasonForCycle({ attempted: 3, accessDenied: 3 }, 1)).toBeNull();
  });

  it('refuses inconsistent counts and thresholds', () => {
    expect(() => quarantineReasonForCycle({ attempted: 5, accessDenied: 6 })).toThrow(RangeError);
    expect(() => quarantineReasonForCycle({ attempted: -1, accessDenied: 0 })).toThrow(RangeError);
    expect(() => quarantineReasonForCycle({ attempted: 10, accessDenied: 1 }, 1.5)).toThrow(RangeError);
  });
});

describe('nextQuarantineAttempt', () => {
  const now = new Date('2026-08-01T14:00:00Z');
  const minutesAfter = (failures: number) => (nextQuarantineAttempt(failures, now).getTime() - now.getTime()) / 60_000;

  it('retries after 1, 2, 5, 10, 30 minutes, then hourly', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map(minutesAfter)).toEqual([1, 2, 5, 10, 30, 60, 60, 60]);
  });

  it('treats 0, negative and fractional counts as the first failure, infinity as the cap', () => {
    expect([0, -3, 1.7].map(minutesAfter)).toEqual([1, 1, 1]);
    expect(minutesAfter(Number.POSITIVE_INFINITY)).toBe(60);
  });

  it('takes another policy and refuses an empty or non-positive one', () => {
    expect(nextQuarantineAttempt(3, now, { intervalsMs: [1000, 2000] }).getTime() - now.getTime()).toBe(2000);
    expect(() => nextQuarantineAttempt(1, now, { intervalsMs: [] })).toThrow(RangeError);
    expect(() => nextQuarantineAttempt(1, now, { intervalsMs: [0] })).toThrow(RangeError);
  });

  it('the default policy is frozen', () => {
    expect(Object.isFrozen(DEFAULT_QUARANTINE_POLICY.intervalsMs)).toBe(true);
  });
});
