import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './emulator-fixture.js';

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: { value?: Array<{ id: string }>; id?: string; error?: { code: string; message: string } };
}

describe('Graph $batch', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ mailboxes: 60 });
  });
  afterEach(() => t.emulator.faults.clear());
  afterAll(() => t.close());

  const batch = async (payload: unknown, token?: string) => {
    const response = await fetch(`${t.url}/v1.0/$batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token ?? (await t.token('graph'))}`, 'Content-Type': 'application/json' },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as { responses?: BatchAnswer[]; error?: { code: string; message: string } } };
  };
  const synced = () => t.users.filter((u) => u.syncedToEntra).map((u) => u.entraId);
  const byIds = (ids: string[]) => `/users?$filter=${encodeURIComponent(`id in (${ids.map((id) => `'${id}'`).join(',')})`)}&$select=id,onPremisesSyncEnabled`;

  it('answers each request as it would be answered on its own, by id', async () => {
    const ids = synced();
    const missing = '00000000-0000-4000-8000-000000000000';
    const answer = await batch({
      requests: [
        { id: 'a', method: 'GET', url: byIds(ids.slice(0, 15)) },
        { id: 'b', method: 'GET', url: byIds(ids.slice(15, 17)).slice(1) },
        { id: 'c', method: 'GET', url: `/users/${missing}` },
        { id: 'd', method: 'GET', url: `/users/${ids[0]!}?$select=id` },
      ],
    });
    expect(answer.status).toBe(200);
    const responses = new Map(answer.body.responses?.map((r) => [r.id, r]));
    expect(responses.get('a')?.status).toBe(200);
    expect(responses.get('a')?.body.value?.map((u) => u.id).sort()).toEqual(ids.slice(0, 15).sort());
    expect(responses.get('b')?.body.value?.map((u) => u.id).sort()).toEqual(ids.slice(15, 17).sort());
    expect(responses.get('c')).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });
    expect(responses.get('d')).toMatchObject({ status: 200, body: { id: ids[0] } });
  });

  it('throttles the requests of a batch one by one, each with its own Retry-After', async () => {
    t.emulator.faults.add({ endpoint: 'graph', kind: 'throttle', count: 1, retryAfterSeconds: 2 });
    const ids = synced();
    const answer = await batch({ requests: [{ id: '1', method: 'GET', url: byIds(ids.slice(0, 2)) }, { id: '2', method: 'GET', url: byIds(ids.slice(2, 4)) }] });
    expect(answer.status).toBe(200);
    const [first, second] = ['1', '2'].map((id) => answer.body.responses?.find((r) => r.id === id));
    expect(first).toMatchObject({ status: 429, headers: { 'Retry-After': '2' }, body: { error: { code: 'TooManyRequests' } } });
    expect(second?.status).toBe(200);
  });

  it('refuses more than 20 requests, repeated ids, dependsOn, absolute URLs and a body that is not a batch', async () => {
    const twentyOne = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users?$top=1' }));
    const cases: Array<[unknown, RegExp]> = [
      [{ requests: twentyOne }, /exceeds the limit of 20/],
      [{ requests: [{ id: '1', method: 'GET', url: '/users' }, { id: '1', method: 'GET', url: '/users' }] }, /used more than once/],
      [{ requests: [{ id: '1', method: 'GET', url: '/users', dependsOn: ['2'] }] }, /dependsOn/],
      [{ requests: [{ id: '1', method: 'GET', url: `${t.url}/v1.0/users` }] }, /must be relative/],
      [{ requests: [] }, /Invalid batch payload/],
      ['not json', /Invalid batch payload/],
    ];
    for (const [payload, message] of cases) {
      const answer = await batch(payload);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('BadRequest');
      expect(answer.body.error?.message).toMatch(message);
    }
  });

  it('checks the token once, for the whole batch', async () => {
    const answer = await batch({ requests: [{ id: '1', method: 'GET', url: '/users?$top=1' }] }, await t.token('exo'));
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('InvalidAuthenticationToken');
    const get = await fetch(`${t.url}/v1.0/$batch`, { headers: { Authorization: `Bearer ${await t.token('graph')}` } });
    expect(get.status).toBe(405);
  });
});
