/**
 * The engine's production cloud clients against the tenant emulator over real HTTP: tokens
 * (secret and certificate), Exchange Online paging/retries/errors, Graph paging and 404s.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloudAccessDeniedError, CloudThrottledError, ExoCommandError, GraphRequestError, TokenRequestError } from '../../../src/cloud/cloud-errors.js';
import { ExoClient } from '../../../src/cloud/exo-client.js';
import { GraphClient } from '../../../src/cloud/graph-client.js';
import { createHttpTransport, type HttpTransport } from '../../../src/cloud/http-transport.js';
import { TokenClient, type ClientCredential } from '../../../src/cloud/token-client.js';
import { startEmulator, type RunningEmulator } from '../../../lab/emulator/emulator-server.js';
import { syntheticAnchors } from '../../../lab/emulator/synthetic-anchors.js';
import { buildTenantState } from '../../../lab/emulator/tenant-builder.js';
import { ensureLabCertificates } from '../../../lab/pki/certificates.js';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { keepOne, preparePage } from '../../../src/engine/prepared-pages.js';
import { cloudSideSkip, MAILBOX_SELECT } from '../../../src/engine/process-mailbox.js';
import { FULL_CYCLE_FILTER } from '../../../src/engine/sync-cycle.js';

const FAST_RETRY = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 50 };

describe('cloud clients against the emulator', () => {
  let dir: string;
  let emulator: RunningEmulator;
  let transport: HttpTransport;
  let clientId: string;
  let secret: string;
  let certificate: { certificatePem: string; privateKeyPem: string };
  let emulatorNow = Date.now();
  const users = buildOrganisation({ mailboxes: 60 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exowb-cloud-'));
    const certs = await ensureLabCertificates(dir);
    certificate = { certificatePem: await readFile(certs.appCertFile, 'utf8'), privateKeyPem: await readFile(certs.appKeyFile, 'utf8') };
    const state = buildTenantState(users, syntheticAnchors(users), { appCertificatePem: certificate.certificatePem });
    clientId = state.apps[0]!.clientId;
    secret = state.apps[0]!.clientSecrets[0]!;
    emulator = await startEmulator({
      statePath: join(dir, 'tenant.json'),
      initialState: state,
      tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile },
      tokenLifetimeSeconds: 600,
      now: () => emulatorNow,
    });
    transport = createHttpTransport({ ca: await readFile(certs.caCertFile, 'utf8') });
  });
  afterEach(() => emulator.faults.clear());
  afterAll(async () => {
    transport?.close();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function tokens(credential: ClientCredential = { kind: 'secret', secret }, id = clientId) {
    return new TokenClient({ loginBaseUrl: emulator.url, tenantId: emulator.state.data.tenantId, clientId: id, credential, transport, now: () => emulatorNow });
  }
  function exo(options: { pageSize?: number; tokenClient?: TokenClient; onRetry?: (e: { reason: string }) => void } = {}) {
    return new ExoClient({
      exoBaseUrl: emulator.url, tenantId: emulator.state.data.tenantId, tokens: options.tokenClient ?? tokens(), transport, retry: FAST_RETRY,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}), ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
  }

  describe('TokenClient', () => {
    it('gets tokens with a certificate assertion and with a secret, for both resources', async () => {
      for (const credential of [{ kind: 'certificate', ...certificate } as const, { kind: 'secret', secret } as const]) {
        const client = tokens(credential);
        for (const resource of ['exo', 'graph'] as const) {
          const token = await client.getToken(resource);
          const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { aud: string; roles: string[] };
          expect(claims.aud).toBe(resource === 'exo' ? 'https://outlook.office365.com' : 'https://graph.microsoft.com');
          expect(claims.roles).toEqual([resource === 'exo' ? 'Exchange.ManageAsApp' : 'User.Read.All']);
        }
      }
    });

    it('caches a token until shortly before it expires', async () => {
      const client = tokens();
      const first = await client.getToken('exo');
      expect(await client.getToken('exo')).toBe(first);
      emulatorNow += 1000;
      client.invalidate('exo');
      expect(await client.getToken('exo')).not.toBe(first);
    });

    it('retries a transient identity-platform failure with a fresh assertion', async () => {
      emulator.faults.add({ endpoint: 'token', kind: 'unavailable', count: 2, retryAfterSeconds: 0 });
      const token = await tokens({ kind: 'certificate', ...certificate }).getToken('exo');
      expect(token.split('.')).toHaveLength(3);
      expect(emulator.faults.list()).toEqual([]);
    });

    it('reports a wrong secret and an unknown app with their AADSTS codes', async () => {
      const wrong = tokens({ kind: 'secret', secret: 'not-the-secret' });
      await expect(wrong.getToken('exo')).rejects.toMatchObject({ code: 'TokenRequestFailed', oauthError: 'invalid_client', aadstsCodes: [7000215] });
      const unknown = tokens({ kind: 'secret', secret }, '00000000-0000-0000-0000-000000000000');
      const error = await unknown.getToken('graph').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenRequestError);
      expect((error as TokenRequestError).aadstsCodes).toEqual([700016]);
      expect((error as TokenRequestError).message).not.toContain(secret);
    });
  });

  describe('ExoClient', () => {
    it('streams every mailbox across pages, with the $select properties and no annotations', async () => {
      const pages: number[] = [];
      const seen = new Set<string>();
      for await (const page of exo({ pageSize: 7 }).getMailboxPages({ filter: 'IsDirSynced -eq $true', select: ['Guid', 'EmailAddresses', 'IsExchangeCloudManaged'] })) {
        pages.push(page.length);
        for (const mailbox of page) {
          expect(Object.keys(mailbox).sort()).toEqual(['EmailAddresses', 'Guid', 'IsExchangeCloudManaged']);
          seen.add(String(mailbox.Guid));
        }
      }
      expect(seen.size).toBe(60);
      expect(pages).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
    });

    it('retries 429 honouring Retry-After, then succeeds', async () => {
      emulator.faults.add({ endpoint: 'exo', kind: 'throttle', count: 2, retryAfterSeconds: 0.01 });
      const retries: string[] = [];
      const mailbox = await exo({ onRetry: (e) => retries.push(e.reason) }).getMailbox('ashley.taylor@contoso.com', ['DisplayName']);
      expect(mailbox).toEqual({ DisplayName: 'Ashley Taylor' });
      expect(retries).toEqual(['throttled', 'throttled']);
    });

    it('retries 503/504 and the concurrency refusal', async () => {
      emulator.faults.add([
        { endpoint: 'exo', kind: 'unavailable', count: 1, retryAfterSeconds: 0 },
        { endpoint: 'exo', kind: 'gateway-timeout', count: 1 },
        { endpoint: 'exo', kind: 'concurrency', count: 1 },
      ]);
      const retries: string[] = [];
      expect(await exo({ onRetry: (e) => retries.push(e.reason) }).getMailbox('ataylor', ['Alias'])).toEqual({ Alias: 'ataylor' });
      expect(retries).toHaveLength(3);
    });

    it('gives up with CloudThrottled when the service keeps failing', async () => {
      emulator.faults.add({ endpoint: 'exo', kind: 'unavailable', retryAfterSeconds: 0 });
      await expect(exo().getMailbox('ataylor', ['Alias'])).rejects.toBeInstanceOf(CloudThrottledError);
    });

    it('refreshes an expired token once on 401', async () => {
      // The client's clock stands still, so it trusts its cached token after the emulator's has moved on.
      const frozen = emulatorNow;
      const client = new TokenClient({ loginBaseUrl: emulator.url, tenantId: emulator.state.data.tenantId, clientId, credential: { kind: 'secret', secret }, transport, now: () => frozen });
      await client.getToken('exo');
      emulatorNow += 700_000;
      const retries: string[] = [];
      const refreshing = new ExoClient({ exoBaseUrl: emulator.url, tenantId: emulator.state.data.tenantId, tokens: client, transport, retry: FAST_RETRY, onRetry: (e) => retries.push(e.reason) });
      expect(await refreshing.getMailbox('ataylor', ['Alias'])).toEqual({ Alias: 'ataylor' });
      expect(retries).toEqual(['token-refresh']);
    });

    it('returns null for a missing mailbox and a typed error for a bad filter', async () => {
      expect(await exo().getMailbox('nobody@contoso.com', ['Alias'])).toBeNull();
      const error = await exo().invoke('Get-Mailbox', { Filter: 'IsDirSynced -eq' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExoCommandError);
      expect(error).toMatchObject({ httpStatus: 400 });
    });

    it('survives the gateway\'s garbage 403 for an unknown cmdlet', async () => {
      const error = await exo().invoke('Get-Nonsense', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExoCommandError);
      expect(error).toMatchObject({ httpStatus: 403, code: 'ExoCommandFailed' });
    });

    it('is refused with a Graph-only token audience', async () => {
      const graphOnly = tokens();
      graphOnly.getToken = (resource) => TokenClient.prototype.getToken.call(graphOnly, resource === 'exo' ? 'graph' : resource);
      await expect(exo({ tokenClient: graphOnly }).getMailbox('ataylor', ['Alias'])).rejects.toBeInstanceOf(CloudAccessDeniedError);
    });
  });

  describe('GraphClient', () => {
    const graph = () => new GraphClient({ graphBaseUrl: emulator.url, tokens: tokens(), transport, retry: FAST_RETRY });

    it('lists every synced user with its anchors, following nextLinks', async () => {
      const all = [];
      for await (const page of graph().listSyncedUserPages()) all.push(...page);
      expect(all).toHaveLength(60);
      const ashley = all.find((u) => u.userPrincipalName === 'ashley.taylor@contoso.com');
      expect(ashley).toMatchObject({ onPremisesSyncEnabled: true, onPremisesDomainName: 'lab.example.com' });
      expect(Buffer.from(String(ashley?.onPremisesImmutableId), 'base64')).toHaveLength(16);
    });

    it('reads one user, null when absent, and retries 429', async () => {
      emulator.faults.add({ endpoint: 'graph', kind: 'throttle', count: 1, retryAfterSeconds: 0 });
      const id = users[0]!.entraId;
      expect((await graph().getUser(id))?.id).toBe(id);
      expect(await graph().getUser('11111111-1111-4111-8111-111111111111')).toBeNull();
    });

    it('looks many users up by id, 15 a request and 20 requests a batch, leaving out ids Graph does not know', async () => {
      const synced = users.filter((u) => u.syncedToEntra);
      const wanted = synced.slice(0, 40).map((u) => u.entraId);
      const absent = Array.from({ length: 300 }, (_, i) => `11111111-1111-4111-8111-${String(i).padStart(12, '0')}`);
      const sent: Array<{ what: string; requests: number }> = [];
      const watched: HttpTransport = {
        send: (request) => {
          const path = new URL(request.url).pathname;
          const requests = request.body ? (JSON.parse(request.body) as { requests: unknown[] }).requests.length : 1;
          if (!path.includes('/oauth2/')) sent.push({ what: `${request.method} ${path}`, requests });
          return transport.send(request);
        },
        close: () => undefined,
      };
      const client = new GraphClient({ graphBaseUrl: emulator.url, tokens: tokens(), transport: watched, retry: FAST_RETRY });
      // 340 GUIDs: 23 requests, so two batches (20 + 3). The first request of the first batch is
      // throttled: it alone goes again, in a batch of its own.
      emulator.faults.add({ endpoint: 'graph', kind: 'throttle', count: 1, retryAfterSeconds: 0 });
      const found = await client.getUsers([...wanted, ...absent, wanted[0]!.toUpperCase(), 'not-a-guid']);
      expect(found.map((u) => u.id).sort()).toEqual([...wanted].sort());
      expect(found.find((u) => u.id === wanted[0])).toMatchObject({ onPremisesSyncEnabled: true, onPremisesDomainName: 'lab.example.com' });
      const batches = sent.filter((s) => s.what === 'POST /v1.0/$batch').map((s) => s.requests).sort((a, b) => a - b);
      expect(batches).toEqual([1, 3, 20]);
      expect(sent.filter((s) => s.what.startsWith('GET /v1.0/users/'))).toHaveLength(1); // 'not-a-guid', on its own
      expect(await client.getUsers([])).toEqual([]);

      // Up to 15 ids: one plain request, no batch around it.
      sent.length = 0;
      expect((await client.getUsers(wanted.slice(0, 15))).map((u) => u.id).sort()).toEqual(wanted.slice(0, 15).sort());
      expect(sent.map((s) => s.what)).toEqual(['GET /v1.0/users']);
    });

    it('fails a batched lookup with the typed error of the request that failed, or once its retries run out', async () => {
      const ids = users.filter((u) => u.syncedToEntra).slice(0, 40).map((u) => u.entraId);
      const refused = await graph().getUsers(ids, ['id', 'shoeSize']).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GraphRequestError);
      expect(refused).toMatchObject({ httpStatus: 400, graphCode: 'Request_BadRequest' });
      emulator.faults.add({ endpoint: 'graph', kind: 'throttle', retryAfterSeconds: 0 });
      await expect(graph().getUsers(ids)).rejects.toBeInstanceOf(CloudThrottledError);
    });
  });

  describe('preparePage (the engine over both clients)', () => {
    const graph = () => new GraphClient({ graphBaseUrl: emulator.url, tokens: tokens(), transport, retry: FAST_RETRY });
    const firstPage = async () => {
      for await (const page of exo().getMailboxPages({ filter: FULL_CYCLE_FILTER, select: MAILBOX_SELECT })) return page;
      throw new Error('no page');
    };

    it('decides each mailbox\'s cloud-side scope and looks up the users of the rest only', async () => {
      const page = await firstPage();
      const prepared = await preparePage(page, graph());
      expect(prepared.cloudSkips).toEqual(page.map(cloudSideSkip));
      const inScope = page.filter((_, i) => prepared.cloudSkips[i] === null);
      const outOfScope = page.filter((_, i) => prepared.cloudSkips[i] !== null);
      expect(inScope.length).toBeGreaterThan(15);
      expect(outOfScope.length).toBeGreaterThan(0);
      for (const mailbox of inScope) {
        const id = mailbox.ExternalDirectoryObjectId as string;
        expect((await prepared.lookupUser(id.toUpperCase()))?.id).toBe(id);
      }
      // Users of out-of-scope mailboxes were not asked for.
      expect(await prepared.lookupUser(outOfScope[0]!.ExternalDirectoryObjectId as string)).toBeNull();
      // What a planned object keeps until it is applied: its own user, nobody else's.
      const [first, second] = inScope.map((mailbox) => mailbox.ExternalDirectoryObjectId as string);
      const kept = await keepOne(prepared.lookupUser, first!);
      expect((await kept(first!.toUpperCase()))?.id).toBe(first);
      expect(await kept(second!)).toBeNull();
    });

    it('asks Graph nothing for a page with no mailbox in scope', async () => {
      const page = (await firstPage()).filter((mailbox) => cloudSideSkip(mailbox) !== null);
      emulator.faults.add({ endpoint: 'graph', kind: 'throttle', count: 100, retryAfterSeconds: 0 });
      const prepared = await preparePage(page, graph());
      expect(await prepared.lookupUser(page[0]!.ExternalDirectoryObjectId as string)).toBeNull();
    });

    it('hands a failed lookup to each mailbox that asks, as its typed error', async () => {
      const page = await firstPage();
      emulator.faults.add({ endpoint: 'graph', kind: 'throttle', count: 100, retryAfterSeconds: 0 });
      const prepared = await preparePage(page, graph());
      const id = page.find((mailbox) => cloudSideSkip(mailbox) === null)?.ExternalDirectoryObjectId as string;
      await expect(prepared.lookupUser(id)).rejects.toBeInstanceOf(CloudThrottledError);
    });
  });
});
