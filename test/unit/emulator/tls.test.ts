import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, labPki, startTestEmulator, type TestEmulator } from './emulator-fixture.js';

function post(url: string, ca: string | undefined, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (c: string) => (text += c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTPS', () => {
  let t: TestEmulator;
  let ca: string;
  beforeAll(async () => {
    const { paths } = await labPki();
    ca = await readFile(paths.caCertFile, 'utf8');
    t = await startTestEmulator({ tls: { certFile: paths.serverCertFile, keyFile: paths.serverKeyFile } });
  });
  afterAll(() => t.close());

  it('serves the token endpoint over TLS verified by the lab CA, and links use https', async () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'https://graph.microsoft.com/.default' }).toString();
    const { status, json } = await post(`${t.url}/${t.tenantId}/oauth2/v2.0/token`, ca, form);
    expect(status).toBe(200);
    expect(json.token_type).toBe('Bearer');
  });

  it('fails certificate verification without the lab CA', async () => {
    await expect(post(`${t.url}/${t.tenantId}/oauth2/v2.0/token`, undefined, '')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
