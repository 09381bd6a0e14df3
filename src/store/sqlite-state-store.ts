/**
 * The state store on an embedded SQLite file (better-sqlite3): the default store of the service.
 *
 * Settings, chosen so a CLI command and the running service can share the file:
 * - `journal_mode=WAL`: readers never block the writer and the writer never blocks readers;
 * - `synchronous=FULL`: every commit is fsync'd before it returns. With NORMAL, WAL survives a
 *   process crash but a power loss or OS crash may roll back the last commits — and an intent or a
 *   journal entry rolled back *after* the LDAP modify it describes was sent would break the
 *   exactly-once journal. The cost (one fsync per object write) is small next to an LDAP round trip;
 * - `foreign_keys=ON`;
 * - `busy_timeout` (default 5 s) and every write transaction `BEGIN IMMEDIATE`, so two writers
 *   queue for the lock instead of failing on a read-to-write upgrade; a lock held longer than the
 *   timeout surfaces as {@link StateStoreBusy}.
 *
 * better-sqlite3 is synchronous; the methods are `async` only to fit the {@link StateStore} port
 * (so a failure is always a rejected promise, never a synchronous throw), hence no `await` in them.
 */
/* eslint-disable @typescript-eslint/require-await -- synchronous driver behind an async port, see above */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AttributeChange } from '../core/attribute-change.js';
import { guidToBytes, guidToString } from '../core/guid.js';
import type { ProvisioningRecord } from '../core/provisioning-record.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { CommitWorker } from './commit-worker.js';
import { bodyHash, joinRecord, splitRecord } from './record-body.js';
import { migrate, type MigrationResult } from './sqlite-migrate.js';
import { StateStoreConflict, StateStoreError, StateStoreNotFound, StateStoreUnavailable, toStateStoreError } from './state-store-errors.js';
import type {
  AttributeValueMap, CommitCycleInput, CommitObjectResult, CommitObjectResultInput, ControlArgs, ControlKind, ControlRequest, Cycle, CycleError,
  CycleKind, CycleOutcome, Drift, DriftInput, FinishCycleInput, Intent, IntentInput, IntentStatus, JournalEntry, JournalEntryInput, Link, LinkInput,
  ListCyclesQuery, ObjectGuidInput, PruneResult, Quarantine, RecordPage, RecordQuery, RetryState, ServiceState, ServiceStateInput, StagedCycle,
  StagedCycleWithItems, StagedItemInput, StagedStatus, StateStore, Watermark, WatermarkKey,
} from './state-store.js';

export interface SqliteStateStoreOptions {
  /** The state file (created with mode 0600, with its folder), or `:memory:`. */
  path: string;
  /** How long to wait for another process's write lock; default 5000 ms. */
  busyTimeoutMs?: number;
  /** Default `() => new Date()`. */
  clock?: () => Date;
  /** Default: the released migrations. For tests of the migration mechanism. */
  migrations?: readonly Migration[];
  /**
   * Where {@link SqliteStateStore.commitObjectResults} runs its SQL: `caller` (default) on the
   * calling thread, or `worker` on a worker thread with a connection of its own, started at the
   * first batch, so that the caller can go on while a batch commits (the service does: its full
   * cycle's state-store work then runs on the second core, see docs/performance.md). A `:memory:`
   * store has no file a second connection could open: it always commits on the caller's thread.
   */
  commitThread?: 'caller' | 'worker';
}

type Row = Record<string, unknown>;

const RECORD_PAGE = 500;

/** A record's row joined with its body; {@link toRecord} makes the record of it. */
interface StoredRecordRow { id: string; cycle_id: string; envelope: string; body: string }
const RECORD_COLUMNS = 'r.id AS id, r.cycle_id AS cycle_id, r.envelope AS envelope, b.body AS body';
/** Filters name the record row's columns unqualified: of those, the body table shares only `id`. */
const RECORD_FROM = 'FROM provisioning_records r JOIN record_bodies b ON b.id = r.body_id';
const toRecord = (row: StoredRecordRow): ProvisioningRecord => joinRecord(row.id, row.cycle_id, row.envelope, row.body);

/** Prepared statements kept at most (the store's own SQL is far fewer; filtered queries vary). */
const MAX_CACHED_STATEMENTS = 200;

/** The canonical GUID string of a GUID string (any case, braces), 32 hex digits in AD byte order, or 16 bytes in AD byte order. */
export function normalizeObjectGuid(input: ObjectGuidInput): string {
  if (input instanceof Uint8Array) return guidToString(input);
  const text = input.trim();
  if (/^[0-9a-f]{32}$/i.test(text)) return guidToString(Buffer.from(text, 'hex'));
  const bytes = guidToBytes(text);
  if (!bytes) throw new RangeError(`not an objectGUID: ${JSON.stringify(input)}`);
  return guidToString(bytes);
}

/** Lower-cased text the `user` filter searches: source id, name, UPN; target id, name, DN. */
export function recordSearchText(record: ProvisioningRecord): string {
  const parts = [record.sourceIdentity.id, record.sourceIdentity.displayName, record.targetIdentity.id, record.targetIdentity.displayName];
  for (const [key, value] of [...Object.entries(record.sourceIdentity.details), ...Object.entries(record.targetIdentity.details)]) {
    if (/^(userprincipalname|distinguishedname|primarysmtpaddress)$/i.test(key)) parts.push(value);
  }
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n').toLowerCase();
}

/**
 * A record as its row holds it, but for what the store looks up (its subject's and body's ids) and
 * the body's hash. Made on the caller's thread, so that with commits on a worker thread the record
 * is serialized where it was built and only text crosses over.
 */
export interface RecordRow {
  id: string;
  cycleId: string;
  activityAt: number;
  status: string;
  action: string;
  dryRun: boolean;
  searchText: string;
  body: string;
  envelope: string;
}

