/**
 * `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant of the Microsoft identity
 * platform, with a client secret or a certificate-signed client assertion, and Entra's error
 * bodies (`error`, `error_description` starting with the AADSTS code, `error_codes`, `timestamp`,
 * `trace_id`, `correlation_id`, `error_uri`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessTokens } from './access-tokens.js';
import { aadTimestamp, jsonResponse, newRequestId, type EmulatorResponse } from './http-response.js';
import { decodeJwt, MalformedJwtError, verifyJwtSignature, type DecodedJwt } from './jwt.js';
import { EXO_RESOURCE, GRAPH_RESOURCE, type AppCertificate, type AppRegistration, type TenantStore } from './tenant-state.js';

/** The canonical Microsoft login host, accepted as assertion audience besides the emulator's own URL. */
export const MICROSOFT_LOGIN_URL = 'https://login.microsoftonline.com';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Entra tolerates this much clock skew on assertion times. */
const CLOCK_SKEW_SECONDS = 300;
/** Longest client-assertion lifetime accepted (wire-formats §1: ≤ 10 min). */
const MAX_ASSERTION_LIFETIME_SECONDS = 600;

/** `.default` scopes and the resource each one yields (by URI and by first-party app id). */
const SCOPES = new Map<string, string>([
  [`${EXO_RESOURCE}/.default`, EXO_RESOURCE],
  ['00000002-0000-0ff1-ce00-000000000000/.default', EXO_RESOURCE],
  [`${GRAPH_RESOURCE}/.default`, GRAPH_RESOURCE],
  ['00000003-0000-0000-c000-000000000000/.default', GRAPH_RESOURCE],
]);

/** What the token endpoint needs from the server. */
export interface TokenEndpointContext {
  store: TenantStore;
  tokens: AccessTokens;
  now: () => number;
  /** Base URLs under which a client may have addressed this endpoint (for assertion `aud`). */
  audienceBases: string[];
}

/** Handles one token request. `tenantSegment` is the path's first segment, `path` the full path. */
export function handleTokenRequest(tenantSegment: string, path: string, body: Buffer, ctx: TokenEndpointContext): EmulatorResponse {
  const nowMs = ctx.now();
  const fail = (status: number, error: string, code: number, description: string): EmulatorResponse => aadError(status, error, code, description, nowMs);
  const data = ctx.store.data;
  if (![data.tenantId.toLowerCase(), data.initialDomain.toLowerCase()].includes(tenantSegment.toLowerCase())) {
    return fail(400, 'invalid_request', 90002, `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
  }
  const form = new URLSearchParams(body.toString('utf8'));
  const missing = (name: string) => fail(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

  const grantType = form.get('grant_type');
  if (!grantType) return missing('grant_type');
  if (grantType !== 'client_credentials') {
    return fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }
  const clientId = form.get('client_id');
  if (!clientId) return missing('client_id');
  const scope = form.get('scope');
  if (!scope) return missing('scope');

  const app = ctx.store.app(clientId);
  if (!app) {
    return fail(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${data.initialDomain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  }

  const resource = SCOPES.get(scope.trim());
  if (!resource) {
    return fail(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid. The scope format is invalid. Scope must be in a valid URI form <https://example/scope> or a valid Guid <guid/scope>.`);
  }

  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  let credential: 'secret' | 'certificate';
  if (assertion !== null) {
    const assertionType = form.get('client_assertion_type');
    if (assertionType !== JWT_BEARER) {
      return fail(400, 'invalid_request', 900144, `The request body must contain the following parameter: 'client_assertion_type'. Expected '${JWT_BEARER}'.`);
    }
    const problem = checkAssertion(assertion, app, path, ctx, nowMs);
    if (problem) return fail(problem.status ?? 401, problem.error ?? 'invalid_client', problem.code, problem.description);
    credential = 'certificate';
  } else if (secret !== null) {
    if (!app.clientSecrets.some((s) => safeEqual(s, secret))) {
      return fail(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    }
    credential = 'secret';
  } else {
    return fail(401, 'invalid_client', 7000216, `'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.`);
  }

  const { token, expiresIn } = ctx.tokens.issue(app, resource, credential);
  return jsonResponse(200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token }, {
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
  });
}

