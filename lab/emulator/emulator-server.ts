/**
 * The tenant emulator: one HTTP(S) server on loopback serving the three Microsoft surfaces the
 * engine calls — login (`/{tenant}/oauth2/v2.0/token`), Exchange Online
 * (`/adminapi/beta/{tenant}/InvokeCommand`) and Graph (`/v1.0/…`) — plus its own admin API
 * (`/_emulator/…`). All three base URLs are the server's URL; links it returns point back at it,
 * while token audiences stay the real resource URIs.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AccessTokens, DEFAULT_TOKEN_LIFETIME_SECONDS } from './access-tokens.js';
import { handleAdminRequest, type EmulatorRuntimeConfig } from './admin-api.js';
import { EmulatorConfigError } from './emulator-errors.js';
import { handleInvokeCommand, tokenAppId, type ExoCommandContext } from './exo-invoke-command.js';
import { exoConcurrencyResponse, faultResponse, FaultInjector, ReplicationLag, type FaultEndpoint, type FaultRule } from './faults.js';
import { applyFiller, type FillerSettings } from './filler.js';
import { handleGraphBatch } from './graph-batch.js';
import { graphMethodNotAllowed, handleGraphRequest, requestIds, type GraphRequest } from './graph-users.js';
import { BodyTooLargeError, jsonResponse, readBody, type EmulatorResponse } from './http-response.js';
import { TenantStore, type ExoMailbox, type TenantData } from './tenant-state.js';
import { handleTokenRequest } from './token-endpoint.js';
import { fileExists } from '../file-exists.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** State file: loaded when it exists, else created from `initialState`. */
  statePath: string;
  /** Tenant to start with when `statePath` does not exist yet (from `buildTenantState`). */
  initialState?: TenantData;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface; default 127.0.0.1 (never expose the emulator beyond loopback). */
  host?: string;
  /** Serve HTTPS with this certificate (e.g. the lab server certificate). */
  tls?: { certFile: string; keyFile: string };
  /** Fault rules in force from the start. */
  faults?: FaultRule[];
  /** Cap on concurrent EXO calls (the concurrency refusal beyond it). Default 3; null = none. */
  exoMaxConcurrency?: number | null;
  /** Accept IsExchangeCloudManaged in -Filter. Default false (Microsoft answers 400). */
  cloudManagedFilterable?: boolean;
  /** Lifetime of issued access tokens. Default 3599 s. */
  tokenLifetimeSeconds?: number;
  /** Clock (ms since epoch); inject a fake one in tests. */
  now?: () => number;
  /** How added latency waits; inject to control time in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Random source of probabilistic faults. */
  random?: () => number;
  /** Coalescing window of state writes (ms). Default 200. */
  saveDelayMs?: number;
  /** Base URL to put into links when clients reach the emulator under another name. */
  publicUrl?: string;
  /**
   * Filler mailboxes to generate at start (benchmarks). Memory only: never persisted, so every
   * start begins with this (default none); change it at run time with `PUT /_emulator/filler`.
   */
  filler?: FillerSettings;
  /** Receives one line per request (`METHOD /path status 12ms`, no timestamp). Never tokens or secrets. */
  log?: (line: string) => void;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL (`http(s)://127.0.0.1:<port>`): the login, EXO and Graph base URL alike. */
  url: string;
  port: number;
  /** The tenant (read it, or change Graph users through it). */
  state: TenantStore;
  faults: FaultInjector;
  config: EmulatorRuntimeConfig;
  /** Persists pending changes now. */
  flush(): Promise<void>;
  /** Stops listening, ends open connections and persists the state. */
  close(): Promise<void>;
}

