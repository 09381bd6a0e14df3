/**
 * The console, its API, `/healthz` and `/metrics` for a running service, on `service.http`:
 * the front end `exo-writeback run` passes to {@link WritebackEngine.runService}.
 */
import type { FrontEnd, WritebackEngine } from '../engine/writeback-engine.js';
import { loadConsoleAssets } from './console-assets.js';
import { ConsoleSessions } from './console-sessions.js';
import { engineBackend } from './engine-backend.js';
import { createHttpApp } from './http-app.js';
import { startHttpServer } from './http-server.js';

/** The front end for `engine`; `withPages: false` serves the API without the console's pages. */
export function serveConsole(engine: WritebackEngine, options: { withPages?: boolean } = {}): FrontEnd {
  const { http } = engine.config.service;
  return async ({ health, metrics, logger }) => {
    const app = createHttpApp({
      host: http.host, sessions: new ConsoleSessions(http.auth), backend: engineBackend(engine), health, metrics, logger,
      assets: options.withPages === false ? null : loadConsoleAssets(), secureCookies: http.tls !== null,
    });
    return startHttpServer(app, http);
  };
}
