import { describe, expect, it } from 'vitest';
import { applyFiller, Filler, FILLER_PARENT_DN, FILLER_QUICK_PROPERTIES, FILLER_RID_BASE, type FillerParameters } from '../../../lab/emulator/filler.js';
import { filterAccessor, mailboxJsonProjector, MAILBOX_PROPERTIES, projectMailbox } from '../../../lab/emulator/mailbox-projection.js';
import { resolveMailbox } from '../../../lab/emulator/mailbox-identity.js';
import { syntheticAnchors } from '../../../lab/emulator/synthetic-anchors.js';
import { buildTenantState } from '../../../lab/emulator/tenant-builder.js';
import { CUSTOM_ATTRIBUTE_COUNT, EXTENSION_CUSTOM_ATTRIBUTE_COUNT, TenantStore, type ExoMailbox } from '../../../lab/emulator/tenant-state.js';
import { LAB_DOMAIN, LAB_TENANT } from '../../../lab/seed/lab-domain.js';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { CLIENT_ID, fixtureTempDir, labPki } from './emulator-fixture.js';
import { join } from 'node:path';

const PARAMS: FillerParameters = {
  count: 5000,
  seed: 7,
  tenantId: LAB_TENANT.tenantId,
  domainSid: 'S-1-5-21-111-222-333',
  firstSeq: 1000,
  firstUs: Date.parse('2026-08-01T12:00:00Z') * 1000,
  syncTime: '2026-08-01T12:00:00Z',
};