/** The row of `record` (pure); a RangeError when its `activityDateTime` is not a date. */
export function toRecordRow(record: ProvisioningRecord): RecordRow {
  const activityAt = Date.parse(record.activityDateTime);
  if (!Number.isFinite(activityAt)) throw new RangeError(`record ${record.id}: activityDateTime ${JSON.stringify(record.activityDateTime)} is not a date`);
  const { body, envelope } = splitRecord(record);
  return {
    id: record.id, cycleId: record.cycleId, activityAt, status: record.provisioningStatusInfo.status, action: record.provisioningAction,
    dryRun: record.dryRun, searchText: recordSearchText(record), body, envelope,
  };
}

/** An object result with its record made a row: what a commit worker is sent. */
export type PreparedObjectResult = Omit<CommitObjectResultInput, 'record'> & { record: RecordRow };

const prepareObjectResult = (input: CommitObjectResultInput): PreparedObjectResult => ({ ...input, record: toRecordRow(input.record) });

const ms = (d: Date): number => {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new RangeError('invalid Date');
  return t;
};
const date = (v: unknown): Date => new Date(v as number);
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as number));
const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(v as string) as T;

function valuesRemoved(changes: readonly AttributeChange[], before: AttributeValueMap): number {
  let n = 0;
  for (const c of changes) {
    if (c.operation === 'delete') n += c.values.length;
    else if (c.operation === 'replace') {
      const kept = new Set(c.values.map((v) => v.toLowerCase()));
      n += (before[c.attribute] ?? []).filter((v) => !kept.has(v.toLowerCase())).length;
    }
  }
  return n;
}

export class SqliteStateStore implements StateStore {
  readonly path: string;
  /** What opening did to the schema. */
  readonly migration: MigrationResult;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  /**
   * Prepared statements by SQL text: a full cycle commits several statements per mailbox, and
   * preparing each anew cost more than running it (docs/performance.md). Bounded, because a few
   * queries are built from their filters.
   */
  private readonly statements = new Map<string, Database.Statement>();
  /** Commits batches of object results on a worker thread, when opened with `commitThread: 'worker'`. */
  private readonly commitWorker: CommitWorker | null;

  private constructor(db: Database.Database, path: string, now: () => Date, migration: MigrationResult, commitWorker: CommitWorker | null) {
    this.db = db;
    this.path = path;
    this.now = now;
    this.migration = migration;
    this.commitWorker = commitWorker;
  }

  /** Opens (creating and migrating when needed) the store at `options.path`. */
  static open(options: SqliteStateStoreOptions): SqliteStateStore {
    const { path } = options;
    const now = options.clock ?? (() => new Date());
    let db: Database.Database | null = null;
    try {
      if (path !== ':memory:' && path !== '') {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        closeSync(openSync(path, 'a', 0o600));
      }
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      const migration = migrate(db, path, options.migrations ?? MIGRATIONS, now);
      const inMemory = path === ':memory:' || path === '';
      const commitWorker = options.commitThread === 'worker' && !inMemory ? new CommitWorker(path, options.busyTimeoutMs ?? 5000) : null;
      return new SqliteStateStore(db, path, now, migration, commitWorker);
    } catch (error) {
      db?.close();
      if (error instanceof StateStoreError) throw error;
      // A file-system error while creating the folder or file (ENOTDIR, EACCES, EROFS, …).
      if (error instanceof Error && 'errno' in error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        throw new StateStoreUnavailable(`state store ${path} cannot be opened: ${error.message}`, path, { cause: error });
      }
      throw toStateStoreError(error, path, 'opening');
    }
  }

  /** The journal mode in effect (`wal`, or `memory` for `:memory:`). */
  journalMode(): string {
    return this.read('reading pragmas', () => this.db.pragma('journal_mode', { simple: true }) as string);
  }

  // ---- plumbing ----

  private ensureOpen(): void {
    if (!this.db.open) throw new StateStoreUnavailable(`state store ${this.path} is closed`, this.path);
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction; any failure rolls everything back. */
  private write<T>(doing: string, fn: () => T): T {
    this.ensureOpen();
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw toStateStoreError(error, this.path, doing);
    }
  }

  private read<T>(doing: string, fn: () => T): T {
    this.ensureOpen();
    try {
      return fn();
    } catch (error) {
      throw toStateStoreError(error, this.path, doing);
    }
  }

  private conflict(message: string): StateStoreConflict {
    return new StateStoreConflict(`state store ${this.path}: ${message}`, this.path);
  }

