/**
 * The console's password and API token are stored only as scrypt hashes
 * (`scrypt:N:r:p:salt:hash`, base64), so a leaked configuration file does not leak them.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** What a stored hash looks like. */
export const SECRET_HASH_PATTERN = /^scrypt:(\d+):(\d+):(\d+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/** scrypt cost: 2^15 × 8 takes ~50–100 ms and 32 MiB per check — slow for guessing, fine for a sign-in. */
const COST = { N: 32_768, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a secret with a fresh random salt. Throws RangeError for a secret shorter than 12 characters. */
export async function hashSecret(secret: string): Promise<string> {
  if (secret.length < 12) throw new RangeError('use at least 12 characters');
  const salt = randomBytes(16);
  const key = await derive(secret, salt, COST.N, COST.r, COST.p);
  return `scrypt:${COST.N}:${COST.r}:${COST.p}:${salt.toString('base64')}:${key.toString('base64')}`;
}

/** True when `secret` matches `hash` (constant-time compare); false for a malformed hash. */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const match = SECRET_HASH_PATTERN.exec(hash);
  if (!match) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Refuse parameters that would make one check cost more than a second or a gigabyte.
  if (!(N >= 2 && N <= 1_048_576 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const expected = Buffer.from(match[5]!, 'base64');
  const actual = await derive(secret, Buffer.from(match[4]!, 'base64'), N, r, p);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
