import { describe, expect, it } from 'vitest';
import { LAB_OUS } from './lab-domain.js';
import { buildOrganisation } from './organisation.js';

describe('buildOrganisation', () => {
  const org = buildOrganisation();
  const mailboxes = org.filter((u) => u.mailbox);

  it('is deterministic for a seed and differs for another', () => {
    expect(buildOrganisation()).toEqual(org);
    expect(buildOrganisation({ seed: 7 })).not.toEqual(org);
  });

  it('has the requested number of mailboxes plus AD-only accounts', () => {
    expect(mailboxes).toHaveLength(50);
    expect(buildOrganisation({ mailboxes: 200 }).filter((u) => u.mailbox)).toHaveLength(200);
    expect(org.filter((u) => !u.syncedToEntra && !u.mailbox).length).toBeGreaterThan(0);
  });

  it('contains the demo users in the scoped OU: Ashley converted, Anthony not', () => {
    const ashley = org.find((u) => u.displayName === 'Ashley Taylor');
    const anthony = org.find((u) => u.displayName === 'Anthony Williams');
    expect(ashley?.parentDn).toBe(LAB_OUS.scoped);
    expect(ashley?.mailbox?.cloudManaged).toBe(true);
    expect(anthony?.parentDn).toBe(LAB_OUS.scoped);
    expect(anthony?.mailbox?.cloudManaged).toBe(false);
  });

  it('has every mailbox kind, and users outside the scoped OU', () => {
    const kinds = new Set(mailboxes.map((u) => u.mailbox?.kind));
    expect(kinds).toEqual(new Set(['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox']));
    expect(mailboxes.some((u) => u.parentDn === LAB_OUS.outside && u.mailbox?.cloudManaged)).toBe(true);
  });

  it('gives each mailbox exactly one SMTP primary equal to its primary address, on both sides', () => {
    for (const user of mailboxes) {
      const mailbox = user.mailbox!;
      for (const list of [mailbox.onPremProxyAddresses, mailbox.cloudEmailAddresses]) {
        const primaries = list.filter((v) => v.startsWith('SMTP:'));
        expect(primaries).toEqual([`SMTP:${mailbox.primarySmtpAddress}`]);
      }
      expect(mailbox.onPremProxyAddresses.some((v) => v === `X500:${mailbox.onPremLegacyExchangeDn}`)).toBe(true);
      expect(mailbox.onPremProxyAddresses.some((v) => v.startsWith('SPO:'))).toBe(false);
      expect(mailbox.cloudEmailAddresses.some((v) => v.startsWith('SPO:'))).toBe(true);
    }
  });

  it('keeps AD and the cloud in step except for a few pending cloud edits', () => {
    const pending = mailboxes.filter((u) => JSON.stringify(u.mailbox!.cloudCustomAttributes) !== JSON.stringify(u.mailbox!.onPremCustomAttributes));
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((u) => u.mailbox!.cloudManaged)).toBe(true);
  });

  it('keeps keys, UPNs and addresses unique at 20,000 mailboxes', () => {
    const big = buildOrganisation({ mailboxes: 20_000 });
    const keys = big.map((u) => u.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => k.length <= 20)).toBe(true);
    const upns = big.map((u) => u.userPrincipalName.toLowerCase());
    expect(new Set(upns).size).toBe(upns.length);
    const smtp = big.flatMap((u) => (u.mailbox?.cloudEmailAddresses ?? []).filter((v) => /^smtp:/i.test(v)).map((v) => v.toLowerCase()));
    expect(new Set(smtp).size).toBe(smtp.length);
    const ids = big.map((u) => u.entraId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
