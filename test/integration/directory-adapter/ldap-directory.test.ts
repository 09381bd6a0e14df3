/**
 * LdapDirectory against the lab's Samba AD DC: the DirectoryPort contract, plus what only the
 * LDAP adapter has — failover, TLS, bind errors, reconnect, paging and the guard's "nothing sent".
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import {
  DirectoryBindError, DirectoryConfigError, DirectoryTlsError, DirectoryUnreachableError, WriteRefusedError,
} from '../../../src/directory/directory-errors.js';
import { LdapDirectory, type LdapDirectoryOptions } from '../../../src/directory/ldap-directory.js';
import { MemoryReadPlanStore, type ReadPlanStore } from '../../../src/directory/read-plan-store.js';
import { LAB_OUS } from '../../../lab/seed/lab-domain.js';
import { describeDirectoryPortContract, failure } from './directory-port-contract.js';

function labOptions(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  const dir = inject('lab').directory;
  return {
    urls: [dir.ldapUrl],
    caPem: readFileSync(dir.caFile, 'utf8'),
    bindName: dir.serviceAccount.bindName,
    password: dir.serviceAccount.password,
    baseDn: dir.baseDn,
    attributeSet: 'standard',
    timeoutMs: 10_000,
    ...overrides,
  };
}

describeDirectoryPortContract('LdapDirectory', ({ attributeSet }) => new LdapDirectory(labOptions({ attributeSet })));

describe('LdapDirectory connections', () => {
  const someGuid = Buffer.alloc(16, 0x81);

  it('fails over to the next URL when the first refuses connections', async () => {
    const dir = inject('lab').directory;
    const directory = new LdapDirectory(labOptions({ urls: ['ldaps://127.0.0.1:1', dir.ldapUrl] }));
    try {
      expect((await directory.whoAmI()).distinguishedName?.toLowerCase()).toBe(dir.serviceAccount.distinguishedName.toLowerCase());
      expect(directory.connectedUrl()).toBe(dir.ldapUrl);
      expect(directory.stats().connects).toBe(1);
    } finally {
      await directory.close();
    }
  });

  it('reports every URL and why when none can be reached', async () => {
    const directory = new LdapDirectory(labOptions({ urls: ['ldaps://127.0.0.1:1', 'ldaps://127.0.0.1:2'] }));
    const error = await failure(directory.readByGuid(someGuid));
    expect(error).toBeInstanceOf(DirectoryUnreachableError);
    const unreachable = error as DirectoryUnreachableError;
    expect(unreachable.code).toBe('DirectoryUnreachable');
    expect(unreachable.failures.map((f) => f.url)).toEqual(['ldaps://127.0.0.1:1', 'ldaps://127.0.0.1:2']);
    expect(unreachable.message).toContain('ldaps://127.0.0.1:1');
    expect(unreachable.message).toContain('ldaps://127.0.0.1:2');
    expect(unreachable.message).toContain('ECONNREFUSED');
  });

  it('refuses a DC whose certificate does not verify, and says how to fix it', async () => {
    const { caPem: _ca, ...withoutCa } = labOptions();
    const directory = new LdapDirectory(withoutCa);
    const error = await failure(directory.whoAmI());
    expect(error).toBeInstanceOf(DirectoryTlsError);
    expect((error as DirectoryTlsError).code).toBe('DirectoryTlsFailed');
    expect((error as Error).message).toMatch(/certificate verification failed/i);
    expect((error as Error).message).toMatch(/CA bundle/);
  });

  it('stops at a wrong password (no failover to other DCs) and never shows the password', async () => {
    const password = 'Wrong-Password-123';
    const directory = new LdapDirectory(labOptions({ password, urls: [inject('lab').directory.ldapUrl, 'ldaps://127.0.0.1:1'] }));
    const error = await failure(directory.whoAmI());
    expect(error).toBeInstanceOf(DirectoryBindError);
    expect((error as DirectoryBindError).resultCode).toBe(49);
    expect((error as DirectoryBindError).code).toBe('DirectoryBindFailed');
    expect((error as Error).message).toContain(inject('lab').directory.serviceAccount.bindName);
    expect((error as Error).message).not.toContain(password);
  });

  it('refuses configurations that cannot be safe', () => {
    expect(() => new LdapDirectory(labOptions({ urls: [] }))).toThrow(DirectoryConfigError);
    expect(() => new LdapDirectory(labOptions({ urls: ['http://dc1'] }))).toThrow(DirectoryConfigError);
    expect(() => new LdapDirectory(labOptions({ urls: ['ldap://dc1'], startTls: false }))).toThrow(DirectoryConfigError);
    expect(() => new LdapDirectory(labOptions({ pageSize: 5000 }))).toThrow(DirectoryConfigError);
    expect(() => new LdapDirectory(labOptions({ readConnections: 0 }))).toThrow(DirectoryConfigError);
    expect(() => new LdapDirectory(labOptions({ readConnections: 9 }))).toThrow(DirectoryConfigError);
    // Searches ask the DC for as long as the engine waits, in whole seconds (ldapts alone asks for 10 s).
    expect(new LdapDirectory(labOptions({ timeoutMs: 30_000 })).serverTimeLimit()).toBe(30);
    expect(new LdapDirectory(labOptions({ timeoutMs: 1_500 })).serverTimeLimit()).toBe(2);
  });

  it('refuses a guarded write without connecting at all, and treats no changes as no-op', async () => {
    // Unreachable URL: any attempt to connect would fail with DirectoryUnreachableError.
    const directory = new LdapDirectory(labOptions({ urls: ['ldaps://127.0.0.1:1'] }));
    await expect(directory.modify(someGuid, [{ operation: 'replace', attribute: 'displayName', values: ['x'] }])).rejects.toBeInstanceOf(WriteRefusedError);
    await expect(directory.modify(someGuid, [])).resolves.toBeUndefined();
    expect(directory.stats()).toEqual({ connects: 0, searches: 0, pages: 0, modifies: 0 });
  });

  it('pages every search: 40 users through pages of 5', async () => {
    const directory = new LdapDirectory(labOptions({ pageSize: 5 }));
    try {
      const users = await directory.sampleUsers(inject('lab').directory.baseDn, 40);
      expect(users).toHaveLength(40);
      expect(new Set(users.map((u) => u.distinguishedName)).size).toBe(40);
      expect(directory.stats().pages).toBeGreaterThanOrEqual(8);
    } finally {
      await directory.close();
    }
  });

  it('reads more users than one page holds when unlimited by the caller', async () => {
    const directory = new LdapDirectory(labOptions({ pageSize: 7 }));
    try {
      const users = await directory.sampleUsers(LAB_OUS.root, 1000);
      expect(users.length).toBe(inject('lab').mailboxes);
      expect(directory.stats().pages).toBeGreaterThanOrEqual(Math.ceil(users.length / 7));
    } finally {
      await directory.close();
    }
  });

  it('reconnects once when the connection has dropped', async () => {
    const directory = new LdapDirectory(labOptions());
    try {
      const me = await directory.whoAmI();
      // Drop the socket under the adapter, as an idle timeout or a DC restart would.
      const internals = directory as unknown as { connection: { client: { socket?: Socket } } | null };
      internals.connection!.client.socket!.destroy();
      expect(await directory.whoAmI()).toEqual(me);
      expect(directory.stats().connects).toBe(2);
    } finally {
      await directory.close();
    }
  });
});

/** A plan store that also lists the keys the adapter kept plans under. */
class KeptPlans extends MemoryReadPlanStore {
  readonly keys: string[] = [];

