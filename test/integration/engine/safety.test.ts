/**
 * Nothing lost, nothing written that should not be: bad cloud data fails that one object with a
 * specific code; matching never guesses; out-of-scope objects are skipped with their reason;
 * identity attributes never change; dry runs write nothing; throttling does not change the result.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { WritebackEngine } from '../../../src/engine/writeback-engine.js';
import { JsonlProvisioningLog } from '../../../src/store/jsonl-provisioning-log.js';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { adminLdap, emulatorAdmin, exoSet, labEngine, readUser, type MemoryLog } from '../../support/lab-engine.js';

const facts = inject('lab');
const org = buildOrganisation({ mailboxes: facts.mailboxes, ...(facts.seed !== undefined ? { seed: facts.seed } : {}) });
const person = (key: string) => {
  const user = org.find((u) => u.key === key);
  if (!user?.mailbox) throw new Error(`no seeded mailbox ${key}`);
  return { ...user, mailbox: user.mailbox };
};
const IDENTITY_ATTRIBUTES = ['cn', 'displayName', 'givenName', 'sn', 'title', 'department', 'userPrincipalName', 'sAMAccountName', 'mailNickname', 'targetAddress', 'legacyExchangeDN'];

describe('safety', () => {
  let ldap: Client;
  let engine: WritebackEngine;
  let log: MemoryLog;

  beforeAll(async () => {
    ldap = await adminLdap();
    ({ engine, log } = await labEngine());
    await engine.sync();
  });
  afterEach(async () => {
    await emulatorAdmin('DELETE', '/faults');
  });
  afterAll(async () => {
    await engine.close();
    await ldap.unbind();
  });

  /** The record of the last run for this mailbox. */
  const lastRecordOf = (entraId: string) => [...log.records].reverse().find((r) => r.sourceIdentity.id === entraId);

  describe('bad cloud data fails only that object, with a specific code, writing nothing for it', () => {
    const maria = person('mgarcia');
    let original: { EmailAddresses: string[] };

    beforeAll(async () => {
      original = (await exoSet(maria.userPrincipalName, { customAttribute: ['9=before bad data'] })) as { EmailAddresses: string[] };
      await engine.sync();
    });
    afterAll(async () => {
      await emulatorAdmin('PATCH', `/exo/mailboxes/${maria.entraId}`, { EmailAddresses: original.EmailAddresses, CustomAttribute9: '' });
      const summary = await engine.sync();
      expect(summary.failed).toEqual({});
    });

    const primary = `SMTP:${maria.mailbox.primarySmtpAddress}`;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['no primary', { EmailAddresses: [`smtp:${maria.mailbox.primarySmtpAddress}`, 'smtp:maria.alt@contoso.com'] }, 'MissingPrimarySmtpAddress'],
      ['two primaries', { EmailAddresses: [primary, 'SMTP:maria.second@contoso.com'] }, 'MultiplePrimarySmtpAddresses'],
      ['a value without a type', { EmailAddresses: [primary, 'maria.notype@contoso.com'] }, 'InvalidProxyAddress'],
      ['an over-long value', { EmailAddresses: [primary, `smtp:${'x'.repeat(1200)}@contoso.com`] }, 'ValueTooLong'],
      ['control characters', { CustomAttribute3: 'bell\u0007here' }, 'InvalidCharacters'],
    ];
    for (const [what, patch, code] of cases) {
      it(`${what} → ${code}`, async () => {
        const before = await readUser(ldap, maria.key, ['uSNChanged']);
        // Alongside, a valid change elsewhere must still be written: the rest carries on.
        await exoSet('ashley.taylor@contoso.com', { customAttribute: [`12=${code}`] });
        expect((await emulatorAdmin('PATCH', `/exo/mailboxes/${maria.entraId}`, { ...patch, CustomAttribute9: `bad ${code}` })).status).toBe(200);
        const summary = await engine.sync();
        expect(summary.failed).toEqual({ [code]: 1 });
        expect(lastRecordOf(maria.entraId)?.provisioningStatusInfo.errorInformation?.errorCode).toBe(code);
        expect(await readUser(ldap, maria.key, ['uSNChanged'])).toEqual(before);
        expect((await readUser(ldap, 'ataylor', ['extensionAttribute12'])).extensionAttribute12).toEqual([code]);
        await emulatorAdmin('PATCH', `/exo/mailboxes/${maria.entraId}`, { EmailAddresses: original.EmailAddresses, CustomAttribute3: '' });
      });
    }
  });

  it('writes LDAP-special and non-ASCII characters literally', async () => {
    const value = 'a*b(c)d\\e,f=g+h<i>j;k"l#m äöü ß 東京 ✓';
    await exoSet('jurgen.muller@contoso.com', { customAttribute: [`4=${value}`], addExtensionCustomAttribute: ['2=(cn=*)', '2=O\'Brien, Østergaard'] });
    const summary = await engine.sync();
    expect(summary.failed).toEqual({});
    const ad = await readUser(ldap, 'jmueller', ['extensionAttribute4', 'msExchExtensionCustomAttribute2']);
    expect(ad.extensionAttribute4).toEqual([value]);
    expect(ad.msExchExtensionCustomAttribute2.sort()).toEqual(['(cn=*)', "O'Brien, Østergaard"].sort());
    await exoSet('jurgen.muller@contoso.com', { customAttribute: ['4='], extensionCustomAttribute: ['2='] });
    await engine.sync();
  });

  describe('matching never guesses', () => {
    const ashley = person('ataylor');
    const graphPath = `/graph/users/${ashley.entraId}`;
    let graphBefore: Record<string, unknown>;

    afterEach(async () => {
      if (Object.keys(graphBefore).length) await emulatorAdmin('PATCH', graphPath, graphBefore);
      graphBefore = {};
    });

    it('fails NoMatchingTarget when no anchor finds an object', async () => {
      const outcome0 = await engine.provision(ashley.userPrincipalName, { dryRun: true });
      const details = outcome0.record.provisioningSteps.find((s) => s.provisioningStepType === 'import')?.details ?? {};
      graphBefore = { onPremisesImmutableId: details.onPremisesImmutableId, onPremisesSecurityIdentifier: details.onPremisesSecurityIdentifier };
      await emulatorAdmin('PATCH', graphPath, { onPremisesImmutableId: Buffer.alloc(16, 0xee).toString('base64'), onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-99999' });
      // The third anchor (msDS-ExternalDirectoryObjectId) would still find her where AD has it: take it away too.
      const { dn, external } = await externalIdOf(ldap, 'ataylor');
      if (external) await ldap.modify(dn, [new Change({ operation: 'delete', modification: new Attribute({ type: 'msDS-ExternalDirectoryObjectId', values: [] }) })]);
      try {
        const outcome = await engine.provision(ashley.userPrincipalName, { dryRun: true });
        expect(outcome.kind).toBe('failed');
        expect(outcome.record.provisioningStatusInfo.errorInformation?.errorCode).toBe('NoMatchingTarget');
      } finally {
        if (external) await ldap.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'msDS-ExternalDirectoryObjectId', values: [external] }) })]);
      }
    });

    it('fails AnchorConflict when the SID points at another object than the immutable id', async () => {
      const first = await engine.provision(ashley.userPrincipalName, { dryRun: true });
      const details = first.record.provisioningSteps.find((s) => s.provisioningStepType === 'import')?.details ?? {};
      graphBefore = { onPremisesSecurityIdentifier: details.onPremisesSecurityIdentifier };
      await emulatorAdmin('PATCH', graphPath, { onPremisesSecurityIdentifier: await sidOf(ldap, 'awilliams') });
      const outcome = await engine.provision(ashley.userPrincipalName, { dryRun: true });
      expect(outcome.record.provisioningStatusInfo.errorInformation?.errorCode).toBe('AnchorConflict');
    });

    it('fails DuplicateTargetEntries when two AD objects carry the same anchor', async () => {
      const [ashleyAd, other] = await Promise.all([guidsOf(ldap, 'ataylor'), guidsOf(ldap, 'jmueller')]);
      const anchor = ashleyAd.consistency ?? ashleyAd.objectGuid;
      await ldap.modify(other.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [anchor] }) })]);
      try {
        const outcome = await engine.provision(ashley.userPrincipalName, { dryRun: true });
        expect(outcome.record.provisioningStatusInfo.errorInformation?.errorCode).toBe('DuplicateTargetEntries');
      } finally {
        await ldap.modify(other.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: other.consistency ? [other.consistency] : [] }) })]);
      }
    });

    it('skips NotDirSynced, in a full cycle as on demand, when the Entra user exists but is no longer synced', async () => {
      const before = await engine.sync({ dryRun: true });
      graphBefore = { onPremisesSyncEnabled: true };
      await emulatorAdmin('PATCH', graphPath, { onPremisesSyncEnabled: false });
      const summary = await engine.sync({ dryRun: true });
      // Her user is looked up like any other (not only among synced users), so this is no MissingCloudUser.
      expect(summary.skipped.NotDirSynced).toBe((before.skipped.NotDirSynced ?? 0) + 1);
      expect(summary.inScope).toBe(before.inScope - 1);
      expect(summary.failed).toEqual({});
      expect(await engine.provision(ashley.userPrincipalName, { dryRun: true })).toMatchObject({ kind: 'skipped', reason: 'NotDirSynced' });
    });

    it('skips DomainNotServed when the user lives in a domain this configuration does not serve', async () => {
      graphBefore = { onPremisesDomainName: facts.directory.dnsName };
      await emulatorAdmin('PATCH', graphPath, { onPremisesDomainName: 'emea.example.com' });
      const outcome = await engine.provision(ashley.userPrincipalName, { dryRun: true });
      expect(outcome).toMatchObject({ kind: 'skipped', reason: 'DomainNotServed' });
    });
  });

  it('skips a cloud-managed user outside the scoped OU as OutOfScopeContainer, untouched', async () => {
    const kemi = person('kokafor');
    const before = await readUser(ldap, kemi.key, ['uSNChanged']);
    await exoSet(kemi.userPrincipalName, { customAttribute: ['6=outside'] });
    const outcome = await engine.provision(kemi.userPrincipalName);
    expect(outcome).toMatchObject({ kind: 'skipped', reason: 'OutOfScopeContainer' });
    expect(await readUser(ldap, kemi.key, ['uSNChanged'])).toEqual(before);
  });

  it('never changes identity attributes, and a dry run changes nothing at all', async () => {
    const snapshot = async () => {
      const { searchEntries } = await ldap.search(facts.directory.baseDn, { filter: '(&(objectClass=user)(mail=*))', attributes: [...IDENTITY_ATTRIBUTES, 'uSNChanged'], paged: { pageSize: 200 } });
      return new Map(searchEntries.map((e) => [e.dn, e]));
    };
    const before = await snapshot();
    await exoSet('ashley.taylor@contoso.com', { customAttribute: ['11=dry run probe'] });
    const dry = await engine.sync({ dryRun: true });
    expect(dry.updated).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);

    await engine.sync();
    const after = await snapshot();
    for (const [dn, entry] of before) {
      const now = after.get(dn);
      for (const attribute of IDENTITY_ATTRIBUTES) expect([dn, attribute, now?.[attribute]]).toEqual([dn, attribute, entry[attribute]]);
    }
  });

  it('stops a cycle whose provisioning log cannot be written, with the file system\'s reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exo-log-'));
    await writeFile(join(dir, 'not-a-folder'), '');
    const broken = WritebackEngine.open(await loadConfig(facts.engineConfigFile), { log: new JsonlProvisioningLog(join(dir, 'not-a-folder', 'provisioning-log.jsonl')) });
    try {
      // The cycle ends with the file system's error instead of carrying on without its log.
      await expect(broken.sync({ dryRun: true })).rejects.toThrow(/ENOTDIR|EEXIST/);
    } finally {
      await broken.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('completes correctly through bursts of 429 and 503 from every endpoint', async () => {
    await exoSet('ashley.taylor@contoso.com', { customAttribute: ['13=through throttling'] });
    await emulatorAdmin('POST', '/faults', [
      { endpoint: 'exo', kind: 'throttle', count: 2, retryAfterSeconds: 0.01 },
      { endpoint: 'exo', kind: 'unavailable', count: 2, retryAfterSeconds: 0 },
      { endpoint: 'graph', kind: 'throttle', count: 2, retryAfterSeconds: 0.01 },
      { endpoint: 'token', kind: 'unavailable', count: 1, retryAfterSeconds: 0 },
    ]);
    const { engine: fresh } = await labEngine();
    try {
      const summary = await fresh.sync();
      expect(summary.failed).toEqual({});
      expect(summary.updated).toBe(1);
      // Counted rules leave the list once spent: an empty list proves every burst hit and was retried.
      expect((await emulatorAdmin('GET', '/faults')).body).toEqual({ rules: [] });
    } finally {
      await fresh.close();
    }
    expect((await readUser(ldap, 'ataylor', ['extensionAttribute13'])).extensionAttribute13).toEqual(['through throttling']);
  });
});

