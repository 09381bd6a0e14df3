/**
 * The SQLite store's schema migrations, in order. They are TypeScript modules exporting SQL (not
 * `.sql` files) so that the build ships them inside `dist/` with nothing to copy. A migration is
 * released once and never edited: a schema change is a new file `NNN-name.ts` appended here.
 */
import { migration001 } from './001-initial.js';
import { migration002 } from './002-read-plans.js';
import { migration003 } from './003-record-subjects.js';
import { migration004 } from './004-record-bodies.js';

export interface Migration {
  /** 1, 2, 3, …: contiguous, in order. */
  version: number;
  name: string;
  /** One or more statements, run in the migration transaction. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004];

/** The schema version this code writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
