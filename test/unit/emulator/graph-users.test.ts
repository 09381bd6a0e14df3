import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './emulator-fixture.js';

const ANCHORS = 'id,userPrincipalName,mail,proxyAddresses,onPremisesImmutableId,onPremisesSecurityIdentifier,onPremisesDistinguishedName,onPremisesDomainName,onPremisesSamAccountName,onPremisesUserPrincipalName,onPremisesSyncEnabled,onPremisesLastSyncDateTime';

interface GraphBody {
  '@odata.context'?: string;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  value?: Record<string, unknown>[];
  error?: { code: string; message: string; innerError: Record<string, string> };
  [key: string]: unknown;
}

describe('Graph users', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ mailboxes: 260 });
  });
  afterAll(() => t.close());

  const json = async (path: string, token?: string, headers?: Record<string, string>) => {
    const response = await t.graph(path, token, headers);
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphBody };
  };
  const synced = () => t.users.filter((u) => u.syncedToEntra);

  it('lists synced users with the anchors selected, 999 per page, following nextLink', async () => {
    const first = await json(`/v1.0/users?$filter=onPremisesSyncEnabled eq true&$select=${ANCHORS}&$top=999`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(first.body['@odata.context']).toBe(`${t.url}/v1.0/$metadata#users(${ANCHORS})`);
    expect(first.body.value?.length).toBe(synced().length);
    expect(first.body['@odata.nextLink']).toBeUndefined();
    const ashley = t.users.find((u) => u.key === 'ataylor');
    const user = first.body.value?.find((u) => u.id === ashley?.entraId);
    expect(Object.keys(user ?? {})).toEqual(ANCHORS.split(','));
    expect(user).toMatchObject({
      userPrincipalName: ashley?.userPrincipalName,
      onPremisesDomainName: 'lab.example.com',
      onPremisesSamAccountName: 'ataylor',
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: '2026-08-01T12:00:00Z',
    });
    expect(Buffer.from(user?.onPremisesImmutableId as string, 'base64')).toHaveLength(16);
    expect(user?.onPremisesSecurityIdentifier).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
    expect(user?.onPremisesDistinguishedName).toBe(`CN=Ashley Taylor,${ashley?.parentDn}`);
  });

  it('pages 100 at a time by default and never repeats a user', async () => {
    let page = await json('/v1.0/users?$filter=onPremisesSyncEnabled eq true&$select=id');
    const ids: string[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      expect(page.body.value?.length).toBeLessThanOrEqual(100);
      ids.push(...(page.body.value ?? []).map((u) => u.id as string));
      const next = page.body['@odata.nextLink'];
      if (!next) break;
      expect(next.startsWith(`${t.url}/v1.0/users?`)).toBe(true);
      expect(next).toContain('%24skiptoken=');
      page = await json(next);
    }
    expect(pages).toBe(Math.ceil(synced().length / 100));
    expect(new Set(ids).size).toBe(synced().length);
  });

  it('returns the default property set without $select, and no onPremises* properties', async () => {
    const { body } = await json('/v1.0/users?$top=1');
    expect(Object.keys(body.value?.[0] ?? {}).sort()).toEqual(['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName']);
    expect(body['@odata.context']).toBe(`${t.url}/v1.0/$metadata#users`);
  });

  it('includes cloud-only users without $filter, with onPremisesSyncEnabled null', async () => {
    const all: Record<string, unknown>[] = [];
    let next: string | undefined = '/v1.0/users?$select=displayName,onPremisesSyncEnabled,onPremisesImmutableId&$top=999';
    while (next) {
      const page = await json(next);
      all.push(...(page.body.value ?? []));
      next = page.body['@odata.nextLink'];
    }
    expect(all.filter((u) => u.onPremisesSyncEnabled === null).map((u) => u.displayName).sort()).toEqual(['Cloud Helpdesk', 'Nora Cloudonly']);
    expect(all.find((u) => u.displayName === 'Nora Cloudonly')?.onPremisesImmutableId).toBeNull();
  });

  it('refuses $top=1000 with the exact message', async () => {
    const { status, body } = await json('/v1.0/users?$top=1000');
    expect(status).toBe(400);
    expect(body.error?.message).toBe("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    expect(body.error?.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses unsupported filters and unknown $select properties', async () => {
    const filter = await json("/v1.0/users?$filter=startswith(displayName,'A')");
    expect(filter.status).toBe(400);
    expect(filter.body.error?.code).toBe('Request_UnsupportedQuery');
    const select = await json('/v1.0/users?$select=id,shoeSize');
    expect(select.status).toBe(400);
    expect(select.body.error?.message).toBe("Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.");
  });

  it('looks users up by `id in (…)`: synced or not, absent ids left out, at most 15 values', async () => {
    const cloudOnly = (await json('/v1.0/users?$select=id,displayName&$top=999')).body.value?.find((u) => u.displayName === 'Nora Cloudonly');
    const ids = [synced()[0]?.entraId as string, cloudOnly?.id as string];
    const missing = '00000000-0000-4000-8000-000000000000';
    const list = [ids[0]!.toUpperCase(), missing, ids[1]!].map((id) => `'${id}'`).join(', ');
    const found = await json(`/v1.0/users?$filter=${encodeURIComponent(`id in (${list})`)}&$select=id,onPremisesSyncEnabled`);
    expect(found.status).toBe(200);
    expect(found.body.value?.map((u) => u.id).sort()).toEqual([...ids].sort());
    expect(found.body.value?.find((u) => u.id === ids[1])?.onPremisesSyncEnabled).toBeNull();
    const sixteen = Array.from({ length: 16 }, (_, i) => `'00000000-0000-4000-8000-${String(i).padStart(12, '0')}'`).join(',');
    const tooMany = await json(`/v1.0/users?$filter=${encodeURIComponent(`id in (${sixteen})`)}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'Request_UnsupportedQuery', message: "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15." });
  });

  it('gets one user by id or UPN, and answers 404 in Graph\'s envelope', async () => {
    const ashley = t.users.find((u) => u.key === 'ataylor');
    const byId = await json(`/v1.0/users/${ashley?.entraId}?$select=id,onPremisesSecurityIdentifier`);
    expect(byId.status).toBe(200);
    expect(byId.body['@odata.context']).toBe(`${t.url}/v1.0/$metadata#users(id,onPremisesSecurityIdentifier)/$entity`);
    expect(Object.keys(byId.body)).toEqual(['@odata.context', 'id', 'onPremisesSecurityIdentifier']);
    expect((await json(`/v1.0/users/${ashley?.userPrincipalName}?$select=id`)).body.id).toBe(ashley?.entraId);
    const missing = await json('/v1.0/users/00000000-0000-4000-8000-000000000000', undefined, { 'client-request-id': 'abc' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'Request_ResourceNotFound',
      message: "Resource '00000000-0000-4000-8000-000000000000' does not exist or one of its queried reference-property objects are not present.",
      innerError: { date: '2026-08-01T12:00:00', 'client-request-id': 'abc' },
    });
  });

  it('refuses a missing token and an EXO token (wrong audience)', async () => {
    const none = await fetch(`${t.url}/v1.0/users`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as GraphBody).error?.code).toBe('InvalidAuthenticationToken');
    const exo = await json('/v1.0/users', await t.token('exo'));
    expect(exo.status).toBe(401);
    expect(exo.body.error?.message).toBe('Access token validation failure. Invalid audience.');
  });

  it('runs delta rounds: everything first, then only changes and deletions; 410 for a bad token', async () => {
    const readRound = async (start: string) => {
      const items: Record<string, unknown>[] = [];
      let page = await json(start, undefined, { Prefer: 'odata.maxpagesize=50' });
      for (;;) {
        expect(page.status).toBe(200);
        items.push(...(page.body.value ?? []));
        if (page.body['@odata.deltaLink']) return { items, deltaLink: page.body['@odata.deltaLink'] };
        const next = page.body['@odata.nextLink'];
        expect(next).toBeDefined();
        page = await json(next as string, undefined, { Prefer: 'odata.maxpagesize=50' });
      }
    };
    const first = await readRound('/v1.0/users/delta?$select=id,displayName,onPremisesImmutableId');
    expect(first.items.length).toBe(t.emulator.state.graphUsers().length);
    expect(first.deltaLink).toMatch(new RegExp(`^${t.url}/v1.0/users/delta\\?\\$deltatoken=`));

    const empty = await readRound(first.deltaLink);
    expect(empty.items).toEqual([]);

    const [changed, deleted] = t.users.filter((u) => u.syncedToEntra && u.key !== 'ataylor');
    const admin = (method: string, id: string, body?: unknown) =>
      fetch(`${t.url}/_emulator/graph/users/${id}`, { method, headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    expect((await admin('PATCH', changed?.entraId ?? '', { displayName: 'Renamed In Entra' })).status).toBe(200);
    expect((await admin('DELETE', deleted?.entraId ?? '')).status).toBe(204);

    const second = await readRound(empty.deltaLink);
    expect(second.items).toHaveLength(2);
    expect(second.items).toContainEqual(expect.objectContaining({ id: changed?.entraId, displayName: 'Renamed In Entra' }));
    expect(second.items).toContainEqual({ id: deleted?.entraId, '@removed': { reason: 'deleted' } });
    expect(Object.keys(second.items.find((i) => i.id === changed?.entraId) ?? {})).toEqual(['id', 'displayName', 'onPremisesImmutableId']);

    expect((await readRound(second.deltaLink)).items).toEqual([]);
    const gone = await json(`${t.url}/v1.0/users/delta?$deltatoken=forged`);
    expect(gone.status).toBe(410);
    t.clock.advance(8 * 24 * 3600 * 1000);
    try {
      // The graph token expired too; fetch a fresh one at the new time.
      const fresh = await fetch(`${t.url}/${t.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: t.emulator.state.data.apps[0]?.clientId ?? '', client_secret: t.emulator.state.data.apps[0]?.clientSecrets[0] ?? '', scope: 'https://graph.microsoft.com/.default' }),
      });
      const token = ((await fresh.json()) as { access_token: string }).access_token;
      expect((await t.graph(second.deltaLink, token)).status).toBe(410);
    } finally {
      t.clock.advance(-8 * 24 * 3600 * 1000);
    }
  });
});
