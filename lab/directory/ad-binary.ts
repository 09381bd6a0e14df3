/**
 * Conversions between Active Directory's binary attribute forms and their string forms.
 * Pure functions; AD returns objectGUID/objectSid as raw bytes over LDAP.
 */

/**
 * Converts a binary SID (objectSid) to its string form `S-1-5-21-…`.
 * Layout: revision (1 byte), sub-authority count (1), identifier authority (6, big-endian),
 * then `count` sub-authorities (4 bytes each, little-endian).
 */
export function sidToString(sid: Buffer): string {
  if (sid.length < 8) throw new RangeError(`SID too short: ${sid.length} bytes`);
  const revision = sid.readUInt8(0);
  const count = sid.readUInt8(1);
  if (sid.length !== 8 + 4 * count) throw new RangeError(`SID length ${sid.length} does not match ${count} sub-authorities`);
  const authority = sid.readUIntBE(2, 6);
  const parts = [`S-${revision}-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(sid.readUInt32LE(8 + 4 * i)));
  return parts.join('-');
}

/** Converts a SID string `S-1-5-…` back to its binary form (inverse of {@link sidToString}). */
export function sidFromString(text: string): Buffer {
  const match = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(text);
  if (!match) throw new RangeError(`not a SID: ${text}`);
  const subs = match[3] ? match[3].slice(1).split('-').map(Number) : [];
  const out = Buffer.alloc(8 + 4 * subs.length);
  out.writeUInt8(Number(match[1]), 0);
  out.writeUInt8(subs.length, 1);
  out.writeUIntBE(Number(match[2]), 2, 6);
  subs.forEach((sub, i) => out.writeUInt32LE(sub, 8 + 4 * i));
  return out;
}

/**
 * Converts a GUID string (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`) to the 16 bytes AD stores:
 * the first three fields little-endian, the last two as written ("mixed endian", as .NET's
 * `Guid.ToByteArray()`).
 */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/[{}]/g, '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hex)) throw new RangeError(`not a GUID: ${guid}`);
  const raw = Buffer.from(hex.replaceAll('-', ''), 'hex');
  return Buffer.concat([
    Buffer.from(raw.subarray(0, 4)).reverse(),
    Buffer.from(raw.subarray(4, 6)).reverse(),
    Buffer.from(raw.subarray(6, 8)).reverse(),
    raw.subarray(8, 16),
  ]);
}

/** Converts 16 AD GUID bytes to the lower-case string form (inverse of {@link guidToBytes}). */
export function guidFromBytes(bytes: Buffer): string {
  if (bytes.length !== 16) throw new RangeError(`GUID must be 16 bytes, got ${bytes.length}`);
  const hex = (b: Buffer) => b.toString('hex');
  return [
    hex(Buffer.from(bytes.subarray(0, 4)).reverse()),
    hex(Buffer.from(bytes.subarray(4, 6)).reverse()),
    hex(Buffer.from(bytes.subarray(6, 8)).reverse()),
    hex(bytes.subarray(8, 10)),
    hex(bytes.subarray(10, 16)),
  ].join('-');
}

/** Encodes a password as AD's `unicodePwd` value: UTF-16LE of the password in double quotes. */
export function unicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/**
 * Escapes an attribute value for use in a DN (RFC 4514 §2.4): `, + " \ < > ;` and `=` anywhere,
 * `#` or space at the start, space at the end.
 */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}
