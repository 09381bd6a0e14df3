/**
 * Microsoft Graph v1.0: the synced users and their on-premises anchors. Pages are streamed,
 * 429/503/504 are retried honouring `Retry-After` (also for each request of a batch), and a 401
 * refreshes the token once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CloudAccessDeniedError, CloudProtocolError, CloudThrottledError, GraphRequestError } from './cloud-errors.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport.js';
import { sendAuthorized, type RetryEvent } from './authorized-request.js';
import { parseJsonObject } from './json-body.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, retryReason, type RetryPolicy, type RetryReason } from './retry-policy.js';
import { Semaphore } from './semaphore.js';
import type { TokenClient } from './token-client.js';

/** A Graph user as returned with `$select` (only the selected properties are present). */
export type GraphUserRecord = Record<string, unknown> & { id: string };

/** The user properties the engine reads (exactly {@link CloudUser}'s): a full cycle holds them for every synced user. */
export const GRAPH_ANCHOR_PROPERTIES = [
  'id', 'displayName', 'userPrincipalName', 'onPremisesImmutableId', 'onPremisesSecurityIdentifier',
  'onPremisesDistinguishedName', 'onPremisesDomainName', 'onPremisesSyncEnabled',
] as const;

/** Ids in one `$filter=id in (…)`: Graph refuses more than 15 expressions without advanced queries. */
export const GRAPH_IDS_PER_REQUEST = 15;

/** Requests in one `$batch`: Graph's limit. */
export const GRAPH_REQUESTS_PER_BATCH = 20;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Options of {@link GraphClient}. */
export interface GraphClientOptions {
  /** e.g. `https://graph.microsoft.com`. */
  graphBaseUrl: string;
  tokens: TokenClient;
  transport: HttpTransport;
  retry?: RetryPolicy;
  /**
   * Requests in flight at once. Default 4: a page of 1,000 in-scope mailboxes is looked up in 4
   * batches (67 requests of 15 ids), all in flight together (see docs/performance.md).
   */
  maxConcurrency?: number;
  /** Called before each retry wait; for logs and metrics. */
  onRetry?: (event: RetryEvent) => void;
}

