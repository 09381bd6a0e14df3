/**
 * Ground truth for the directory contract suite: reads and restores lab objects as the lab's
 * Administrator with plain ldapts, independently of the adapter under test.
 */
import { Attribute, BerWriter, Change, Control, type Client, type Entry } from 'ldapts';
import { ATTRIBUTE_CATALOGUE } from '../../../src/core/attribute-catalogue.js';
import { boundClient } from '../directory/connect.js';

export { boundClient };

function valuesOf(entry: Entry, name: string): Array<string | Buffer> {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** String values of one attribute of an entry (case-insensitive name). */
export function strings(entry: Entry, name: string): string[] {
  return valuesOf(entry, name).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

/** The first Buffer value of an attribute, or null. */
export function buffer(entry: Entry, name: string): Buffer | null {
  const first = valuesOf(entry, name)[0];
  return Buffer.isBuffer(first) ? first : null;
}

/** One entry by base search (binary attributes as Buffers). */
export async function readEntry(admin: Client, dn: string, attributes: string[], binary: string[] = []): Promise<Entry> {
  const { searchEntries } = await admin.search(dn, { scope: 'base', attributes, explicitBufferAttributes: binary });
  const entry = searchEntries[0];
  if (!entry) throw new Error(`no entry ${dn}`);
  return entry;
}

/** Users matching `filter` below `base` (a string filter: only plain ASCII values here). */
export async function findUsers(admin: Client, base: string, filter: string, binary: string[] = ['objectGUID']): Promise<Entry[]> {
  const { searchEntries } = await admin.search(base, {
    scope: 'sub', filter: `(&(objectCategory=person)(objectClass=user)${filter})`,
    attributes: ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'msDS-ExternalDirectoryObjectId', 'mail', 'sAMAccountName', 'uSNChanged'],
    explicitBufferAttributes: binary.length ? ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid'] : [],
    paged: { pageSize: 200 },
  });
  return searchEntries;
}

const CATALOGUE_NAMES = ATTRIBUTE_CATALOGUE.map((a) => a.ldapName);

/** Every catalogue attribute's values on one object, to restore them afterwards. */
export async function snapshot(admin: Client, dn: string): Promise<Record<string, string[]>> {
  const entry = await readEntry(admin, dn, CATALOGUE_NAMES);
  return Object.fromEntries(CATALOGUE_NAMES.map((name) => [name, strings(entry, name)]));
}

/** Puts back a {@link snapshot} (replace with identical values is a no-op on AD). */
export async function restore(admin: Client, dn: string, before: Record<string, string[]>): Promise<void> {
  await admin.modify(dn, Object.entries(before).map(([type, values]) =>
    new Change({ operation: 'replace', modification: new Attribute({ type, values }) })));
}

/** uSNChanged of an object: moves on every real write. */
export async function usnChanged(admin: Client, dn: string): Promise<string> {
  return strings(await readEntry(admin, dn, ['uSNChanged']), 'uSNChanged')[0]!;
}

/** LDAP_SERVER_SD_FLAGS_OID: read/write only the parts of a security descriptor named by `flags` (4 = DACL). */
export class SdFlagsControl extends Control {
  constructor(private readonly flags: number) {
    super('1.2.840.113556.1.4.801', { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.endSequence();
    writer.writeBuffer(value.buffer, 4);
  }
}

/** The DACL-only security descriptor of an object (self-relative bytes). */
export async function readDacl(admin: Client, dn: string): Promise<Buffer> {
  const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['nTSecurityDescriptor'], explicitBufferAttributes: ['nTSecurityDescriptor'] }, new SdFlagsControl(4));
  const sd = searchEntries[0] ? buffer(searchEntries[0], 'nTSecurityDescriptor') : null;
  if (!sd) throw new Error(`no nTSecurityDescriptor on ${dn}`);
  return sd;
}

/** Writes a DACL-only security descriptor back (Samba re-propagates inherited ACEs to children). */
export async function writeDacl(admin: Client, dn: string, sd: Buffer): Promise<void> {
  await admin.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'nTSecurityDescriptor', values: [sd] }) }), new SdFlagsControl(4));
}

/**
 * Returns a copy of a self-relative security descriptor without the allow-object ACEs that grant
 * `trusteeSid` write-property on the attribute `attributeGuid` (16 bytes). Throws when there is none.
 */
export function withoutWritePropertyAce(sd: Buffer, attributeGuid: Buffer, trusteeSid: Buffer): Buffer {
  const daclOffset = sd.readUInt32LE(16);
  if (daclOffset === 0) throw new Error('security descriptor has no DACL');
  let out = Buffer.from(sd);
  let offset = daclOffset + 8;
  let removed = 0;
  const count = out.readUInt16LE(daclOffset + 4);
  for (let i = 0; i < count; i++) {
    const type = out.readUInt8(offset);
    const size = out.readUInt16LE(offset + 2);
    let matches = false;
    if (type === 5) { // ACCESS_ALLOWED_OBJECT_ACE
      const mask = out.readUInt32LE(offset + 4);
      const flags = out.readUInt32LE(offset + 8);
      let cursor = offset + 12;
      const objectType = flags & 1 ? out.subarray(cursor, cursor + 16) : null;
      if (flags & 1) cursor += 16;
      if (flags & 2) cursor += 16;
      const sid = out.subarray(cursor, offset + size);
      matches = (mask & 0x20) !== 0 && objectType !== null && objectType.equals(attributeGuid) && sid.subarray(0, trusteeSid.length).equals(trusteeSid);
    }
    if (matches) {
      out = Buffer.concat([out.subarray(0, offset), out.subarray(offset + size)]);
      out.writeUInt16LE(out.readUInt16LE(daclOffset + 2) - size, daclOffset + 2);
      out.writeUInt16LE(out.readUInt16LE(daclOffset + 4) - 1, daclOffset + 4);
      // Parts stored after the DACL move up.
      for (const at of [4, 8, 12]) {
        const part = out.readUInt32LE(at);
        if (part > offset) out.writeUInt32LE(part - size, at);
      }
      removed++;
    } else {
      offset += size;
    }
  }
  if (removed === 0) throw new Error('no matching write-property ACE in the DACL');
  return out;
}