/** Starts the emulator. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const storeOptions = { saveDelayMs: options.saveDelayMs };
  let store: TenantStore;
  if (await fileExists(options.statePath)) store = await TenantStore.open(options.statePath, storeOptions);
  else if (options.initialState) store = await TenantStore.create(options.statePath, options.initialState, storeOptions);
  else throw new EmulatorConfigError(`No emulator state at ${options.statePath} and no initial state given`);
  if (options.filler) {
    try {
      applyFiller(store, options.filler, now());
    } catch (error) {
      throw new EmulatorConfigError(`Invalid filler: ${(error as Error).message}`, { cause: error });
    }
  }

  const tokens = new AccessTokens(store.data, now, options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS);
  const faults = new FaultInjector(options.faults ?? [], options.random);
  const config: EmulatorRuntimeConfig = {
    exoMaxConcurrency: options.exoMaxConcurrency === undefined ? 3 : options.exoMaxConcurrency,
    cloudManagedFilterable: options.cloudManagedFilterable ?? false,
  };
  const lag = new ReplicationLag<ExoMailbox>();
  const rate = { startMs: 0, used: 0 };
  let inFlightExo = 0;
  let baseUrl = '';

  const handle = async (request: IncomingMessage): Promise<EmulatorResponse> => {
    const url = new URL(request.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const headers = lowerHeaders(request);

    if (path === '/_emulator' || path.startsWith('/_emulator/')) {
      return handleAdminRequest(method, path, await readBody(request), { store, faults, config, url: baseUrl, now, inFlightExo: () => inFlightExo });
    }
    const jwks = /^\/([^/]+)\/discovery\/v2\.0\/keys$/.exec(path);
    if (jwks && method === 'GET') return jsonResponse(200, tokens.jwks());

    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (token) {
      if (method !== 'POST') return jsonResponse(405, { error: 'invalid_request', error_description: 'The token endpoint accepts POST only.' });
      const body = await readBody(request);
      return withFaults('token', undefined, () =>
        handleTokenRequest(decodeURIComponent(token[1] as string), path, body, {
          store,
          tokens,
          now,
          audienceBases: [baseUrl, ...(headers.host ? [`${baseUrl.split('://')[0]}://${headers.host}`] : [])],
        }),
      );
    }

    const exo = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i.exec(path);
    if (exo) {
      if (method !== 'POST') return jsonResponse(405, { error: { code: 'MethodNotAllowed', message: 'InvokeCommand accepts POST only.' } });
      const body = await readBody(request);
      inFlightExo += 1;
      try {
        // Checked before anything else: the gateway refuses at the door.
        if (config.exoMaxConcurrency !== null && inFlightExo > config.exoMaxConcurrency) return exoConcurrencyResponse();
        const context: ExoCommandContext = { store, tokens, now, baseUrl, config, faults, lag, rate };
        return await withFaults('exo', headers.authorization, () =>
          handleInvokeCommand({ tenantSegment: decodeURIComponent(exo[1] as string), query: url.searchParams, headers, body }, context),
        );
      } finally {
        inFlightExo -= 1;
      }
    }

    if (path === '/v1.0/$batch') {
      if (method !== 'POST') return graphMethodNotAllowed(method, { now }, requestIds({ headers }));
      const body = await readBody(request);
      const graph = { store, tokens, now, baseUrl };
      // Latency delays the batch (one round trip); failures hit each request in it, as Graph
      // throttles a batch's requests one by one.
      await addedLatency('graph');
      return handleGraphBatch(body, headers, graph, (inner: GraphRequest) => injectedFailure('graph', headers.authorization) ?? handleGraphRequest(inner, graph));
    }
    if (path.startsWith('/v1.0/')) {
      await readBody(request);
      return withFaults('graph', headers.authorization, () =>
        handleGraphRequest({ method, path: path.slice('/v1.0'.length), query: url.searchParams, headers }, { store, tokens, now, baseUrl }),
      );
    }
    return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not Found' };
  };

  /** Waits what a `latency` rule adds to a request to `endpoint` now. */
  const addedLatency = async (endpoint: FaultEndpoint): Promise<void> => {
    const delay = faults.latencyMs(endpoint);
    if (delay > 0) await sleep(delay);
  };
  /** The failure a rule serves instead of the real answer to a request to `endpoint` now, or null. */
  const injectedFailure = (endpoint: FaultEndpoint, authorization: string | undefined): EmulatorResponse | null => {
    const failure = faults.failure(endpoint);
    return failure ? faultResponse(failure, endpoint, { tenantId: store.data.tenantId, appId: tokenAppId(tokens, authorization), nowMs: now() }) : null;
  };
  const withFaults = async (endpoint: FaultEndpoint, authorization: string | undefined, run: () => EmulatorResponse): Promise<EmulatorResponse> => {
    await addedLatency(endpoint);
    return injectedFailure(endpoint, authorization) ?? run();
  };

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const started = Date.now();
    handle(request)
      .catch((error: unknown): EmulatorResponse => {
        if (error instanceof BodyTooLargeError) return { status: 413, body: 'Request Entity Too Large' };
        return { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `emulator error: ${(error as Error).message}` };
      })
      .then((result) => {
        response.writeHead(result.status, result.headers ?? {});
        response.end(result.body ?? '');
        // Path only: query strings may carry link tokens, headers carry bearer tokens.
        options.log?.(`${request.method} ${new URL(request.url ?? '/', 'http://x').pathname} ${result.status} ${Date.now() - started}ms`);
      })
      .catch(() => response.destroy());
  };

  let server: Server;
  if (options.tls) {
    const [cert, key] = await Promise.all([readFile(options.tls.certFile), readFile(options.tls.keyFile)]);
    server = createHttpsServer({ cert, key }, listener);
  } else {
    server = createHttpServer(listener);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = options.publicUrl?.replace(/\/$/, '') ?? `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port: address.port,
    state: store,
    faults,
    config,
    flush: () => store.flush(),
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store.flush();
      })();
      return closing;
    },
  };
}

function lowerHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
