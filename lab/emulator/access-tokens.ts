/**
 * The access tokens the emulator's token endpoint issues and its APIs accept: RS256 JWTs signed
 * with the tenant's own key (persisted in the state, so tokens survive a restart), carrying the
 * claims Entra ID puts in an app-only v1 token (`aud`, `iss`, `tid`, `appid`, `roles`, times).
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { decodeJwt, encodeJwt, MalformedJwtError, verifyJwtSignature } from './jwt.js';
import type { AppRegistration, TenantData } from './tenant-state.js';

/** Default `expires_in` of issued tokens (Entra's usual 3599 s). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

/** Claims of an emulator access token. */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  appidacr: string;
  idtyp: 'app';
  oid: string;
  sub: string;
  roles?: string[];
  ver: '1.0';
  uti: string;
}

/** Why a bearer token was refused. */
export type TokenRejection = 'missing' | 'malformed' | 'signature' | 'expired' | 'notYetValid';

/** Result of {@link AccessTokens.validate}. */
export type TokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenRejection };

/** Issues and validates access tokens for one tenant. */
export class AccessTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** Key id (`kid`/`x5t`): base64url SHA-1 of the public key's DER. */
  readonly keyId: string;

  constructor(
    private readonly data: TenantData,
    private readonly now: () => number,
    private readonly lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS,
  ) {
    this.privateKey = createPrivateKey(data.signingKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha1').update(der).digest('base64url');
  }

  /** Issues a token for `app` to call `resource`. `appidacr` is 1 for a secret, 2 for a certificate. */
  issue(app: AppRegistration, resource: string, credential: 'secret' | 'certificate'): { token: string; expiresIn: number } {
    const now = Math.floor(this.now() / 1000);
    // The service principal's object id: stable per app and tenant.
    const oid = uuidFrom(`${this.data.tenantId}/${app.clientId}`);
    const roles = app.roles[resource] ?? [];
    const claims: AccessTokenClaims = {
      aud: resource,
      iss: `https://sts.windows.net/${this.data.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.lifetimeSeconds,
      tid: this.data.tenantId,
      appid: app.clientId,
      appidacr: credential === 'secret' ? '1' : '2',
      idtyp: 'app',
      oid,
      sub: oid,
      ...(roles.length > 0 ? { roles: [...roles] } : {}),
      ver: '1.0',
      uti: randomUUID().replaceAll('-', '').slice(0, 22),
    };
    const token = encodeJwt({ typ: 'JWT', alg: 'RS256', x5t: this.keyId, kid: this.keyId }, { ...claims }, this.privateKey, 'RS256');
    return { token, expiresIn: this.lifetimeSeconds };
  }

  /** Checks an `Authorization` header value: Bearer scheme, signature by this tenant's key, time window. */
  validate(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return { ok: false, reason: 'missing' };
    let decoded;
    try {
      decoded = decodeJwt(match[1] as string);
    } catch (error) {
      if (error instanceof MalformedJwtError) return { ok: false, reason: 'malformed' };
      throw error;
    }
    if (decoded.header.alg !== 'RS256' || !verifyJwtSignature(decoded, this.publicKey, 'RS256')) return { ok: false, reason: 'signature' };
    const claims = decoded.claims as unknown as AccessTokenClaims;
    const now = this.now() / 1000;
    if (typeof claims.exp !== 'number' || now >= claims.exp) return { ok: false, reason: 'expired' };
    if (typeof claims.nbf === 'number' && now < claims.nbf) return { ok: false, reason: 'notYetValid' };
    return { ok: true, claims };
  }

  /** The signing key as a JWK set (what `/discovery/v2.0/keys` serves). */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.keyId, x5t: this.keyId, n: jwk.n, e: jwk.e }] };
  }
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