  override saveReadPlan(key: string, cuts: readonly string[]): Promise<void> {
    if (!this.keys.includes(key)) this.keys.push(key);
    return super.saveReadPlan(key, cuts);
  }
}

describe('LdapDirectory full reads on several connections', () => {
  /** Every user a full read hands out, as objectGUIDs in hex, and the adapter's counters after it. */
  async function readAll(readConnections: number, pageSize = 1000, readPlans: ReadPlanStore = new MemoryReadPlanStore()) {
    const directory = new LdapDirectory(labOptions({ readConnections, pageSize, readPlans }));
    try {
      const guids: string[] = [];
      for await (const page of directory.listUsers()) guids.push(...page.map((o) => o.objectGuid.toString('hex')));
      return { guids, stats: directory.stats() };
    } finally {
      await directory.close();
    }
  }

  it('hands out exactly the users one connection reads, each once, over slices of uSNCreated on each connection', async () => {
    const one = await readAll(1);
    const three = await readAll(3, 50);
    expect(one.guids.length).toBeGreaterThan(inject('lab').mailboxes);
    expect(new Set(three.guids).size).toBe(three.guids.length);
    expect([...three.guids].sort()).toEqual([...one.guids].sort());
    expect(one.stats).toMatchObject({ connects: 1, searches: 1 });
    // Each connection's rootDSE (which DC it reached, and that DC's highest USN), then two slices
    // per connection, each its own paged search.
    expect(three.stats).toMatchObject({ connects: 3, searches: 3 + 6 });
    expect(three.stats.pages).toBeGreaterThanOrEqual(Math.ceil(one.guids.length / 50));
  });

  it('cuts the next read at the quantiles of the users the last one saw: one slice per connection, the same users', async () => {
    const one = await readAll(1);
    const plans = new KeptPlans();
    const first = await readAll(2, 1000, plans);
    const keys = plans.keys;
    expect(keys).toHaveLength(1);
    const [server, baseDn] = JSON.parse(keys[0]!) as [string, string];
    expect(server).toMatch(/^CN=NTDS Settings,/);
    expect(baseDn).toBe(inject('lab').directory.baseDn);
    const cuts = await plans.readPlan(keys[0]!);
    expect(cuts).toHaveLength(1);
    expect(cuts![0]).toMatch(/^\d+$/);
    const second = await readAll(2, 1000, plans);
    // A first read: each connection's rootDSE, then two equal-width slices per connection. The next: one slice each.
    expect(first.stats).toMatchObject({ connects: 2, searches: 2 + 4 });
    expect(second.stats).toMatchObject({ connects: 2, searches: 2 + 2 });
    expect([...first.guids].sort()).toEqual([...one.guids].sort());
    expect([...second.guids].sort()).toEqual([...one.guids].sort());
    expect(await plans.readPlan(keys[0]!)).toEqual(cuts);
  });

  it('reads every user with equal widths when the kept plan is unreadable, malformed or cut for other connections', async () => {
    const one = await readAll(1);
    const unreadable: ReadPlanStore = { readPlan: () => Promise.reject(new Error('disk gone')), saveReadPlan: () => Promise.reject(new Error('disk gone')) };
    const broken = await readAll(2, 1000, unreadable);
    expect(broken.stats.searches).toBe(2 + 4);
    expect([...broken.guids].sort()).toEqual([...one.guids].sort());
    for (const bad of [['not-a-usn'], ['1', '2'], ['99999999999999999999']]) {
      const plans = new MemoryReadPlanStore();
      const read = async () => {
        const directory = new LdapDirectory(labOptions({ readConnections: 2, readPlans: plans }));
        try {
          const key = JSON.stringify([(await directory.changeMark())!.server, inject('lab').directory.baseDn]);
          await plans.saveReadPlan(key, bad);
          const guids: string[] = [];
          for await (const page of directory.listUsers()) guids.push(...page.map((o) => o.objectGuid.toString('hex')));
          return { guids, stats: directory.stats(), kept: await plans.readPlan(key) };
        } finally {
          await directory.close();
        }
      };
      const result = await read();
      // The changeMark above, each connection's rootDSE, and four equal-width slices; then a good plan is kept.
      expect(result.stats.searches).toBe(1 + 2 + 4);
      expect([...result.guids].sort()).toEqual([...one.guids].sort());
      expect(result.kept).toHaveLength(1);
      expect(result.kept![0]).toMatch(/^\d+$/);
    }
  });

  it('keeps no plan from a read stopped early', async () => {
    const plans = new KeptPlans();
    const directory = new LdapDirectory(labOptions({ readConnections: 2, pageSize: 10, readPlans: plans }));
    try {
      for await (const page of directory.listUsers()) {
        expect(page.length).toBeGreaterThan(0);
        break;
      }
    } finally {
      await directory.close();
    }
    expect(plans.keys).toEqual([]);
  });

  it('closes its further connections when the caller stops reading early, and reads again afterwards', async () => {
    const directory = new LdapDirectory(labOptions({ readConnections: 2, pageSize: 10 }));
    try {
      for await (const page of directory.listUsers()) {
        expect(page.length).toBeGreaterThan(0);
        break;
      }
      let count = 0;
      for await (const page of directory.listUsers()) count += page.length;
      expect(count).toBeGreaterThan(inject('lab').mailboxes);
      // Two reads of two connections each: the adapter's own connection is reused, the further one opened per read.
      expect(directory.stats().connects).toBe(3);
    } finally {
      await directory.close();
    }
  });
});
