import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations/index.js';
import { SqliteStateStore, normalizeObjectGuid, recordSearchText } from './sqlite-state-store.js';
import { APPLICATION_ID } from './sqlite-migrate.js';
import { makeRecord, ManualClock, stateStoreContract } from './state-store-contract.js';
import { StateStoreBusy, StateStoreCorrupt, StateStoreError, StateStoreNotFound, StateStoreUnavailable, StateStoreVersionTooNew } from './state-store-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'exowb-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempPath = () => join(dir, `state-${++n}`, 'state.db');

stateStoreContract('SQLite :memory:', {
  create: (clock) => Promise.resolve(SqliteStateStore.open({ path: ':memory:', clock })),
  createShared: (clock) => {
    const path = tempPath();
    return Promise.resolve([SqliteStateStore.open({ path, clock }), SqliteStateStore.open({ path, clock })]);
  },
});

stateStoreContract('SQLite file', {
  create: (clock) => Promise.resolve(SqliteStateStore.open({ path: tempPath(), clock })),
  createShared: (clock) => {
    const path = tempPath();
    return Promise.resolve([SqliteStateStore.open({ path, clock }), SqliteStateStore.open({ path, clock })]);
  },
});

stateStoreContract('SQLite file, batches committed on a worker thread', {
  create: (clock) => Promise.resolve(SqliteStateStore.open({ path: tempPath(), clock, commitThread: 'worker' })),
  createShared: (clock) => {
    const path = tempPath();
    return Promise.resolve([SqliteStateStore.open({ path, clock, commitThread: 'worker' }), SqliteStateStore.open({ path, clock, commitThread: 'worker' })]);
  },
});

/** A raw connection to inspect or tamper with a state file. */
function raw(path: string): Database.Database {
  return new Database(path);
}

/** Creates a store file at `path` (with these migrations) and closes it. */
async function createAt(path: string, migrations?: readonly Migration[]): Promise<void> {
  await SqliteStateStore.open({ path, ...(migrations ? { migrations } : {}) }).close();
}

const EXTRA: Migration = { version: 5, name: 'extra', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY); CREATE INDEX extra_id ON extra (id);' };

