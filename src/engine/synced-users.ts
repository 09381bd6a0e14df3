/**
 * Every synced Entra user of a full cycle, by id, held packed: a 1M-user tenant is read once per
 * full cycle, and a parsed Graph record per user would be most of the engine's memory. Only what
 * the pipeline reads is kept (the on-premises anchors, domain, DN and sync flag of `CloudUser`),
 * and the parts users share — the domain, the DN's parent OU, the domain SID — are stored once.
 */
import type { GraphUserRecord } from '../cloud/graph-client.js';
import type { UserSource } from './engine-ports.js';

/** Packed: [id when not the lower-cased key | 0, immutableId, domain SID index, RID, DN's first RDN, DN parent index, domain index, sync flag]. */
type Packed = [string | 0, string | null, number, string | null, string | null, number, number, boolean | null];

/** Synced users by lower-cased id. */
export class SyncedUsers {
  private readonly packed = new Map<string, string>();
  /** Shared strings (domain SIDs, DN parents, domain names); index 0 is null. */
  private readonly strings: Array<string | null> = [null];
  private readonly stringIndex = new Map<string, number>();

  get size(): number {
    return this.packed.size;
  }

  /** Adds (or replaces) one Graph record. */
  add(record: GraphUserRecord): void {
    const key = record.id.toLowerCase();
    const sid = text(record.onPremisesSecurityIdentifier);
    const cut = sid === null ? -1 : sid.lastIndexOf('-');
    const dn = text(record.onPremisesDistinguishedName);
    const split = dn === null ? -1 : firstSeparator(dn);
    const packed: Packed = [
      record.id === key ? 0 : record.id,
      text(record.onPremisesImmutableId),
      this.intern(sid !== null && cut > 0 ? sid.slice(0, cut) : sid),
      sid !== null && cut > 0 ? sid.slice(cut + 1) : null,
      dn !== null && split >= 0 ? dn.slice(0, split) : dn,
      this.intern(dn !== null && split >= 0 ? dn.slice(split + 1) : null),
      this.intern(text(record.onPremisesDomainName)),
      typeof record.onPremisesSyncEnabled === 'boolean' ? record.onPremisesSyncEnabled : null,
    ];
    this.packed.set(key, JSON.stringify(packed));
  }

  /** The user with this id (any case), with the kept properties; null when Graph has none. */
  get(id: string): GraphUserRecord | null {
    const key = id.toLowerCase();
    const text = this.packed.get(key);
    if (text === undefined) return null;
    const [userId, immutableId, sidPrefix, rid, dnLeaf, dnParent, domain, sync] = JSON.parse(text) as Packed;
    const record: GraphUserRecord = { id: userId === 0 ? key : userId };
    const prefix = this.strings[sidPrefix] ?? null;
    const parent = this.strings[dnParent] ?? null;
    const set = (name: string, value: unknown) => {
      if (value !== null) record[name] = value;
    };
    set('onPremisesImmutableId', immutableId);
    set('onPremisesSecurityIdentifier', prefix !== null && rid !== null ? `${prefix}-${rid}` : prefix);
    set('onPremisesDistinguishedName', dnLeaf !== null && parent !== null ? `${dnLeaf},${parent}` : dnLeaf);
    set('onPremisesDomainName', this.strings[domain] ?? null);
    set('onPremisesSyncEnabled', sync);
    return record;
  }

  private intern(value: string | null): number {
    if (value === null) return 0;
    let index = this.stringIndex.get(value);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(value);
      this.stringIndex.set(value, index);
    }
    return index;
  }
}

/** Reads every synced user, one Graph page (999) at a time. */
export async function loadSyncedUsers(users: UserSource): Promise<SyncedUsers> {
  const synced = new SyncedUsers();
  for await (const page of users.listSyncedUserPages()) for (const user of page) synced.add(user);
  return synced;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Index of the comma ending a DN's first RDN (escapes such as `\,` skipped), or -1. */
function firstSeparator(dn: string): number {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return i;
  }
  return -1;
}
