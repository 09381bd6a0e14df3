/**
 * A {@link DirectoryPort} decorator for full cycles: anchor lookups are answered from one paged
 * read of every user (an {@link AnchorIndex}) instead of three LDAP searches per mailbox, which
 * on a large directory — or one where mS-DS-ConsistencyGuid is not indexed — is what bounds a
 * cycle. Everything else goes to the wrapped directory. Objects written through it are re-read
 * at their next lookup, so it never answers with values it knows to be stale; changes made by
 * others after the read are seen by the next cycle (as with any snapshot).
 */
import type { AttributeChange } from '../core/attribute-change.js';
import type { DirectoryObject } from '../core/directory-object.js';
import type { AnchorCandidates } from '../core/matching.js';
import { AnchorIndex } from './anchor-index.js';
import type { AnchorQuery, DirectoryIdentity, DirectoryPort } from './directory-port.js';

/** See the module comment. */
export class SnapshotDirectory implements DirectoryPort {
  private index: Promise<AnchorIndex> | null = null;
  /** objectGUIDs (hex) written since the read: re-read before they are handed out again. */
  private readonly written = new Set<string>();
  /** The last write queued per objectGUID (hex), settled or not. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly inner: DirectoryPort) {}

  /** Reads every user now (otherwise the first lookup does); resolves with the count. */
  async load(): Promise<number> {
    return (await this.loaded()).size;
  }

  async findByAnchors(query: AnchorQuery): Promise<AnchorCandidates> {
    const index = await this.loaded();
    const found = index.find(query);
    const stale = [...found.byImmutableId, ...found.bySid, ...found.byExternalDirectoryObjectId].filter((o) => this.written.has(o.objectGuid.toString('hex')));
    if (stale.length === 0) return found;
    for (const object of new Set(stale)) {
      const fresh = await this.inner.readByGuid(object.objectGuid);
      this.written.delete(object.objectGuid.toString('hex'));
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

  listUsers(): AsyncIterable<DirectoryObject[]> {
    return this.inner.listUsers();
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

  private loaded(): Promise<AnchorIndex> {
    if (this.index) return this.index;
    const loading = (async () => {
      const index = new AnchorIndex();
      for await (const page of this.inner.listUsers()) for (const object of page) index.put(object);
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
