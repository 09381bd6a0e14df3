/**
 * Client assertion for certificate-based client credentials: a JWT signed with the app
 * certificate's private key, identified by the certificate's SHA-256 thumbprint (`x5t#S256`).
 */
import { X509Certificate, createPrivateKey, randomUUID, sign, constants } from 'node:crypto';

/** Inputs of {@link buildClientAssertion}. */
export interface ClientAssertionInput {
  clientId: string;
  /** The token endpoint URL; it is the assertion's audience. */
  tokenUrl: string;
  certificatePem: string;
  privateKeyPem: string;
  /** Seconds since the epoch; injectable for tests. */
  now?: number;
  /** Lifetime in seconds; Entra accepts at most 10 minutes. Default 5 minutes. */
  lifetimeSeconds?: number;
}

/**
 * Builds a PS256-signed (RSA-PSS, SHA-256, salt 32) client assertion with `x5t#S256`.
 *
 * @example
 * const assertion = buildClientAssertion({ clientId, tokenUrl, certificatePem, privateKeyPem });
 */
export function buildClientAssertion(input: ClientAssertionInput): string {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const cert = new X509Certificate(input.certificatePem);
  const x5tS256 = Buffer.from(cert.fingerprint256.replaceAll(':', ''), 'hex').toString('base64url');
  const header = { alg: 'PS256', typ: 'JWT', 'x5t#S256': x5tS256 };
  const claims = {
    aud: input.tokenUrl,
    iss: input.clientId,
    sub: input.clientId,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + (input.lifetimeSeconds ?? 300),
  };
  const signingInput = `${b64url(header)}.${b64url(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: createPrivateKey(input.privateKeyPem),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
