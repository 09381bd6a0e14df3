/**
 * Minimal JWS (compact JWT) encoding, decoding and RSA signature checks with `node:crypto`.
 * Only what the emulator needs: RS256 and PS256 (RSA-PSS, SHA-256, salt length 32, as Entra ID
 * requires for client assertions). No claim validation here — callers decide what a claim must be.
 */
import { constants, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** Signature algorithms the emulator accepts and produces. */
export type JwtAlgorithm = 'RS256' | 'PS256';

/** A JOSE header as Entra ID uses it. */
export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  x5t?: string;
  'x5t#S256'?: string;
  [name: string]: unknown;
}

/** Claims are arbitrary JSON; the emulator reads the registered ones. */
export type JwtClaims = Record<string, unknown>;

/** A compact JWT split into its parts, signature not yet checked. */
export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  /** `base64url(header) + "." + base64url(claims)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** Thrown by {@link decodeJwt} when the text is not a compact JWS with JSON header and claims. */
export class MalformedJwtError extends Error {}

/** Serialises and signs a JWT. */
export function encodeJwt(header: JwtHeader, claims: JwtClaims, privateKey: KeyObject, alg: JwtAlgorithm): string {
  const signingInput = `${b64url(JSON.stringify({ ...header, alg }))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), keyOptions(privateKey, alg));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Splits and parses a compact JWT without checking its signature. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new MalformedJwtError('not a compact JWS');
  }
  const [h, c, s] = parts as [string, string, string];
  const header = parseJsonObject(h);
  const claims = parseJsonObject(c);
  if (typeof header.alg !== 'string') throw new MalformedJwtError('header has no alg');
  return { header: header as JwtHeader, claims, signingInput: `${h}.${c}`, signature: Buffer.from(s, 'base64url') };
}

/** Checks the signature of a decoded JWT with an RSA public key (or certificate) and the given algorithm. */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject | string, alg: JwtAlgorithm): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), keyOptions(key, alg), jwt.signature);
  } catch {
    return false;
  }
}

function keyOptions(key: KeyObject, alg: JwtAlgorithm) {
  // PS256 per RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash (32 bytes).
  return alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { key };
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseJsonObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new MalformedJwtError('segment is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedJwtError('segment is not a JSON object');
  return value as Record<string, unknown>;
}
