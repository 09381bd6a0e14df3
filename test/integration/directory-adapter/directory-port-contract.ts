/**
 * The contract of {@link DirectoryPort}, as a suite any adapter can run against the lab's real
 * Samba AD DC: call {@link describeDirectoryPortContract} with a factory. Ground truth comes from
 * the lab's Administrator over plain ldapts (./lab-admin.ts), never from the adapter itself.
 * Every value changed is restored; nothing waits or sleeps.
 */
import { randomBytes } from 'node:crypto';
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ATTRIBUTE_CATALOGUE, type AttributeSetName } from '../../../src/core/attribute-catalogue.js';
import type { DirectoryObject } from '../../../src/core/directory-object.js';
import { guidToString, sidToString } from '../../../src/directory/ad-binary.js';
import {
  DirectoryAccessDeniedError, DirectoryConstraintError, DirectoryObjectGoneError, WriteRefusedError,
} from '../../../src/directory/directory-errors.js';
import type { DirectoryPort } from '../../../src/directory/directory-port.js';
import { LAB_OUS } from '../../../lab/seed/lab-domain.js';
import { boundClient, buffer, findUsers, readEntry, restore, snapshot, strings, usnChanged } from './lab-admin.js';

/** Makes a fresh adapter bound as the lab's service account, writing `attributeSet`. */
export type DirectoryPortFactory = (options: { attributeSet: AttributeSetName }) => DirectoryPort;

/** Catches a rejection for inspection. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => {
    throw new Error('expected a failure, got success');
  }, (error: unknown) => error);
}

/** LDAP-special characters and non-ASCII text that must round-trip literally. */
export const AWKWARD = `*()\\,=+<>;"# äöüß Ærøskøbing 東京都 中文 ☃ end`;

