import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Filler } from '../../../lab/emulator/filler.js';
import type { TenantData } from '../../../lab/emulator/tenant-state.js';
import { startTestEmulator, type ExoBody, type TestEmulator } from './emulator-fixture.js';

interface GraphBody {
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  value?: Record<string, unknown>[];
  error?: { code: string; message: string };
  [key: string]: unknown;
}

const ALL = { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited' } } };
const lower = (s: string) => s.toLowerCase();
const byKey = (a: string, b: string) => (lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0);

/** Control-API call. */
async function admin(t: TestEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${t.url}/_emulator/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function graphJson(t: TestEmulator, path: string, headers?: Record<string, string>): Promise<{ status: number; body: GraphBody }> {
  const response = await t.graph(path, undefined, headers);
  return { status: response.status, body: (await response.json()) as GraphBody };
}

/** Pages Get-Mailbox to the end; returns the Guids served and the page count. */
async function allMailboxPages(t: TestEmulator, body: unknown, pageSize: number): Promise<{ guids: string[]; pages: number }> {
  const prefer = `odata.maxpagesize=${pageSize}`;
  let page = (await (await t.invoke(body, { select: 'Guid', prefer })).json()) as ExoBody;
  const guids: string[] = [];
  let pages = 0;
  for (;;) {
    pages++;
    expect(page.value?.length).toBeLessThanOrEqual(pageSize);
    guids.push(...(page.value ?? []).map((m) => m.Guid as string));
    const next = page['@odata.nextLink'];
    if (!next) return { guids, pages };
    page = (await (await t.invoke(body, { url: next, prefer })).json()) as ExoBody;
  }
}

/** Pages a Graph list or delta round to the end. */
async function allGraphPages(t: TestEmulator, start: string, headers?: Record<string, string>): Promise<{ items: Record<string, unknown>[]; pages: number; deltaLink?: string }> {
  const items: Record<string, unknown>[] = [];
  let pages = 0;
  let page = await graphJson(t, start, headers);
  for (;;) {
    expect(page.status).toBe(200);
    pages++;
    items.push(...(page.body.value ?? []));
    const next = page.body['@odata.nextLink'];
    if (!next) return { items, pages, ...(page.body['@odata.deltaLink'] ? { deltaLink: page.body['@odata.deltaLink'] } : {}) };
    page = await graphJson(t, next, headers);
  }
}

describe('filler mailboxes', () => {
  let t: TestEmulator;
  let filler: Filler;
  let syncedReal: number;
  // So that the synced users fill exactly three pages of 999: the last page must carry no nextLink.
  const fillerCount = () => 3 * 999 - syncedReal;

  beforeAll(async () => {
    t = await startTestEmulator({ saveDelayMs: 60_000 });
    syncedReal = t.emulator.state.graphUsers().filter((u) => u.onPremisesSyncEnabled === true).length;
    const put = await admin(t, 'PUT', 'filler', { mailboxes: fillerCount(), seed: 7 });
    expect(put.status).toBe(200);
    filler = t.emulator.state.filler as Filler;
  });
  afterAll(() => t.close());

  it('reports the filler and the totals, and counts it in the state', async () => {
    const state = await admin(t, 'GET', 'state');
    const realMailboxes = t.emulator.state.mailboxes().length;
    expect(state.json).toMatchObject({ mailboxes: realMailboxes + fillerCount(), graphUsers: t.emulator.state.graphUsers().length + fillerCount() });
    expect(state.json.filler).toMatchObject({ mailboxes: fillerCount(), seed: 7, persisted: false });
    expect((await admin(t, 'GET', 'filler')).json).toMatchObject({ mailboxes: fillerCount(), totalMailboxes: realMailboxes + fillerCount() });
  });

  it('pages Get-Mailbox over real and filler mailboxes: each once, in Guid order, ending without a nextLink', async () => {
    const expected = [...t.emulator.state.mailboxes().map((m) => m.Guid), ...Array.from({ length: filler.count }, (_, g) => filler.mailboxGuid(g))].sort(byKey);
    const { guids, pages } = await allMailboxPages(t, ALL, 1000);
    expect(guids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 1000));
    // A filter only cheap properties decide (filler skipped unbuilt) and one that needs the whole mailbox.
    const cloudOnly = await allMailboxPages(t, { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited', Filter: 'IsDirSynced -eq $false' } } }, 1000);
    expect(cloudOnly.guids.sort(byKey)).toEqual(t.emulator.state.mailboxes().filter((m) => !m.IsDirSynced).map((m) => m.Guid).sort(byKey));
    const named = await allMailboxPages(t, { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited', Filter: "DisplayName -like 'olivia*'" } } }, 5);
    const wanted = [...t.emulator.state.mailboxes(), ...Array.from({ length: filler.count }, (_, g) => filler.mailbox(g))]
      .filter((m) => m?.DisplayName.toLowerCase().startsWith('olivia')).map((m) => m?.Guid as string);
    expect(wanted.length).toBeGreaterThan(10);
    expect(named.guids).toEqual(wanted.sort(byKey));
  });

  it('pages Graph users over real and filler users: each once, in id order, ending without a nextLink', async () => {
    const synced = await allGraphPages(t, '/v1.0/users?$filter=onPremisesSyncEnabled eq true&$select=id,onPremisesSyncEnabled&$top=999');
    expect(synced.pages).toBe(3);
    const expected = [...t.emulator.state.graphUsers().filter((u) => u.onPremisesSyncEnabled === true).map((u) => u.id), ...Array.from({ length: filler.count }, (_, r) => filler.userIdAtRank(r))].sort(byKey);
    expect(synced.items.map((u) => u.id)).toEqual(expected);
    const everyone = await allGraphPages(t, '/v1.0/users?$select=id');
    expect(everyone.items).toHaveLength(t.emulator.state.graphUsers().length + filler.count);
    expect(everyone.pages).toBe(Math.ceil(everyone.items.length / 100));
    const ids = everyone.items.map((u) => u.id as string);
    expect([...ids].sort(byKey)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('serves filler users and mailboxes to lookups by id, UPN and every mailbox identity', async () => {
    const g = 1234;
    const m = filler.mailbox(g);
    const u = filler.user(g);
    const byId = await graphJson(t, `/v1.0/users/${u?.id}?$select=id,onPremisesImmutableId,onPremisesSecurityIdentifier`);
    expect(byId.body).toMatchObject({ id: u?.id, onPremisesImmutableId: u?.onPremisesImmutableId, onPremisesSecurityIdentifier: u?.onPremisesSecurityIdentifier });
    expect((await graphJson(t, `/v1.0/users/${u?.userPrincipalName.toUpperCase()}?$select=id`)).body.id).toBe(u?.id);
    const filtered = await graphJson(t, `/v1.0/users?$filter=id eq '${u?.id}'&$select=id`);
    expect(filtered.body.value).toEqual([{ id: u?.id }]);
    expect(filtered.body['@odata.nextLink']).toBeUndefined();
    for (const identity of [m?.Guid, m?.ExternalDirectoryObjectId, m?.ExchangeGuid, m?.Alias, m?.Name, m?.UserPrincipalName, m?.LegacyExchangeDN, m?.EmailAddresses[1]?.slice(5)]) {
      const { status, json } = await t.cmdlet('Get-Mailbox', { Identity: identity }, 'Guid,IsDirSynced,IsExchangeCloudManaged');
      expect(status, identity).toBe(200);
      expect(json.value).toEqual([expect.objectContaining({ Guid: m?.Guid, IsDirSynced: true, IsExchangeCloudManaged: false })]);
    }
    expect((await t.cmdlet('Get-Mailbox', { Identity: 'nobody.99999999@contoso.com' })).status).toBe(404);
  });

  it('applies Set-Mailbox to a filler mailbox in memory, as Exchange would, and never writes the filler', async () => {
    const m = filler.mailbox(42);
    const refused = await t.cmdlet('Set-Mailbox', { Identity: m?.Alias, CustomAttribute3: 'x' });
    expect(refused.status).toBe(400);
    const before = (await t.cmdlet('Get-Mailbox', { Identity: m?.Guid }, 'WhenChangedUTC')).json.value?.[0]?.WhenChangedUTC as string;
    expect((await t.cmdlet('Set-Mailbox', { Identity: m?.Alias, IsExchangeCloudManaged: true })).status).toBe(200);
    const converted = (await t.cmdlet('Get-Mailbox', { Identity: m?.Guid }, 'WhenChangedUTC')).json.value?.[0]?.WhenChangedUTC as string;
    expect(converted > before).toBe(true);
    expect((await t.cmdlet('Set-Mailbox', { Identity: m?.Alias, CustomAttribute3: 'edited', EmailAddresses: { Add: ['smtp:bench.alias@contoso.com'] } })).status).toBe(200);
    const after = (await t.cmdlet('Get-Mailbox', { Identity: 'bench.alias@contoso.com' }, 'Guid,CustomAttribute3,IsExchangeCloudManaged,WhenChangedUTC')).json.value?.[0];
    expect(after).toMatchObject({ Guid: m?.Guid, CustomAttribute3: 'edited', IsExchangeCloudManaged: true });
    expect((after?.WhenChangedUTC as string) > converted).toBe(true);
    // The edit shows in a WhenChanged filter (which skips unedited filler mailboxes unbuilt).
    const changed = await allMailboxPages(t, { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited', Filter: `WhenChangedUTC -ge '${converted}' -and IsDirSynced -eq $true` } } }, 1000);
    expect(changed.guids).toEqual([m?.Guid]);
    // Another mailbox cannot take the filler mailbox's addresses.
    const ashley = t.users.find((u) => u.key === 'ataylor');
    const clash = await t.cmdlet('Set-Mailbox', { Identity: ashley?.key, EmailAddresses: { Add: [`smtp:${filler.mailbox(43)?.PrimarySmtpAddress}`] } });
    expect(clash.status).toBe(400);
    expect(clash.json.error?.details[0]?.message).toContain('is already being used');

    await t.emulator.flush();
    const onDisk = JSON.parse(await readFile(t.statePath, 'utf8')) as TenantData;
    expect(onDisk.mailboxes).toHaveLength(t.emulator.state.mailboxes().length);
    expect(onDisk.graphUsers).toHaveLength(t.emulator.state.graphUsers().length);
    const text = JSON.stringify(onDisk);
    for (const g of [0, 42, filler.count - 1]) {
      expect(text).not.toContain(filler.mailboxGuid(g));
      expect(text).not.toContain(filler.userId(g));
    }
    expect(text).not.toContain('bench.alias');
    // The clock is persisted past the filler's creation ticks.
    expect(onDisk.clock.seq).toBeGreaterThanOrEqual(filler.generatedUserSeqs[1]);
  });

  it('runs delta rounds over filler users: all first, then only their changes and deletions', async () => {
    const first = await allGraphPages(t, '/v1.0/users/delta?$select=id,displayName', { Prefer: 'odata.maxpagesize=999' });
    expect(first.items).toHaveLength(t.emulator.state.graphUserCount());
    expect(new Set(first.items.map((u) => u.id)).size).toBe(first.items.length);
    const quiet = await allGraphPages(t, first.deltaLink as string);
    expect(quiet.items).toEqual([]);
    const [renamed, deleted] = [filler.user(5), filler.user(6)];
    expect((await admin(t, 'PATCH', `graph/users/${renamed?.id}`, { displayName: 'Renamed Filler' })).status).toBe(200);
    expect((await admin(t, 'DELETE', `graph/users/${deleted?.id}`)).status).toBe(204);
    const second = await allGraphPages(t, quiet.deltaLink as string);
    expect(second.items.sort((a, b) => byKey(a.id as string, b.id as string))).toEqual(
      [{ id: renamed?.id, displayName: 'Renamed Filler' }, { id: deleted?.id, '@removed': { reason: 'deleted' } }].sort((a, b) => byKey(a.id as string, b.id as string)),
    );
    expect((await graphJson(t, `/v1.0/users/${deleted?.id}`)).status).toBe(404);
    expect((await t.cmdlet('Get-Mailbox', { Identity: filler.mailboxGuid(6) })).status).toBe(404);
    expect((await graphJson(t, `/v1.0/users/${renamed?.id}?$select=displayName`)).body.displayName).toBe('Renamed Filler');
  });
});

describe('filler control', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ saveDelayMs: 60_000 });
  });
  afterAll(() => t.close());

  const firstIds = async () => ((await graphJson(t, '/v1.0/users?$select=id&$top=20')).body.value ?? []).map((u) => u.id as string);

  it('invalidates paging and delta links when the filler changes, and removes it with 0', async () => {
    const real = { mailboxes: t.emulator.state.mailboxes().length, users: t.emulator.state.graphUsers().length };
    const stateBefore = (await admin(t, 'GET', 'state')).json.stateId;
    const graphPage = await graphJson(t, '/v1.0/users?$select=id&$top=5');
    const exoPage = (await (await t.invoke(ALL, { select: 'Guid', prefer: 'odata.maxpagesize=5' })).json()) as ExoBody;
    const deltaRound = await allGraphPages(t, '/v1.0/users/delta?$select=id', { Prefer: 'odata.maxpagesize=999' });

    const put = await admin(t, 'PUT', 'filler', { mailboxes: 1500 });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ mailboxes: 1500, seed: 1, totalMailboxes: real.mailboxes + 1500, totalGraphUsers: real.users + 1500 });
    expect(typeof put.json.elapsedMs).toBe('number');
    expect(put.json.stateId).not.toBe(stateBefore);
    expect((await admin(t, 'GET', 'state')).json.stateId).toBe(put.json.stateId);

    expect((await graphJson(t, graphPage.body['@odata.nextLink'] as string)).status).toBe(400);
    expect((await t.invoke(ALL, { url: exoPage['@odata.nextLink'] })).status).toBe(400);
    expect((await graphJson(t, deltaRound.deltaLink as string)).status).toBe(410);

    const removed = await admin(t, 'PUT', 'filler', { mailboxes: 0 });
    expect(removed.json).toMatchObject({ mailboxes: 0, totalMailboxes: real.mailboxes, totalGraphUsers: real.users });
    expect(removed.json.stateId).not.toBe(put.json.stateId);
    expect((await allMailboxPages(t, ALL, 1000)).guids).toHaveLength(real.mailboxes);
    expect((await allGraphPages(t, '/v1.0/users?$select=id&$top=999')).items).toHaveLength(real.users);
  });

  it('serves the same filler for the same seed, another for another seed', async () => {
    await admin(t, 'PUT', 'filler', { mailboxes: 2000, seed: 11 });
    const a = await firstIds();
    await admin(t, 'PUT', 'filler', { mailboxes: 2000, seed: 11 });
    expect(await firstIds()).toEqual(a);
    await admin(t, 'PUT', 'filler', { mailboxes: 2000, seed: 12 });
    expect(await firstIds()).not.toEqual(a);
    await admin(t, 'PUT', 'filler', { mailboxes: 0 });
  });

  it('refuses bad settings', async () => {
    for (const body of [{ mailboxes: -1 }, { mailboxes: 1.5 }, { mailboxes: '10' }, { mailboxes: 20_000_000 }, { mailboxes: 1, seed: -2 }, { mailboxes: 1, extra: true }, []]) {
      expect((await admin(t, 'PUT', 'filler', body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('is memory only: a restarted emulator starts without filler, or with what its options say', async () => {
    await admin(t, 'PUT', 'filler', { mailboxes: 500 });
    const real = t.emulator.state.mailboxes().length;
    await t.close();
    const again = await startTestEmulator({ dir: t.dir });
    try {
      expect((await admin(again, 'GET', 'state')).json).toMatchObject({ mailboxes: real, filler: { mailboxes: 0 } });
    } finally {
      await again.close();
    }
    const withFiller = await startTestEmulator({ dir: t.dir, filler: { mailboxes: 300, seed: 5 } });
    try {
      expect((await admin(withFiller, 'GET', 'filler')).json).toMatchObject({ mailboxes: 300, seed: 5, totalMailboxes: real + 300 });
    } finally {
      await withFiller.close();
    }
  });
});
