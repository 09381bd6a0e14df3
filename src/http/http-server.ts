/**
 * Starts the HTTP app on the configured address (plain HTTP, or HTTPS with `service.http.tls`).
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';

/** A listening server and its URL. */
export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 = any free port); resolves once listening, rejects when the port is taken. */
export async function startHttpServer(app: { fetch: (request: Request) => Response | Promise<Response> }, options: {
  host: string; port: number; tls: { certificatePem: string; privateKeyPem: string } | null;
}): Promise<StartedServer> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({
      fetch: app.fetch,
      hostname: options.host,
      port: options.port,
      ...(options.tls ? { createServer: createHttpsServer, serverOptions: { cert: options.tls.certificatePem, key: options.tls.privateKeyPem } } : {}),
    }, () => resolve(started));
    started.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Browsers keep connections open; the service must not wait for them to stop.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    }),
  };
}
