import { describe, expect, it } from 'vitest';
import { isSupportedRecipientType, remoteDisplayType, remoteRecipientType, remoteRecipientTypeDetails } from './recipient-types.js';

describe('remoteRecipientTypeDetails', () => {
  it('maps the four supported types to their remote forms (table 2.3)', () => {
    expect(remoteRecipientTypeDetails('UserMailbox')).toBe('2147483648');
    expect(remoteRecipientTypeDetails('RoomMailbox')).toBe('8589934592');
    expect(remoteRecipientTypeDetails('EquipmentMailbox')).toBe('17179869184');
    expect(remoteRecipientTypeDetails('SharedMailbox')).toBe('34359738368');
  });

  it('returns null for every other type', () => {
    for (const type of ['MailUser', 'GroupMailbox', 'DiscoveryMailbox', 'SchedulingMailbox', '']) expect(remoteRecipientTypeDetails(type)).toBeNull();
    expect(isSupportedRecipientType('MailUser')).toBe(false);
    expect(isSupportedRecipientType('SharedMailbox')).toBe(true);
  });
});

describe('remoteDisplayType', () => {
  it('gives the synced forms when AD has no value', () => {
    expect(remoteDisplayType('UserMailbox', null)).toBe('-2147483642');
    expect(remoteDisplayType('SharedMailbox', null)).toBe('-2147483642');
    expect(remoteDisplayType('RoomMailbox', null)).toBe('-2147481850');
    expect(remoteDisplayType('EquipmentMailbox', null)).toBe('-2147481594');
  });

  it('keeps the ACL-able form (bit 0x40000000) when AD has it', () => {
    expect(remoteDisplayType('UserMailbox', '-1073741818')).toBe('-1073741818');
    expect(remoteDisplayType('SharedMailbox', '-1073741818')).toBe('-1073741818');
  });

  it('computes the ACL-able form of room and equipment as signed 32-bit values', () => {
    expect(remoteDisplayType('RoomMailbox', '-1073741818')).toBe(String((-2147481850 | 0x40000000) | 0));
    expect(remoteDisplayType('RoomMailbox', '-1073741818')).toBe('-1073740026');
    expect(remoteDisplayType('EquipmentMailbox', '-1073741818')).toBe('-1073739770');
  });

  it('drops to the plain form when AD has the plain form or junk', () => {
    expect(remoteDisplayType('UserMailbox', '-2147483642')).toBe('-2147483642');
    expect(remoteDisplayType('UserMailbox', 'garbage')).toBe('-2147483642');
    expect(remoteDisplayType('RoomMailbox', '-2147483642')).toBe('-2147481850');
  });

  it('throws for an unsupported type (scoping must skip it first)', () => {
    expect(() => remoteDisplayType('MailUser', null)).toThrow(RangeError);
  });
});

describe('remoteRecipientType', () => {
  it('defaults to migrated (4) plus the type bits when AD has none', () => {
    expect(remoteRecipientType('UserMailbox', null)).toBe('4');
    expect(remoteRecipientType('RoomMailbox', null)).toBe('36');
    expect(remoteRecipientType('EquipmentMailbox', null)).toBe('68');
    expect(remoteRecipientType('SharedMailbox', null)).toBe('100');
  });

  it('keeps the provisioned (1) flag already in AD', () => {
    expect(remoteRecipientType('UserMailbox', '1')).toBe('1');
    expect(remoteRecipientType('SharedMailbox', '1')).toBe('97');
    expect(remoteRecipientType('RoomMailbox', '3')).toBe('35');
  });

  it('replaces the type bits on a type change and keeps the other flags', () => {
    expect(remoteRecipientType('UserMailbox', '100')).toBe('4');
    expect(remoteRecipientType('EquipmentMailbox', '36')).toBe('68');
    expect(remoteRecipientType('SharedMailbox', '65')).toBe('97');
    expect(remoteRecipientType('UserMailbox', '132')).toBe('4');
  });
});
