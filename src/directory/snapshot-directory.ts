/**
 * A {@link DirectoryPort} decorator that answers anchor lookups from one paged read of every user
 * (an {@link AnchorIndex}) instead of three LDAP searches per mailbox, which on a large directory
 * — and mS-DS-ConsistencyGuid is not indexed in AD — is what bounds a cycle. Everything else goes
 * to the wrapped directory.
 *
 * Full cycles {@link load} it once. The service keeps it between cycles and {@link refresh}es it
 * before each incremental one: only users whose (indexed) uSNChanged moved since the last read
 * are read again. A refresh cannot see deletions, so after one, an object is re-read by GUID the
 * first time a lookup returns it. Objects written through it are re-read at their next lookup,
 * so it never answers with values it knows to be stale; changes made by others after the last
 * read are seen by the next refresh or cycle.
 */
import type { AttributeChange } from '../core/attribute-change.js';
import type { DirectoryObject } from '../core/directory-object.js';
import type { AnchorCandidates } from '../core/matching.js';
import { AnchorIndex } from './anchor-index.js';
import type { AnchorQuery, DirectoryChangeMark, DirectoryIdentity, DirectoryPort, ListUsersOptions } from './directory-port.js';

/** What one {@link SnapshotDirectory.refresh} did. */
export interface RefreshResult {
  /** `changes`: only users changed since the last read were read; `full`: every user was (first read, other DC, no USN). */
  kind: 'changes' | 'full';
  /** Users read. */
  read: number;
}

/** See the module comment. */
export class SnapshotDirectory implements DirectoryPort {
  private index: Promise<AnchorIndex> | null = null;
  /** Where the DC stood when the index was last brought up to date; null when unknown. */
  private mark: DirectoryChangeMark | null = null;
  /** objectGUIDs (hex) whose indexed values may be stale (written, or unconfirmed since a refresh): re-read before they are handed out. */
  private readonly written = new Set<string>();
  /** After a refresh: objectGUIDs (hex) re-read since, so known to exist. Null when every indexed object is from a full read. */
  private confirmed: Set<string> | null = null;
  /** The last write queued per objectGUID (hex), settled or not. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly inner: DirectoryPort) {}

  /** Reads every user now (otherwise the first lookup does); resolves with the count. */
  async load(): Promise<number> {
    return (await this.loaded()).size;
  }

  /**
   * Brings the index up to date: reads only the users changed since the last read when the same
   * DC can say which (uSNChanged), every user otherwise.
   */
  async refresh(): Promise<RefreshResult> {
    const index = this.index ? await this.index.catch(() => null) : null;
    const since = this.mark;
    const before = index && since ? await this.inner.changeMark() : null;
    if (!index || !since || !before || before.server !== since.server) {
      this.index = null;
      return { kind: 'full', read: await this.load() };
    }
    let read = 0;
    for await (const page of this.inner.listUsers({ changedSince: since })) {
      for (const object of page) {
        index.put(object);
        this.written.delete(object.objectGuid.toString('hex'));
        read++;
      }
    }
    // Answered by another DC (a failover during the read)? Its USNs mean nothing here: read everything.
    const after = await this.inner.changeMark();
    if (!after || after.server !== since.server) {
      this.index = null;
      return { kind: 'full', read: await this.load() };
    }
    this.mark = before;
    this.confirmed = new Set();
    return { kind: 'changes', read };
  }

  async findByAnchors(query: AnchorQuery): Promise<AnchorCandidates> {
    const index = await this.loaded();
    const found = index.find(query);
    // Nothing written and nothing unconfirmed (a full cycle reading): no object can be stale.
    if (this.written.size === 0 && this.confirmed === null) return found;
    const stale = [...found.byImmutableId, ...found.bySid, ...found.byExternalDirectoryObjectId].filter((o) => this.mayBeStale(o.objectGuid.toString('hex')));
    if (stale.length === 0) return found;
    for (const object of new Set(stale)) {
      const key = object.objectGuid.toString('hex');
      const fresh = await this.inner.readByGuid(object.objectGuid);
      this.written.delete(key);
      this.confirmed?.add(key);
      if (fresh) index.put(fresh);
      else index.remove(object.objectGuid);
    }
    return index.find(query);
  }

  async modify(objectGuid: Buffer, changes: readonly AttributeChange[]): Promise<void> {
    const key = objectGuid.toString('hex');
    // Writes run several at a time; two to the same object (two mailboxes claiming it) go in order.
    const before = this.writing.get(key) ?? Promise.resolve();
    const write = before.then(() => this.inner.modify(objectGuid, changes)).finally(() => {
      // Also after a failure: AD may hold anything now.
      if (changes.length > 0) this.written.add(key);
      if (this.writing.get(key) === settled) this.writing.delete(key);
    });
    const settled = write.catch(() => undefined);
    this.writing.set(key, settled);
    return write;
  }

  listUsers(options?: ListUsersOptions): AsyncIterable<DirectoryObject[]> {
    return this.inner.listUsers(options);
  }

  changeMark(): Promise<DirectoryChangeMark | null> {
    return this.inner.changeMark();
  }

  readByGuid(objectGuid: Buffer): Promise<DirectoryObject | null> {
    return this.inner.readByGuid(objectGuid);
  }

  missingSchemaAttributes(names: readonly string[]): Promise<string[]> {
    return this.inner.missingSchemaAttributes(names);
  }

  effectiveWritableAttributes(dn: string): Promise<Set<string>> {
    return this.inner.effectiveWritableAttributes(dn);
  }

  sampleUsers(baseDn: string, limit: number): Promise<DirectoryObject[]> {
    return this.inner.sampleUsers(baseDn, limit);
  }

  whoAmI(): Promise<DirectoryIdentity> {
    return this.inner.whoAmI();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private mayBeStale(key: string): boolean {
    return this.written.has(key) || (this.confirmed !== null && !this.confirmed.has(key));
  }

  private loaded(): Promise<AnchorIndex> {
    if (this.index) return this.index;
    const loading = (async () => {
      // The mark is taken first: what changes during the read is read again by the next refresh.
      const mark = await this.inner.changeMark();
      const index = new AnchorIndex();
      for await (const page of this.inner.listUsers()) for (const object of page) index.put(object);
      this.mark = mark;
      this.confirmed = null;
      return index;
    })();
    this.index = loading;
    // A failed read is not kept: the next lookup tries again (and reports the error again).
    loading.catch(() => {
      if (this.index === loading) this.index = null;
    });
    return loading;
  }
}
