/**
 * SnapshotDirectory (anchor lookups from one paged read) over LdapDirectory, against the lab's
 * Samba AD DC: the whole DirectoryPort contract, plus what only the snapshot has — one read for
 * any number of lookups, and no stale answer for an object written through it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Attribute, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sidToString } from '../../../src/directory/ad-binary.js';
import { LdapDirectory } from '../../../src/directory/ldap-directory.js';
import { SnapshotDirectory } from '../../../src/directory/snapshot-directory.js';
import type { AttributeSetName } from '../../../src/core/attribute-catalogue.js';
import { LAB_OUS } from '../../../lab/seed/lab-domain.js';
import { boundClient, buffer, findUsers, restore, snapshot } from './lab-admin.js';
import { describeDirectoryPortContract } from './directory-port-contract.js';

function ldap(attributeSet: AttributeSetName = 'standard'): LdapDirectory {
  const dir = inject('lab').directory;
  return new LdapDirectory({
    urls: [dir.ldapUrl], caPem: readFileSync(dir.caFile, 'utf8'), bindName: dir.serviceAccount.bindName,
    password: dir.serviceAccount.password, baseDn: dir.baseDn, attributeSet, timeoutMs: 10_000,
  });
}

describeDirectoryPortContract('SnapshotDirectory over LdapDirectory', ({ attributeSet }) => new SnapshotDirectory(ldap(attributeSet)));

describe('SnapshotDirectory', () => {
  let admin: Client;
  beforeAll(async () => {
    admin = await boundClient('admin');
  });
  afterAll(async () => {
    await admin?.unbind();
  });

  it('answers any number of lookups from one paged read', async () => {
    const inner = ldap();
    const port = new SnapshotDirectory(inner);
    try {
      const count = await port.load();
      const users = await findUsers(admin, inject('lab').directory.baseDn, '(objectCategory=person)(objectClass=user)', ['objectGUID', 'objectSid']);
      expect(count).toBe(users.length);
      const searchesAfterLoad = inner.stats().searches;
      for (const user of users.slice(0, 25)) {
        const found = await port.findByAnchors({ immutableId: null, sid: sidToString(buffer(user, 'objectSid')!), externalDirectoryObjectId: null });
        expect(found.bySid.map((o) => o.distinguishedName)).toEqual([user.dn]);
      }
      expect(inner.stats().searches).toBe(searchesAfterLoad);
    } finally {
      await port.close();
    }
  });

  it('refreshes from what changed since its read: a user created after it is found, one deleted after it is not', async () => {
    const inner = ldap();
    const port = new SnapshotDirectory(inner);
    const anchor = randomBytes(16);
    const dn = `CN=Snapshot Refresh ${anchor.toString('hex').slice(0, 8)},${LAB_OUS.scoped}`;
    const query = { immutableId: anchor, sid: null, externalDirectoryObjectId: null };
    try {
      const total = await port.load();
      await admin.add(dn, [
        new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
        new Attribute({ type: 'sAMAccountName', values: [`snap${anchor.toString('hex').slice(0, 8)}`] }),
        new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [anchor] }),
      ]);
      // The snapshot is a point-in-time read until refreshed.
      expect((await port.findByAnchors(query)).byImmutableId).toEqual([]);
      const refreshed = await port.refresh();
      expect(refreshed.kind).toBe('changes');
      expect(refreshed.read).toBeGreaterThanOrEqual(1);
      expect(refreshed.read).toBeLessThan(total);
      expect((await port.findByAnchors(query)).byImmutableId.map((o) => o.distinguishedName.toLowerCase())).toEqual([dn.toLowerCase()]);

      await admin.del(dn);
      await port.refresh();
      // A refresh cannot see deletions: the object is re-read by GUID before it is handed out.
      expect((await port.findByAnchors(query)).byImmutableId).toEqual([]);
    } finally {
      await admin.del(dn).catch(() => undefined);
      await port.close();
    }
  });

  it('reads everything again when it has no read to refresh from', async () => {
    const port = new SnapshotDirectory(ldap());
    try {
      const users = await findUsers(admin, inject('lab').directory.baseDn, '(objectCategory=person)(objectClass=user)', []);
      expect(await port.refresh()).toEqual({ kind: 'full', read: users.length });
      expect((await port.refresh()).kind).toBe('changes');
    } finally {
      await port.close();
    }
  });

  it('re-reads an object written through it before handing it out again', async () => {
    const port = new SnapshotDirectory(ldap());
    const [user] = await findUsers(admin, inject('lab').directory.baseDn, '(sAMAccountName=jmueller)', ['objectGUID', 'objectSid']);
    const guid = buffer(user!, 'objectGUID')!;
    const before = await snapshot(admin, user!.dn);
    try {
      const query = { immutableId: null, sid: sidToString(buffer(user!, 'objectSid')!), externalDirectoryObjectId: null };
      const [old] = (await port.findByAnchors(query)).bySid;
      const value = `snapshot-${Date.now()}`;
      expect(old!.attributes.extensionAttribute9).not.toEqual([value]);
      await port.modify(guid, [{ operation: 'replace', attribute: 'extensionAttribute9', values: [value] }]);
      const [fresh] = (await port.findByAnchors(query)).bySid;
      expect(fresh!.attributes.extensionAttribute9).toEqual([value]);
    } finally {
      await restore(admin, user!.dn, before);
      await port.close();
    }
  });
});
