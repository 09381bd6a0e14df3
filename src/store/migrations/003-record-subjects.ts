/**
 * Migration 3: the substring search on users indexes each distinct subject once, not each record.
 *
 * A full cycle records every in-scope object, nearly always under the same subject as in the
 * cycle before (the mailbox and its AD object: ids, names, UPN, DN). A trigram index over every
 * record's text cost more than the rest of a record's commit (1.2 s of 1.6 s for 10,000 records)
 * and ~600 bytes a record; now a record names its subject, and only a new subject is indexed.
 */
import type { Migration } from './index.js';

export const migration003: Migration = {
  version: 3,
  name: 'record-subjects',
  sql: `
-- Lower-cased text the \`user\` filter searches (see recordSearchText), one row per distinct text.
CREATE TABLE record_subjects (
  id           INTEGER PRIMARY KEY,
  search_text  TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE subjects_search USING fts5 (
  search_text, content = 'record_subjects', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER subjects_search_insert AFTER INSERT ON record_subjects BEGIN
  INSERT INTO subjects_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER subjects_search_delete AFTER DELETE ON record_subjects BEGIN
  INSERT INTO subjects_search (subjects_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER subjects_immutable BEFORE UPDATE ON record_subjects BEGIN
  SELECT RAISE(ABORT, 'record subjects are immutable');
END;

-- Existing records get their subject; the one update records ever see, so their guard steps aside for it.
INSERT INTO record_subjects (search_text) SELECT DISTINCT search_text FROM provisioning_records;
ALTER TABLE provisioning_records ADD COLUMN subject_id INTEGER REFERENCES record_subjects (id);
DROP TRIGGER records_immutable;
UPDATE provisioning_records SET subject_id = (SELECT s.id FROM record_subjects s WHERE s.search_text = provisioning_records.search_text);
CREATE TRIGGER records_immutable BEFORE UPDATE ON provisioning_records BEGIN
  SELECT RAISE(ABORT, 'provisioning records are immutable');
END;

DROP TRIGGER records_search_insert;
DROP TRIGGER records_search_delete;
DROP TABLE records_search;
ALTER TABLE provisioning_records DROP COLUMN search_text;
CREATE INDEX records_subject ON provisioning_records (subject_id);
`,
};
