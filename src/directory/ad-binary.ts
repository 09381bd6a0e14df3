/**
 * AD's binary identifiers and their string forms. AD returns objectGUID and objectSid as raw
 * bytes; messages, `<GUID=…>` DNs and Graph's anchors use the string forms. GUID byte order is
 * the core's (../core/guid.ts); SIDs are only the adapter's business.
 */
import { guidToString } from '../core/guid.js';

export { guidToString };

/**
 * Binary SID → `S-1-5-21-…`. Layout: revision (1 byte), sub-authority count (1), identifier
 * authority (6, big-endian), then `count` sub-authorities (4 bytes each, little-endian).
 */
export function sidToString(sid: Buffer): string {
  if (sid.length < 8) throw new RangeError(`SID too short: ${sid.length} bytes`);
  const count = sid.readUInt8(1);
  if (sid.length !== 8 + 4 * count) throw new RangeError(`SID length ${sid.length} does not match ${count} sub-authorities`);
  const parts = [`S-${sid.readUInt8(0)}-${sid.readUIntBE(2, 6)}`];
  for (let i = 0; i < count; i++) parts.push(String(sid.readUInt32LE(8 + 4 * i)));
  return parts.join('-');
}

/** `S-1-5-…` → binary SID (inverse of {@link sidToString}); objectSid filters need the bytes. */
export function sidFromString(text: string): Buffer {
  const bytes = sidBytes(text);
  if (!bytes) throw new RangeError(`not a SID: ${text}`);
  return bytes;
}

/** {@link sidFromString}, or null when `text` is not a SID (so it can match nothing). */
export function sidBytes(text: string): Buffer | null {
  const sid = parseSid(text);
  if (!sid) return null;
  const out = Buffer.alloc(8 + 4 * sid.subAuthorities.length);
  out.writeUInt8(sid.revision, 0);
  out.writeUInt8(sid.subAuthorities.length, 1);
  out.writeUIntBE(sid.authority, 2, 6);
  sid.subAuthorities.forEach((sub, i) => out.writeUInt32LE(sub, 8 + 4 * i));
  return out;
}

/**
 * The SID as objectSid reads back from AD — `sidToString(sidFromString(text))` — or null when
 * `text` is not a SID; so `s-1-5-…` or leading zeros compare equal, as LDAP's binary match would
 * have them. Without the bytes in between: it runs once per mailbox of a cycle.
 */
export function canonicalSid(text: string): string | null {
  const sid = parseSid(text);
  if (!sid) return null;
  let out = `S-${sid.revision}-${sid.authority}`;
  for (const sub of sid.subAuthorities) out += `-${sub}`;
  return out;
}

const SID_TEXT = /^S-(\d+)-(\d+)((?:-\d+)*)$/i;

/** The numbers of `S-r-a-s1-s2…`, or null when they do not fit a binary SID. */
function parseSid(text: string): { revision: number; authority: number; subAuthorities: number[] } | null {
  const match = SID_TEXT.exec(text.trim());
  if (!match) return null;
  const subAuthorities = match[3] ? match[3].slice(1).split('-').map(Number) : [];
  const revision = Number(match[1]);
  const authority = Number(match[2]);
  if (subAuthorities.length > 15 || revision > 255 || authority >= 2 ** 48 || subAuthorities.some((s) => s > 0xffffffff)) return null;
  return { revision, authority, subAuthorities };
}

/** The extended DN `<GUID=…>` that addresses an object wherever it has moved (AD and Samba accept it in every operation). */
export function guidDn(objectGuid: Buffer): string {
  return `<GUID=${guidToString(objectGuid)}>`;
}