describe('filler generation', () => {
  it('is deterministic: the same seed and count give the same objects, another seed others', () => {
    const a = new Filler(PARAMS);
    const b = new Filler({ ...PARAMS });
    const c = new Filler({ ...PARAMS, seed: 8 });
    for (const g of [0, 1, 2500, 4999]) {
      expect(b.mailbox(g)).toEqual(a.mailbox(g));
      expect(b.user(g)).toEqual(a.user(g));
      expect(c.mailbox(g)?.Guid).not.toBe(a.mailbox(g)?.Guid);
      expect(c.user(g)?.id).not.toBe(a.user(g)?.id);
      expect(c.user(g)?.onPremisesImmutableId).not.toBe(a.user(g)?.onPremisesImmutableId);
    }
  });

  it('orders mailbox Guids by index and Entra ids by a permutation of it, all unique', () => {
    const f = new Filler(PARAMS);
    const guids = Array.from({ length: PARAMS.count }, (_, g) => f.mailboxGuid(g));
    for (let g = 1; g < guids.length; g++) expect(guids[g - 1]! < guids[g]!).toBe(true);
    const byRank = Array.from({ length: PARAMS.count }, (_, r) => f.userIdAtRank(r));
    for (let r = 1; r < byRank.length; r++) expect(byRank[r - 1]! < byRank[r]!).toBe(true);
    const owners = new Set<number>();
    for (let r = 0; r < PARAMS.count; r++) {
      const g = f.userAtRank(r);
      owners.add(g);
      expect(f.userIdRank(g)).toBe(r);
      expect(f.userId(g)).toBe(byRank[r]);
    }
    expect(owners.size).toBe(PARAMS.count);
    // Not simply the same order as the mailboxes.
    expect([...Array(50).keys()].map((g) => f.userIdRank(g))).not.toEqual([...Array(50).keys()]);
    const exchangeGuids = new Set(Array.from({ length: PARAMS.count }, (_, g) => f.mailbox(g)?.ExchangeGuid));
    expect(exchangeGuids.size).toBe(PARAMS.count);
    for (const g of [0, 17, 4999]) expect(f.mailbox(g)?.Guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Spread over the whole key space, like random GUIDs.
    expect(guids[0]!.slice(0, 2)).toBe('00');
    expect(guids[PARAMS.count - 1]!.slice(0, 2)).toBe('ff');
    expect(f.mailboxRankAfter(guids[99]!)).toBe(100);
    // Keys that are no filler Guid (e.g. a real mailbox's) land between their neighbours.
    expect(f.mailboxRankAfter(`${guids[99]!.slice(0, 35)}g`)).toBe(100);
    expect(f.mailboxRankAfter(`${guids[99]!.slice(0, 35)}!`)).toBe(99);
    expect(f.mailboxRankAfter('0')).toBe(0);
    expect(f.mailboxRankAfter('g')).toBe(PARAMS.count);
  });

  it('builds dir-synced, not cloud-managed user mailboxes with the seeded shape and a matching synced Entra user', () => {
    const f = new Filler(PARAMS);
    for (let g = 0; g < 400; g++) {
      const m = f.mailbox(g) as ExoMailbox;
      const u = f.user(g);
      expect(m).toMatchObject({ RecipientType: 'UserMailbox', RecipientTypeDetails: 'UserMailbox', IsDirSynced: true, IsExchangeCloudManaged: false, HiddenFromAddressListsEnabled: false });
      expect(m.EmailAddresses.filter((a) => a.startsWith('SMTP:'))).toEqual([`SMTP:${m.PrimarySmtpAddress}`]);
      expect(m.EmailAddresses.some((a) => a.startsWith('SPO:SPO_'))).toBe(true);
      expect(m.EmailAddresses).toContain(`X500:${m.LegacyExchangeDN}`);
      expect(m.PrimarySmtpAddress).toBe(m.UserPrincipalName);
      expect(m.WindowsEmailAddress).toBe(m.PrimarySmtpAddress);
      expect(m.CustomAttributes).toHaveLength(CUSTOM_ATTRIBUTE_COUNT);
      expect(m.ExtensionCustomAttributes).toHaveLength(EXTENSION_CUSTOM_ATTRIBUTE_COUNT);
      expect(m.WhenChangedUs).toBe(PARAMS.firstUs + 2 * g);
      expect(m.ExternalDirectoryObjectId).toBe(u?.id);
      expect(u).toMatchObject({
        userPrincipalName: m.UserPrincipalName,
        mail: m.PrimarySmtpAddress,
        onPremisesSyncEnabled: true,
        onPremisesDomainName: LAB_DOMAIN.dnsName,
        onPremisesSamAccountName: m.Alias,
        onPremisesUserPrincipalName: m.UserPrincipalName,
        onPremisesSecurityIdentifier: `S-1-5-21-111-222-333-${FILLER_RID_BASE + g}`,
        onPremisesDistinguishedName: `CN=${m.Name},${FILLER_PARENT_DN}`,
        onPremisesLastSyncDateTime: PARAMS.syncTime,
        changeSeq: PARAMS.firstSeq + 2 * g + 1,
      });
      expect(u?.proxyAddresses).toEqual(m.EmailAddresses.filter((a) => !a.startsWith('SPO:')));
      expect(Buffer.from(u?.onPremisesImmutableId ?? '', 'base64')).toHaveLength(16);
      expect(m.Alias.length).toBeLessThanOrEqual(20);
    }
    const all = Array.from({ length: PARAMS.count }, (_, g) => f.mailbox(g) as ExoMailbox);
    // "Sometimes set": a mix, not all or nothing.
    const costCentres = all.filter((m) => m.CustomAttributes[6] !== '').length;
    expect(costCentres).toBeGreaterThan(PARAMS.count * 0.3);
    expect(costCentres).toBeLessThan(PARAMS.count * 0.5);
    const tagged = all.filter((m) => (m.ExtensionCustomAttributes[0] ?? []).length > 0).length;
    expect(tagged).toBeGreaterThan(PARAMS.count * 0.1);
    expect(tagged).toBeLessThan(PARAMS.count * 0.3);
    for (const key of ['Alias', 'Name', 'UserPrincipalName', 'LegacyExchangeDN'] as const) {
      expect(new Set(all.map((m) => m[key].toLowerCase())).size).toBe(PARAMS.count);
    }
  });

  it('answers the quick properties exactly as the built mailbox does', () => {
    const f = new Filler(PARAMS);
    for (const g of [0, 1, 777, 4999]) {
      const get = filterAccessor(f.mailbox(g) as ExoMailbox);
      for (const property of FILLER_QUICK_PROPERTIES) expect(f.quickMailboxProperty(g, property)).toEqual(get(property));
      expect(f.quickMailboxProperty(g, 'DisplayName')).toBeUndefined();
    }
  });

  it('finds a mailbox by every identity Exchange resolves, without a scan', () => {
    const f = new Filler(PARAMS);
    for (const g of [0, 9, 10, 99, 1234, 4999]) {
      const m = f.mailbox(g) as ExoMailbox;
      const identities = [m.Guid, m.ExternalDirectoryObjectId, m.ExchangeGuid, m.Alias, m.Name, m.UserPrincipalName, m.LegacyExchangeDN,
        ...m.EmailAddresses.filter((a) => /^smtp:/i.test(a)).map((a) => a.slice(5)), `smtp:${m.PrimarySmtpAddress}`, ` ${m.Alias.toUpperCase()} `];
      for (const identity of identities) {
        const candidates = f.identityCandidates(identity);
        expect(candidates, identity).toContain(g);
        expect(resolveMailbox(candidates.map((c) => f.mailbox(c) as ExoMailbox), identity).Guid).toBe(m.Guid);
      }
    }
    expect(f.identityCandidates('nobody@contoso.com')).toEqual([]);
    expect(f.indexOfMailboxGuid('00000000-0000-4000-8000-000000000000')).toBe(-1);
  });

  it('takes its anchors from the lab domain but never collides with the organisation', async () => {
    const { appCertPem } = await labPki();
    const users = buildOrganisation({ mailboxes: 1500 });
    const data = buildTenantState(users, syntheticAnchors(users), { appCertificatePem: appCertPem, clientId: CLIENT_ID });
    const store = await TenantStore.create(join(await fixtureTempDir('exo-filler-'), 'tenant.json'), data, { saveDelayMs: 60_000 });
    applyFiller(store, { mailboxes: 20_000, seed: 3 }, Date.parse('2026-08-01T12:00:00Z'));
    const filler = store.filler as Filler;
    const realSid = data.graphUsers.find((u) => u.onPremisesSecurityIdentifier)?.onPremisesSecurityIdentifier ?? '';
    const domainSid = realSid.replace(/-\d+$/, '');
    const realRids = data.graphUsers.flatMap((u) => (u.onPremisesSecurityIdentifier ? [Number(u.onPremisesSecurityIdentifier.split('-').pop())] : []));
    expect(Math.max(...realRids)).toBeLessThan(FILLER_RID_BASE);
    const taken = new Set<string>();
    for (const m of data.mailboxes) for (const v of [m.Guid, m.ExchangeGuid, m.ExternalDirectoryObjectId, m.Alias, m.Name, m.UserPrincipalName, ...m.EmailAddresses]) taken.add(v.toLowerCase());
    for (const u of data.graphUsers) for (const v of [u.id, u.onPremisesImmutableId, u.onPremisesSamAccountName, u.onPremisesDistinguishedName]) if (v) taken.add(v.toLowerCase());
    for (let g = 0; g < filler.count; g++) {
      const m = filler.mailbox(g) as ExoMailbox;
      const u = filler.user(g);
      expect(u?.onPremisesSecurityIdentifier?.startsWith(`${domainSid}-`)).toBe(true);
      for (const v of [m.Guid, m.ExchangeGuid, m.ExternalDirectoryObjectId, m.Alias, m.Name, m.UserPrincipalName, ...m.EmailAddresses.filter((a) => !a.startsWith('SPO:')),
        u?.onPremisesImmutableId ?? '', u?.onPremisesDistinguishedName ?? '']) {
        if (taken.has(v.toLowerCase())) throw new Error(`filler ${g} collides with the organisation on ${v}`);
      }
    }
    expect(store.mailboxCount()).toBe(data.mailboxes.length + 20_000);
    expect(store.graphUserCount()).toBe(data.graphUsers.length + 20_000);
  });

  it('serialises a mailbox as text exactly as JSON.stringify of its projection', () => {
    const f = new Filler(PARAMS);
    const odd = structuredClone(f.mailbox(3) as ExoMailbox);
    odd.DisplayName = 'Quote " backslash \\ tab \t nul \u0000 line\u2028 emoji 😀 lone \ud800 end';
    odd.CustomAttributes[0] = '</script>';
    odd.ExtensionCustomAttributes[1] = ['a"b', 'c\\d', '\u001f'];
    const project = mailboxJsonProjector(MAILBOX_PROPERTIES);
    for (const m of [odd, ...Array.from({ length: 50 }, (_, g) => f.mailbox(g) as ExoMailbox)]) {
      expect(project(m)).toBe(JSON.stringify(projectMailbox(m, MAILBOX_PROPERTIES)));
    }
    const some = MAILBOX_PROPERTIES.filter((_, i) => i % 3 === 0);
    expect(mailboxJsonProjector(some)(odd)).toBe(JSON.stringify(projectMailbox(odd, some)));
  });
});
