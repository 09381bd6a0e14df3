/**
 * Everything `exo-writeback run` serves on one port: the console (static files), its JSON API
 * (`/api/v1`), `/healthz` and `/metrics`. Security lives here, in one place:
 * - security headers on every response (a strict CSP: scripts and styles from this origin only);
 * - on a loopback bind, only loopback Host names are answered (DNS rebinding);
 * - where `auth` is configured, the API needs a session cookie (browser) or a bearer token;
 * - state-changing requests need JSON, a same-origin Origin/Sec-Fetch-Site, and the session's
 *   CSRF token in `X-CSRF-Token` (bearer-token calls carry no ambient credential and are exempt);
 * - errors are `{ error: { code, message } }`; an unexpected one never shows its details.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { InvalidSearchTermError } from '../cloud/mailbox-search.js';
import { isLoopbackHost } from '../config/config-schema.js';
import type { HealthReport } from '../engine/health-report.js';
import type { ServiceMetrics } from '../engine/service-metrics.js';
import { localInitiator } from '../engine/writeback-engine.js';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';
import type { ConsoleAsset } from './console-assets.js';
import { consoleApi, type ApiVariables, type ConsoleBackend } from './console-api.js';
import { sameToken, type ConsoleSessions } from './console-sessions.js';
import { ApiCsrfRejectedError, ApiError, ApiHostRejectedError, ApiInvalidRequestError, ApiNotFoundError, ApiPayloadTooLargeError, ApiUnauthorizedError } from './http-errors.js';

/** What the app serves and how it is protected. */
export interface HttpAppOptions {
  /** The address the server is bound to (decides the Host check). */
  host: string;
  sessions: ConsoleSessions;
  backend: ConsoleBackend;
  health: () => HealthReport;
  metrics: ServiceMetrics;
  /** The console's files; null serves the API only. */
  assets: Map<string, ConsoleAsset> | null;
  /** Mark the session cookie Secure (the console is served over TLS). */
  secureCookies: boolean;
  logger: Logger;
}

const SESSION_COOKIE = 'exowb_session';
/** Engine errors that mean "no such thing" to an API caller. */
const NOT_FOUND_CODES = new Set(['ExoObjectNotFound', 'NothingToUndo', 'ObjectNotLinked', 'StateStoreNotFound']);

/** The session id the browser sent, if any. */
function sessionCookie(req: { header(name: string): string | undefined }): string | undefined {
  return parseCookies(req.header('cookie') ?? '', SESSION_COOKIE)[SESSION_COOKIE];
}

/**
 * A state-changing request must be JSON (which a page elsewhere cannot send without a CORS
 * preflight, never granted here) and, when the browser says where it comes from, same-origin.
 * Scripts (curl) send neither Origin nor Sec-Fetch-Site and still need the CSRF token or a bearer token.
 */
function assertJsonFromSameOrigin(req: { method: string; url: string; header(name: string): string | undefined }): void {
  if (req.method === 'GET' || req.method === 'HEAD') return;
  if (!(req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ApiCsrfRejectedError('state-changing requests must send Content-Type: application/json');
  }
  const site = req.header('sec-fetch-site');
  const origin = req.header('origin');
  if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && origin !== new URL(req.url).origin)) {
    throw new ApiCsrfRejectedError('the request came from another origin');
  }
}