/** Client of the Graph users endpoints. */
export class GraphClient {
  private readonly semaphore: Semaphore;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: GraphClientOptions) {
    this.semaphore = new Semaphore(options.maxConcurrency ?? 4);
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** Streams the synced users (`onPremisesSyncEnabled eq true`) page by page, 999 per page. */
  async *listSyncedUserPages(select: readonly string[] = GRAPH_ANCHOR_PROPERTIES): AsyncGenerator<GraphUserRecord[]> {
    let url: string | undefined =
      `${this.base}/v1.0/users?$filter=${encodeURIComponent('onPremisesSyncEnabled eq true')}&$select=${select.join(',')}&$top=999`;
    while (url) {
      const body = await this.get(url);
      yield usersOf(body);
      url = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    }
  }

  /** Reads one user by id, or null when Graph has none (404). */
  async getUser(id: string, select: readonly string[] = GRAPH_ANCHOR_PROPERTIES): Promise<GraphUserRecord | null> {
    try {
      return (await this.get(`${this.base}/v1.0/users/${encodeURIComponent(id)}?$select=${select.join(',')}`)) as GraphUserRecord;
    } catch (error) {
      if (error instanceof GraphRequestError && error.httpStatus === 404) return null;
      throw error;
    }
  }

  /**
   * Reads the users with these ids (any sync state), 15 ids a request (`$filter=id in (…)`, Graph's
   * limit without advanced queries) and up to 20 such requests a round trip (`$batch`), the round
   * trips in flight together up to the client's concurrency. Each request in a batch still counts
   * against Graph's budget on its own, and is retried on its own when throttled. Ids Graph has no
   * user for are simply absent; an id that is not a GUID cannot go into a filter and is read on
   * its own (see {@link getUser}).
   */
  async getUsers(ids: readonly string[], select: readonly string[] = GRAPH_ANCHOR_PROPERTIES): Promise<GraphUserRecord[]> {
    const guids = [...new Set(ids.filter((id) => GUID.test(id)).map((id) => id.toLowerCase()))];
    const others = [...new Set(ids.filter((id) => !GUID.test(id)))];
    const paths: string[] = [];
    for (let i = 0; i < guids.length; i += GRAPH_IDS_PER_REQUEST) {
      const filter = `id in (${guids.slice(i, i + GRAPH_IDS_PER_REQUEST).map((id) => `'${id}'`).join(',')})`;
      paths.push(`/users?$filter=${encodeURIComponent(filter)}&$select=${select.join(',')}`);
    }
    const lookups: Array<Promise<GraphUserRecord[]>> = [];
    // One request needs no batch around it.
    if (paths.length === 1) lookups.push(this.listAll(`${this.base}/v1.0${paths[0]!}`));
    else for (let i = 0; i < paths.length; i += GRAPH_REQUESTS_PER_BATCH) lookups.push(this.listBatched(paths.slice(i, i + GRAPH_REQUESTS_PER_BATCH)));
    for (const id of others) lookups.push(this.getUser(id, select).then((user) => (user ? [user] : [])));
    return (await Promise.all(lookups)).flat();
  }

  /** Runs user list requests (paths below `/v1.0`) in one `$batch`, again for those throttled, and follows their next pages. */
  private async listBatched(paths: readonly string[]): Promise<GraphUserRecord[]> {
    const users: GraphUserRecord[] = [];
    let pending = paths.map((path, i) => ({ id: String(i + 1), method: 'GET', url: path }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const answers = await this.postBatch(pending);
      const again: typeof pending = [];
      let wait = 0;
      let reason: RetryReason = null;
      for (const request of pending) {
        const answer = answers.get(request.id);
        if (!answer) throw new CloudProtocolError(`Graph's batch answer has no response for request ${request.id}`);
        if (answer.status === 200) {
          users.push(...usersOf(answer.json));
          const next = answer.json?.['@odata.nextLink'];
          if (typeof next === 'string') users.push(...(await this.listAll(next)));
          continue;
        }
        const response = answer.response();
        const why = retryReason(response);
        if (why && attempt < this.retry.maxRetries) {
          again.push(request);
          wait = Math.max(wait, retryDelayMs(response, attempt, this.retry));
          reason = why;
          continue;
        }
        throw failure(response, why);
      }
      if (reason) {
        this.options.onRetry?.({ reason, attempt, delayMs: wait });
        await delay(wait);
      }
      pending = again;
    }
    return users;
  }

  /** Sends one `$batch` and returns its answers by request id. */
  private async postBatch(requests: ReadonlyArray<{ id: string; method: string; url: string }>): Promise<Map<string, BatchAnswer>> {
    const body = JSON.stringify({ requests });
    const response = await this.semaphore.run(() => this.send(() => ({ method: 'POST', url: `${this.base}/v1.0/$batch`, headers: { 'content-type': 'application/json', accept: 'application/json' }, body })));
    const list = parseJsonObject(response.body)?.responses;
    if (!Array.isArray(list)) throw new CloudProtocolError('Graph answered a batch without a responses array');
    const answers = new Map<string, BatchAnswer>();
    for (const entry of list as unknown[]) {
      const item = entry as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown } | null;
      if (typeof item?.id !== 'string' || typeof item.status !== 'number') throw new CloudProtocolError('Graph answered a batch with a response that has no id or status');
      const { status, headers, body: inner } = item;
      const json = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : null;
      answers.set(item.id, {
        status,
        json,
        // Only failures are looked at as HTTP responses (retry rules, error envelope).
        response: () => ({ status, headers: lowerCaseHeaders(headers), body: Buffer.from(typeof inner === 'string' ? inner : JSON.stringify(inner ?? null), 'utf8') }),
      });
    }
    return answers;
  }

  private async listAll(url: string): Promise<GraphUserRecord[]> {
    const users: GraphUserRecord[] = [];
    for (let next: string | undefined = url; next;) {
      const body = await this.get(next);
      users.push(...usersOf(body));
      next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    }
    return users;
  }

  private get base(): string {
    return this.options.graphBaseUrl.replace(/\/+$/, '');
  }

  private async get(url: string): Promise<Record<string, unknown>> {
    const response = await this.semaphore.run(() => this.send(() => ({ method: 'GET', url, headers: { accept: 'application/json' } })));
    const json = parseJsonObject(response.body);
    if (!json) throw new CloudProtocolError(`Graph answered ${response.status} with a body that is not JSON`);
    return json;
  }

  /** Sends a request (built afresh for each attempt, with its token) until it succeeds; throws the typed failure otherwise. */
  private async send(build: () => HttpRequest): Promise<HttpResponse> {
    const { response, exhausted } = await sendAuthorized(
      { transport: this.options.transport, tokens: this.options.tokens, resource: 'graph', retry: this.retry, onRetry: this.options.onRetry },
      (authorization) => {
        const request = build();
        return { ...request, headers: { ...request.headers, authorization } };
      },
    );
    if (response.status === 200) return response;
    throw failure(response, exhausted);
  }
}

/** One answer of a `$batch`: its status and JSON body, and itself as an HTTP response. */
interface BatchAnswer {
  status: number;
  json: Record<string, unknown> | null;
  response: () => HttpResponse;
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}

/** The users of a list answer. */
function usersOf(body: Record<string, unknown> | null): GraphUserRecord[] {
  if (!Array.isArray(body?.value)) throw new CloudProtocolError('Graph users page without a value array');
  return body.value as GraphUserRecord[];
}

/** The typed error for a final non-200 answer (`exhausted`: retryable, but the retries ran out). */
function failure(response: HttpResponse, exhausted: RetryReason): Error {
  if (exhausted) return new CloudThrottledError(`Microsoft Graph kept answering ${response.status} after every retry`, response.status);
  const error = parseJsonObject(response.body)?.error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === 'string' ? error.code : null;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
  if (response.status === 401 || response.status === 403) return new CloudAccessDeniedError(`Microsoft Graph denied the call (${response.status} ${code ?? ''}): ${message}`, response.status);
  return new GraphRequestError(`Microsoft Graph: ${message}`, response.status, code);
}
