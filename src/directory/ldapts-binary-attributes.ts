/**
 * Tells ldapts's message parser which attributes hold bytes, not text.
 *
 * ldapts decodes every value it receives as UTF-8 with a fatal decoder and keeps the bytes when
 * the decoder throws; only types ending in `;binary` skip the attempt, and AD neither needs nor
 * echoes that option. GUIDs and SIDs are rarely valid UTF-8, so each one cost a thrown and caught
 * error (about 6 µs and its garbage): half of ldapts's CPU in a 10k-user read. The values handed
 * out are the same bytes either way; `explicitBufferAttributes` still decides what a search returns.
 */
import { Attribute } from 'ldapts';

/** The parser's private predicate, looked up by name: ldapts exports the class but not this method. */
interface BinaryTypePredicate {
  _isBinaryType?: (this: Attribute) => boolean;
}

const binaryTypes = new Set<string>();
let installed = false;

/**
 * Adds `names` (case-insensitive) to the attribute types ldapts keeps as bytes, process-wide.
 * Idempotent. Returns false, changing nothing, when this ldapts has no such predicate: reads then
 * stay correct, only slower, and the unit test of this module fails so an upgrade is noticed.
 */
export function markBinaryAttributes(names: readonly string[]): boolean {
  const prototype = Attribute.prototype as unknown as BinaryTypePredicate;
  const original = prototype._isBinaryType;
  if (typeof original !== 'function') return false;
  for (const name of names) binaryTypes.add(name.toLowerCase());
  if (!installed) {
    prototype._isBinaryType = function isBinaryType(this: Attribute): boolean {
      return binaryTypes.has(this.type.toLowerCase()) || original.call(this);
    };
    installed = true;
  }
  return true;
}
