/**
 * GUIDs in AD byte order. AD stores objectGUID (and Entra Connect's mS-DS-ConsistencyGuid) as the
 * 16 bytes of a Windows GUID: the first three groups little-endian, the last two as written. So
 * `{01020304-0506-0708-090a-0b0c0d0e0f10}` is stored as `04 03 02 01 06 05 08 07 09 0a …`.
 */

/** Two hex digits of each byte value: every log record spells a GUID several times. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The string form (lower-case, no braces) of 16 GUID bytes in AD byte order. */
export function guidToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`A GUID has 16 bytes, not ${bytes.length}.`);
  const hex = (i: number) => HEX_BYTE[bytes[i]!]!;
  return `${hex(3)}${hex(2)}${hex(1)}${hex(0)}-${hex(5)}${hex(4)}-${hex(7)}${hex(6)}-${hex(8)}${hex(9)}-${hex(10)}${hex(11)}${hex(12)}${hex(13)}${hex(14)}${hex(15)}`;
}

/** The 16 bytes in AD byte order of a GUID string (braces and case tolerated); null when malformed. */
export function guidToBytes(guid: string): Buffer | null {
  const match = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(guid.trim());
  if (!match) return null;
  const [, a, b, c, d, e] = match as unknown as [string, string, string, string, string, string];
  const le = (h: string) => Buffer.from(h, 'hex').reverse();
  return Buffer.concat([le(a), le(b), le(c), Buffer.from(d + e, 'hex')]);
}
