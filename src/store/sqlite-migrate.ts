/**
 * Brings a SQLite state store file to the schema this code knows, or refuses it. Applied
 * migrations are rows of `schema_migrations` (version, name, applied_at); `PRAGMA user_version`
 * mirrors the newest for outside tools, and `PRAGMA application_id` marks the file as ours.
 */
import type Database from 'better-sqlite3';
import type { Migration } from './migrations/index.js';
import { StateStoreCorrupt, StateStoreVersionTooNew } from './state-store-errors.js';

/** `EXOW` in ASCII: the file's application id. */
export const APPLICATION_ID = 0x45584f57;

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not contiguous: position ${i + 1} holds version ${m.version} (${m.name})`);
  });
}

/**
 * Applies the missing migrations in order, all in one IMMEDIATE transaction (so two processes
 * opening a new file at once do not both migrate it; the second waits and finds it done). Refuses
 * a file whose schema is newer than `migrations` ({@link StateStoreVersionTooNew}), a database of
 * another program, or a gap in the recorded history ({@link StateStoreCorrupt}); then nothing changes.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[], now: () => Date): MigrationResult {
  checkList(migrations);
  const known = migrations.length;
  const run = db.transaction((): MigrationResult => {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const hasHistory = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    if (appId !== 0 && appId !== APPLICATION_ID) {
      throw new StateStoreCorrupt(`${path} is a SQLite database of another program (application_id 0x${appId.toString(16)}), not an exo-writeback state store`, path);
    }
    if (!hasHistory) {
      const other = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1").get() as { name: string } | undefined;
      if (other) throw new StateStoreCorrupt(`${path} holds tables (e.g. ${other.name}) but no schema history: it is not an exo-writeback state store`, path);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    }
    const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
    const from = versions.length;
    if (versions.some((v, i) => v !== i + 1)) {
      throw new StateStoreCorrupt(`${path} has a damaged schema history (versions ${versions.join(', ')}); restore the state file from a backup`, path);
    }
    if (from > known) throw new StateStoreVersionTooNew(path, from, known);
    const applied: string[] = [];
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations.slice(from)) {
      db.exec(m.sql);
      insert.run(m.version, m.name, now().getTime());
      applied.push(`${String(m.version).padStart(3, '0')}-${m.name}`);
    }
    if (applied.length > 0 || appId === 0) {
      db.pragma(`user_version = ${known}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }
    return { from, to: known, applied };
  });
  return run.immediate();
}
