/**
 * Turns an ldapts search entry into a {@link DirectoryObject}: attribute names normalised to the
 * catalogue's spelling (LDAP names are case-insensitive and servers answer in any case), every
 * catalogue attribute present (`[]` when absent), binary anchors as Buffers.
 */
import type { Entry } from 'ldapts';
import { ATTRIBUTE_CATALOGUE } from '../core/attribute-catalogue.js';
import type { AttributeValues, DirectoryObject } from '../core/directory-object.js';
import { sidToString } from './ad-binary.js';

/** Binary attributes the adapter reads (requested as Buffers: their bytes are not text). */
export const BINARY_ATTRIBUTES = ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid'] as const;

/** Everything a {@link DirectoryObject} is built from. */
export const DIRECTORY_OBJECT_ATTRIBUTES: readonly string[] = [
  ...BINARY_ATTRIBUTES, 'msDS-ExternalDirectoryObjectId', 'displayName', 'whenChanged', 'uSNChanged',
  ...ATTRIBUTE_CATALOGUE.map((a) => a.ldapName),
];

/**
 * ldapts matches `explicitBufferAttributes` against the name exactly as the server returns it;
 * list both spellings so a server answering in lower case still yields bytes.
 */
export const EXPLICIT_BUFFER_ATTRIBUTES: string[] = BINARY_ATTRIBUTES.flatMap((a) => [a, a.toLowerCase()]);

type EntryValue = Entry[string];

/** Lower-case name → the spelling above, built once: a full read maps every user in scope. */
const CANONICAL_NAMES = new Map(DIRECTORY_OBJECT_ATTRIBUTES.map((name) => [name.toLowerCase(), name]));

function asList(value: EntryValue | undefined): (string | Buffer)[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function asStrings(value: EntryValue | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  const list = asList(value);
  // ldapts hands out a fresh array per entry: keep it when it is text already.
  return list.some((v) => Buffer.isBuffer(v)) ? list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)) : (list as string[]);
}

function asBuffer(value: EntryValue | undefined): Buffer | null {
  const first = asList(value)[0];
  if (first === undefined) return null;
  // Only reached if the server spelled the name unexpectedly; UTF-8 round-trips what decoded.
  return Buffer.isBuffer(first) ? first : Buffer.from(first, 'utf8');
}

function canonicalValues(entry: Entry): Map<string, EntryValue> {
  const byName = new Map<string, EntryValue>();
  for (const key of Object.keys(entry)) {
    const name = CANONICAL_NAMES.get(key.toLowerCase());
    if (name !== undefined) byName.set(name, entry[key] as EntryValue);
  }
  return byName;
}

/** Builds the object from one entry. Throws when the entry has no objectGUID (it was not requested). */
export function toDirectoryObject(entry: Entry): DirectoryObject {
  // ldapts lists every requested attribute, so the name as requested is there unless the server
  // spelled it otherwise: only then are the entry's names mapped case-insensitively.
  let byName: Map<string, EntryValue> | null = null;
  const get = (name: string): EntryValue | undefined => {
    const value = entry[name];
    if (value !== undefined) return value;
    byName ??= canonicalValues(entry);
    return byName.get(name);
  };
  const objectGuid = asBuffer(get('objectGUID'));
  if (!objectGuid || objectGuid.length !== 16) throw new RangeError(`entry ${entry.dn} has no 16-byte objectGUID`);
  const sid = asBuffer(get('objectSid'));
  const consistency = asBuffer(get('mS-DS-ConsistencyGuid'));
  const attributes: AttributeValues = {};
  for (const attribute of ATTRIBUTE_CATALOGUE) attributes[attribute.ldapName] = asStrings(get(attribute.ldapName));
  const single = (name: string) => asStrings(get(name))[0] ?? null;
  return {
    distinguishedName: entry.dn,
    objectGuid,
    objectSid: sid && sid.length > 0 ? sidToString(sid) : null,
    consistencyGuid: consistency && consistency.length > 0 ? consistency : null,
    externalDirectoryObjectId: single('msDS-ExternalDirectoryObjectId'),
    displayName: single('displayName'),
    whenChanged: single('whenChanged'),
    uSNChanged: single('uSNChanged'),
    attributes,
  };
}