describe('SqliteStateStore: opening and migrations', () => {
  it('creates the file (0600) and applies every migration on an empty database, recording each', async () => {
    const path = tempPath();
    const clock = new ManualClock();
    const store = SqliteStateStore.open({ path, clock: clock.now });
    expect(store.migration).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, applied: ['001-initial', '002-read-plans', '003-record-subjects', '004-record-bodies'] });
    expect(store.journalMode()).toBe('wal');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await store.close();
    const db = raw(path);
    expect(db.prepare('SELECT version, name, applied_at FROM schema_migrations').all()).toEqual([
      { version: 1, name: 'initial', applied_at: clock.now().getTime() },
      { version: 2, name: 'read-plans', applied_at: clock.now().getTime() },
      { version: 3, name: 'record-subjects', applied_at: clock.now().getTime() },
      { version: 4, name: 'record-bodies', applied_at: clock.now().getTime() },
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'subjects_search_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables).toEqual(['control_requests', 'cycles', 'drift', 'object_failures', 'object_links', 'provisioning_records', 'quarantine', 'read_plans', 'record_bodies', 'record_subjects', 'schema_migrations',
      'service_state', 'staged_cycles', 'staged_items', 'subjects_search', 'undo_journal', 'watermarks', 'write_intents']);
    db.close();
  });

  it('re-opens an existing store without migrating, keeping its data', async () => {
    const path = tempPath();
    const clock = new ManualClock();
    const first = SqliteStateStore.open({ path, clock: clock.now });
    await first.startCycle({ kind: 'full', dryRun: false, id: 'kept' });
    const record = makeRecord({ cycleId: 'kept', at: clock.now() });
    await first.append([record]);
    await first.close();
    const second = SqliteStateStore.open({ path, clock: clock.now });
    expect(second.migration).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
    expect(await second.getRecord(record.id)).toEqual(record);
    expect((await second.queryRecords({ user: 'ashley' })).total).toBe(1);
    await second.close();
  });

  it('upgrades an older store in order, in one transaction, and rolls a failing migration back entirely', async () => {
    const path = tempPath();
    await createAt(path);
    const broken: Migration = { version: 5, name: 'broken', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);' };
    expect(() => SqliteStateStore.open({ path, migrations: [...MIGRATIONS, broken] })).toThrow(StateStoreError);
    let db = raw(path);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: 4 });
    db.close();

    const upgraded = SqliteStateStore.open({ path, migrations: [...MIGRATIONS, EXTRA] });
    expect(upgraded.migration).toEqual({ from: 4, to: 5, applied: ['005-extra'] });
    await upgraded.close();
    db = raw(path);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 1 });
    db.close();
  });

  it('answers no read plan for a row that is not a list of strings', async () => {
    const path = tempPath();
    await createAt(path);
    const db = raw(path);
    const insert = db.prepare('INSERT INTO read_plans (key, cuts, updated_at) VALUES (?, ?, 0)');
    insert.run('not-json', '[1, 2');
    insert.run('numbers', '[1, 2]');
    insert.run('object', '{"cut": "1"}');
    db.close();
    const store = SqliteStateStore.open({ path });
    for (const key of ['not-json', 'numbers', 'object']) expect(await store.readPlan(key)).toBeNull();
    await store.close();
  });

  it('brings a store of the first release up to date (002-read-plans), keeping its data', async () => {
    const path = tempPath();
    const first = SqliteStateStore.open({ path, migrations: MIGRATIONS.slice(0, 1) });
    await first.startCycle({ kind: 'full', dryRun: false, id: 'before-upgrade' });
    await first.close();
    const upgraded = SqliteStateStore.open({ path });
    expect(upgraded.migration).toEqual({ from: 1, to: LATEST_SCHEMA_VERSION, applied: ['002-read-plans', '003-record-subjects', '004-record-bodies'] });
    expect((await upgraded.getCycle('before-upgrade'))?.kind).toBe('full');
    await upgraded.saveReadPlan('dc', ['42']);
    expect(await upgraded.readPlan('dc')).toEqual(['42']);
    await upgraded.close();
  });

  it('refuses a store whose schema is newer than the code, and leaves it untouched', async () => {
    const path = tempPath();
    await createAt(path, [...MIGRATIONS, EXTRA]);
    const bytes = readFileSync(path);
    let error: unknown;
    try {
      SqliteStateStore.open({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateStoreVersionTooNew);
    expect(error).toMatchObject({ code: 'StateStoreTooNew', fileVersion: 5, knownVersion: LATEST_SCHEMA_VERSION, path });
    expect((error as Error).message).toContain('newer version');
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses files that are not exo-writeback state stores, or whose history is damaged', async () => {
    const garbage = tempPath();
    await createAt(garbage);
    writeFileSync(garbage, 'this is not a database, just some text that is long enough to have a header...'.repeat(20));
    for (const suffix of ['-wal', '-shm']) rmSync(garbage + suffix, { force: true });
    expect(() => SqliteStateStore.open({ path: garbage })).toThrow(StateStoreCorrupt);

    const other = join(dir, 'other.db');
    const db = raw(other);
    db.exec('CREATE TABLE customers (id INTEGER)');
    db.close();
    expect(() => SqliteStateStore.open({ path: other })).toThrow(/not an exo-writeback state store/);

    const foreign = join(dir, 'foreign.db');
    const fdb = raw(foreign);
    fdb.pragma('application_id = 42');
    fdb.exec('CREATE TABLE t (id INTEGER)');
    fdb.close();
    expect(() => SqliteStateStore.open({ path: foreign })).toThrow(StateStoreCorrupt);

    const gap = tempPath();
    await createAt(gap, [...MIGRATIONS, EXTRA]);
    const gdb = raw(gap);
    gdb.exec('DELETE FROM schema_migrations WHERE version = 1');
    gdb.close();
    expect(() => SqliteStateStore.open({ path: gap, migrations: [...MIGRATIONS, EXTRA] })).toThrow(/damaged schema history/);
  });

  it('refuses a non-contiguous migration list (a programming error)', () => {
    expect(() => SqliteStateStore.open({ path: ':memory:', migrations: [EXTRA] })).toThrow(/not contiguous/);
  });

  it('reports a path it cannot create as unavailable', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    expect(() => SqliteStateStore.open({ path: join(blocker, 'sub', 'state.db') })).toThrow(StateStoreUnavailable);
  });
});

