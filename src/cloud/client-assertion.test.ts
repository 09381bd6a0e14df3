import { X509Certificate, constants, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLabCertificates, thumbprints } from '../../lab/pki/certificates.js';
import { buildClientAssertion } from './client-assertion.js';

describe('buildClientAssertion', () => {
  let dir: string;
  let certificatePem: string;
  let privateKeyPem: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exowb-assertion-'));
    const paths = await ensureLabCertificates(dir);
    certificatePem = await readFile(paths.appCertFile, 'utf8');
    privateKeyPem = await readFile(paths.appKeyFile, 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('signs a PS256 JWT with x5t#S256 and the claims Entra requires', () => {
    const tokenUrl = 'https://login.example/tenant/oauth2/v2.0/token';
    const jwt = buildClientAssertion({ clientId: 'app-1', tokenUrl, certificatePem, privateKeyPem, now: 1_800_000_000 });
    const [h, c, s] = jwt.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'PS256', typ: 'JWT', 'x5t#S256': thumbprints(certificatePem).x5tS256 });
    expect(claims).toMatchObject({ aud: tokenUrl, iss: 'app-1', sub: 'app-1', nbf: 1_800_000_000, iat: 1_800_000_000, exp: 1_800_000_300 });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const publicKey = new X509Certificate(certificatePem).publicKey;
    const ok = verify('sha256', Buffer.from(`${h}.${c}`), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(s, 'base64url'));
    expect(ok).toBe(true);
    const tampered = verify('sha256', Buffer.from(`${h}.${c}x`), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(s, 'base64url'));
    expect(tampered).toBe(false);
  });
});