interface AssertionProblem {
  code: number;
  description: string;
  status?: number;
  error?: string;
}

/** Validates a client assertion; returns the first problem Entra would report, or null. */
function checkAssertion(assertion: string, app: AppRegistration, path: string, ctx: TokenEndpointContext, nowMs: number): AssertionProblem | null {
  let jwt: DecodedJwt;
  try {
    jwt = decodeJwt(assertion);
  } catch (error) {
    if (!(error instanceof MalformedJwtError)) throw error;
    return { code: 50027, description: 'JWT token is invalid or malformed.' };
  }
  const alg = jwt.header.alg;
  if (alg !== 'PS256' && alg !== 'RS256') {
    return { code: 5002738, description: `Invalid JWT token. '${alg}' is not a supported signature algorithm. Supported signing algorithms are: 'RS256,PS256'.` };
  }
  const { iss, sub, aud, exp, nbf, iat } = jwt.claims;
  if (iss !== app.clientId || sub !== app.clientId) {
    return { code: 700021, description: `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .` };
  }
  const audiences = new Set([...ctx.audienceBases, MICROSOFT_LOGIN_URL].map((base) => `${base.replace(/\/$/, '')}${path}`.toLowerCase()));
  if (typeof aud !== 'string' || !audiences.has(aud.toLowerCase())) {
    return { code: 50012, description: `Client assertion audience claim does not match Realm issuer.` };
  }

  const s256 = jwt.header['x5t#S256'];
  const s1 = jwt.header.x5t;
  const presented = typeof s256 === 'string' ? s256 : typeof s1 === 'string' ? s1 : null;
  const certificate: AppCertificate | undefined = app.certificates.find((c) => (typeof s256 === 'string' ? c.x5tS256 === s256 : c.x5t === s1));
  const hexPrint = presented ? Buffer.from(presented, 'base64url').toString('hex').toUpperCase() : '';
  if (!presented || !certificate) {
    return {
      code: 700027,
      description: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${hexPrint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
    };
  }
  if (!verifyJwtSignature(jwt, certificate.pem, alg)) {
    return {
      code: 700027,
      description: `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${hexPrint}']`,
    };
  }

  const now = nowMs / 1000;
  const validFrom = typeof nbf === 'number' ? nbf : typeof iat === 'number' ? iat : 0;
  const timeProblem = (detail = ''): AssertionProblem => ({
    code: 700024,
    description: `Client assertion is not within its valid time range.${detail} Current time: ${isoTicks(nowMs)}, assertion valid from ${isoTicks(validFrom * 1000)}, expiry time of assertion ${isoTicks(typeof exp === 'number' ? exp * 1000 : 0)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
  });
  if (typeof exp !== 'number' || now > exp + CLOCK_SKEW_SECONDS || now + CLOCK_SKEW_SECONDS < validFrom) return timeProblem();
  if (exp - validFrom > MAX_ASSERTION_LIFETIME_SECONDS) return timeProblem(` The assertion lifetime exceeds ${MAX_ASSERTION_LIFETIME_SECONDS} seconds.`);
  return null;
}

function aadError(status: number, error: string, code: number, description: string, nowMs: number): EmulatorResponse {
  const traceId = newRequestId();
  const correlationId = newRequestId();
  const timestamp = aadTimestamp(nowMs);
  return jsonResponse(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${MICROSOFT_LOGIN_URL}/error?code=${code}`,
  });
}

function isoTicks(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.0000000Z`;
}

function safeEqual(a: string, b: string): boolean {
  // Compare digests so the lengths match and timing says nothing about the secret.
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
