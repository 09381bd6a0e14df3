import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type ExoBody, type TestEmulator } from './emulator-fixture.js';

interface GraphBody {
  '@odata.nextLink'?: string;
  value?: Record<string, unknown>[];
}

const lower = (s: string) => s.toLowerCase();
const byKey = (a: string, b: string) => (lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0);
const ALL = { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited' } } };

// Paging is keyset-based: a link carries the last key served and the next page starts after it,
// wherever that key now sorts (even when that object is gone), over the tenant as it is then.
describe.each([
  { name: 'persisted objects only', filler: 0 },
  { name: 'with filler', filler: 700 },
])('keyset paging while the tenant changes ($name)', ({ filler }) => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ mailboxes: 120, ...(filler ? { filler: { mailboxes: filler, seed: 9 } } : {}) });
  });
  afterAll(() => t.close());

  const deleteUser = async (id: string) => expect((await fetch(`${t.url}/_emulator/graph/users/${id}`, { method: 'DELETE' })).status).toBe(204);
  const allUserIds = () => {
    const ids = t.emulator.state.graphUsers().map((u) => u.id);
    const f = t.emulator.state.filler;
    if (f) for (let r = 0; r < f.count; r++) if (t.emulator.state.graphUser(f.userIdAtRank(r))) ids.push(f.userIdAtRank(r));
    return ids.sort(byKey);
  };

  it('Graph users: every remaining user once, in order, when users are deleted or edited between pages', async () => {
    const before = allUserIds();
    const first = (await (await t.graph('/v1.0/users?$select=id,displayName&$top=50')).json()) as GraphBody;
    const served = (first.value ?? []).map((u) => u.id as string);
    expect(served).toEqual(before.slice(0, 50));
    // The link's own key, the next user due, one further on; and a rename of a user still to come.
    const gone = [before[49], before[50], before[120]] as string[];
    for (const id of gone) await deleteUser(id);
    const renamed = before[60] as string;
    expect((await fetch(`${t.url}/_emulator/graph/users/${renamed}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ displayName: 'Renamed Between Pages' }) })).status).toBe(200);

    const rest: Record<string, unknown>[] = [];
    for (let next = first['@odata.nextLink']; next;) {
      const page = (await (await t.graph(next)).json()) as GraphBody;
      rest.push(...(page.value ?? []));
      next = page['@odata.nextLink'];
    }
    expect(rest.map((u) => u.id)).toEqual(before.slice(50).filter((id) => !gone.includes(id)));
    expect(rest.find((u) => u.id === renamed)?.displayName).toBe('Renamed Between Pages');
  });

  it('Get-Mailbox: every remaining mailbox once, in Guid order, when mailboxes go between pages', async () => {
    const mailboxGuids = () => {
      const guids = t.emulator.state.mailboxes().map((m) => m.Guid);
      const f = t.emulator.state.filler;
      if (f) for (let g = 0; g < f.count; g++) if (f.mailbox(g)) guids.push(f.mailboxGuid(g));
      return guids.sort(byKey);
    };
    const before = mailboxGuids();
    const prefer = 'odata.maxpagesize=40';
    const first = (await (await t.invoke(ALL, { select: 'Guid', prefer })).json()) as ExoBody;
    expect((first.value ?? []).map((m) => m.Guid)).toEqual(before.slice(0, 40));
    // Deleting the Entra user deletes its mailbox: the link's own key, the next one due, one further on.
    const gone = [before[39], before[40], before[100]] as string[];
    for (const guid of gone) await deleteUser(t.emulator.state.mailboxByGuid(guid)?.ExternalDirectoryObjectId as string);
    const rest: string[] = [];
    for (let next = first['@odata.nextLink']; next;) {
      const page = (await (await t.invoke(ALL, { url: next, prefer })).json()) as ExoBody;
      rest.push(...(page.value ?? []).map((m) => m.Guid as string));
      next = page['@odata.nextLink'];
    }
    expect(rest).toEqual(before.slice(40).filter((guid) => !gone.includes(guid)));
  });
});