  private notFound(message: string): StateStoreNotFound {
    return new StateStoreNotFound(`state store ${this.path}: ${message}`, this.path);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private get<T = Row>(sql: string, ...params: unknown[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  private all<T = Row>(sql: string, ...params: unknown[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  // ---- cycles ----

  private toCycle(r: Row): Cycle {
    return {
      id: r.id as string,
      seq: r.seq as number,
      kind: r.kind as CycleKind,
      dryRun: r.dry_run === 1,
      startedAt: date(r.started_at),
      finishedAt: dateOrNull(r.finished_at),
      outcome: (r.outcome as CycleOutcome | null) ?? null,
      counts: parse(r.counts),
      error: r.error === null ? null : parse<CycleError>(r.error),
    };
  }

  private cycleRow(cycleId: string): Row {
    const row = this.get('SELECT * FROM cycles WHERE id = ?', cycleId);
    if (!row) throw this.notFound(`no cycle ${cycleId}`);
    return row;
  }

  async startCycle(input: { kind: CycleKind; dryRun: boolean; id?: string; startedAt?: Date }): Promise<string> {
    const id = input.id ?? randomUUID();
    return this.write('starting a cycle', () => {
      if (this.get('SELECT 1 FROM cycles WHERE id = ?', id)) throw this.conflict(`cycle ${id} exists already`);
      this.run('INSERT INTO cycles (id, kind, dry_run, started_at) VALUES (?, ?, ?, ?)', id, input.kind, input.dryRun ? 1 : 0, ms(input.startedAt ?? this.now()));
      return id;
    });
  }

  async finishCycle(cycleId: string, result: FinishCycleInput): Promise<Cycle> {
    return this.commitCycle({ ...result, cycleId });
  }

  async commitCycle(input: CommitCycleInput): Promise<Cycle> {
    return this.write('finishing a cycle', () => {
      const row = this.cycleRow(input.cycleId);
      if (row.finished_at !== null) throw this.conflict(`cycle ${input.cycleId} is already finished (${row.outcome as string})`);
      const pending = this.get<{ n: number }>("SELECT count(*) AS n FROM write_intents WHERE cycle_id = ? AND status = 'pending'", input.cycleId)!.n;
      if (pending > 0) throw this.conflict(`cycle ${input.cycleId} has ${pending} pending write intent(s): resolve them (commitObjectResult or abandonIntent) before finishing it`);
      const finishedAt = ms(input.finishedAt ?? this.now());
      this.run('UPDATE cycles SET finished_at = ?, outcome = ?, counts = ?, error = ? WHERE id = ?',
        finishedAt, input.outcome, json(input.counts), input.error ? json({ code: input.error.code, message: input.error.message }) : null, input.cycleId);
      if (input.watermark) {
        if (input.outcome !== 'success') throw this.conflict(`cycle ${input.cycleId} ended ${input.outcome}: only a successful cycle advances a watermark`);
        if (row.dry_run === 1) throw this.conflict(`cycle ${input.cycleId} is a dry run: it cannot advance a watermark`);
        const { key, value } = input.watermark;
        this.run(`INSERT INTO watermarks (tenant, kind, value, cycle_id, updated_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (tenant, kind) DO UPDATE SET value = excluded.value, cycle_id = excluded.cycle_id, updated_at = excluded.updated_at`,
        key.tenant, key.kind, value, input.cycleId, finishedAt);
      }
      return this.toCycle(this.cycleRow(input.cycleId));
    });
  }

  async getCycle(cycleId: string): Promise<Cycle | null> {
    return this.read('reading a cycle', () => {
      const row = this.get('SELECT * FROM cycles WHERE id = ?', cycleId);
      return row ? this.toCycle(row) : null;
    });
  }

  async listCycles(query: ListCyclesQuery = {}): Promise<Cycle[]> {
    return this.read('listing cycles', () => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.since) { where.push('started_at >= ?'); params.push(ms(query.since)); }
      if (query.kind) { where.push('kind = ?'); params.push(query.kind); }
      const sql = `SELECT * FROM cycles ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
      return this.all(sql, ...params, query.limit ?? 50).map((r) => this.toCycle(r));
    });
  }

  async lastCycle(kind?: CycleKind, options: { outcome?: CycleOutcome } = {}): Promise<Cycle | null> {
    return this.read('reading the last cycle', () => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (kind) { where.push('kind = ?'); params.push(kind); }
      if (options.outcome) { where.push('outcome = ?'); params.push(options.outcome); }
      const row = this.get(`SELECT * FROM cycles ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT 1`, ...params);
      return row ? this.toCycle(row) : null;
    });
  }

  async unfinishedCycles(): Promise<Cycle[]> {
    return this.read('listing unfinished cycles', () => this.all('SELECT * FROM cycles WHERE finished_at IS NULL ORDER BY seq').map((r) => this.toCycle(r)));
  }

  // ---- provisioning records ----

  private insertRecord(row: RecordRow): void {
    if (this.get('SELECT 1 FROM provisioning_records WHERE id = ?', row.id)) throw this.conflict(`a provisioning record with id ${row.id} exists already (records are immutable)`);
    this.run('INSERT INTO provisioning_records (id, cycle_id, activity_at, status, action, dry_run, subject_id, body_id, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.id, row.cycleId, row.activityAt, row.status, row.action, row.dryRun ? 1 : 0, this.subjectId(row.searchText), this.bodyId(row.body), row.envelope);
  }

  /** The subject with this search text, added (and indexed for search) when new. */
  private subjectId(searchText: string): number {
    const found = this.get<{ id: number }>('SELECT id FROM record_subjects WHERE search_text = ?', searchText);
    return found ? found.id : Number(this.run('INSERT INTO record_subjects (search_text) VALUES (?)', searchText).lastInsertRowid);
  }

  /** The stored body with this text, added when new. */
  private bodyId(body: string): number {
    const hash = bodyHash(body);
    const found = this.get<{ id: number }>('SELECT id FROM record_bodies WHERE hash = ?', hash);
    return found ? found.id : Number(this.run('INSERT INTO record_bodies (hash, body) VALUES (?, ?)', hash, body).lastInsertRowid);
  }

  async append(records: readonly ProvisioningRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.write('appending provisioning records', () => {
      for (const record of records) this.insertRecord(toRecordRow(record));
    });
  }

  private recordFilter(query: Omit<RecordQuery, 'limit' | 'offset' | 'order'>): { where: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.user !== undefined && query.user.trim() !== '') {
      const needle = query.user.trim().toLowerCase();
      if ([...needle].length >= 3) {
        // Trigram index: a quoted FTS5 string matches as a substring (case-folded).
        where.push('subject_id IN (SELECT rowid FROM subjects_search WHERE subjects_search MATCH ?)');
        params.push(`"${needle.replace(/"/g, '""')}"`);
      } else {
        where.push('subject_id IN (SELECT id FROM record_subjects WHERE instr(search_text, ?) > 0)');
        params.push(needle);
      }
    }
    if (query.status) { where.push('status = ?'); params.push(query.status); }
    if (query.action) { where.push('action = ?'); params.push(query.action); }
    if (query.cycleId) { where.push('cycle_id = ?'); params.push(query.cycleId); }
    if (query.since) { where.push('activity_at >= ?'); params.push(ms(query.since)); }
    if (query.until) { where.push('activity_at < ?'); params.push(ms(query.until)); }
    return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  async queryRecords(query: RecordQuery = {}): Promise<RecordPage> {
    return this.read('querying provisioning records', () => {
      const { where, params } = this.recordFilter(query);
      const order = query.order === 'asc' ? 'ASC' : 'DESC';
      const total = this.get<{ n: number }>(`SELECT count(*) AS n FROM provisioning_records ${where}`, ...params)!.n;
      const rows = this.all<StoredRecordRow>(`SELECT ${RECORD_COLUMNS} ${RECORD_FROM} ${where} ORDER BY activity_at ${order}, seq ${order} LIMIT ? OFFSET ?`,
        ...params, query.limit ?? 100, query.offset ?? 0);
      return { records: rows.map(toRecord), total };
    });
  }

  async *streamRecords(query: Omit<RecordQuery, 'limit' | 'offset'> = {}): AsyncIterable<ProvisioningRecord> {
    const { where, params } = this.recordFilter(query);
    const asc = query.order === 'asc';
    type Row = StoredRecordRow & { seq: number; activity_at: number };
    let after: { at: number; seq: number } | null = null;
    for (;;) {
      const cursor: { at: number; seq: number } | null = after;
      const page: Row[] = this.read('exporting provisioning records', (): Row[] => {
        const keyset = cursor ? `${where ? `${where} AND` : 'WHERE'} (activity_at, seq) ${asc ? '>' : '<'} (?, ?)` : where;
        const dir = asc ? 'ASC' : 'DESC';
        return this.all<Row>(
          `SELECT seq, activity_at, ${RECORD_COLUMNS} ${RECORD_FROM} ${keyset} ORDER BY activity_at ${dir}, seq ${dir} LIMIT ?`,
          ...params, ...(cursor ? [cursor.at, cursor.seq] : []), RECORD_PAGE);
      });
      for (const row of page) yield toRecord(row);
      if (page.length < RECORD_PAGE) return;
      const last: Row = page[page.length - 1]!;
      after = { at: last.activity_at, seq: last.seq };
    }
  }

  async getRecord(id: string): Promise<ProvisioningRecord | null> {
    return this.read('reading a provisioning record', () => {
      const row = this.get<StoredRecordRow>(`SELECT ${RECORD_COLUMNS} ${RECORD_FROM} WHERE r.id = ?`, id);
      return row ? toRecord(row) : null;
    });
  }

  // ---- links ----

  private toLink(r: Row): Link {
    return {
      entraId: r.entra_id as string, objectGuid: r.object_guid as string, domain: r.domain as string, dn: r.dn as string,
      valuesHash: r.values_hash as string, values: r.applied_values === null ? null : parse<AttributeValueMap>(r.applied_values),
      appliedAt: date(r.applied_at), updatedAt: date(r.updated_at),
    };
  }

  private upsertLinkRow(link: LinkInput): void {
    const guid = normalizeObjectGuid(link.objectGuid);
    // The usual case in a full cycle: the object is still in step, and its link stays as it is —
    // not even its times are rewritten: a full cycle would otherwise rewrite every link's page.
    const unchanged = this.get(`SELECT 1 FROM object_links
      WHERE entra_id = ? AND object_guid = ? AND domain = ? AND dn = ? AND values_hash = ? AND (applied_values IS NULL) = ?`,
    link.entraId, guid, link.domain, link.dn, link.valuesHash, link.values ? 0 : 1);
    if (unchanged) return;
    this.run('DELETE FROM object_links WHERE object_guid = ? AND entra_id <> ?', guid, link.entraId);
    this.run(`INSERT INTO object_links (entra_id, object_guid, domain, dn, values_hash, applied_values, applied_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (entra_id) DO UPDATE SET object_guid = excluded.object_guid, domain = excluded.domain, dn = excluded.dn,
        values_hash = excluded.values_hash, applied_values = excluded.applied_values, applied_at = excluded.applied_at, updated_at = excluded.updated_at`,
    link.entraId, guid, link.domain, link.dn, link.valuesHash, link.values ? json(link.values) : null, ms(link.appliedAt), ms(this.now()));
  }

  async upsertLink(link: LinkInput): Promise<Link> {
    return this.write('saving a link', () => {
      this.upsertLinkRow(link);
      return this.toLink(this.get('SELECT * FROM object_links WHERE entra_id = ?', link.entraId)!);
    });
  }

  async getLink(entraId: string): Promise<Link | null> {
    return this.read('reading a link', () => {
      const row = this.get('SELECT * FROM object_links WHERE entra_id = ?', entraId);
      return row ? this.toLink(row) : null;
    });
  }

  async getLinkByGuid(objectGuid: ObjectGuidInput): Promise<Link | null> {
    const guid = normalizeObjectGuid(objectGuid);
    return this.read('reading a link', () => {
      const row = this.get('SELECT * FROM object_links WHERE object_guid = ?', guid);
      return row ? this.toLink(row) : null;
    });
  }

  // ---- watermarks ----

  async getWatermark(key: WatermarkKey): Promise<Watermark | null> {
    return this.read('reading a watermark', () => {
      const row = this.get('SELECT * FROM watermarks WHERE tenant = ? AND kind = ?', key.tenant, key.kind);
      return row ? { key: { tenant: key.tenant, kind: key.kind }, value: row.value as string, cycleId: (row.cycle_id as string | null) ?? null, updatedAt: date(row.updated_at) } : null;
    });
  }

  // ---- directory read plans ----

  async readPlan(key: string): Promise<string[] | null> {
    return this.read('reading a directory read plan', () => {
      const row = this.get('SELECT cuts FROM read_plans WHERE key = ?', key);
      if (!row) return null;
      // A hint: a row that is not a list of strings (edited by hand, damaged) counts as no plan.
      let cuts: unknown;
      try {
        cuts = JSON.parse(row.cuts as string);
      } catch {
        return null;
      }
      return Array.isArray(cuts) && cuts.every((cut) => typeof cut === 'string') ? cuts : null;
    });
  }

  async saveReadPlan(key: string, cuts: readonly string[]): Promise<void> {
    this.write('keeping a directory read plan', () => {
      this.run('INSERT INTO read_plans (key, cuts, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET cuts = excluded.cuts, updated_at = excluded.updated_at',
        key, JSON.stringify(cuts), ms(this.now()));
    });
  }

  // ---- retries ----

  private toRetry(r: Row): RetryState {
    return {
      entraId: r.entra_id as string, failures: r.failures as number, firstFailedAt: date(r.first_failed_at), lastFailedAt: date(r.last_failed_at),
      nextAttemptAt: date(r.next_attempt_at), lastErrorCode: r.last_error_code as string, lastCycleId: (r.last_cycle_id as string | null) ?? null,
    };
  }

  private recordFailureRow(entraId: string, code: string, nextAttemptAt: Date, cycleId: string | null): RetryState {
    const at = ms(this.now());
    this.run(`INSERT INTO object_failures (entra_id, failures, first_failed_at, last_failed_at, next_attempt_at, last_error_code, last_cycle_id)
      VALUES (?, 1, ?, ?, ?, ?, ?)
      ON CONFLICT (entra_id) DO UPDATE SET failures = failures + 1, last_failed_at = excluded.last_failed_at,
        next_attempt_at = excluded.next_attempt_at, last_error_code = excluded.last_error_code, last_cycle_id = excluded.last_cycle_id`,
    entraId, at, at, ms(nextAttemptAt), code, cycleId);
    return this.toRetry(this.get('SELECT * FROM object_failures WHERE entra_id = ?', entraId)!);
  }

  async recordFailure(entraId: string, code: string, nextAttemptAt: Date, cycleId: string | null = null): Promise<RetryState> {
    return this.write('recording a failure', () => this.recordFailureRow(entraId, code, nextAttemptAt, cycleId));
  }

  async clearFailure(entraId: string): Promise<boolean> {
    return this.write('clearing a failure', () => this.run('DELETE FROM object_failures WHERE entra_id = ?', entraId).changes > 0);
  }

  async getRetryState(entraId: string): Promise<RetryState | null> {
    return this.read('reading retry state', () => {
      const row = this.get('SELECT * FROM object_failures WHERE entra_id = ?', entraId);
      return row ? this.toRetry(row) : null;
    });
  }

  async dueRetries(now: Date): Promise<RetryState[]> {
    return this.read('listing due retries', () =>
      this.all('SELECT * FROM object_failures WHERE next_attempt_at <= ? ORDER BY next_attempt_at, entra_id', ms(now)).map((r) => this.toRetry(r)));
  }

  async listFailing(options: { minFailures?: number } = {}): Promise<RetryState[]> {
    return this.read('listing failing objects', () =>
      this.all('SELECT * FROM object_failures WHERE failures >= ? ORDER BY failures DESC, entra_id', options.minFailures ?? 1).map((r) => this.toRetry(r)));
  }

  // ---- quarantine ----

  private toQuarantine(r: Row): Quarantine {
    return {
      reason: r.reason as string, code: r.code as string, since: date(r.since), attempts: r.attempts as number,
      lastAttemptAt: date(r.last_attempt_at), nextAttemptAt: date(r.next_attempt_at),
    };
  }

  async enterQuarantine(reason: string, code: string, nextAttemptAt: Date): Promise<Quarantine> {
    return this.write('entering quarantine', () => {
      const at = ms(this.now());
      this.run(`INSERT INTO quarantine (id, reason, code, since, attempts, last_attempt_at, next_attempt_at) VALUES (1, ?, ?, ?, 1, ?, ?)
        ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, code = excluded.code, attempts = attempts + 1,
          last_attempt_at = excluded.last_attempt_at, next_attempt_at = excluded.next_attempt_at`,
      reason, code, at, at, ms(nextAttemptAt));
      return this.toQuarantine(this.get('SELECT * FROM quarantine WHERE id = 1')!);
    });
  }

  async liftQuarantine(): Promise<Quarantine | null> {
    return this.write('lifting quarantine', () => {
      const row = this.get('SELECT * FROM quarantine WHERE id = 1');
      this.run('DELETE FROM quarantine');
      return row ? this.toQuarantine(row) : null;
    });
  }

  async getQuarantine(): Promise<Quarantine | null> {
    return this.read('reading quarantine', () => {
      const row = this.get('SELECT * FROM quarantine WHERE id = 1');
      return row ? this.toQuarantine(row) : null;
    });
  }

  async resetForRestart(): Promise<void> {
    this.write('resetting for restart', () => {
      this.run('DELETE FROM watermarks');
      this.run('DELETE FROM object_failures');
      this.run('DELETE FROM quarantine');
    });
  }

  // ---- service control and state ----

  private toControl(r: Row): ControlRequest {
    return { id: r.id as number, kind: r.kind as ControlKind, args: parse<ControlArgs>(r.args), requestedAt: date(r.requested_at), takenAt: dateOrNull(r.taken_at) };
  }

  async requestControl(kind: ControlKind, args: ControlArgs = {}): Promise<ControlRequest> {
    return this.write('requesting a control', () => {
      const { lastInsertRowid } = this.run('INSERT INTO control_requests (kind, args, requested_at) VALUES (?, ?, ?)', kind, json(args), ms(this.now()));
      return this.toControl(this.get('SELECT * FROM control_requests WHERE id = ?', lastInsertRowid)!);
    });
  }

  async takePendingControls(): Promise<ControlRequest[]> {
    return this.write('taking control requests', () =>
      this.all('UPDATE control_requests SET taken_at = ? WHERE taken_at IS NULL RETURNING *', ms(this.now()))
        .map((r) => this.toControl(r))
        .sort((a, b) => a.id - b.id));
  }

  async getServiceState(): Promise<ServiceState | null> {
    return this.read('reading service state', () => {
      const r = this.get('SELECT * FROM service_state WHERE id = 1');
      return r
        ? { state: r.state as ServiceState['state'], pid: (r.pid as number | null) ?? null, heartbeatAt: date(r.heartbeat_at), nextCycleAt: dateOrNull(r.next_cycle_at), updatedAt: date(r.updated_at) }
        : null;
    });
  }

  async setServiceState(state: ServiceStateInput): Promise<void> {
    this.write('saving service state', () => {
      this.run(`INSERT INTO service_state (id, state, pid, heartbeat_at, next_cycle_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET state = excluded.state, pid = excluded.pid, heartbeat_at = excluded.heartbeat_at,
          next_cycle_at = excluded.next_cycle_at, updated_at = excluded.updated_at`,
      state.state, state.pid, ms(state.heartbeatAt), state.nextCycleAt ? ms(state.nextCycleAt) : null, ms(this.now()));
    });
  }

  // ---- staged changes ----

  private toStaged(r: Row): StagedCycle {
    return {
      cycleId: r.cycle_id as string, status: r.status as StagedStatus, reason: (r.reason as string | null) ?? null, stagedAt: date(r.staged_at),
      resolvedAt: dateOrNull(r.resolved_at), appliedByCycleId: (r.applied_by_cycle_id as string | null) ?? null,
      objectCount: r.object_count as number, valuesRemoved: r.values_removed as number,
    };
  }

  private stagedRow(cycleId: string): Row {
    const row = this.get('SELECT * FROM staged_cycles WHERE cycle_id = ?', cycleId);
    if (!row) throw this.notFound(`no staged changes for cycle ${cycleId}`);
    return row;
  }

  async stageCycle(cycleId: string, items: readonly StagedItemInput[], options: { reason?: string } = {}): Promise<StagedCycle> {
    const normalized = items.map((i) => ({ ...i, objectGuid: normalizeObjectGuid(i.objectGuid) }));
    return this.write('staging changes', () => {
      const cycle = this.cycleRow(cycleId);
      if (cycle.dry_run === 1) throw this.conflict(`cycle ${cycleId} is a dry run: nothing to stage`);
      if (this.get('SELECT 1 FROM staged_cycles WHERE cycle_id = ?', cycleId)) throw this.conflict(`cycle ${cycleId} is already staged`);
      const at = ms(this.now());
      this.run("UPDATE staged_cycles SET status = 'superseded', resolved_at = ? WHERE status = 'pending'", at);
      const removed = normalized.reduce((n, i) => n + valuesRemoved(i.changes, i.before), 0);
      this.run('INSERT INTO staged_cycles (cycle_id, status, reason, staged_at, object_count, values_removed) VALUES (?, ?, ?, ?, ?, ?)',
        cycleId, 'pending', options.reason ?? null, at, normalized.length, removed);
      const insert = this.db.prepare('INSERT INTO staged_items (cycle_id, position, entra_id, object_guid, dn, changes, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      normalized.forEach((i, position) => insert.run(cycleId, position, i.entraId, i.objectGuid, i.dn, json(i.changes), json(i.before), json(i.after)));
      return this.toStaged(this.stagedRow(cycleId));
    });
  }

  async getStaged(cycleId: string): Promise<StagedCycleWithItems | null> {
    return this.read('reading staged changes', () => {
      const row = this.get('SELECT * FROM staged_cycles WHERE cycle_id = ?', cycleId);
      if (!row) return null;
      const items = this.all('SELECT * FROM staged_items WHERE cycle_id = ? ORDER BY position', cycleId).map((r) => ({
        entraId: r.entra_id as string, objectGuid: r.object_guid as string, dn: r.dn as string,
        changes: parse<AttributeChange[]>(r.changes), before: parse<AttributeValueMap>(r.before), after: parse<AttributeValueMap>(r.after),
      }));
      return { ...this.toStaged(row), items };
    });
  }

  async pendingApproval(): Promise<StagedCycle[]> {
    return this.read('listing pending approvals', () =>
      this.all("SELECT * FROM staged_cycles WHERE status = 'pending' ORDER BY staged_at DESC, rowid DESC").map((r) => this.toStaged(r)));
  }

  async resolveStaged(cycleId: string, decision: 'approved' | 'rejected'): Promise<StagedCycle> {
    return this.write(`${decision === 'approved' ? 'approving' : 'rejecting'} staged changes`, () => {
      const row = this.stagedRow(cycleId);
      if (row.status !== 'pending') throw this.conflict(`the staged changes of cycle ${cycleId} are ${row.status as string}, not pending`);
      this.run('UPDATE staged_cycles SET status = ?, resolved_at = ? WHERE cycle_id = ?', decision, ms(this.now()), cycleId);
      return this.toStaged(this.stagedRow(cycleId));
    });
  }

  async markStagedApplied(cycleId: string, byCycleId: string): Promise<StagedCycle> {
    return this.write('marking staged changes applied', () => {
      const row = this.stagedRow(cycleId);
      if (row.status !== 'approved') throw this.conflict(`the staged changes of cycle ${cycleId} are ${row.status as string}, not approved`);
      this.cycleRow(byCycleId);
      this.run("UPDATE staged_cycles SET status = 'applied', applied_by_cycle_id = ? WHERE cycle_id = ?", byCycleId, cycleId);
      return this.toStaged(this.stagedRow(cycleId));
    });
  }

  // ---- intents and journal ----

  private toIntent(r: Row): Intent {
    return {
      id: r.id as number, cycleId: r.cycle_id as string, entraId: r.entra_id as string, objectGuid: r.object_guid as string, dn: r.dn as string,
      changes: parse<AttributeChange[]>(r.changes), before: parse<AttributeValueMap>(r.before), after: parse<AttributeValueMap>(r.after),
      undoOf: (r.undo_of as number | null) ?? null, createdAt: date(r.created_at), status: r.status as IntentStatus,
      resolvedAt: dateOrNull(r.resolved_at), resolution: (r.resolution as string | null) ?? null, journalId: (r.journal_id as number | null) ?? null,
    };
  }

  private toJournal(r: Row): JournalEntry {
    return {
      id: r.id as number, cycleId: r.cycle_id as string, entraId: r.entra_id as string, objectGuid: r.object_guid as string, dn: r.dn as string,
      changes: parse<AttributeChange[]>(r.changes), before: parse<AttributeValueMap>(r.before), after: parse<AttributeValueMap>(r.after),
      appliedAt: date(r.applied_at), undoOf: (r.undo_of as number | null) ?? null, intentId: (r.intent_id as number | null) ?? null,
    };
  }

  private openCycleRow(cycleId: string, what: string): Row {
    const cycle = this.cycleRow(cycleId);
    if (cycle.finished_at !== null) throw this.conflict(`cycle ${cycleId} is finished: it takes no more ${what}`);
    return cycle;
  }

  async beginObjectWrite(intent: IntentInput): Promise<Intent> {
    const guid = normalizeObjectGuid(intent.objectGuid);
    return this.write('recording a write intent', () => {
      const cycle = this.openCycleRow(intent.cycleId, 'writes');
      if (cycle.dry_run === 1) throw this.conflict(`cycle ${intent.cycleId} is a dry run: it writes nothing`);
      const other = this.get<{ id: number; cycle_id: string }>("SELECT id, cycle_id FROM write_intents WHERE object_guid = ? AND status = 'pending'", guid);
      if (other) throw this.conflict(`object ${guid} already has a pending write intent (${other.id}, cycle ${other.cycle_id}): resolve it first`);
      const { lastInsertRowid } = this.run(`INSERT INTO write_intents (cycle_id, entra_id, object_guid, dn, changes, before, after, undo_of, created_at, status)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      intent.cycleId, intent.entraId, guid, intent.dn, json(intent.changes), json(intent.before), json(intent.after), intent.undoOf ?? null, ms(this.now()));
      return this.toIntent(this.get('SELECT * FROM write_intents WHERE id = ?', lastInsertRowid)!);
    });
  }

  private insertJournal(cycleId: string, entry: JournalEntryInput, intentId: number | null): number {
    const { lastInsertRowid } = this.run(`INSERT INTO undo_journal (cycle_id, entra_id, object_guid, dn, changes, before, after, applied_at, undo_of, intent_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    cycleId, entry.entraId, normalizeObjectGuid(entry.objectGuid), entry.dn, json(entry.changes), json(entry.before), json(entry.after),
    ms(entry.appliedAt), entry.undoOf ?? null, intentId);
    return Number(lastInsertRowid);
  }

  private insertDrift(drift: DriftInput): number {
    const { lastInsertRowid } = this.run(`INSERT INTO drift (cycle_id, entra_id, object_guid, dn, attribute, ad_value, cloud_value, when_changed, detected_at, repaired)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    drift.cycleId, drift.entraId, normalizeObjectGuid(drift.objectGuid), drift.dn, drift.attribute, json(drift.adValue), json(drift.cloudValue),
    drift.whenChanged ? ms(drift.whenChanged) : null, ms(drift.detectedAt), drift.repaired ? 1 : 0);
    return Number(lastInsertRowid);
  }

  async commitObjectResult(input: CommitObjectResultInput): Promise<CommitObjectResult> {
    return this.write('committing an object result', () => this.commitOne(prepareObjectResult(input), new Map()));
  }

  async commitObjectResults(inputs: readonly CommitObjectResultInput[]): Promise<CommitObjectResult[]> {
    this.ensureOpen();
    const prepared = inputs.map(prepareObjectResult);
    if (this.commitWorker && prepared.length > 0) return this.commitWorker.commit(prepared, this.now());
    return this.commitPrepared(prepared);
  }

  /**
   * Commits prepared object results in one transaction: {@link commitObjectResults}' work after
   * preparing, and what the commit worker runs on its own connection. Not part of the port.
   */
  commitPrepared(prepared: readonly PreparedObjectResult[]): CommitObjectResult[] {
    // A batch is one transaction, in which no cycle finishes: each cycle is checked once, not per object.
    const openCycles = new Map<string, Row>();
    return this.write('committing object results', () => prepared.map((input) => this.commitOne(input, openCycles)));
  }

  /** Commits one result; `openCycles` holds the cycles this transaction has already found open. */
  private commitOne(input: PreparedObjectResult, openCycles: Map<string, Row>): CommitObjectResult {
    const { cycleId, record } = input;
    let cycle = openCycles.get(cycleId);
    if (!cycle) {
      cycle = this.openCycleRow(cycleId, 'object results');
      openCycles.set(cycleId, cycle);
    }
    if (record.cycleId !== cycleId) throw this.conflict(`record ${record.id} belongs to cycle ${record.cycleId}, not ${cycleId}`);
    if (input.clearFailure !== undefined && input.failure !== undefined) throw this.conflict('an object result cannot both clear and record a failure');
    if (cycle.dry_run === 1 && (input.journal || input.link || input.intentId !== undefined)) {
      throw this.conflict(`cycle ${cycleId} is a dry run: it has no writes to journal or link`);
    }
    let intent: Row | undefined;
    if (input.intentId !== undefined) {
      intent = this.get('SELECT * FROM write_intents WHERE id = ?', input.intentId);
      if (!intent) throw this.notFound(`no write intent ${input.intentId}`);
      if (intent.status !== 'pending') throw this.conflict(`write intent ${input.intentId} is already ${intent.status as string}: its result was committed once`);
      if (intent.cycle_id !== cycleId) throw this.conflict(`write intent ${input.intentId} belongs to cycle ${intent.cycle_id as string}, not ${cycleId}`);
      if (input.journal && normalizeObjectGuid(input.journal.objectGuid) !== intent.object_guid) {
        throw this.conflict(`the journal entry names object ${normalizeObjectGuid(input.journal.objectGuid)}, but write intent ${input.intentId} is for ${intent.object_guid as string}`);
      }
    }
    // The record goes last, so a duplicate id (or any later failure) proves the rollback of the rest.
    const journalId = input.journal ? this.insertJournal(cycleId, input.journal, input.intentId ?? null) : null;
    if (intent) {
      this.run('UPDATE write_intents SET status = ?, resolved_at = ?, journal_id = ? WHERE id = ?',
        journalId === null ? 'not-applied' : 'applied', ms(this.now()), journalId, input.intentId);
    }
    if (input.link) this.upsertLinkRow(input.link);
    for (const d of input.drift ?? []) this.insertDrift({ ...d, cycleId });
    let retryState: RetryState | null = null;
    if (input.clearFailure !== undefined) this.run('DELETE FROM object_failures WHERE entra_id = ?', input.clearFailure);
    if (input.failure) retryState = this.recordFailureRow(input.failure.entraId, input.failure.code, input.failure.nextAttemptAt, cycleId);
    this.insertRecord(record);
    return { journalId, retryState };
  }

  async abandonIntent(intentId: number, reason: string): Promise<Intent> {
    return this.write('abandoning a write intent', () => {
      const row = this.get('SELECT * FROM write_intents WHERE id = ?', intentId);
      if (!row) throw this.notFound(`no write intent ${intentId}`);
      if (row.status !== 'pending') throw this.conflict(`write intent ${intentId} is already ${row.status as string}`);
      this.run("UPDATE write_intents SET status = 'abandoned', resolved_at = ?, resolution = ? WHERE id = ?", ms(this.now()), reason, intentId);
      return this.toIntent(this.get('SELECT * FROM write_intents WHERE id = ?', intentId)!);
    });
  }

  async getIntent(intentId: number): Promise<Intent | null> {
    return this.read('reading a write intent', () => {
      const row = this.get('SELECT * FROM write_intents WHERE id = ?', intentId);
      return row ? this.toIntent(row) : null;
    });
  }

  async pendingIntents(cycleId?: string): Promise<Intent[]> {
    return this.read('listing pending write intents', () =>
      (cycleId === undefined
        ? this.all("SELECT * FROM write_intents WHERE status = 'pending' ORDER BY id")
        : this.all("SELECT * FROM write_intents WHERE status = 'pending' AND cycle_id = ? ORDER BY id", cycleId)).map((r) => this.toIntent(r)));
  }

  async journalForCycle(cycleId: string): Promise<JournalEntry[]> {
    return this.read('reading the journal', () => this.all('SELECT * FROM undo_journal WHERE cycle_id = ? ORDER BY id', cycleId).map((r) => this.toJournal(r)));
  }

  async journalForObject(identity: ObjectGuidInput, options: { cycleId?: string } = {}): Promise<JournalEntry[]> {
    let guid: string | null = null;
    try {
      guid = normalizeObjectGuid(identity);
    } catch {
      guid = null;
    }
    const entra = typeof identity === 'string' ? identity.trim() : null;
    return this.read('reading the journal', () => {
      const who: string[] = [];
      const params: unknown[] = [];
      if (guid !== null) { who.push('object_guid = ?'); params.push(guid); }
      if (entra !== null) { who.push('entra_id = ?', 'entra_id = ?'); params.push(entra, entra.toLowerCase()); }
      if (who.length === 0) return [];
      let sql = `SELECT * FROM undo_journal WHERE (${who.join(' OR ')})`;
      if (options.cycleId !== undefined) { sql += ' AND cycle_id = ?'; params.push(options.cycleId); }
      return this.all(`${sql} ORDER BY id`, ...params).map((r) => this.toJournal(r));
    });
  }

  // ---- drift ----

  private toDrift(r: Row): Drift {
    return {
      id: r.id as number, cycleId: r.cycle_id as string, entraId: r.entra_id as string, objectGuid: r.object_guid as string, dn: r.dn as string,
      attribute: r.attribute as string, adValue: parse<string[]>(r.ad_value), cloudValue: parse<string[]>(r.cloud_value),
      whenChanged: dateOrNull(r.when_changed), detectedAt: date(r.detected_at), repaired: r.repaired === 1,
    };
  }

  async recordDrift(drift: DriftInput): Promise<Drift> {
    return this.write('recording drift', () => {
      this.cycleRow(drift.cycleId);
      const id = this.insertDrift(drift);
      return this.toDrift(this.get('SELECT * FROM drift WHERE id = ?', id)!);
    });
  }

  async listDrift(query: { since?: Date; limit?: number; entraId?: string } = {}): Promise<Drift[]> {
    return this.read('listing drift', () => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.since) { where.push('detected_at >= ?'); params.push(ms(query.since)); }
      if (query.entraId) { where.push('entra_id = ?'); params.push(query.entraId); }
      return this.all(`SELECT * FROM drift ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY detected_at DESC, id DESC LIMIT ?`, ...params, query.limit ?? 100)
        .map((r) => this.toDrift(r));
    });
  }

  // ---- retention ----

  async pruneRecords(olderThan: Date): Promise<PruneResult> {
    const t = ms(olderThan);
    return this.write('pruning', () => ({
      records: this.pruneRecordRows(t),
      drift: this.run('DELETE FROM drift WHERE detected_at < ?', t).changes,
      controls: this.run('DELETE FROM control_requests WHERE taken_at IS NOT NULL AND taken_at < ?', t).changes,
      intents: this.run("DELETE FROM write_intents WHERE status <> 'pending' AND resolved_at < ?", t).changes,
    }));
  }

  /** Deletes the records before `t`, then the subjects and bodies no record names any more. */
  private pruneRecordRows(t: number): number {
    const { changes } = this.run('DELETE FROM provisioning_records WHERE activity_at < ?', t);
    if (changes > 0) {
      this.run('DELETE FROM record_subjects WHERE NOT EXISTS (SELECT 1 FROM provisioning_records r WHERE r.subject_id = record_subjects.id)');
      this.run('DELETE FROM record_bodies WHERE NOT EXISTS (SELECT 1 FROM provisioning_records r WHERE r.body_id = record_bodies.id)');
    }
    return changes;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // The worker's batches in flight finish (or fail) before it stops; then its connection closes.
    await this.commitWorker?.close();
    try {
      this.db.close();
    } catch (error) {
      throw toStateStoreError(error, this.path, 'closing');
    }
  }
}

/** Opens the SQLite state store; see {@link SqliteStateStore.open}. */
export function openSqliteStateStore(options: SqliteStateStoreOptions): SqliteStateStore {
  return SqliteStateStore.open(options);
}