describe('SqliteStateStore: sharing the file', () => {
  it('turns a write lock held past the busy timeout into StateStoreBusy, while reads go on (WAL)', async () => {
    const path = tempPath();
    const store = SqliteStateStore.open({ path, busyTimeoutMs: 20 });
    await store.requestControl('pause');
    const holder = raw(path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const error = await store.requestControl('resume').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateStoreBusy);
      expect(error).toMatchObject({ code: 'StateStoreBusy', retryable: true });
      expect(await store.getServiceState()).toBeNull(); // reading is not blocked
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect((await store.takePendingControls()).map((c) => c.kind)).toEqual(['pause']);
    await store.close();
  });

  it('sees a second process migrate a new file only once', async () => {
    const path = tempPath();
    const a = SqliteStateStore.open({ path });
    const b = SqliteStateStore.open({ path });
    expect([a.migration.applied, b.migration.applied]).toEqual([['001-initial', '002-read-plans', '003-record-subjects', '004-record-bodies'], []]);
    await a.close();
    await b.close();
  });

  it('indexes each subject once, keeps the trigram index in step, and prunes subjects no record names', async () => {
    const path = tempPath();
    const store = SqliteStateStore.open({ path });
    const bo = { entraId: '22222222-2222-2222-2222-222222222222', name: 'Bo Chen', upn: 'bo.chen@contoso.com', guid: '0b0b0b0b-0000-0000-0000-000000000002', dn: 'CN=Bo Chen,OU=Staff,DC=contoso,DC=com' };
    await store.append([
      makeRecord({ cycleId: 'c', at: new Date('2026-01-01T00:00:00Z') }),
      makeRecord({ cycleId: 'c', at: new Date('2026-01-02T00:00:00Z'), who: bo }),
      makeRecord({ cycleId: 'c', at: new Date('2026-02-01T00:00:00Z') }),
    ]);
    let db = raw(path);
    expect(db.prepare('SELECT count(*) AS n FROM record_subjects').get()).toEqual({ n: 2 });
    db.close();
    expect((await store.queryRecords({ user: 'ashley' })).total).toBe(2);
    expect((await store.queryRecords({ user: 'bo' })).total).toBe(1);
    await store.pruneRecords(new Date('2026-01-15T00:00:00Z'));
    expect((await store.queryRecords({ user: 'ashley' })).total).toBe(1);
    await store.close();
    db = raw(path);
    expect(() => db.prepare("INSERT INTO subjects_search (subjects_search, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
    expect(db.prepare("SELECT count(*) AS n FROM subjects_search WHERE subjects_search MATCH '\"ashley\"'").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM subjects_search WHERE subjects_search MATCH '\"bo chen\"'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM record_subjects').get()).toEqual({ n: 1 });
    expect(() => db.prepare("UPDATE provisioning_records SET status = 'x'").run()).toThrow(/immutable/);
    expect(() => db.prepare("UPDATE record_subjects SET search_text = 'x'").run()).toThrow(/immutable/);
    db.close();
  });

  it('brings records of a schema-2 store under their subjects (003-record-subjects), still immutable and searchable', async () => {
    const path = tempPath();
    const old = SqliteStateStore.open({ path, migrations: MIGRATIONS.slice(0, 2) });
    await old.close();
    const ashley = makeRecord({ cycleId: 'c', at: new Date('2026-01-01T00:00:00Z') });
    const again = makeRecord({ cycleId: 'c', at: new Date('2026-01-02T00:00:00Z') });
    let db = raw(path);
    // Written as the schema-2 code wrote them: the search text on each record.
    const insert = db.prepare('INSERT INTO provisioning_records (id, cycle_id, activity_at, status, action, dry_run, search_text, record) VALUES (?, ?, ?, ?, ?, 0, ?, ?)');
    for (const r of [ashley, again]) insert.run(r.id, r.cycleId, Date.parse(r.activityDateTime), r.provisioningStatusInfo.status, r.provisioningAction, recordSearchText(r), JSON.stringify(r));
    db.close();
    const upgraded = SqliteStateStore.open({ path });
    expect(upgraded.migration).toEqual({ from: 2, to: LATEST_SCHEMA_VERSION, applied: ['003-record-subjects', '004-record-bodies'] });
    expect(await upgraded.getRecord(ashley.id)).toEqual(ashley);
    expect((await upgraded.queryRecords({ user: 'taylor' })).records.map((r) => r.id).sort()).toEqual([ashley.id, again.id].sort());
    expect((await upgraded.queryRecords({ user: 'as' })).total).toBe(2);
    await upgraded.append([makeRecord({ cycleId: 'c', at: new Date('2026-01-03T00:00:00Z') })]);
    expect((await upgraded.queryRecords({ user: 'ashley' })).total).toBe(3);
    await upgraded.close();
    db = raw(path);
    expect(db.prepare('SELECT count(*) AS n FROM record_subjects').get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM pragma_table_info('provisioning_records') WHERE name = 'search_text'").get()).toEqual({ n: 0 });
    expect(() => db.prepare("UPDATE provisioning_records SET status = 'x'").run()).toThrow(/immutable/);
    db.close();
  });
});

describe('SqliteStateStore: record bodies', () => {
  const ashleyAt = (at: string, options: { cycleId?: string; update?: boolean } = {}) =>
    makeRecord({ cycleId: options.cycleId ?? 'c', at: new Date(at), ...(options.update ? { update: true } : {}) });

  it('stores a body once for every record that has it, and gives each record back whole, in field order', async () => {
    const path = tempPath();
    const store = SqliteStateStore.open({ path });
    const inStep = [ashleyAt('2026-01-01T00:00:00Z'), ashleyAt('2026-01-02T00:00:00Z', { cycleId: 'd' }), ashleyAt('2026-01-03T00:00:00Z', { cycleId: 'e' })];
    const changed = ashleyAt('2026-01-04T00:00:00Z', { update: true });
    await store.append([...inStep, changed]);
    for (const record of [...inStep, changed]) expect(JSON.stringify(await store.getRecord(record.id))).toBe(JSON.stringify(record));
    const page = await store.queryRecords({ order: 'asc' });
    expect(page.records.map((r) => JSON.stringify(r))).toEqual([...inStep, changed].map((r) => JSON.stringify(r)));
    const streamed: string[] = [];
    for await (const r of store.streamRecords({ order: 'asc', user: 'ashley' })) streamed.push(JSON.stringify(r));
    expect(streamed).toEqual(page.records.map((r) => JSON.stringify(r)));
    await store.close();
    const db = raw(path);
    expect(db.prepare('SELECT count(*) AS n FROM record_bodies').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(DISTINCT body_id) AS n FROM provisioning_records WHERE id IN (?, ?, ?)').get(...inStep.map((r) => r.id))).toEqual({ n: 1 });
    expect(() => db.prepare("UPDATE record_bodies SET body = '{}'").run()).toThrow(/immutable/);
    db.close();
  });

  it('prunes the bodies no record names any more, and keeps a body a newer record still shares', async () => {
    const path = tempPath();
    const store = SqliteStateStore.open({ path });
    const old = ashleyAt('2026-01-01T00:00:00Z');
    const oldChange = ashleyAt('2026-01-02T00:00:00Z', { update: true });
    const kept = ashleyAt('2026-02-01T00:00:00Z');
    await store.append([old, oldChange, kept]);
    expect((await store.pruneRecords(new Date('2026-01-15T00:00:00Z'))).records).toBe(2);
    expect(JSON.stringify(await store.getRecord(kept.id))).toBe(JSON.stringify(kept));
    await store.close();
    const db = raw(path);
    expect(db.prepare('SELECT count(*) AS n FROM record_bodies').get()).toEqual({ n: 1 });
    db.close();
  });

  it('moves the records of a schema-3 store into envelopes and bodies of their own (004-record-bodies), whole and in order', async () => {
    const path = tempPath();
    const old = SqliteStateStore.open({ path, migrations: MIGRATIONS.slice(0, 3) });
    await old.close();
    const first = ashleyAt('2026-01-01T00:00:00Z');
    const second = ashleyAt('2026-01-02T00:00:00Z');
    const pruned = ashleyAt('2026-01-03T00:00:00Z', { update: true });
    let db = raw(path);
    // Written as the schema-3 code wrote them: the whole record on each row.
    const subject = Number(db.prepare('INSERT INTO record_subjects (search_text) VALUES (?)').run(recordSearchText(first)).lastInsertRowid);
    const insert = db.prepare('INSERT INTO provisioning_records (id, cycle_id, activity_at, status, action, dry_run, subject_id, record) VALUES (?, ?, ?, ?, ?, 0, ?, ?)');
    for (const r of [first, second, pruned]) insert.run(r.id, r.cycleId, Date.parse(r.activityDateTime), r.provisioningStatusInfo.status, r.provisioningAction, subject, JSON.stringify(r));
    db.prepare('DELETE FROM provisioning_records WHERE id = ?').run(pruned.id);
    db.close();

    const upgraded = SqliteStateStore.open({ path });
    expect(upgraded.migration).toEqual({ from: 3, to: LATEST_SCHEMA_VERSION, applied: ['004-record-bodies'] });
    expect(JSON.stringify(await upgraded.getRecord(first.id))).toBe(JSON.stringify(first));
    expect((await upgraded.queryRecords({ user: 'taylor', order: 'asc' })).records.map((r) => JSON.stringify(r))).toEqual([first, second].map((r) => JSON.stringify(r)));
    const next = ashleyAt('2026-01-04T00:00:00Z');
    const again = ashleyAt('2026-01-05T00:00:00Z');
    await upgraded.append([next, again]);
    expect(JSON.stringify(await upgraded.getRecord(again.id))).toBe(JSON.stringify(again));
    await upgraded.close();

    db = raw(path);
    // Carried-over bodies are not shared (no hash); new ones are.
    expect(db.prepare('SELECT count(*) AS n, count(hash) AS hashed FROM record_bodies').get()).toEqual({ n: 3, hashed: 1 });
    // The sequence goes on after the pruned record's.
    const seqs = db.prepare('SELECT id, seq FROM provisioning_records ORDER BY seq').all() as Array<{ id: string; seq: number }>;
    expect(seqs.map((r) => r.id)).toEqual([first.id, second.id, next.id, again.id]);
    expect(seqs[2]!.seq).toBe(4);
    expect(db.prepare("SELECT count(*) AS n FROM pragma_table_info('provisioning_records') WHERE name = 'record'").get()).toEqual({ n: 0 });
    expect(() => db.prepare("UPDATE provisioning_records SET status = 'x'").run()).toThrow(/immutable/);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    db.close();
  });
});

describe('SqliteStateStore: batches committed on a worker thread', () => {
  const linkFor = (entraId: string, at: Date) => ({ entraId, objectGuid: '583f7cc3-3182-44e0-9e7d-66e517508db1', domain: 'lab.example.com', dn: 'CN=A,DC=lab', valuesHash: 'h', appliedAt: at });

  /** A store at `path` (a new file by default) that commits on a worker, with cycle `c` started. */
  const openWithCycle = async (path = tempPath(), options: { busyTimeoutMs?: number } = {}) => {
    const clock = new ManualClock();
    const store = SqliteStateStore.open({ path, clock: clock.now, commitThread: 'worker', ...options });
    await store.startCycle({ kind: 'full', dryRun: false, id: 'c' });
    /** An object result of cycle `c`, with a new record. */
    const result = () => ({ cycleId: 'c', record: makeRecord({ cycleId: 'c', at: clock.now() }) });
    return { clock, store, result };
  };

  it('writes with the caller\'s clock, and what it wrote is read at once on the caller\'s connection', async () => {
    const { clock, store } = await openWithCycle();
    const later = clock.advance(90_000);
    const record = makeRecord({ cycleId: 'c', at: later });
    expect(await store.commitObjectResults([{ cycleId: 'c', record, link: linkFor('entra-1', later) }])).toEqual([{ journalId: null, retryState: null }]);
    expect(await store.getRecord(record.id)).toEqual(record);
    expect(await store.getLink('entra-1')).toMatchObject({ appliedAt: later, updatedAt: later });
    await store.close();
  });

  it('commits on a thread of its own: the caller stays free while the batch waits for a lock', async () => {
    const path = tempPath();
    const { store, result } = await openWithCycle(path, { busyTimeoutMs: 5000 });
    const locker = raw(path);
    locker.exec('BEGIN IMMEDIATE');
    const input = result();
    // On the caller's thread this call would wait out the busy timeout itself, holding the
    // thread that has to release the lock, and fail with StateStoreBusy.
    const committing = store.commitObjectResults([input]);
    locker.exec('COMMIT');
    locker.close();
    await expect(committing).resolves.toHaveLength(1);
    expect(await store.getRecord(input.record.id)).toEqual(input.record);
    await store.close();
  });

  it('keeps each failure\'s class and code across the thread', async () => {
    const { clock, store } = await openWithCycle();
    const missing = store.commitObjectResults([{ cycleId: 'nowhere', record: makeRecord({ cycleId: 'nowhere', at: clock.now() }) }]);
    await expect(missing).rejects.toBeInstanceOf(StateStoreNotFound);
    await expect(missing).rejects.toMatchObject({ code: 'StateStoreNotFound', path: store.path, message: expect.stringContaining('no cycle nowhere') as string });
    await store.close();
  });

  it('finishes the batches in flight before closing, and refuses a batch after', async () => {
    const path = tempPath();
    const { clock, store, result } = await openWithCycle(path);
    const inFlight = [result(), result(), result()].map((input) => store.commitObjectResults([input]));
    await store.close();
    await Promise.all(inFlight);
    await expect(store.commitObjectResults([result()])).rejects.toBeInstanceOf(StateStoreUnavailable);
    const reopened = SqliteStateStore.open({ path, clock: clock.now });
    expect((await reopened.queryRecords({ cycleId: 'c' })).total).toBe(3);
    await reopened.close();
  });

  it('answers each batch with the error when its own connection cannot open, and still closes', async () => {
    const path = tempPath();
    const { store, result } = await openWithCycle(path);
    // The caller's connection keeps the file it opened; the path now names a folder.
    rmSync(path);
    mkdirSync(path);
    await expect(store.commitObjectResults([result()])).rejects.toBeInstanceOf(StateStoreUnavailable);
    await expect(store.commitObjectResults([result()])).rejects.toMatchObject({ code: 'StateStoreUnavailable', message: expect.stringContaining('cannot be opened') as string });
    await store.close();
  });

  it('commits on the caller\'s thread for a :memory: store, which has no file to share', async () => {
    const { store, result } = await openWithCycle(':memory:');
    const input = result();
    await store.commitObjectResults([input]);
    expect(await store.getRecord(input.record.id)).toEqual(input.record);
    await store.close();
  });
});

describe('normalizeObjectGuid', () => {
  it('accepts the string form, braces and case, 32 hex digits in AD byte order, and 16 bytes', () => {
    const canonical = '01020304-0506-0708-090a-0b0c0d0e0f10';
    const adOrder = Buffer.from('0403020106050807090a0b0c0d0e0f10', 'hex');
    expect(normalizeObjectGuid(canonical)).toBe(canonical);
    expect(normalizeObjectGuid(`{${canonical.toUpperCase()}}`)).toBe(canonical);
    expect(normalizeObjectGuid(adOrder)).toBe(canonical);
    expect(normalizeObjectGuid(new Uint8Array(adOrder))).toBe(canonical);
    expect(normalizeObjectGuid(adOrder.toString('hex').toUpperCase())).toBe(canonical);
    expect(() => normalizeObjectGuid('nope')).toThrow(RangeError);
    expect(() => normalizeObjectGuid(Buffer.alloc(15))).toThrow(RangeError);
  });
});
