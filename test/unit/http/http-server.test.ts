import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type StartedServer } from '../../../src/http/http-server.js';
import { labPki } from '../emulator/emulator-fixture.js';

/** GETs over HTTPS, trusting `ca` only (verification stays on). */
function getOverTls(url: string, ca: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const app = { fetch: (req: Request) => new Response(`seen ${new URL(req.url).pathname}`) };

describe('startHttpServer', () => {
  const started: StartedServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });

  it('serves HTTPS with service.http.tls, verified by the certificate\'s CA', async () => {
    const { paths } = await labPki();
    const tls = { certificatePem: await readFile(paths.serverCertFile, 'utf8'), privateKeyPem: await readFile(paths.serverKeyFile, 'utf8') };
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0, tls });
    started.push(server);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = await readFile(paths.caCertFile, 'utf8');
    expect(await getOverTls(`${server.url}/healthz`, ca)).toEqual({ status: 200, body: 'seen /healthz' });
    // A client that does not trust the CA is refused: nothing here turns verification off.
    await expect(getOverTls(`${server.url}/healthz`, undefined)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('serves plain HTTP without TLS, and refuses a port already taken', async () => {
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0, tls: null });
    started.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/metrics`);
    expect(await response.text()).toBe('seen /metrics');
    const port = Number(new URL(server.url).port);
    await expect(startHttpServer(app, { host: '127.0.0.1', port, tls: null })).rejects.toThrow(/EADDRINUSE/);
  });
});
