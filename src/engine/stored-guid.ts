import { guidToBytes } from '../core/guid.js';

/** The objectGUID bytes of a GUID the state store kept in its text form (`xxxxxxxx-xxxx-…`). */
export function storedGuidBytes(text: string): Buffer {
  const bytes = guidToBytes(text);
  if (!bytes) throw new RangeError(`the state store holds a malformed objectGUID: ${JSON.stringify(text)}`);
  return bytes;
}
