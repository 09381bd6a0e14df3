import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../../lab/emulator/jwt.js';
import { CLIENT_ID, CLIENT_SECRET, clientAssertion, labPki, startTestEmulator, type TestEmulator } from './emulator-fixture.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface TokenBody {
  token_type?: string;
  expires_in?: number;
  ext_expires_in?: number;
  access_token?: string;
  error?: string;
  error_description?: string;
  error_codes?: number[];
  timestamp?: string;
  trace_id?: string;
  correlation_id?: string;
}

describe('token endpoint', () => {
  let t: TestEmulator;
  let certPem: string;
  let keyPem: string;
  let tokenUrl: string;

  beforeAll(async () => {
    t = await startTestEmulator();
    ({ appCertPem: certPem, appKeyPem: keyPem } = await labPki());
    tokenUrl = `${t.url}/${t.tenantId}/oauth2/v2.0/token`;
  });
  afterAll(() => t.close());

  const post = async (form: Record<string, string>): Promise<{ status: number; body: TokenBody }> => {
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    return { status: response.status, body: (await response.json()) as TokenBody };
  };
  const withAssertion = (assertion: string, scope = 'https://outlook.office365.com/.default') =>
    post({ grant_type: 'client_credentials', client_id: CLIENT_ID, scope, client_assertion_type: JWT_BEARER, client_assertion: assertion });
  const expectAadError = (result: { status: number; body: TokenBody }, status: number, error: string, code: number) => {
    expect(result.status).toBe(status);
    expect(result.body.error).toBe(error);
    expect(result.body.error_codes).toEqual([code]);
    expect(result.body.error_description).toMatch(new RegExp(`^AADSTS${code}: .* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
    expect(result.body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.body.timestamp).toBe('2026-08-01 12:00:00Z');
  };

  it('issues an EXO token for the client secret with the documented claims', async () => {
    const { status, body } = await post({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'https://outlook.office365.com/.default' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const { header, claims } = decodeJwt(body.access_token ?? '');
    expect(header.alg).toBe('RS256');
    const nowSeconds = Date.parse('2026-08-01T12:00:00Z') / 1000;
    expect(claims).toMatchObject({ aud: 'https://outlook.office365.com', tid: t.tenantId, appid: CLIENT_ID, roles: ['Exchange.ManageAsApp'], iat: nowSeconds, nbf: nowSeconds, exp: nowSeconds + 3599 });
  });

  it('issues a Graph token with User.Read.All', async () => {
    const { status, body } = await post({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'https://graph.microsoft.com/.default' });
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token ?? '').claims).toMatchObject({ aud: 'https://graph.microsoft.com', roles: ['User.Read.All'] });
  });

  it('refuses a wrong secret with AADSTS7000215', async () => {
    expectAadError(await post({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'wrong', scope: 'https://outlook.office365.com/.default' }), 401, 'invalid_client', 7000215);
  });

  it('refuses an unknown app with AADSTS700016 and a bad scope with AADSTS70011', async () => {
    expectAadError(await post({ grant_type: 'client_credentials', client_id: '99999999-9999-4999-8999-999999999999', client_secret: 'x', scope: 'https://outlook.office365.com/.default' }), 400, 'unauthorized_client', 700016);
    expectAadError(await post({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'https://outlook.office365.com/Mail.Read' }), 400, 'invalid_scope', 70011);
  });

  it('refuses a request without credentials, and an unknown tenant', async () => {
    expectAadError(await post({ grant_type: 'client_credentials', client_id: CLIENT_ID, scope: 'https://graph.microsoft.com/.default' }), 401, 'invalid_client', 7000216);
    const response = await fetch(`${t.url}/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as TokenBody).error_codes).toEqual([90002]);
  });

  it('accepts a PS256 assertion with x5t#S256', async () => {
    const { status, body } = await withAssertion(clientAssertion({ alg: 'PS256', certPem, keyPem, aud: tokenUrl, nowMs: t.clock.now() }));
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token ?? '').claims).toMatchObject({ appid: CLIENT_ID, appidacr: '2', aud: 'https://outlook.office365.com' });
  });

  it('accepts an RS256 assertion with x5t, and Microsoft\'s own token URL as audience', async () => {
    expect((await withAssertion(clientAssertion({ alg: 'RS256', certPem, keyPem, aud: tokenUrl, nowMs: t.clock.now() }), 'https://graph.microsoft.com/.default')).status).toBe(200);
    const msAud = `https://login.microsoftonline.com/${t.tenantId}/oauth2/v2.0/token`;
    expect((await withAssertion(clientAssertion({ alg: 'RS256', certPem, keyPem, aud: msAud, nowMs: t.clock.now() }))).status).toBe(200);
  });

  it('refuses an assertion signed with another key (bad signature)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const result = await withAssertion(clientAssertion({ alg: 'PS256', certPem, keyPem: other, aud: tokenUrl, nowMs: t.clock.now() }));
    expectAadError(result, 401, 'invalid_client', 700027);
    expect(result.body.error_description).toContain('invalid signature');
  });

  it('refuses a tampered RS256 assertion', async () => {
    const good = clientAssertion({ alg: 'RS256', certPem, keyPem, aud: tokenUrl, nowMs: t.clock.now() });
    const [h, , s] = good.split('.');
    const claims = Buffer.from(JSON.stringify({ aud: tokenUrl, iss: CLIENT_ID, sub: CLIENT_ID, nbf: 1, exp: 9_999_999_999 })).toString('base64url');
    expectAadError(await withAssertion(`${h}.${claims}.${s}`), 401, 'invalid_client', 700027);
  });

  it('refuses an unknown certificate thumbprint', async () => {
    const result = await withAssertion(clientAssertion({ alg: 'PS256', certPem, keyPem, aud: tokenUrl, nowMs: t.clock.now(), thumbprintOverride: Buffer.alloc(32, 7).toString('base64url') }));
    expectAadError(result, 401, 'invalid_client', 700027);
    expect(result.body.error_description).toContain('The key was not found');
  });

  it('refuses a wrong audience', async () => {
    expectAadError(await withAssertion(clientAssertion({ alg: 'PS256', certPem, keyPem, aud: 'https://login.microsoftonline.com/common/oauth2/v2.0/token', nowMs: t.clock.now() })), 401, 'invalid_client', 50012);
  });

  it('refuses an expired assertion and one living longer than 10 minutes', async () => {
    expectAadError(await withAssertion(clientAssertion({ alg: 'PS256', certPem, keyPem, aud: tokenUrl, nowMs: t.clock.now() - 3_600_000 })), 401, 'invalid_client', 700024);
    expectAadError(await withAssertion(clientAssertion({ alg: 'PS256', certPem, keyPem, aud: tokenUrl, nowMs: t.clock.now(), lifetimeSeconds: 3600 })), 401, 'invalid_client', 700024);
  });

  it('refuses an assertion whose issuer is another app', async () => {
    expectAadError(await withAssertion(clientAssertion({ alg: 'PS256', certPem, keyPem, aud: tokenUrl, nowMs: t.clock.now(), clientId: '99999999-9999-4999-8999-999999999999' })), 401, 'invalid_client', 700021);
  });

  it('refuses garbage as assertion', async () => {
    expectAadError(await withAssertion('not-a-jwt'), 401, 'invalid_client', 50027);
  });
});
