import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESULT_SIZE_WARNING } from '../../../lab/emulator/get-mailbox.js';
import { EXO_RESOURCE, GRAPH_RESOURCE } from '../../../lab/emulator/tenant-state.js';
import { CLIENT_ID, exoErrorDetail, startTestEmulator, type ExoBody, type TestEmulator } from './emulator-fixture.js';

const ALL_DIR_SYNCED = { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited', Filter: 'IsDirSynced -eq $true' } } };

describe('EXO InvokeCommand: Get-Mailbox', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(() => t.close());

  it('answers with the gateway headers, context and warnings collection', async () => {
    const response = await t.invoke(ALL_DIR_SYNCED, { select: 'Alias' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers.get('rate-limit-limit'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('rate-limit-remaining'))).toBeLessThan(Number(response.headers.get('rate-limit-limit')));
    expect(response.headers.get('rate-limit-reset')).toBeTruthy();
    const body = (await response.json()) as Record<string, unknown>;
    expect(body['@odata.context']).toBe(`${t.url}/adminapi/beta/${t.tenantId}/$metadata#Collection(Exchange.GenericHashTable)`);
    expect(body['adminapi.warnings@odata.type']).toBe('#Collection(String)');
    expect(body['@adminapi.warnings']).toEqual([]);
    const synced = t.users.filter((u) => u.mailbox).length;
    expect((body.value as unknown[]).length).toBe(synced);
  });

  it('projects $select with the exact annotations and value forms', async () => {
    const select = 'ExternalDirectoryObjectId,Guid,ExchangeGuid,Alias,EmailAddresses,CustomAttribute1,CustomAttribute2,ExtensionCustomAttribute1,IsExchangeCloudManaged,WhenChanged,WhenChangedUTC,RecipientTypeDetails';
    const { status, json } = await t.cmdlet('Get-Mailbox', { Identity: 'ataylor' }, select);
    expect(status).toBe(200);
    const ashley = t.users.find((u) => u.key === 'ataylor');
    const m = json.value?.[0] ?? {};
    expect(Object.keys(m)).toEqual([
      'ExternalDirectoryObjectId', 'Alias', 'EmailAddresses@odata.type', 'EmailAddresses', 'CustomAttribute1', 'CustomAttribute2',
      'ExtensionCustomAttribute1@odata.type', 'ExtensionCustomAttribute1', 'RecipientTypeDetails', 'IsExchangeCloudManaged',
      'ExchangeGuid@data.type', 'ExchangeGuid@odata.type', 'ExchangeGuid', 'Guid@data.type', 'Guid@odata.type', 'Guid',
      'WhenChanged@data.type', 'WhenChanged', 'WhenChangedUTC@data.type', 'WhenChangedUTC',
    ]);
    expect(m).toMatchObject({
      ExternalDirectoryObjectId: ashley?.entraId,
      'Guid@data.type': 'System.Guid',
      'Guid@odata.type': '#Guid',
      Guid: ashley?.mailbox?.exoGuid,
      'EmailAddresses@odata.type': '#Collection(String)',
      EmailAddresses: ashley?.mailbox?.cloudEmailAddresses,
      CustomAttribute1: '',
      'ExtensionCustomAttribute1@odata.type': '#Collection(String)',
      IsExchangeCloudManaged: true,
      'WhenChanged@data.type': 'System.DateTime',
      RecipientTypeDetails: 'UserMailbox',
    });
    expect(m.WhenChangedUTC).toMatch(/^2026-08-01T12:00:00\.\d{7}Z$/);
    expect(m.WhenChanged).toMatch(/^2026-08-01T12:00:00\.\d{7}\+00:00$/);
    expect(Array.isArray(m.ExtensionCustomAttribute1)).toBe(true);
  });

  it('pages with maxpagesize and a nextLink that needs the same body', async () => {
    const first = await t.invoke(ALL_DIR_SYNCED, { select: 'Guid,Alias', prefer: 'odata.maxpagesize=7' });
    expect(first.headers.get('preference-applied')).toBe('odata.maxpagesize=7');
    let page = (await first.json()) as ExoBody;
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      expect(page.value?.length).toBeLessThanOrEqual(7);
      seen.push(...(page.value ?? []).map((m) => m.Guid as string));
      const next = page['@odata.nextLink'];
      if (!next) break;
      expect(next).toMatch(new RegExp(`^${t.url}/adminapi/beta/${t.tenantId}/InvokeCommand\\?\\$skiptoken=[^&]+&\\$select=Guid,Alias$`));
      page = (await (await t.invoke(ALL_DIR_SYNCED, { url: next, prefer: 'odata.maxpagesize=7' })).json()) as ExoBody;
    }
    const synced = t.users.filter((u) => u.mailbox).length;
    expect(seen.length).toBe(synced);
    expect(new Set(seen).size).toBe(synced);
    expect(pages).toBe(Math.ceil(synced / 7));
  });

  it('rejects a nextLink POSTed with a different body', async () => {
    const page = (await (await t.invoke(ALL_DIR_SYNCED, { prefer: 'odata.maxpagesize=5' })).json()) as ExoBody;
    const other = { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited' } } };
    const response = await t.invoke(other, { url: page['@odata.nextLink'] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ExoBody;
    expect(body.error?.code).toBe('BadRequest');
    expect(exoErrorDetail(body).message).toMatch(/same body/);
  });

  it('rejects a forged skiptoken', async () => {
    const response = await t.invoke(ALL_DIR_SYNCED, { url: `${t.url}/adminapi/beta/${t.tenantId}/InvokeCommand?$skiptoken=eyJhZnRlciI6IjAifQ.AAAA` });
    expect(response.status).toBe(400);
  });

  it('keeps paging stable while mailboxes change', async () => {
    const first = (await (await t.invoke(ALL_DIR_SYNCED, { select: 'Guid', prefer: 'odata.maxpagesize=10' })).json()) as ExoBody;
    // Modify a mailbox already served and one not yet served.
    const served = first.value?.[0]?.Guid as string;
    const all = (await t.cmdlet('Get-Mailbox', { ResultSize: 'Unlimited', Filter: 'IsDirSynced -eq $true -and IsExchangeCloudManaged -ne $null' }, 'Guid')).json;
    expect(all.error).toBeDefined(); // not filterable by default; confirms the 400 path below too
    await t.cmdlet('Set-Mailbox', { Identity: served, IsExchangeCloudManaged: true });
    const seen = [...(first.value ?? []).map((m) => m.Guid as string)];
    let next = first['@odata.nextLink'];
    while (next) {
      const page = (await (await t.invoke(ALL_DIR_SYNCED, { url: next, prefer: 'odata.maxpagesize=10' })).json()) as ExoBody;
      seen.push(...(page.value ?? []).map((m) => m.Guid as string));
      next = page['@odata.nextLink'];
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(t.users.filter((u) => u.mailbox).length);
  });

  it('resolves Identity by alias, name, UPN, any SMTP address, ExternalDirectoryObjectId and Guid', async () => {
    const ashley = t.users.find((u) => u.key === 'ataylor');
    const secondary = ashley?.mailbox?.cloudEmailAddresses.find((a) => a.startsWith('smtp:'))?.slice(5);
    for (const identity of ['ataylor', 'Ashley Taylor', ashley?.userPrincipalName, secondary?.toUpperCase(), ashley?.entraId, ashley?.mailbox?.exoGuid]) {
      const { status, json } = await t.cmdlet('Get-Mailbox', { Identity: identity }, 'Alias');
      expect(status, String(identity)).toBe(200);
      expect(json.value).toEqual([{ Alias: 'ataylor' }]);
    }
  });

  it('answers 404 in the documented envelope', async () => {
    const { status, json } = await t.cmdlet('Get-Mailbox', { Identity: 'nobody' });
    expect(status).toBe(404);
    expect(json.error).toMatchObject({ code: 'NotFound', message: 'Error executing cmdlet', details: [{ code: 'Context', target: '' }] });
    expect((json.error as unknown as { innererror: unknown }).innererror).toEqual({ message: 'Error executing cmdlet', type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' });
    expect(exoErrorDetail(json)).toMatchObject({ type: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException' });
    expect(exoErrorDetail(json).message).toMatch(/^The operation couldn't be performed because object 'nobody' couldn't be found on '.+'\.$/);
  });

  it('answers 400 for an unknown parameter, a bad filter and a non-filterable property', async () => {
    const unknown = await t.cmdlet('Get-Mailbox', { Foo: 1 });
    expect(unknown.status).toBe(400);
    expect(exoErrorDetail(unknown.json)).toEqual({ errorId: 'NamedParameterNotFound', type: 'System.Management.Automation.ParameterBindingException', message: "A parameter cannot be found that matches parameter name 'Foo'." });
    const bad = await t.cmdlet('Get-Mailbox', { Filter: 'IsDirSynced -eq' });
    expect(bad.status).toBe(400);
    expect(exoErrorDetail(bad.json).message).toMatch(/Invalid filter syntax/);
    const cloudManaged = await t.cmdlet('Get-Mailbox', { Filter: 'IsExchangeCloudManaged -eq $true' });
    expect(cloudManaged.status).toBe(400);
    expect(exoErrorDetail(cloudManaged.json).message).toMatch(/"IsExchangeCloudManaged" is not a recognized filterable property/);
  });

  it('filters IsExchangeCloudManaged when the switch is on', async () => {
    t.emulator.config.cloudManagedFilterable = true;
    try {
      const { status, json } = await t.cmdlet('Get-Mailbox', { ResultSize: 'Unlimited', Filter: 'IsExchangeCloudManaged -eq $true' }, 'IsExchangeCloudManaged');
      expect(status).toBe(200);
      expect(json.value?.length).toBeGreaterThan(0);
      expect(json.value?.every((m) => m.IsExchangeCloudManaged === true)).toBe(true);
    } finally {
      t.emulator.config.cloudManagedFilterable = false;
    }
  });

  it('filters by RecipientTypeDetails (array or single) and by -like', async () => {
    const rooms = await t.cmdlet('Get-Mailbox', { RecipientTypeDetails: ['RoomMailbox', 'EquipmentMailbox'] }, 'Alias,RecipientTypeDetails');
    expect(rooms.json.value?.map((m) => m.RecipientTypeDetails).sort()).toEqual(['EquipmentMailbox', 'RoomMailbox', 'RoomMailbox']);
    const shared = await t.cmdlet('Get-Mailbox', { RecipientTypeDetails: 'SharedMailbox', Filter: "DisplayName -like 'Finance*'" }, 'Alias');
    expect(shared.json.value).toEqual([{ Alias: 'finance' }]);
    const cloudOnly = await t.cmdlet('Get-Mailbox', { Filter: 'IsDirSynced -eq $false' }, 'DisplayName');
    expect(cloudOnly.json.value?.map((m) => m.DisplayName).sort()).toEqual(['Cloud Helpdesk', 'Nora Cloudonly']);
  });

  it('refuses an unknown cmdlet with 403 and a garbage gzip body', async () => {
    const raw = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      void t.token('exo').then((token) => {
        const request = httpRequest(`${t.url}/adminapi/beta/${t.tenantId}/InvokeCommand`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        });
        request.on('error', reject);
        request.end(JSON.stringify({ CmdletInput: { CmdletName: 'Get-Nonsense', Parameters: {} } }));
      });
    });
    expect(raw.status).toBe(403);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.body.length).toBeGreaterThan(0);
    expect([...raw.body].every((b) => b === 0)).toBe(true);
  });

  it('refuses a missing or forged token (401) and a Graph token (wrong audience, 401)', async () => {
    const missing = await fetch(`${t.url}/adminapi/beta/${t.tenantId}/InvokeCommand`, { method: 'POST', body: JSON.stringify(ALL_DIR_SYNCED) });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    const exo = await t.token('exo');
    const forged = `${exo.slice(0, -4)}AAAA`;
    expect((await t.invoke(ALL_DIR_SYNCED, { token: forged })).status).toBe(401);
    const wrongAudience = await t.invoke(ALL_DIR_SYNCED, { token: await t.token('graph') });
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.headers.get('x-ms-diagnostics')).toMatch(/audience/);
  });

  it('refuses an expired token (401) and an app without Exchange.ManageAsApp (403)', async () => {
    const exo = await t.token('exo');
    t.clock.advance(3600_000);
    try {
      expect((await t.invoke(ALL_DIR_SYNCED, { token: exo })).status).toBe(401);
    } finally {
      t.clock.advance(-3600_000);
    }
    const app = t.emulator.state.app(CLIENT_ID);
    if (!app) throw new Error('app missing');
    const saved = app.roles[EXO_RESOURCE];
    app.roles[EXO_RESOURCE] = [];
    try {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: app.clientSecrets[0] ?? '', scope: `${EXO_RESOURCE}/.default` });
      const token = ((await (await fetch(`${t.url}/${t.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
      const response = await t.invoke(ALL_DIR_SYNCED, { token });
      expect(response.status).toBe(403);
      expect(((await response.json()) as ExoBody).error?.code).toBe('Forbidden');
    } finally {
      app.roles[EXO_RESOURCE] = saved ?? [];
    }
    expect(GRAPH_RESOURCE).toBe('https://graph.microsoft.com');
  });
});

describe('EXO InvokeCommand: ResultSize', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ mailboxes: 1050 });
  });
  afterAll(() => t.close());

  it('returns 1000 results and Exchange\'s warning when ResultSize is absent', async () => {
    const { status, json } = await t.cmdlet('Get-Mailbox', {}, 'Guid');
    expect(status).toBe(200);
    expect(json.value?.length).toBe(1000);
    expect(json['@odata.nextLink']).toBeUndefined();
    expect(json['@adminapi.warnings']).toEqual([DEFAULT_RESULT_SIZE_WARNING]);
  });

  it('applies the default 1000 across pages too', async () => {
    const body = { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: {} } };
    let page = (await (await t.invoke(body, { select: 'Guid', prefer: 'odata.maxpagesize=400' })).json()) as ExoBody;
    let total = page.value?.length ?? 0;
    while (page['@odata.nextLink']) {
      page = (await (await t.invoke(body, { url: page['@odata.nextLink'], prefer: 'odata.maxpagesize=400' })).json()) as ExoBody;
      total += page.value?.length ?? 0;
    }
    expect(total).toBe(1000);
    expect(page['@adminapi.warnings']).toEqual([DEFAULT_RESULT_SIZE_WARNING]);
  });

  it('returns everything with Unlimited, 1000 per page at most', async () => {
    const first = await t.cmdlet('Get-Mailbox', { ResultSize: 'Unlimited' }, 'Guid');
    expect(first.json.value?.length).toBe(1000);
    const next = first.json['@odata.nextLink'];
    expect(next).toBeDefined();
    const second = (await (await t.invoke({ CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited' } } }, { url: next })).json()) as ExoBody;
    expect((first.json.value?.length ?? 0) + (second.value?.length ?? 0)).toBe(1052);
    expect(second['@adminapi.warnings']).toEqual([]);
  });

  it('honours a numeric ResultSize and caps maxpagesize at 1000', async () => {
    expect((await t.cmdlet('Get-Mailbox', { ResultSize: 25 }, 'Guid')).json.value?.length).toBe(25);
    const response = await t.invoke({ CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited' } } }, { select: 'Guid', prefer: 'odata.maxpagesize=5000' });
    expect(((await response.json()) as ExoBody).value?.length).toBe(1000);
    expect((await t.cmdlet('Get-Mailbox', { ResultSize: 'lots' })).status).toBe(400);
  });
});
