/**
 * The console's JSON API on a real running service (lab DC + emulator): the operations the CLI
 * offers, and the security rules — loopback Host names only, CSRF tokens, same origin, JSON only,
 * sign-in with a hashed password or token, and no start on a non-loopback bind without auth.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/config/secret-hash.js';
import { packageRoot } from '../../../lab/package-root.js';
import { eventually, serviceConfig, startService, type RunningService } from '../../support/lab-service.js';

/** A raw HTTP request, so tests can set any Host header (fetch forbids it). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('console API without auth, on loopback', () => {
  let service: RunningService;
  let csrf: string;
  const api = (path: string) => `${service.consoleUrl}/api/v1${path}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(api(path), { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    service = await startService();
    await eventually(async () => ((await service.engine.store().lastCycle('full', { outcome: 'success' })) ? true : undefined), 60_000, 'the initial full cycle');
    const session = (await (await fetch(api('/session'))).json()) as { authRequired: boolean; authenticated: boolean; csrfToken: string };
    expect(session).toMatchObject({ authRequired: false, authenticated: true });
    csrf = session.csrfToken;
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('serves the console with strict security headers, and nothing from elsewhere', async () => {
    const page = await fetch(`${service.consoleUrl}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    // Offline: every script, style and icon is a path on this server.
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u!.startsWith('/') && !u!.startsWith('#'))).toEqual([]);
    expect((await fetch(`${service.consoleUrl}/app.js`)).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${service.consoleUrl}/../package.json`)).status).toBe(404);
  });

  it('answers status, cycles, records, a record, drift, config and health like the CLI', async () => {
    const status = (await (await fetch(api('/status'))).json()) as { process: string; state: string };
    expect(status).toMatchObject({ process: 'running', state: 'active' });
    const { cycles } = (await (await fetch(api('/cycles?limit=5'))).json()) as { cycles: Array<{ id: string; kind: string }> };
    const full = cycles.find((c) => c.kind === 'full')!;
    const detail = (await (await fetch(api(`/cycles/${full.id}`))).json()) as { cycle: { id: string }; journal: unknown[] };
    expect(detail.cycle.id).toBe(full.id);
    const page = (await (await fetch(api(`/records?cycleId=${full.id}&status=skipped&limit=3`))).json()) as { total: number; records: Array<{ id: string; cycleId: string; provisioningStatusInfo: { status: string } }> };
    expect(page.records).toHaveLength(3);
    expect(page.total).toBe((await service.engine.store().queryRecords({ cycleId: full.id, status: 'skipped' })).total);
    expect(page.records.every((r) => r.cycleId === full.id && r.provisioningStatusInfo.status === 'skipped')).toBe(true);
    const one = (await (await fetch(api(`/records/${page.records[0]!.id}`))).json()) as { id: string };
    expect(one.id).toBe(page.records[0]!.id);
    expect((await fetch(api('/records/no-such-record'))).status).toBe(404);
    expect((await fetch(api('/records?status=bogus'))).status).toBe(400);
    expect(errorCode(await (await fetch(api('/records?limit=100000'))).text())).toBe('ApiInvalidRequest');
    expect((await fetch(api('/drift'))).status).toBe(200);
    const health = await fetch(`${service.consoleUrl}/healthz`);
    expect([health.status, ((await health.json()) as { state: string }).state]).toEqual([200, 'active']);
    expect(await (await fetch(`${service.consoleUrl}/metrics`)).text()).toContain('exowb_cycle_duration_seconds');
  });

  it('exports the current filter as CSV and JSON, all pages of it', async () => {
    const csv = await fetch(api('/records/export?format=csv&status=skipped'));
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="provisioning-logs-.*\.csv"/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    const total = (await service.engine.store().queryRecords({ status: 'skipped' })).total;
    expect(lines.length - 1).toBe(total);
    const json = (await (await fetch(api('/records/export?format=json&status=skipped'))).json()) as unknown[];
    expect(json).toHaveLength(total);
  });

  it('searches mailboxes by name, alias, UPN and address, and takes quotes literally', async () => {
    const byName = (await (await fetch(api('/mailboxes?search=Ashley'))).json()) as { mailboxes: Array<{ userPrincipalName: string; isExchangeCloudManaged: boolean }> };
    expect(byName.mailboxes.map((m) => m.userPrincipalName)).toContain('ashley.taylor@contoso.com');
    const byAddress = (await (await fetch(api('/mailboxes?search=anthony.williams@'))).json()) as { mailboxes: Array<{ displayName: string; isExchangeCloudManaged: boolean }> };
    expect(byAddress.mailboxes).toEqual([expect.objectContaining({ displayName: 'Anthony Williams', isExchangeCloudManaged: false })]);
    const quoted = await fetch(api(`/mailboxes?search=${encodeURIComponent("o'brien') -or (Alias -like '*")}`));
    expect(quoted.status).toBe(200);
    expect(((await quoted.json()) as { mailboxes: unknown[] }).mailboxes).toEqual([]);
    expect((await fetch(api('/mailboxes?search=%00'))).status).toBe(400);
  });

  it('provisions on demand as a journaled on-demand cycle, and a dry run writes nothing', async () => {
    const dry = (await (await post('/provision', { identity: 'anthony.williams@contoso.com', dryRun: true })).json()) as { cycleId: string; outcome: string; record: { provisioningStatusInfo: { skipReason: string }; initiatedBy: { displayName: string } } };
    expect(dry.outcome).toBe('skipped');
    expect(dry.record.provisioningStatusInfo.skipReason).toBe('NotInScope');
    expect(dry.record.initiatedBy.displayName).toMatch(/\(console\)$/);
    expect((await service.engine.store().getCycle(dry.cycleId))).toMatchObject({ kind: 'on-demand', dryRun: true, outcome: 'success' });
    const missing = await post('/provision', { identity: 'nobody@contoso.com' });
    expect([missing.status, errorCode(await missing.text())]).toEqual([404, 'ExoObjectNotFound']);
    const bad = await post('/provision', { identity: 'x', extra: true });
    expect([bad.status, errorCode(await bad.text())]).toEqual([400, 'ApiInvalidRequest']);
  });

  it('previews an undo without writing and reports an object it never wrote', async () => {
    const unknown = await post('/undo', { object: 'anthony.williams@contoso.com', dryRun: true });
    expect([unknown.status, errorCode(await unknown.text())]).toEqual([404, 'ObjectNotLinked']);
    const neither = await post('/undo', { dryRun: true });
    expect(neither.status).toBe(400);
    const noStage = await post('/approvals/no-such-cycle/approve', {});
    expect([noStage.status, errorCode(await noStage.text())]).toEqual([404, 'ApiNotFound']);
  });

  it('refuses state changes without the CSRF token, from another origin, or not as JSON', async () => {
    const noToken = await fetch(api('/service/pause'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([noToken.status, errorCode(await noToken.text())]).toEqual([403, 'ApiCsrfRejected']);
    const crossSite = await post('/service/pause', {}, { origin: 'https://evil.example' });
    expect([crossSite.status, errorCode(await crossSite.text())]).toEqual([403, 'ApiCsrfRejected']);
    const form = await fetch(api('/service/pause'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf }, body: 'a=1' });
    expect([form.status, errorCode(await form.text())]).toEqual([403, 'ApiCsrfRejected']);
    expect(await service.engine.store().takePendingControls()).toEqual([]);
  });

  it('answers only loopback Host names (DNS rebinding)', async () => {
    const url = `${service.consoleUrl}/api/v1/status`;
    const rebound = await raw(url, { headers: { host: 'attacker.example:80' } });
    expect([rebound.status, errorCode(rebound.body)]).toEqual([403, 'ApiHostRejected']);
    expect((await raw(url, { headers: { host: `localhost:${new URL(url).port}` } })).status).toBe(200);
  });

  it('refuses a body over 64 KiB', async () => {
    const big = await post('/provision', { identity: 'a'.repeat(70_000) });
    expect([big.status, errorCode(await big.text())]).toEqual([413, 'ApiPayloadTooLarge']);
  });
});

describe('console API with auth', () => {
  const password = 'console password for tests';
  const apiToken = 'api token for scripts and monitoring';
  let service: RunningService;
  const api = (path: string) => `${service.consoleUrl}/api/v1${path}`;

  beforeAll(async () => {
    const [passwordHash, tokenHash] = [await hashSecret(password), await hashSecret(apiToken)];
    const configFile = await serviceConfig({ edit: (config) => { (config.service as { http: unknown }).http = { host: '127.0.0.1', port: 0, auth: { passwordHash, tokenHash } }; } });
    service = await startService(configFile);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('needs a session or the token; signs in with the password and gives a per-session CSRF token', async () => {
    expect(errorCode(await (await fetch(api('/status'))).text())).toBe('ApiUnauthorized');
    expect(await (await fetch(api('/session'))).json()).toEqual({ authRequired: true, passwordSignIn: true, authenticated: false, csrfToken: null });
    const wrong = await fetch(api('/session'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'not it at all' }) });
    expect([wrong.status, errorCode(await wrong.text())]).toEqual([401, 'ApiUnauthorized']);
    const signIn = await fetch(api('/session'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^exowb_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const session = cookie.split(';')[0]!;
    expect((await fetch(api('/status'), { headers: { cookie: session } })).status).toBe(200);
    const paused = await fetch(api('/service/pause'), { method: 'POST', headers: { cookie: session, 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: '{}' });
    expect(paused.status).toBe(202);
    await fetch(api('/service/resume'), { method: 'POST', headers: { cookie: session, 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: '{}' });
    const signOut = await fetch(api('/session'), { method: 'DELETE', headers: { cookie: session, 'content-type': 'application/json' } });
    expect(signOut.status).toBe(204);
    expect((await fetch(api('/status'), { headers: { cookie: session } })).status).toBe(401);
  });

  it('accepts the API token as a bearer token, and never sends a secret or hash to the browser', async () => {
    expect((await fetch(api('/status'), { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const config = await fetch(api('/config'), { headers: { authorization: `Bearer ${apiToken}` } });
    expect(config.status).toBe(200);
    const text = await config.text();
    expect(text).toContain('"passwordHash":"[redacted]"');
    expect(text).not.toMatch(/scrypt:/);
    expect(text).not.toContain(password);
  });
});

describe('console bind', () => {
  it('refuses to start on a non-loopback address without authentication, naming the setting', async () => {
    const configFile = await serviceConfig({ edit: (config) => { (config.service as { http: unknown }).http = { host: '0.0.0.0', port: 0 }; } });
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'exo-writeback.js'), 'run', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error ConfigInvalid: .*\n {2}- service\.http\.auth: is required when host is not a loopback address/);
  });
});
