/**
 * Migration 4: records with the same body share it (see record-body.ts).
 *
 * The daily reconcile records every in-scope object, and an object in step gets the same record
 * as the day before but for its envelope: storing ~4 KB again for each cost ~5.4 KiB of file per
 * object per cycle (~46 GiB at 100k mailboxes with 90 days kept) and most of a full cycle's commit
 * time at 100k. Now a record row holds its envelope and names its body, stored once by SHA-256.
 *
 * Existing records keep their text: each gets a body of its own with no hash (so none is shared),
 * cut from the record in SQL. The table is rebuilt because its `record` column was NOT NULL.
 */
import type { Migration } from './index.js';

export const migration004: Migration = {
  version: 4,
  name: 'record-bodies',
  sql: `
-- hash: SHA-256 of body, the key a new record's body is shared by; NULL for a body carried over.
CREATE TABLE record_bodies (
  id           INTEGER PRIMARY KEY,
  hash         BLOB UNIQUE,
  body         TEXT NOT NULL
);
CREATE TRIGGER bodies_immutable BEFORE UPDATE ON record_bodies BEGIN
  SELECT RAISE(ABORT, 'record bodies are immutable');
END;

CREATE TABLE records_next (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  cycle_id     TEXT NOT NULL,
  activity_at  INTEGER NOT NULL,
  status       TEXT NOT NULL,
  action       TEXT NOT NULL,
  dry_run      INTEGER NOT NULL,
  subject_id   INTEGER NOT NULL REFERENCES record_subjects (id),
  body_id      INTEGER NOT NULL REFERENCES record_bodies (id),
  -- activityDateTime, changeId, durationInMilliseconds (JSON); id and cycleId are the columns.
  envelope     TEXT NOT NULL
);

INSERT INTO record_bodies (id, hash, body)
  SELECT seq, NULL, json_remove(record, '$.id', '$.activityDateTime', '$.cycleId', '$.changeId', '$.durationInMilliseconds')
  FROM provisioning_records;
INSERT INTO records_next (seq, id, cycle_id, activity_at, status, action, dry_run, subject_id, body_id, envelope)
  SELECT seq, id, cycle_id, activity_at, status, action, dry_run, subject_id, seq,
    json_object('activityDateTime', record ->> '$.activityDateTime', 'changeId', record ->> '$.changeId',
      'durationInMilliseconds', record ->> '$.durationInMilliseconds')
  FROM provisioning_records;
-- Keep the sequence where it was, even if the newest records had been pruned.
UPDATE sqlite_sequence SET seq = max(seq, (SELECT s.seq FROM sqlite_sequence s WHERE s.name = 'provisioning_records')) WHERE name = 'records_next';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'records_next', s.seq FROM sqlite_sequence s
  WHERE s.name = 'provisioning_records' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'records_next');

DROP TABLE provisioning_records;
ALTER TABLE records_next RENAME TO provisioning_records;
CREATE INDEX records_activity ON provisioning_records (activity_at, seq);
CREATE INDEX records_cycle ON provisioning_records (cycle_id, activity_at);
CREATE INDEX records_status ON provisioning_records (status, activity_at);
CREATE INDEX records_action ON provisioning_records (action, activity_at);
CREATE INDEX records_subject ON provisioning_records (subject_id);
CREATE INDEX records_body ON provisioning_records (body_id);
CREATE TRIGGER records_immutable BEFORE UPDATE ON provisioning_records BEGIN
  SELECT RAISE(ABORT, 'provisioning records are immutable');
END;
`,
};
