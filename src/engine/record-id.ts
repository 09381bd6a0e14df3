/**
 * Ids of provisioning records: UUIDv7 (RFC 9562), whose first 48 bits are the time in ms. The
 * state store keeps a unique index of record ids; random (v4) ids made every insert dirty a random
 * page of that index, and a 100k cycle's commits wrote ~3.3 s more (docs/performance.md).
 */
import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

const IDS_PER_FILL = 256;
const random = new Uint8Array(16 * IDS_PER_FILL);
let next = IDS_PER_FILL;

/**
 * A new record id. The random bits come from a pool filled 256 ids at a time: `uuid`'s own source
 * fills 16 bytes per call, 6 µs an id at 100k ids a cycle. Ids are ordered by their millisecond;
 * within one they are not (no shared counter), which keeps the index's inserts at its end all the same.
 */
export function newRecordId(): string {
  if (next === IDS_PER_FILL) {
    randomFillSync(random);
    next = 0;
  }
  const bytes = random.subarray(16 * next, 16 * (next + 1));
  next++;
  return uuidv7({ random: bytes });
}
