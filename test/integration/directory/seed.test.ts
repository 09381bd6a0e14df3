import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { inject } from 'vitest';
import { Attribute, Change, type Client, type Entry } from 'ldapts';
import { guidFromBytes, guidToBytes, sidToString } from '../../../lab/directory/ad-binary.js';
import {
  REMOTE_RECIPIENT_TYPE, REMOTE_RECIPIENT_TYPE_DETAILS, readDirectoryAnchors, recipientDisplayType, seedAttributes,
  seedDistinguishedNames, userAccountControlOf,
} from '../../../lab/directory/directory-seed.js';
import { LAB_OUS, LAB_TENANT } from '../../../lab/seed/lab-domain.js';
import { buildOrganisation, type SeedUser } from '../../../lab/seed/organisation.js';
import { boundClient, labDirectory } from './connect.js';
import { readFileSync } from 'node:fs';

const BINARY = ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'msExchMailboxGuid'];

describe('seeded organisation in AD', () => {
  const users: SeedUser[] = buildOrganisation({ mailboxes: inject('lab').mailboxes, seed: inject('lab').seed });
  const names = seedDistinguishedNames(users);
  let admin: Client;
  const entries = new Map<string, Entry>();

  beforeAll(async () => {
    admin = await boundClient('admin');
    // Paged, as on Windows AD (MaxPageSize 1000); Samba would also answer unpaged.
    for await (const page of admin.searchPaginated(LAB_OUS.root, {
      scope: 'sub', filter: '(&(objectCategory=person)(objectClass=user))', attributes: ['*', ...BINARY],
      explicitBufferAttributes: BINARY, paged: { pageSize: 25 },
    })) {
      for (const entry of page.searchEntries) entries.set(String(entry.sAMAccountName), entry);
    }
  });
  afterAll(async () => {
    await admin.unbind();
  });

  const one = (entry: Entry, name: string): unknown => {
    const value = entry[name];
    return Array.isArray(value) && value.length === 1 ? value[0] : value;
  };
  /** A binary attribute's bytes, or null when absent (ldapts returns [] for a missing explicit-buffer attribute). */
  const bytes = (entry: Entry, name: string): Buffer | null => {
    const value = entry[name];
    return Buffer.isBuffer(value) ? value : null;
  };
  const many = (entry: Entry, name: string): string[] => {
    const value = entry[name];
    return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);
  };

  it('has every seeded user at its DN', () => {
    for (const user of users) {
      const entry = entries.get(user.key);
      expect(entry, user.key).toBeDefined();
      expect(entry!.dn.toLowerCase()).toBe(names.get(user.key)!.dn.toLowerCase());
    }
  });

  it('has the identity attributes, non-ASCII included', () => {
    for (const user of users) {
      const entry = entries.get(user.key)!;
      expect(one(entry, 'displayName'), user.key).toBe(user.displayName);
      expect(one(entry, 'userPrincipalName')).toBe(user.userPrincipalName);
      if (user.givenName) expect(one(entry, 'givenName')).toBe(user.givenName);
      if (user.sn) expect(one(entry, 'sn')).toBe(user.sn);
      if (user.department) expect(one(entry, 'department')).toBe(user.department);
      if (user.title) expect(one(entry, 'title')).toBe(user.title);
      expect(Number(one(entry, 'userAccountControl'))).toBe(userAccountControlOf(user));
    }
    const juergen = entries.get('jmueller')!;
    expect(juergen.dn).toContain('CN=Jürgen Müller,');
    expect(one(juergen, 'sn')).toBe('Müller');
  });

  it('has the remote-mailbox attributes with exact values', () => {
    const mailboxes = users.filter((u) => u.mailbox);
    expect(mailboxes.length).toBeGreaterThanOrEqual(inject('lab').mailboxes);
    for (const user of mailboxes) {
      const mb = user.mailbox!;
      const entry = entries.get(user.key)!;
      expect(one(entry, 'mailNickname')).toBe(mb.alias);
      expect(one(entry, 'targetAddress')).toBe(`SMTP:${mb.alias}@${LAB_TENANT.routingDomain}`);
      expect(one(entry, 'legacyExchangeDN')).toBe(mb.onPremLegacyExchangeDn);
      expect(guidFromBytes(entry.msExchMailboxGuid as Buffer)).toBe(mb.exchangeGuid.toLowerCase());
      const external = user.syncedToEntra && user.hasExternalDirectoryObjectId ? `User_${user.entraId}` : undefined;
      expect(entry['msDS-ExternalDirectoryObjectId']).toBe(external);
      // The writeback attributes of cloud-managed mailboxes in the scoped OU are the engine's to
      // change, and other test files run the engine on this shared lab: check the seed's exact
      // values on every mailbox the engine never writes (the seeding code is the same for all).
      if (mb.cloudManaged && user.parentDn.endsWith(LAB_OUS.scoped)) continue;
      expect(one(entry, 'mail'), user.key).toBe(mb.primarySmtpAddress);
      expect(many(entry, 'proxyAddresses').sort()).toEqual([...mb.onPremProxyAddresses].sort());
      expect(one(entry, 'msExchRecipientTypeDetails')).toBe(REMOTE_RECIPIENT_TYPE_DETAILS[mb.kind]);
      expect(Number(one(entry, 'msExchRecipientDisplayType'))).toBe(recipientDisplayType(mb.kind, mb.aclableDisplayType));
      expect(Number(one(entry, 'msExchRemoteRecipientType'))).toBe(REMOTE_RECIPIENT_TYPE[mb.kind]);
      for (let n = 1; n <= 15; n++) {
        expect(entry[`extensionAttribute${n}`], `${user.key} extensionAttribute${n}`).toBe(mb.onPremCustomAttributes[n]);
      }
      for (let n = 1; n <= 5; n++) {
        expect(many(entry, `msExchExtensionCustomAttribute${n}`).sort()).toEqual([...(mb.extensionCustomAttributes[n] ?? [])].sort());
      }
      expect(entry.msExchHideFromAddressLists).toBe(mb.hiddenFromAddressLists ? 'TRUE' : undefined);
    }
    // Room, equipment and shared mailboxes are disabled accounts, as Exchange creates them.
    expect(Number(one(entries.get('room-oslo')!, 'userAccountControl'))).toBe(514);
    expect(Number(one(entries.get('ataylor')!, 'userAccountControl'))).toBe(512);
  });

  it('stamps mS-DS-ConsistencyGuid = objectGUID only for consistencyGuid-anchored users', () => {
    expect(users.some((u) => u.sourceAnchor === 'objectGuid')).toBe(true);
    for (const user of users) {
      const entry = entries.get(user.key)!;
      const guid = entry.objectGUID as Buffer;
      expect(guid).toHaveLength(16);
      if (user.sourceAnchor === 'consistencyGuid') expect(bytes(entry, 'mS-DS-ConsistencyGuid'), user.key).toEqual(guid);
      else expect(bytes(entry, 'mS-DS-ConsistencyGuid'), user.key).toBeNull();
    }
  });

  it('reads the same anchors back with readDirectoryAnchors, and the SID string resolves on the DC', async () => {
    const dir = labDirectory();
    const anchors = await readDirectoryAnchors({ ldapUrl: dir.ldapUrl, caPem: readFileSync(dir.caFile, 'utf8'), bindName: dir.admin.bindName, password: dir.admin.password });
    for (const user of users) {
      const anchor = anchors.get(user.key)!;
      const entry = entries.get(user.key)!;
      expect(anchor.objectGuid).toEqual(entry.objectGUID);
      expect(anchor.objectSid).toBe(sidToString(entry.objectSid as Buffer));
      expect(anchor.objectSid).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
      expect(anchor.consistencyGuid).toEqual(bytes(entry, 'mS-DS-ConsistencyGuid'));
    }
    // The string SID and GUID address the same object on the DC (<SID=…>, <GUID=…> DNs).
    const ashley = anchors.get('ataylor')!;
    const bySid = await admin.search(`<SID=${ashley.objectSid}>`, { scope: 'base', attributes: ['sAMAccountName'] });
    expect(bySid.searchEntries[0]?.sAMAccountName).toBe('ataylor');
    const byGuid = await admin.search(`<GUID=${guidFromBytes(ashley.objectGuid)}>`, { scope: 'base', attributes: ['sAMAccountName'] });
    expect(byGuid.searchEntries[0]?.sAMAccountName).toBe('ataylor');
  });

  it("round-trips names like Seán O'Brien-Østergaard (temporary user, removed afterwards)", async () => {
    const template = users.find((u) => u.key === 'jmueller')!;
    const user: SeedUser = {
      ...template, key: 'obrien-test', cn: "Seán O'Brien-Østergaard", givenName: 'Seán', sn: "O'Brien-Østergaard",
      displayName: "Seán O'Brien-Østergaard", userPrincipalName: 'sean.obrien-test@contoso.com',
      mailbox: { ...template.mailbox!, alias: 'obrien-test', primarySmtpAddress: 'sean.obrien-test@contoso.com',
        onPremProxyAddresses: ['SMTP:sean.obrien-test@contoso.com'], exchangeGuid: 'c0ffee00-1234-4abc-9def-0123456789ab',
        onPremCustomAttributes: { 3: 'Ærøskøbing — 東京' } },
    };
    const dn = `CN=${user.cn},${LAB_OUS.scoped}`;
    await admin.add(dn, seedAttributes(user, user.cn, null));
    try {
      const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['cn', 'sn', 'displayName', 'extensionAttribute3', 'msExchMailboxGuid'], explicitBufferAttributes: ['msExchMailboxGuid'] });
      const entry = searchEntries[0]!;
      expect(entry.dn).toBe(dn);
      expect(entry.cn).toBe("Seán O'Brien-Østergaard");
      expect(entry.sn).toBe("O'Brien-Østergaard");
      expect(entry.extensionAttribute3).toBe('Ærøskøbing — 東京');
      expect(entry.msExchMailboxGuid).toEqual(guidToBytes('c0ffee00-1234-4abc-9def-0123456789ab'));
      // And modify works on such a DN.
      await admin.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'extensionAttribute3', values: ['Müller'] }) }));
    } finally {
      await admin.del(dn);
    }
  });
});
