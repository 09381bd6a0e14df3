/**
 * Opaque, tamper-evident tokens for `$skiptoken` and `$deltatoken`: the paging state as JSON,
 * base64url-encoded and authenticated with an HMAC under the tenant's link key. Clients must treat
 * them as opaque; the emulator can trust what it reads back.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Seals a JSON payload into a token. */
export function sealLinkToken(key: Buffer, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

/** Opens a token sealed with {@link sealLinkToken}; null when malformed or tampered with. */
export function openLinkToken<T extends object>(key: Buffer, token: string): T | null {
  const [body, tag, extra] = token.split('.');
  if (!body || !tag || extra !== undefined) return null;
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(tag);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as T) : null;
  } catch {
    return null;
  }
}

/** SHA-256 (base64url, truncated) of a JSON value in canonical form (keys sorted), to compare request bodies. */
export function jsonFingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 22);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, 22);
}
