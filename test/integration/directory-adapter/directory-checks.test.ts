/**
 * The directory half of `check` against the lab DC: passes on the delegated lab, and names
 * precisely the attribute whose write right was taken away (then restored) — without writing
 * to any user object.
 */
import { readFileSync } from 'node:fs';
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { attributesOf } from '../../../src/core/attribute-catalogue.js';
import { sidFromString } from '../../../src/directory/ad-binary.js';
import { checkDirectory } from '../../../src/directory/directory-checks.js';
import { LdapDirectory } from '../../../src/directory/ldap-directory.js';
import { readSchemaIdGuids } from '../../../lab/directory/ldap-connection.js';
import { LAB_OUS } from '../../../lab/seed/lab-domain.js';
import { boundClient, readDacl, usnChanged, withoutWritePropertyAce, writeDacl } from './lab-admin.js';

describe('checkDirectory on the lab', () => {
  const facts = inject('lab').directory;
  let directory: LdapDirectory;
  let admin: Client;

  beforeAll(async () => {
    directory = new LdapDirectory({
      urls: [facts.ldapUrl], caPem: readFileSync(facts.caFile, 'utf8'), bindName: facts.serviceAccount.bindName,
      password: facts.serviceAccount.password, baseDn: facts.baseDn, attributeSet: 'extended',
    });
    admin = await boundClient('admin');
  });
  afterAll(async () => {
    await directory?.close();
    await admin?.unbind();
  });

  const options = { attributeSet: 'extended' as const, scopeOus: [LAB_OUS.scoped, LAB_OUS.resources], sampleSize: 4 };

  it('passes on the delegated lab', async () => {
    const result = await checkDirectory(directory, options);
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['LDAP bind and TLS', 'pass'],
      ['Schema has the attributes', 'pass'],
      [`Write rights in ${LAB_OUS.scoped}`, 'pass'],
      [`Write rights in ${LAB_OUS.resources}`, 'pass'],
    ]);
    expect(result.missingRights).toEqual([]);
    expect(result.missingSchema).toEqual([]);
    expect(result.delegationCommands).toEqual([]);
    expect(result.delegationScript).toBeNull();
  });

  it('fails for OUs outside the delegation, with the delegation commands', async () => {
    const result = await checkDirectory(directory, { ...options, scopeOus: [LAB_OUS.outside] });
    expect(result.checks.at(-1)?.status).toBe('fail');
    expect(result.missingRights.length).toBeGreaterThan(0);
    for (const missing of result.missingRights) expect(missing.attributes).toEqual(attributesOf('extended').map((a) => a.ldapName));
    expect(result.delegationCommands).toHaveLength(26);
    expect(result.delegationCommands[0]).toBe(`dsacls "${LAB_OUS.outside}" /I:S /G "LAB\\svc-exowb:WP;extensionAttribute1;user"`);
    expect(result.delegationScript).toContain(`'${LAB_OUS.outside}'`);
  });

  it('fails with a warning-free, precise report for an OU that does not exist', async () => {
    const result = await checkDirectory(directory, { ...options, scopeOus: [`OU=Nowhere,${facts.baseDn}`] });
    expect(result.checks.at(-1)).toMatchObject({ status: 'fail' });
    expect(result.checks.at(-1)?.detail).toMatch(/does not exist/);
  });

  it('names exactly the attribute whose write right is removed, without writing to any user', async () => {
    const removed = 'extensionAttribute7';
    const guids = await readSchemaIdGuids(admin, [removed]);
    const me = await directory.whoAmI();
    const original = await readDacl(admin, LAB_OUS.scoped);
    const sample = await directory.sampleUsers(LAB_OUS.scoped, options.sampleSize);
    const usnBefore = await Promise.all(sample.map((u) => usnChanged(admin, u.distinguishedName)));
    try {
      await writeDacl(admin, LAB_OUS.scoped, withoutWritePropertyAce(original, guids.get(removed)!, sidFromString(me.sid!)));
      const result = await checkDirectory(directory, options);
      expect(result.checks.find((c) => c.name === `Write rights in ${LAB_OUS.scoped}`)).toMatchObject({ status: 'fail' });
      expect(result.checks.find((c) => c.name === `Write rights in ${LAB_OUS.scoped}`)?.detail).toContain(removed);
      // Resources sits below the scoped OU and inherits the same ACEs.
      expect(result.checks.find((c) => c.name === `Write rights in ${LAB_OUS.resources}`)).toMatchObject({ status: 'fail' });
      expect(result.missingRights.length).toBe(2 * options.sampleSize);
      for (const missing of result.missingRights) expect(missing.attributes).toEqual([removed]);
      expect(result.delegationCommands).toEqual([LAB_OUS.scoped, LAB_OUS.resources].map((ou) =>
        `dsacls "${ou}" /I:S /G "LAB\\svc-exowb:WP;${removed};user"`));
      expect(result.delegationScript).toContain(`lDAPDisplayName -eq '${removed}'`);
    } finally {
      await writeDacl(admin, LAB_OUS.scoped, original);
    }
    expect((await readDacl(admin, LAB_OUS.scoped)).equals(original)).toBe(true);
    expect((await checkDirectory(directory, options)).missingRights).toEqual([]);
    expect(await Promise.all(sample.map((u) => usnChanged(admin, u.distinguishedName)))).toEqual(usnBefore);
  });
});
