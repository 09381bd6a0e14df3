/**
 * Migration 1: the initial schema. Times are INTEGER milliseconds since the epoch (UTC), JSON
 * columns hold TEXT, GUIDs are canonical lower-case strings. Never edit a released migration:
 * add the next one.
 */
import type { Migration } from './index.js';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE cycles (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  kind         TEXT NOT NULL CHECK (kind IN ('full', 'incremental', 'reconcile', 'undo', 'on-demand')),
  dry_run      INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  outcome      TEXT CHECK (outcome IN ('success', 'failed', 'staged', 'aborted')),
  counts       TEXT NOT NULL DEFAULT '{}',
  error        TEXT,
  CHECK ((finished_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX cycles_started ON cycles (started_at);
CREATE INDEX cycles_kind ON cycles (kind, seq);
CREATE INDEX cycles_unfinished ON cycles (seq) WHERE finished_at IS NULL;

-- Immutable provisioning log records; the full record is the JSON, the other columns are for filters.
-- No foreign key to cycles: records of provision on demand may name a cycle the store never saw.
CREATE TABLE provisioning_records (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  cycle_id     TEXT NOT NULL,
  activity_at  INTEGER NOT NULL,
  status       TEXT NOT NULL,
  action       TEXT NOT NULL,
  dry_run      INTEGER NOT NULL,
  search_text  TEXT NOT NULL,
  record       TEXT NOT NULL
);
CREATE INDEX records_activity ON provisioning_records (activity_at, seq);
CREATE INDEX records_cycle ON provisioning_records (cycle_id, activity_at);
CREATE INDEX records_status ON provisioning_records (status, activity_at);
CREATE INDEX records_action ON provisioning_records (action, activity_at);

-- Substring search on users (--user): a trigram index over search_text, kept by triggers.
CREATE VIRTUAL TABLE records_search USING fts5 (
  search_text, content = 'provisioning_records', content_rowid = 'seq', tokenize = 'trigram'
);
CREATE TRIGGER records_search_insert AFTER INSERT ON provisioning_records BEGIN
  INSERT INTO records_search (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER records_search_delete AFTER DELETE ON provisioning_records BEGIN
  INSERT INTO records_search (records_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER records_immutable BEFORE UPDATE ON provisioning_records BEGIN
  SELECT RAISE(ABORT, 'provisioning records are immutable');
END;

CREATE TABLE object_links (
  entra_id     TEXT PRIMARY KEY,
  object_guid  TEXT NOT NULL UNIQUE,
  domain       TEXT NOT NULL,
  dn           TEXT NOT NULL,
  values_hash  TEXT NOT NULL,
  applied_values TEXT,
  applied_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE watermarks (
  tenant       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  value        TEXT NOT NULL,
  cycle_id     TEXT REFERENCES cycles (id) ON DELETE SET NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (tenant, kind)
);

CREATE TABLE object_failures (
  entra_id         TEXT PRIMARY KEY,
  failures         INTEGER NOT NULL CHECK (failures > 0),
  first_failed_at  INTEGER NOT NULL,
  last_failed_at   INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  last_error_code  TEXT NOT NULL,
  last_cycle_id    TEXT
);
CREATE INDEX failures_due ON object_failures (next_attempt_at);
CREATE INDEX failures_count ON object_failures (failures);

-- At most one row: the job's quarantine.
CREATE TABLE quarantine (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  reason           TEXT NOT NULL,
  code             TEXT NOT NULL,
  since            INTEGER NOT NULL,
  attempts         INTEGER NOT NULL,
  last_attempt_at  INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL
);

-- At most one row: what the running service reports about itself.
CREATE TABLE service_state (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  state          TEXT NOT NULL CHECK (state IN ('active', 'paused', 'quarantined', 'stopped')),
  pid            INTEGER,
  heartbeat_at   INTEGER NOT NULL,
  next_cycle_at  INTEGER,
  updated_at     INTEGER NOT NULL
);

-- Requests the CLI writes and the service takes.
CREATE TABLE control_requests (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT NOT NULL CHECK (kind IN ('pause', 'resume', 'restart', 'approve', 'reject')),
  args          TEXT NOT NULL DEFAULT '{}',
  requested_at  INTEGER NOT NULL,
  taken_at      INTEGER
);
CREATE INDEX controls_pending ON control_requests (id) WHERE taken_at IS NULL;

CREATE TABLE staged_cycles (
  cycle_id             TEXT PRIMARY KEY REFERENCES cycles (id) ON DELETE CASCADE,
  status               TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded', 'applied')),
  reason               TEXT,
  staged_at            INTEGER NOT NULL,
  resolved_at          INTEGER,
  applied_by_cycle_id  TEXT REFERENCES cycles (id) ON DELETE SET NULL,
  object_count         INTEGER NOT NULL,
  values_removed       INTEGER NOT NULL
);
CREATE INDEX staged_pending ON staged_cycles (staged_at) WHERE status = 'pending';

CREATE TABLE staged_items (
  cycle_id     TEXT NOT NULL REFERENCES staged_cycles (cycle_id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  entra_id     TEXT NOT NULL,
  object_guid  TEXT NOT NULL,
  dn           TEXT NOT NULL,
  changes      TEXT NOT NULL,
  before       TEXT NOT NULL,
  after        TEXT NOT NULL,
  PRIMARY KEY (cycle_id, position),
  UNIQUE (cycle_id, object_guid)
);

CREATE TABLE undo_journal (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  cycle_id     TEXT NOT NULL REFERENCES cycles (id),
  entra_id     TEXT NOT NULL,
  object_guid  TEXT NOT NULL,
  dn           TEXT NOT NULL,
  changes      TEXT NOT NULL,
  before       TEXT NOT NULL,
  after        TEXT NOT NULL,
  applied_at   INTEGER NOT NULL,
  undo_of      INTEGER REFERENCES undo_journal (id),
  intent_id    INTEGER UNIQUE
);
CREATE INDEX journal_cycle ON undo_journal (cycle_id, id);
CREATE INDEX journal_guid ON undo_journal (object_guid, id);
CREATE INDEX journal_entra ON undo_journal (entra_id, id);
CREATE INDEX journal_undo_of ON undo_journal (undo_of);

-- Written (durably) before an LDAP modify, resolved with the object's result.
CREATE TABLE write_intents (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  cycle_id     TEXT NOT NULL REFERENCES cycles (id),
  entra_id     TEXT NOT NULL,
  object_guid  TEXT NOT NULL,
  dn           TEXT NOT NULL,
  changes      TEXT NOT NULL,
  before       TEXT NOT NULL,
  after        TEXT NOT NULL,
  undo_of      INTEGER REFERENCES undo_journal (id),
  created_at   INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'not-applied', 'abandoned')),
  resolved_at  INTEGER,
  resolution   TEXT,
  journal_id   INTEGER REFERENCES undo_journal (id)
);
-- One write in flight per AD object.
CREATE UNIQUE INDEX intents_one_pending ON write_intents (object_guid) WHERE status = 'pending';
CREATE INDEX intents_pending ON write_intents (id) WHERE status = 'pending';
CREATE INDEX intents_pending_cycle ON write_intents (cycle_id, id) WHERE status = 'pending';
CREATE INDEX intents_resolved ON write_intents (resolved_at) WHERE status <> 'pending';

CREATE TABLE drift (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  cycle_id     TEXT NOT NULL REFERENCES cycles (id),
  entra_id     TEXT NOT NULL,
  object_guid  TEXT NOT NULL,
  dn           TEXT NOT NULL,
  attribute    TEXT NOT NULL,
  ad_value     TEXT NOT NULL,
  cloud_value  TEXT NOT NULL,
  when_changed INTEGER,
  detected_at  INTEGER NOT NULL,
  repaired     INTEGER NOT NULL CHECK (repaired IN (0, 1))
);
CREATE INDEX drift_detected ON drift (detected_at);
CREATE INDEX drift_entra ON drift (entra_id, detected_at);
`,
};
