/**
 * The engine keeps how each DC's full AD read was cut in its state store, so the next run (a
 * one-off `sync` in a new process too) reads AD in balanced slices from the start.
 */
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { labEngine } from '../../support/lab-engine.js';

/** The plans kept for the lab domain's naming context (other tests may serve more domains from the same file). */
function keptPlans(stateFile: string): Array<{ key: string; cuts: string }> {
  const db = new Database(stateFile, { readonly: true });
  try {
    const rows = db.prepare('SELECT key, cuts FROM read_plans ORDER BY key').all() as Array<{ key: string; cuts: string }>;
    return rows.filter((row) => (JSON.parse(row.key) as string[])[1] === inject('lab').directory.baseDn);
  } finally {
    db.close();
  }
}

describe('the AD read plan across runs', () => {
  it('keeps the uSNCreated cut of the last full read per DC and naming context in the state store', async () => {
    const first = await labEngine();
    try {
      await first.engine.sync();
    } finally {
      await first.engine.close();
    }
    const stateFile = first.engine.config.service.stateFile;
    const plans = keptPlans(stateFile);
    expect(plans).toHaveLength(1);
    const [server] = JSON.parse(plans[0]!.key) as [string, string];
    expect(server).toMatch(/^CN=NTDS Settings,/);
    // The lab's default of two read connections: one cut.
    expect(JSON.parse(plans[0]!.cuts)).toEqual([expect.stringMatching(/^\d+$/)]);

    // A new engine (as a new process would be) finds it; the users did not change, so neither does the cut.
    const second = await labEngine();
    try {
      expect(await second.engine.store().readPlan(plans[0]!.key)).toEqual(JSON.parse(plans[0]!.cuts));
      const summary = await second.engine.sync();
      expect(summary.failed).toEqual({});
    } finally {
      await second.engine.close();
    }
    expect(keptPlans(stateFile)).toEqual(plans);
  });
});