export function describeDirectoryPortContract(adapterName: string, factory: DirectoryPortFactory): void {
  describe(`DirectoryPort contract: ${adapterName}`, () => {
    const facts = inject('lab').directory;
    let port: DirectoryPort;
    let admin: Client;
    /** Fixed lab users: one to write on (scoped), one outside the delegation. */
    let writable: { dn: string; guid: Buffer };
    let outside: { dn: string; guid: Buffer };

    beforeAll(async () => {
      port = factory({ attributeSet: 'standard' });
      admin = await boundClient('admin');
      const [w] = await findUsers(admin, LAB_OUS.scoped, '(sAMAccountName=jmueller)');
      const [o] = await findUsers(admin, LAB_OUS.outside, '(sAMAccountName=kokafor)');
      writable = { dn: w!.dn, guid: buffer(w!, 'objectGUID')! };
      outside = { dn: o!.dn, guid: buffer(o!, 'objectGUID')! };
    });
    afterAll(async () => {
      await port?.close();
      await admin?.unbind();
    });

    /** Runs `body` and puts every catalogue value of `dn` back afterwards, proving it did. */
    async function preserving(dn: string, body: () => Promise<void>): Promise<void> {
      const before = await snapshot(admin, dn);
      try {
        await body();
      } finally {
        await restore(admin, dn, before);
      }
      expect(await snapshot(admin, dn)).toEqual(before);
    }

    function expectWellFormed(object: DirectoryObject): void {
      expect(Object.keys(object.attributes).sort()).toEqual(ATTRIBUTE_CATALOGUE.map((a) => a.ldapName).sort());
      for (const values of Object.values(object.attributes)) expect(values.every((v) => typeof v === 'string')).toBe(true);
      expect(object.objectGuid).toHaveLength(16);
    }

    describe('findByAnchors', () => {
      it('finds a user by mS-DS-ConsistencyGuid, and by SID, each separately', async () => {
        const [ashley] = await findUsers(admin, facts.baseDn, '(sAMAccountName=ataylor)');
        const consistency = buffer(ashley!, 'mS-DS-ConsistencyGuid')!;
        expect(consistency).toHaveLength(16);
        const sid = sidToString(buffer(ashley!, 'objectSid')!);
        const found = await port.findByAnchors({ immutableId: consistency, sid, externalDirectoryObjectId: null });
        expect(found.byImmutableId.map((o) => o.distinguishedName)).toEqual([ashley!.dn]);
        expect(found.bySid.map((o) => o.distinguishedName)).toEqual([ashley!.dn]);
        expect(found.byExternalDirectoryObjectId).toEqual([]);
        const object = found.byImmutableId[0]!;
        expectWellFormed(object);
        expect(object.objectSid).toBe(sid);
        expect(object.consistencyGuid?.equals(consistency)).toBe(true);
        expect(object.objectGuid.equals(buffer(ashley!, 'objectGUID')!)).toBe(true);
        expect(object.attributes.mail).toEqual(strings(ashley!, 'mail'));
        expect(object.attributes.proxyAddresses!.length).toBeGreaterThan(1);
        expect(object.uSNChanged).toBe(strings(ashley!, 'uSNChanged')[0]);
        expect(object.displayName).toBe('Ashley Taylor');
      });

      it('finds a user without mS-DS-ConsistencyGuid by its objectGUID', async () => {
        const legacy = await findUsers(admin, facts.baseDn, '(mail=*)(!(mS-DS-ConsistencyGuid=*))');
        expect(legacy.length).toBeGreaterThan(0);
        const user = legacy[0]!;
        const found = await port.findByAnchors({ immutableId: buffer(user, 'objectGUID')!, sid: null, externalDirectoryObjectId: null });
        expect(found.byImmutableId.map((o) => o.distinguishedName)).toEqual([user.dn]);
        expect(found.byImmutableId[0]!.consistencyGuid).toBeNull();
        expect(found.bySid).toEqual([]);
      });

      it('matches GUIDs with bytes >= 0x80 (binary filter, not an escaped string)', async () => {
        const users = await findUsers(admin, facts.baseDn, '(mail=*)');
        const high = users.filter((u) => buffer(u, 'objectGUID')!.some((b) => b >= 0x80)).slice(0, 5);
        expect(high.length).toBe(5);
        for (const user of high) {
          const found = await port.findByAnchors({ immutableId: buffer(user, 'objectGUID')!, sid: null, externalDirectoryObjectId: null });
          expect(found.byImmutableId.map((o) => o.distinguishedName), guidToString(buffer(user, 'objectGUID')!)).toEqual([user.dn]);
        }
      });

      it('finds a user by msDS-ExternalDirectoryObjectId, literally (a * is no wildcard)', async () => {
        const stamped = await findUsers(admin, facts.baseDn, '(msDS-ExternalDirectoryObjectId=*)');
        expect(stamped.length).toBeGreaterThan(0);
        const user = stamped[0]!;
        const external = strings(user, 'msDS-ExternalDirectoryObjectId')[0]!;
        const found = await port.findByAnchors({ immutableId: null, sid: null, externalDirectoryObjectId: external });
        expect(found.byExternalDirectoryObjectId.map((o) => o.distinguishedName)).toEqual([user.dn]);
        expect(found.byExternalDirectoryObjectId[0]!.externalDirectoryObjectId).toBe(external);
        const wildcard = await port.findByAnchors({ immutableId: null, sid: null, externalDirectoryObjectId: 'User_*' });
        expect(wildcard.byExternalDirectoryObjectId).toEqual([]);
      });

      it('returns nothing for anchors that match nothing', async () => {
        const found = await port.findByAnchors({ immutableId: randomBytes(16), sid: 'S-1-5-21-1-2-3-99999', externalDirectoryObjectId: `User_${guidToString(randomBytes(16))}` });
        expect(found).toEqual({ byImmutableId: [], bySid: [], byExternalDirectoryObjectId: [] });
      });
    });

    describe('listUsers', () => {
      it('lists every user under the base DN, with the same objects findByAnchors returns', async () => {
        const expected = await findUsers(admin, facts.baseDn, '(objectCategory=person)(objectClass=user)');
        const listed: DirectoryObject[] = [];
        let pages = 0;
        for await (const page of port.listUsers()) {
          pages++;
          listed.push(...page);
        }
        expect(pages).toBeGreaterThan(0);
        expect(listed.map((o) => o.distinguishedName.toLowerCase()).sort()).toEqual(expected.map((e) => e.dn.toLowerCase()).sort());
        const [ashley] = await findUsers(admin, facts.baseDn, '(sAMAccountName=ataylor)');
        const fromList = listed.find((o) => o.objectGuid.equals(buffer(ashley!, 'objectGUID')!))!;
        expectWellFormed(fromList);
        const found = await port.findByAnchors({ immutableId: fromList.consistencyGuid, sid: fromList.objectSid, externalDirectoryObjectId: null });
        expect(found.byImmutableId).toEqual([fromList]);
      });
    });

    describe('changeMark', () => {
      it('names the DC and its highest committed USN, and listUsers after it returns exactly the users changed since', async () => {
        const mark = await port.changeMark();
        expect(mark?.server).toMatch(/^CN=NTDS Settings,/i);
        expect(mark?.usn).toMatch(/^\d+$/);
        await preserving(writable.dn, async () => {
          await admin.modify(writable.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'extensionAttribute11', values: [`mark-${Date.now()}`] }) })]);
          const changed: DirectoryObject[] = [];
          for await (const page of port.listUsers({ changedSince: mark! })) changed.push(...page);
          expect(changed.map((o) => o.distinguishedName.toLowerCase())).toEqual([writable.dn.toLowerCase()]);
          expectWellFormed(changed[0]!);
          const later = await port.changeMark();
          expect(BigInt(later!.usn)).toBeGreaterThan(BigInt(mark!.usn));
          expect(later!.server).toBe(mark!.server);
          const none: DirectoryObject[] = [];
          for await (const page of port.listUsers({ changedSince: later! })) none.push(...page);
          expect(none).toEqual([]);
        });
      });
    });

    describe('readByGuid', () => {
      it('reads an object by objectGUID with every catalogue attribute', async () => {
        const object = await port.readByGuid(writable.guid);
        expect(object?.distinguishedName.toLowerCase()).toBe(writable.dn.toLowerCase());
        expectWellFormed(object!);
        expect(object!.attributes.extensionAttribute15).toBeDefined();
      });

      it('returns null for a GUID that does not exist', async () => {
        expect(await port.readByGuid(randomBytes(16))).toBeNull();
      });
    });

    describe('modify', () => {
      it('writes single- and multi-valued values full of LDAP-special characters and non-ASCII text, literally', async () => {
        await preserving(writable.dn, async () => {
          const multi = ['a*b', '(x)', 'back\\slash', 'ümlaut', '中文', AWKWARD];
          await port.modify(writable.guid, [
            { operation: 'replace', attribute: 'extensionAttribute1', values: [AWKWARD] },
            { operation: 'replace', attribute: 'msExchExtensionCustomAttribute1', values: multi },
            { operation: 'add', attribute: 'proxyAddresses', values: ['smtp:we*ird(\\)+"x"@contoso.com'] },
          ]);
          const object = await port.readByGuid(writable.guid);
          expect(object!.attributes.extensionAttribute1).toEqual([AWKWARD]);
          expect([...object!.attributes.msExchExtensionCustomAttribute1!].sort()).toEqual([...multi].sort());
          expect(object!.attributes.proxyAddresses).toContain('smtp:we*ird(\\)+"x"@contoso.com');
          // Byte-identical as the DC stores it (read as raw bytes by the admin).
          const raw = await readEntry(admin, writable.dn, ['extensionAttribute1'], ['extensionAttribute1']);
          expect(buffer(raw, 'extensionAttribute1')!.equals(Buffer.from(AWKWARD, 'utf8'))).toBe(true);
        });
      });

      it('clears a single-valued attribute with replace []', async () => {
        await preserving(writable.dn, async () => {
          await port.modify(writable.guid, [{ operation: 'replace', attribute: 'extensionAttribute2', values: ['to be cleared'] }]);
          await port.modify(writable.guid, [{ operation: 'replace', attribute: 'extensionAttribute2', values: [] }]);
          expect((await port.readByGuid(writable.guid))!.attributes.extensionAttribute2).toEqual([]);
        });
      });

      it('swaps the primary SMTP address by case only (delete+add in one modify), and back', async () => {
        await preserving(writable.dn, async () => {
          const before = (await port.readByGuid(writable.guid))!.attributes.proxyAddresses!;
          const primary = before.find((v) => v.startsWith('SMTP:'))!;
          const secondary = before.find((v) => v.startsWith('smtp:'))!;
          const promoted = `SMTP:${secondary.slice(5)}`;
          const demoted = `smtp:${primary.slice(5)}`;
          await port.modify(writable.guid, [
            { operation: 'delete', attribute: 'proxyAddresses', values: [primary, secondary] },
            { operation: 'add', attribute: 'proxyAddresses', values: [demoted, promoted] },
          ]);
          const swapped = (await port.readByGuid(writable.guid))!.attributes.proxyAddresses!;
          expect([...swapped].sort()).toEqual([...before.filter((v) => v !== primary && v !== secondary), demoted, promoted].sort());
          expect(swapped.filter((v) => v.startsWith('SMTP:'))).toEqual([promoted]);
          // And the reverse, the same way.
          await port.modify(writable.guid, [
            { operation: 'delete', attribute: 'proxyAddresses', values: [promoted, demoted] },
            { operation: 'add', attribute: 'proxyAddresses', values: [secondary, primary] },
          ]);
          expect([...(await port.readByGuid(writable.guid))!.attributes.proxyAddresses!].sort()).toEqual([...before].sort());
        });
      });

      it('treats an empty change list as a no-op', async () => {
        const usn = await usnChanged(admin, writable.dn);
        await port.modify(writable.guid, []);
        expect(await usnChanged(admin, writable.dn)).toBe(usn);
      });

      it.each([
        ['displayName', 'Hacked'],
        ['targetAddress', 'SMTP:evil@example.com'],
        ['msExchHideFromAddressLists', 'TRUE'],
        ['msExchRemoteRecipientType', '100'],
        ['userPrincipalName', 'x@contoso.com'],
      ])('refuses %s (not in the standard set) before sending anything', async (attribute, value) => {
        const usn = await usnChanged(admin, writable.dn);
        const error = await failure(port.modify(writable.guid, [
          { operation: 'replace', attribute: 'extensionAttribute3', values: ['must not be written'] },
          { operation: 'replace', attribute, values: [value] },
        ]));
        expect(error).toBeInstanceOf(WriteRefusedError);
        expect((error as WriteRefusedError).code).toBe('DirectoryWriteRefused');
        expect((error as WriteRefusedError).attribute?.toLowerCase()).toBe(attribute.toLowerCase());
        expect((error as Error).message).toContain(guidToString(writable.guid));
        expect(await usnChanged(admin, writable.dn)).toBe(usn);
      });

      it('maps insufficientAccessRights (50) outside the delegated OU to DirectoryAccessDeniedError', async () => {
        const usn = await usnChanged(admin, outside.dn);
        const error = await failure(port.modify(outside.guid, [{ operation: 'replace', attribute: 'extensionAttribute1', values: ['denied'] }]));
        expect(error).toBeInstanceOf(DirectoryAccessDeniedError);
        expect((error as DirectoryAccessDeniedError).resultCode).toBe(50);
        expect((error as DirectoryAccessDeniedError).attribute).toBe('extensionAttribute1');
        expect((error as Error).message).toContain(guidToString(outside.guid));
        expect(await usnChanged(admin, outside.dn)).toBe(usn);
      });

      it('maps invalidAttributeSyntax (21) to DirectoryConstraintError with the code and attribute', async () => {
        await preserving(writable.dn, async () => {
          const error = await failure(port.modify(writable.guid, [{ operation: 'replace', attribute: 'msExchRecipientTypeDetails', values: ['abc'] }]));
          expect(error).toBeInstanceOf(DirectoryConstraintError);
          expect((error as DirectoryConstraintError).resultCode).toBe(21);
          expect((error as DirectoryConstraintError).attribute).toBe('msExchRecipientTypeDetails');
        });
      });

      it('maps attributeOrValueExists (20) and noSuchAttribute (16)', async () => {
        await preserving(writable.dn, async () => {
          const existing = (await port.readByGuid(writable.guid))!.attributes.proxyAddresses![0]!;
          const exists = await failure(port.modify(writable.guid, [{ operation: 'add', attribute: 'proxyAddresses', values: [existing] }]));
          expect(exists).toBeInstanceOf(DirectoryConstraintError);
          expect((exists as DirectoryConstraintError).resultCode).toBe(20);
          expect((exists as DirectoryConstraintError).attribute).toBe('proxyAddresses');
          const absent = await failure(port.modify(writable.guid, [{ operation: 'delete', attribute: 'proxyAddresses', values: ['smtp:never-there@contoso.com'] }]));
          expect(absent).toBeInstanceOf(DirectoryConstraintError);
          expect((absent as DirectoryConstraintError).resultCode).toBe(16);
        });
      });

      it('maps a GUID that does not exist to DirectoryObjectGoneError (32)', async () => {
        const error = await failure(port.modify(randomBytes(16), [{ operation: 'replace', attribute: 'extensionAttribute1', values: ['x'] }]));
        expect(error).toBeInstanceOf(DirectoryObjectGoneError);
        expect((error as DirectoryObjectGoneError).resultCode).toBe(32);
      });
    });

    describe('schema, rights and identity', () => {
      it('names exactly the attributes the schema lacks', async () => {
        const names = ['extensionAttribute1', 'msExchNoSuchAttributeForTests', 'proxyAddresses', 'MAIL', 'msDS-ExternalDirectoryObjectId'];
        expect(await port.missingSchemaAttributes(names)).toEqual(['msExchNoSuchAttributeForTests']);
        expect(await port.missingSchemaAttributes(ATTRIBUTE_CATALOGUE.map((a) => a.ldapName))).toEqual([]);
        expect(await port.missingSchemaAttributes([])).toEqual([]);
      });

      it('reports effective write rights on every catalogue attribute in the scoped OU, and none outside it', async () => {
        const inside = await port.effectiveWritableAttributes(writable.dn);
        for (const attribute of ATTRIBUTE_CATALOGUE) expect(inside.has(attribute.ldapName.toLowerCase()), attribute.ldapName).toBe(true);
        expect(inside.has('displayname')).toBe(false);
        const outsideRights = await port.effectiveWritableAttributes(outside.dn);
        for (const attribute of ATTRIBUTE_CATALOGUE) expect(outsideRights.has(attribute.ldapName.toLowerCase()), attribute.ldapName).toBe(false);
      });

      it('samples users with a mail value under a base', async () => {
        const sample = await port.sampleUsers(LAB_OUS.scoped, 3);
        expect(sample).toHaveLength(3);
        for (const object of sample) {
          expectWellFormed(object);
          expect(object.attributes.mail).toHaveLength(1);
          expect(object.distinguishedName.toLowerCase().endsWith(LAB_OUS.scoped.toLowerCase())).toBe(true);
        }
      });

      it('tells who it is bound as', async () => {
        const me = await port.whoAmI();
        expect(me.distinguishedName?.toLowerCase()).toBe(facts.serviceAccount.distinguishedName.toLowerCase());
        expect(me.sid).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
        expect(me.bindName).toBe(facts.serviceAccount.bindName);
        expect(me.accountName?.toLowerCase()).toBe(`${facts.netbiosName}\\svc-exowb`.toLowerCase());
      });
    });
  });
}
