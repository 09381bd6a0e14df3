import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudUnreachableError } from './cloud-errors.js';
import { createHttpTransport } from './http-transport.js';

/** A server that drops a kept-alive connection when it brings a further request (as an idle close racing a request does). */
async function droppingServer(dropReused: boolean): Promise<{ server: Server; url: string; requests: () => number }> {
  const served = new WeakSet<Socket>();
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (served.has(req.socket) && dropReused) {
      req.socket.destroy();
      return;
    }
    served.add(req.socket);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests: () => requests };
}

describe('createHttpTransport', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('sends a request again, once, on a fresh socket when a reused keep-alive socket is reset', async () => {
    const s = await droppingServer(true);
    server = s.server;
    const transport = createHttpTransport({ maxSockets: 1 });
    try {
      expect((await transport.send({ method: 'GET', url: s.url, headers: {} })).status).toBe(200);
      const second = await transport.send({ method: 'GET', url: s.url, headers: {} });
      expect(second.body.toString()).toBe('ok');
      expect(s.requests()).toBe(3);
    } finally {
      transport.close();
    }
  });

  it('sends the request again on a new connection, not on another idle socket the server may have closed too', async () => {
    const s = await droppingServer(true);
    server = s.server;
    const transport = createHttpTransport({ maxSockets: 2 });
    try {
      // Two requests at once leave two idle sockets; the server drops any socket that comes back.
      await Promise.all([1, 2].map(() => transport.send({ method: 'GET', url: s.url, headers: {} })));
      const third = await transport.send({ method: 'GET', url: s.url, headers: {} });
      expect(third.body.toString()).toBe('ok');
      expect(s.requests()).toBe(4);
    } finally {
      transport.close();
    }
  });

  it('closes a kept-alive socket once it has been idle for idleSocketMs', async () => {
    const s = await droppingServer(false);
    server = s.server;
    const closed = new Promise<void>((resolve) => s.server.once('connection', (socket: Socket) => socket.once('close', () => resolve())));
    const transport = createHttpTransport({ idleSocketMs: 50 });
    try {
      expect((await transport.send({ method: 'GET', url: s.url, headers: {} })).status).toBe(200);
      // Resolves only when the client side closes the idle connection (the server never does).
      await closed;
    } finally {
      transport.close();
    }
  });

  it('does not cut a request whose answer takes longer than the idle limit, on a new or a reused socket', async () => {
    const s = await droppingServer(false);
    server = s.server;
    server.removeAllListeners('request');
    // A slow server: it answers 200 ms after each request.
    server.on('request', (_req, res) => setTimeout(() => res.end('late'), 200));
    const transport = createHttpTransport({ idleSocketMs: 50 });
    try {
      for (let i = 0; i < 2; i++) expect((await transport.send({ method: 'GET', url: s.url, headers: {} })).body.toString()).toBe('late');
    } finally {
      transport.close();
    }
  });

  it('sends a reset request once more only: a second reset is CloudUnreachable', async () => {
    const s = await droppingServer(false);
    server = s.server;
    server.removeAllListeners('request');
    let requests = 0;
    server.on('request', (req) => {
      requests++;
      req.socket.destroy();
    });
    const transport = createHttpTransport();
    try {
      const error = await transport.send({ method: 'GET', url: s.url, headers: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CloudUnreachableError);
      expect(requests).toBe(2);
    } finally {
      transport.close();
    }
  });
});
