/**
 * The served domains as cycles see them: each directory wrapped in a {@link SnapshotDirectory}.
 * A full cycle reads every user again; the service keeps the result and brings it up to date
 * before each incremental cycle from what changed in AD since (uSNChanged), so an incremental
 * cycle never searches the directory per mailbox — one anchor, mS-DS-ConsistencyGuid, is not
 * indexed in AD, and each such search scans the domain.
 */
import { SnapshotDirectory } from '../directory/snapshot-directory.js';
import type { ServedDomain } from './engine-ports.js';

/** A served domain whose directory is a snapshot. */
export type SnapshotDomain = ServedDomain & { directory: SnapshotDirectory };

/** See the module comment. One per service (or per one-off cycle). */
export class DomainSnapshots {
  private current: SnapshotDomain[] | null = null;

  constructor(private readonly domains: readonly ServedDomain[]) {}

  /**
   * Every user of every domain read now, concurrently (full and reconcile cycles). The previous
   * snapshots are dropped first, so two are never held at once. `onRead` is called with each
   * domain's read time (ms).
   */
  async reload(onRead?: (ms: number) => void): Promise<SnapshotDomain[]> {
    this.current = null;
    const fresh = this.domains.map((domain) => ({ ...domain, directory: new SnapshotDirectory(domain.directory) }));
    const started = Date.now();
    await Promise.all(fresh.map((domain) => domain.directory.load().then(() => onRead?.(Date.now() - started))));
    this.current = fresh;
    return fresh;
  }

  /** The kept snapshots with AD's changes since applied (incremental cycles); a first call reads everything. */
  async refreshed(): Promise<SnapshotDomain[]> {
    const current = this.current;
    if (!current) return this.reload();
    // A failed refresh leaves its mark where it was: the next one reads the same changes again.
    await Promise.all(current.map((domain) => domain.directory.refresh()));
    return current;
  }
}
