/**
 * Where a directory keeps, between reads and between runs, how to cut its next full read into
 * slices (see `LdapDirectory.listUsers`): the uSNCreated cut points its last full read of a DC
 * found. A hint only: any cuts split the users exactly, so a lost or stale plan costs balance,
 * never users. The state store keeps them across runs; {@link MemoryReadPlanStore} for one process.
 */

/** See the module comment. Keys and cuts are opaque strings to the store. */
export interface ReadPlanStore {
  /** The cuts kept for `key`, or null. */
  readPlan(key: string): Promise<string[] | null>;
  /** Keeps `cuts` for `key`, replacing what was kept. */
  saveReadPlan(key: string, cuts: readonly string[]): Promise<void>;
}

/** A {@link ReadPlanStore} that lives as long as the process (the adapter's default). */
export class MemoryReadPlanStore implements ReadPlanStore {
  private readonly plans = new Map<string, string[]>();

  readPlan(key: string): Promise<string[] | null> {
    const cuts = this.plans.get(key);
    return Promise.resolve(cuts ? [...cuts] : null);
  }

  saveReadPlan(key: string, cuts: readonly string[]): Promise<void> {
    this.plans.set(key, [...cuts]);
    return Promise.resolve();
  }
}
