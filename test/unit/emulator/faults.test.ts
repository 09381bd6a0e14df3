import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXO_CONCURRENCY_MESSAGE, FaultInjector } from '../../../lab/emulator/faults.js';
import { startTestEmulator, type TestEmulator } from './emulator-fixture.js';

const GET_ALL = { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited' } } };

/** A sleep whose waits the test releases by hand: no timing in the assertions. */
function manualSleep() {
  const waiting: (() => void)[] = [];
  return {
    sleep: (_ms: number) => new Promise<void>((resolve) => waiting.push(resolve)),
    get pending() {
      return waiting.length;
    },
    releaseAll: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}

describe('fault injection', () => {
  let t: TestEmulator;
  const gate = manualSleep();
  beforeAll(async () => {
    t = await startTestEmulator({ sleep: gate.sleep, exoMaxConcurrency: 3 });
  });
  afterAll(() => t.close());

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${t.url}/_emulator/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('injects EXO 429 with a fractional Retry-After at run time, for exactly `count` requests', async () => {
    await t.token('exo');
    const added = await admin('POST', 'faults', { endpoint: 'exo', kind: 'throttle', count: 2, retryAfterSeconds: 1.5 });
    expect(added.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const response = await t.invoke(GET_ALL);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('1.5');
    }
    expect((await t.invoke(GET_ALL)).status).toBe(200);
    expect(((await (await admin('GET', 'faults')).json()) as { rules: unknown[] }).rules).toEqual([]);
  });

  it('injects Graph 429 with x-ms-throttle-scope and code TooManyRequests', async () => {
    await t.token('graph');
    await admin('POST', 'faults', [{ endpoint: 'graph', kind: 'throttle', count: 1, retryAfterSeconds: 3 }]);
    const response = await t.graph('/v1.0/users');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('x-ms-throttle-scope')).toMatch(new RegExp(`^Tenant_Application/ReadWrite/${t.tenantId}/`));
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
    expect((await t.graph('/v1.0/users')).status).toBe(200);
  });

  it('injects 503 and 504 on the token endpoint and keeps rules until deleted', async () => {
    const rule = (await (await admin('POST', 'faults', { endpoint: 'token', kind: 'unavailable' })).json()) as { rules: { id: string }[] };
    const tokenRequest = () => fetch(`${t.url}/${t.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect((await tokenRequest()).status).toBe(503);
    expect((await tokenRequest()).status).toBe(503);
    expect((await admin('DELETE', `faults/${rule.rules[0]?.id}`)).status).toBe(204);
    await admin('POST', 'faults', { endpoint: 'token', kind: 'gateway-timeout', count: 1 });
    expect((await tokenRequest()).status).toBe(504);
    expect((await tokenRequest()).status).toBe(400);
  });

  it('refuses the fourth concurrent EXO call with the plain-text concurrency error', async () => {
    await admin('POST', 'faults', { endpoint: 'exo', kind: 'latency', durationMs: 50, count: 3 });
    const held = [t.invoke(GET_ALL), t.invoke(GET_ALL), t.invoke(GET_ALL)];
    await expect.poll(() => gate.pending).toBe(3);
    const refused = await t.invoke(GET_ALL);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await refused.text()).toBe(EXO_CONCURRENCY_MESSAGE);
    gate.releaseAll();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('serves the old object during a replication-lag window after a write', async () => {
    await admin('POST', 'faults', { endpoint: 'exo', kind: 'replication-lag', durationMs: 60_000, count: 1 });
    expect((await t.cmdlet('Set-Mailbox', { Identity: 'ataylor', CustomAttribute9: 'fresh' })).status).toBe(200);
    expect((await t.cmdlet('Get-Mailbox', { Identity: 'ataylor' }, 'CustomAttribute9')).json.value).toEqual([{ CustomAttribute9: '' }]);
    t.clock.advance(59_999);
    expect((await t.cmdlet('Get-Mailbox', { Identity: 'ataylor' }, 'CustomAttribute9')).json.value).toEqual([{ CustomAttribute9: '' }]);
    t.clock.advance(1);
    expect((await t.cmdlet('Get-Mailbox', { Identity: 'ataylor' }, 'CustomAttribute9')).json.value).toEqual([{ CustomAttribute9: 'fresh' }]);
  });

  it('validates rules and reports state; admin routes are not under Microsoft paths', async () => {
    expect((await admin('POST', 'faults', { endpoint: 'exo', kind: 'explode' })).status).toBe(400);
    expect((await admin('POST', 'faults', { endpoint: 'graph', kind: 'concurrency' })).status).toBe(400);
    expect((await admin('POST', 'faults', { endpoint: 'exo', kind: 'latency' })).status).toBe(400);
    const state = (await (await admin('GET', 'state')).json()) as { mailboxes: number; tenantId: string; config: { exoMaxConcurrency: number } };
    expect(state).toMatchObject({ tenantId: t.tenantId, config: { exoMaxConcurrency: 3 } });
    expect(state.mailboxes).toBe(t.users.filter((u) => u.mailbox).length + 2);
    expect(JSON.stringify(state)).not.toMatch(/secret|PRIVATE KEY/i);
    expect((await admin('POST', 'config', { exoMaxConcurrency: 5 })).status).toBe(200);
    expect(t.emulator.config.exoMaxConcurrency).toBe(5);
    expect((await fetch(`${t.url}/adminapi/beta/_emulator/state`)).status).toBe(404);
    expect((await fetch(`${t.url}/v1.0/_emulator/state`)).status).toBe(401);
    expect((await admin('DELETE', 'faults')).status).toBe(204);
  });
});

describe('FaultInjector', () => {
  it('fires probabilistic rules by the random source and counts hits', () => {
    const rolls = [0.1, 0.9, 0.2];
    const injector = new FaultInjector([{ endpoint: 'graph', kind: 'unavailable', probability: 0.5 }], () => rolls.shift() ?? 1);
    expect(injector.failure('graph')?.kind).toBe('unavailable');
    expect(injector.failure('graph')).toBeNull();
    expect(injector.failure('exo')).toBeNull();
    expect(injector.failure('graph')?.hits).toBe(2);
  });

  it('applies wildcard endpoints and sums latencies', () => {
    const injector = new FaultInjector([
      { endpoint: '*', kind: 'latency', durationMs: 100 },
      { endpoint: 'exo', kind: 'latency', durationMs: 20, count: 1 },
    ]);
    expect(injector.latencyMs('exo')).toBe(120);
    expect(injector.latencyMs('exo')).toBe(100);
    expect(injector.latencyMs('token')).toBe(100);
  });

  it('holds a `forSeconds` outage window, then expires the rule by the clock', () => {
    let now = 1_000_000;
    const injector = new FaultInjector([{ endpoint: 'exo', kind: 'unavailable', forSeconds: 60 }], Math.random, () => now);
    expect(injector.list()[0]?.expiresAtMs).toBe(1_060_000);
    now += 59_999;
    expect(injector.failure('exo')?.kind).toBe('unavailable');
    now += 1;
    expect(injector.failure('exo')).toBeNull();
    expect(injector.list()).toEqual([]);
    expect(() => injector.add({ endpoint: 'exo', kind: 'unavailable', forSeconds: 0 })).toThrow('forSeconds must be > 0');
  });
});