/** Builds the app. */
export function createHttpApp(options: HttpAppOptions): Hono<{ Variables: ApiVariables }> {
  const { sessions, logger } = options;
  const app = new Hono<{ Variables: ApiVariables }>();
  const loopbackOnly = isLoopbackHost(options.host);

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.code === 'ApiSignInLocked') c.header('retry-after', String((error as ApiError & { retryAfterSeconds: number }).retryAfterSeconds));
      return c.json({ error: { code: error.code, message: error.message } }, error.status);
    }
    if (error instanceof InvalidSearchTermError) return c.json({ error: { code: 'ApiInvalidRequest', message: error.message } }, 400);
    if (error instanceof ExoWritebackError) {
      // The engine's messages are written for admins and never carry secrets.
      return c.json({ error: { code: error.code, message: error.message } }, NOT_FOUND_CODES.has(error.code) ? 404 : 502);
    }
    logger.error({ err: error instanceof Error ? error.message : String(error), path: c.req.path }, 'console API error');
    return c.json({ error: { code: 'Unexpected', message: 'unexpected error; see the service log' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'ApiNotFound', message: `no such endpoint: ${c.req.method} ${c.req.path}` } }, 404));

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
        fontSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      crossOriginResourcePolicy: 'same-origin',
      crossOriginOpenerPolicy: 'same-origin',
      strictTransportSecurity: options.secureCookies ? 'max-age=31536000' : false,
    }),
  );
  if (loopbackOnly) {
    app.use('*', async (c, next) => {
      const hostHeader = c.req.header('host') ?? '';
      const name = hostHeader.replace(/:\d+$/, '');
      if (!isLoopbackHost(name)) throw new ApiHostRejectedError(`Host '${hostHeader}' is not a loopback name; the console answers 127.0.0.1, localhost and [::1] only`);
      await next();
    });
  }

  app.get('/healthz', (c) => {
    const report = options.health();
    c.header('cache-control', 'no-store');
    return c.json(report, report.healthy ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.body(await options.metrics.registry.metrics(), 200, { 'content-type': options.metrics.registry.contentType }));

  // ---- API ----
  app.use('/api/*', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });
  app.use('/api/*', bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new ApiPayloadTooLargeError('request bodies are limited to 64 KiB'); } }));
  const requireJsonAndOrigin: MiddlewareHandler = async (c, next) => {
    assertJsonFromSameOrigin(c.req);
    await next();
  };

  app.get('/api/v1/session', (c) => {
    const session = sessions.session(sessionCookie(c.req));
    const authenticated = !sessions.authRequired || session !== null;
    return c.json({
      authRequired: sessions.authRequired,
      passwordSignIn: sessions.passwordSignIn,
      authenticated,
      csrfToken: session?.csrfToken ?? (sessions.authRequired ? null : sessions.anonymousCsrfToken),
    });
  });
  app.post('/api/v1/session', requireJsonAndOrigin, async (c) => {
    const body = (await c.req.json().catch(() => null)) as { password?: unknown } | null;
    if (typeof body?.password !== 'string' || !body.password) throw new ApiInvalidRequestError('password: required');
    const session = await sessions.signIn(body.password);
    if (!session) throw new ApiUnauthorizedError('wrong password');
    setCookie(c, SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure: options.secureCookies });
    logger.info('console sign-in');
    return c.json({ authenticated: true, csrfToken: session.csrfToken });
  });
  app.delete('/api/v1/session', requireJsonAndOrigin, (c) => {
    sessions.signOut(sessionCookie(c.req));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.use('/api/v1/*', async (c, next) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (bearer !== undefined) {
      if (!(await sessions.verifyBearer(bearer))) throw new ApiUnauthorizedError('the bearer token is not valid');
      c.set('initiator', { id: 'api-token', displayName: 'API token', initiatorType: 'application' });
      return next();
    }
    const session = sessions.session(sessionCookie(c.req));
    if (sessions.authRequired && !session) throw new ApiUnauthorizedError('sign in first (POST /api/v1/session) or send Authorization: Bearer <token>');
    assertJsonFromSameOrigin(c.req);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const expected = session?.csrfToken ?? sessions.anonymousCsrfToken;
      if (!sameToken(c.req.header('x-csrf-token') ?? '', expected)) throw new ApiCsrfRejectedError('missing or wrong X-CSRF-Token header (GET /api/v1/session returns it)');
    }
    c.set('initiator', session ? { id: 'console', displayName: 'console user (signed in)', initiatorType: 'user' } : localInitiator('console'));
    await next();
  });
  app.route('/api/v1', consoleApi(options.backend));
  app.all('/api/*', () => {
    throw new ApiNotFoundError('no such API endpoint');
  });

  // ---- Console files ----
  app.get('*', (c: Context) => {
    const asset = options.assets?.get(c.req.path);
    if (!asset) throw new ApiNotFoundError(`no such page: ${c.req.path}`);
    return c.body(new Uint8Array(asset.body), 200, { 'content-type': asset.contentType, 'cache-control': 'no-cache' });
  });
  return app;
}
