/**
 * An in-memory index of AD user objects by their anchors, answering exactly what
 * {@link DirectoryPort.findByAnchors} answers over LDAP: immutable id against mS-DS-ConsistencyGuid
 * or objectGUID (bytes), SID against objectSid, msDS-ExternalDirectoryObjectId case-insensitively
 * (AD compares Unicode strings ignoring case). Pure: no I/O.
 *
 * Objects are kept packed (one JSON string each, GUIDs as hex, empty attributes left out) and
 * unpacked when found: a full cycle holds every user of the domain, and a DirectoryObject with its
 * Buffers and one array per catalogue attribute costs ~4 KB where the packed form costs ~1.2 KB.
 */
import { ATTRIBUTE_CATALOGUE } from '../core/attribute-catalogue.js';
import type { AttributeValues, DirectoryObject } from '../core/directory-object.js';
import type { AnchorCandidates } from '../core/matching.js';
import { canonicalSid } from './ad-binary.js';
import type { AnchorQuery } from './directory-port.js';

/** Anchor lookups over a set of directory objects, kept current by {@link AnchorIndex.put}/{@link AnchorIndex.remove}. */
export class AnchorIndex {
  /** Packed object by objectGUID (hex). */
  private readonly byGuid = new Map<string, string>();
  /** objectGUIDs (hex) by anchor; one string when unique (the usual case), a list otherwise. */
  private readonly byConsistencyGuid = new Map<string, string | string[]>();
  private readonly bySid = new Map<string, string | string[]>();
  private readonly byExternalId = new Map<string, string | string[]>();

  /** Objects indexed. */
  get size(): number {
    return this.byGuid.size;
  }

  /** Adds an object, replacing the one with the same objectGUID. */
  put(object: DirectoryObject): void {
    const guid = object.objectGuid.toString('hex');
    this.remove(object.objectGuid);
    this.byGuid.set(guid, pack(object));
    for (const [map, key] of this.anchorKeys(object)) push(map, key, guid);
  }

  /** Removes the object with this objectGUID, if indexed. */
  remove(objectGuid: Buffer): void {
    const guid = objectGuid.toString('hex');
    const packed = this.byGuid.get(guid);
    if (packed === undefined) return;
    this.byGuid.delete(guid);
    for (const [map, key] of this.anchorKeys(unpack(guid, packed))) pull(map, key, guid);
  }

  /** The object with this objectGUID, or undefined. */
  get(objectGuid: Buffer): DirectoryObject | undefined {
    return this.object(objectGuid.toString('hex'));
  }

  /** The objects each anchor matches, separately (a null or empty anchor matches nothing). */
  find(query: AnchorQuery): AnchorCandidates {
    let byImmutableId: string[] = [];
    if (query.immutableId && query.immutableId.length > 0) {
      const key = query.immutableId.toString('hex');
      byImmutableId = list(this.byConsistencyGuid.get(key));
      if (this.byGuid.has(key) && !byImmutableId.includes(key)) byImmutableId = [...byImmutableId, key];
    }
    const sid = query.sid ? canonicalSid(query.sid) : null;
    // One user usually answers all three anchors: unpacked once, handed out three times.
    const unpacked = new Map<string, DirectoryObject>();
    const objects = (guids: string[]) => guids.map((guid) => {
      let object = unpacked.get(guid);
      if (!object) unpacked.set(guid, (object = this.object(guid)!));
      return object;
    });
    return {
      byImmutableId: objects(byImmutableId),
      bySid: sid ? objects(list(this.bySid.get(sid))) : [],
      byExternalDirectoryObjectId: query.externalDirectoryObjectId ? objects(list(this.byExternalId.get(query.externalDirectoryObjectId.toLowerCase()))) : [],
    };
  }

  private object(guid: string): DirectoryObject | undefined {
    const packed = this.byGuid.get(guid);
    return packed === undefined ? undefined : unpack(guid, packed);
  }

  private anchorKeys(object: DirectoryObject): Array<[Map<string, string | string[]>, string]> {
    const keys: Array<[Map<string, string | string[]>, string]> = [];
    if (object.consistencyGuid) keys.push([this.byConsistencyGuid, object.consistencyGuid.toString('hex')]);
    if (object.objectSid) keys.push([this.bySid, object.objectSid]);
    if (object.externalDirectoryObjectId !== null) keys.push([this.byExternalId, object.externalDirectoryObjectId.toLowerCase()]);
    return keys;
  }
}

/** The packed form: everything but the objectGUID (the map key), non-empty attributes only. */
type Packed = [dn: string, sid: string | null, consistencyGuid: string | null, externalId: string | null, displayName: string | null, whenChanged: string | null, uSNChanged: string | null, attributes: AttributeValues];

function pack(object: DirectoryObject): string {
  const attributes: AttributeValues = {};
  for (const name in object.attributes) if (object.attributes[name]!.length > 0) attributes[name] = object.attributes[name]!;
  const packed: Packed = [object.distinguishedName, object.objectSid, object.consistencyGuid?.toString('hex') ?? null, object.externalDirectoryObjectId, object.displayName, object.whenChanged, object.uSNChanged, attributes];
  return JSON.stringify(packed);
}

function unpack(guid: string, text: string): DirectoryObject {
  const [distinguishedName, objectSid, consistencyGuid, externalDirectoryObjectId, displayName, whenChanged, uSNChanged, stored] = JSON.parse(text) as Packed;
  // Every catalogue attribute present, `[]` when absent, as the adapter returns objects.
  const attributes: AttributeValues = {};
  for (const attribute of ATTRIBUTE_CATALOGUE) attributes[attribute.ldapName] = stored[attribute.ldapName] ?? [];
  for (const name in stored) attributes[name] ??= stored[name]!;
  return {
    distinguishedName, objectGuid: Buffer.from(guid, 'hex'), objectSid,
    consistencyGuid: consistencyGuid === null ? null : Buffer.from(consistencyGuid, 'hex'),
    externalDirectoryObjectId, displayName, whenChanged, uSNChanged, attributes,
  };
}

function list(entry: string | string[] | undefined): string[] {
  return entry === undefined ? [] : typeof entry === 'string' ? [entry] : [...entry];
}

function push(map: Map<string, string | string[]>, key: string, guid: string): void {
  const entry = map.get(key);
  if (entry === undefined) map.set(key, guid);
  else map.set(key, [...list(entry), guid]);
}

function pull(map: Map<string, string | string[]>, key: string, guid: string): void {
  const rest = list(map.get(key)).filter((g) => g !== guid);
  if (rest.length === 0) map.delete(key);
  else map.set(key, rest.length === 1 ? rest[0]! : rest);
}
