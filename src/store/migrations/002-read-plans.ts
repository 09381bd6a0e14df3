/**
 * Migration 2: the directory read plans, how each DC's last full read of the users was cut
 * (see `src/directory/read-plan-store.ts`). A hint the engine can lose without harm.
 */
import type { Migration } from './index.js';

export const migration002: Migration = {
  version: 2,
  name: 'read-plans',
  sql: `
-- key: the DC (its dsServiceName) and the naming context read; cuts: a JSON array of uSNCreated values.
CREATE TABLE read_plans (
  key          TEXT PRIMARY KEY,
  cuts         TEXT NOT NULL,
  updated_at   INTEGER NOT NULL
);
`,
};
