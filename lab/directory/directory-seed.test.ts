import { describe, it, expect } from 'vitest';
import { buildOrganisation, type SeedUser } from '../seed/organisation.js';
import { LAB_OUS } from '../seed/lab-domain.js';
import { guidToBytes } from './ad-binary.js';
import { recipientDisplayType, runPool, seedAttributes, seedDistinguishedNames, userAccountControlOf } from './directory-seed.js';

const users = buildOrganisation({ mailboxes: 60 });
const byKey = (key: string): SeedUser => users.find((u) => u.key === key)!;
const asRecord = (attrs: ReturnType<typeof seedAttributes>) =>
  Object.fromEntries(attrs.map((a) => [a.type, a.values]));

describe('seedAttributes', () => {
  it('makes a user mailbox a remote mailbox with a password', () => {
    const ashley = byKey('ataylor');
    const attrs = asRecord(seedAttributes(ashley, ashley.cn, 'pw'));
    expect(attrs.sAMAccountName).toEqual(['ataylor']);
    expect(attrs.msExchRecipientTypeDetails).toEqual(['2147483648']);
    expect(attrs.msExchRemoteRecipientType).toEqual(['4']);
    expect(attrs.targetAddress).toEqual(['SMTP:ataylor@contoso.mail.onmicrosoft.com']);
    expect(attrs.msExchMailboxGuid).toEqual([guidToBytes(ashley.mailbox!.exchangeGuid)]);
    expect(attrs.unicodePwd).toEqual([Buffer.from('"pw"', 'utf16le')]);
    expect(attrs.userAccountControl).toEqual(['512']);
  });

  it('keeps room, equipment and shared accounts disabled and without password', () => {
    for (const key of ['room-oslo', 'projector1', 'finance']) {
      const attrs = asRecord(seedAttributes(byKey(key), byKey(key).cn, 'pw'));
      expect(attrs.userAccountControl, key).toEqual(['514']);
      expect(attrs.unicodePwd, key).toBeUndefined();
    }
    expect(asRecord(seedAttributes(byKey('projector1'), 'x', 'pw')).msExchHideFromAddressLists).toEqual(['TRUE']);
  });

  it('seeds an enabled person without password as PASSWD_NOTREQD (544)', () => {
    const attrs = asRecord(seedAttributes(byKey('ataylor'), 'x', null));
    expect(attrs.userAccountControl).toEqual(['544']);
    expect(attrs.unicodePwd).toBeUndefined();
    expect(userAccountControlOf(byKey('ataylor'), false)).toBe(544);
  });

  it('leaves unset attributes out instead of writing empty values', () => {
    for (const user of users) {
      for (const attr of seedAttributes(user, user.cn, 'pw')) expect(attr.values.length, `${user.key} ${attr.type}`).toBeGreaterThan(0);
    }
  });
});

describe('recipientDisplayType', () => {
  it('uses the synced forms, ACL-able with bit 0x40000000', () => {
    expect(recipientDisplayType('UserMailbox', false)).toBe(-2147483642);
    expect(recipientDisplayType('UserMailbox', true)).toBe(-1073741818);
    expect(recipientDisplayType('UserMailbox', true) - recipientDisplayType('UserMailbox', false)).toBe(0x40000000);
    expect(recipientDisplayType('RoomMailbox', false)).toBe(-2147481850);
    expect(recipientDisplayType('EquipmentMailbox', false)).toBe(-2147481594);
  });
});

describe('seedDistinguishedNames', () => {
  it('disambiguates repeated display names in one OU with the key, deterministically', () => {
    const a = { ...byKey('ataylor') };
    const b = { ...byKey('ataylor'), key: 'ataylor2' };
    const c = { ...byKey('ataylor'), key: 'ataylor3', parentDn: LAB_OUS.outside };
    const names = seedDistinguishedNames([a, b, c]);
    expect(names.get('ataylor')!.dn).toBe(`CN=Ashley Taylor,${LAB_OUS.scoped}`);
    expect(names.get('ataylor2')!.dn).toBe(`CN=Ashley Taylor (ataylor2),${LAB_OUS.scoped}`);
    expect(names.get('ataylor3')!.dn).toBe(`CN=Ashley Taylor,${LAB_OUS.outside}`);
  });

  it('gives every user of a large organisation a unique DN', () => {
    const big = buildOrganisation({ mailboxes: 2000 });
    const dns = [...seedDistinguishedNames(big).values()].map((n) => n.dn.toLowerCase());
    expect(new Set(dns).size).toBe(big.length);
  });
});

describe('runPool', () => {
  it('runs everything with bounded concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await Promise.resolve();
      done.push(n);
      inFlight--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and starts nothing new after it', async () => {
    const started: number[] = [];
    await expect(runPool([1, 2, 3, 4], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('boom');
      await Promise.resolve();
    })).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
});