async function guidsOf(ldap: Client, sam: string): Promise<{ dn: string; objectGuid: Buffer; consistency: Buffer | null }> {
  const { searchEntries } = await ldap.search(inject('lab').directory.baseDn, {
    filter: `(sAMAccountName=${sam})`, attributes: ['objectGUID', 'mS-DS-ConsistencyGuid'], explicitBufferAttributes: ['objectGUID', 'mS-DS-ConsistencyGuid'],
  });
  const entry = searchEntries[0]!;
  const consistency = entry['mS-DS-ConsistencyGuid'];
  return { dn: entry.dn, objectGuid: entry.objectGUID as Buffer, consistency: Buffer.isBuffer(consistency) ? consistency : null };
}

async function sidOf(ldap: Client, sam: string): Promise<string> {
  const { searchEntries } = await ldap.search(inject('lab').directory.baseDn, { filter: `(sAMAccountName=${sam})`, attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] });
  const sid = searchEntries[0]!.objectSid as Buffer;
  const sub = Array.from({ length: sid[1]! }, (_, i) => sid.readUInt32LE(8 + i * 4));
  return `S-${sid[0]}-${sid.readUIntBE(2, 6)}-${sub.join('-')}`;
}

async function externalIdOf(ldap: Client, sam: string): Promise<{ dn: string; external: string | null }> {
  const { searchEntries } = await ldap.search(inject('lab').directory.baseDn, { filter: `(sAMAccountName=${sam})`, attributes: ['msDS-ExternalDirectoryObjectId'] });
  const entry = searchEntries[0]!;
  const value = entry['msDS-ExternalDirectoryObjectId'];
  return { dn: entry.dn, external: typeof value === 'string' && value ? value : null };
}
