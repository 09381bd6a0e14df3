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
  const match = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(text.trim());
  if (!match) throw new RangeError(`not a SID: ${text}`);
  const subs = match[3] ? match[3].slice(1).split('-').map(Number) : [];
  const authority = Number(match[2]);
  if (subs.length > 15 || Number(match[1]) > 255 || authority >= 2 ** 48 || subs.some((s) => s > 0xffffffff)) {
    throw new RangeError(`not a SID: ${text}`);
  }
  const out = Buffer.alloc(8 + 4 * subs.length);
  out.writeUInt8(Number(match[1]), 0);
  out.writeUInt8(subs.length, 1);
  out.writeUIntBE(authority, 2, 6);
  subs.forEach((sub, i) => out.writeUInt32LE(sub, 8 + 4 * i));
  return out;
}

/** The extended DN `<GUID=…>` that addresses an object wherever it has moved (AD and Samba accept it in every operation). */
export function guidDn(objectGuid: Buffer): string {
  return `<GUID=${guidToString(objectGuid)}>`;
}
