/**
 * `/healthz` and `/metrics` on loopback (by default) for monitoring. Health is the service's own
 * judgement: 200 while it is active or paused and its loop is alive, 503 when quarantined or stuck.
 */
import { createServer, type Server } from 'node:http';
import type { ServiceMetrics } from './service-metrics.js';

/** What `/healthz` reports. */
export interface HealthReport {
  state: 'active' | 'paused' | 'quarantined' | 'stopped';
  healthy: boolean;
  detail: Record<string, unknown>;
}

/** Starts the server; resolves with it once listening. */
export async function startHealthServer(options: { host: string; port: number; metrics: ServiceMetrics; health: () => HealthReport }): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/healthz') {
      const report = options.health();
      response.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(report));
      return;
    }
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
