/**
 * A TCP relay in front of the lab DC whose latency a test can raise: a DC that is far away or
 * slow to answer. Bytes are relayed unchanged (LDAPS stays end-to-end TLS), in order, each chunk
 * released `delayMs` after it arrived.
 */
import { connect, createServer, type Socket } from 'node:net';

/** A running relay. */
export interface SlowLink {
  /** The port the relay listens on (127.0.0.1). */
  port: number;
  /** One-way delay for chunks that arrive from now on (0 = none). */
  setDelay(ms: number): void;
  /** Resolves once every chunk that has arrived so far has been passed on. */
  delivered(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a relay on 127.0.0.1 to `targetPort` on 127.0.0.1. */
export async function startSlowLink(targetPort: number): Promise<SlowLink> {
  let delayMs = 0;
  const sockets = new Set<Socket>();
  /** The last release of each direction of each connection. */
  const tails = new Map<Socket, Promise<void>>();
  const relay = (from: Socket, to: Socket) => {
    let released = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const due = Date.now() + delayMs;
      // Chained, so that chunks leave in the order they came whatever the delay was when each arrived.
      released = released.then(() => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())))).then(() => {
        if (!to.destroyed) to.write(chunk);
      });
      tails.set(from, released);
    });
    from.on('end', () => void released.then(() => to.end()));
    from.on('error', () => to.destroy());
    from.on('close', () => {
      sockets.delete(from);
      void released.then(() => to.destroy());
    });
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the relay has no TCP port');
  return {
    port: address.port,
    setDelay: (ms) => (delayMs = ms),
    delivered: async () => {
      await Promise.all(tails.values());
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
