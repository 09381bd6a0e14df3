/**
 * Microsoft Graph v1.0: the synced users and their on-premises anchors. Pages are streamed,
 * 429/503/504 are retried honouring `Retry-After`, and a 401 refreshes the token once.
 */
import { CloudAccessDeniedError, CloudProtocolError, CloudThrottledError, GraphRequestError } from './cloud-errors.js';
import type { HttpResponse, HttpTransport } from './http-transport.js';
import { sendAuthorized, type RetryEvent } from './authorized-request.js';
import { parseJsonObject } from './json-body.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Options of {@link GraphClient}. */
export interface GraphClientOptions {
  /** e.g. `https://graph.microsoft.com`. */
  graphBaseUrl: string;
  tokens: TokenClient;
  transport: HttpTransport;
  retry?: RetryPolicy;
  /** Requests in flight at once. Default 8: a full cycle looks up a page's users 15 ids a request (see docs/performance.md). */
  maxConcurrency?: number;
  /** Called before each retry wait; for logs and metrics. */
  onRetry?: (event: RetryEvent) => void;
}

/** Client of the Graph users endpoints. */
export class GraphClient {
  private readonly semaphore: Semaphore;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: GraphClientOptions) {
    this.semaphore = new Semaphore(options.maxConcurrency ?? 8);
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** Streams the synced users (`onPremisesSyncEnabled eq true`) page by page, 999 per page. */
  async *listSyncedUserPages(select: readonly string[] = GRAPH_ANCHOR_PROPERTIES): AsyncGenerator<GraphUserRecord[]> {
    let url: string | undefined =
      `${this.base}/v1.0/users?$filter=${encodeURIComponent('onPremisesSyncEnabled eq true')}&$select=${select.join(',')}&$top=999`;
    while (url) {
      const body = await this.get(url);
      if (!Array.isArray(body.value)) throw new CloudProtocolError('Graph users page without a value array');
      yield body.value as GraphUserRecord[];
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
   * limit without advanced queries), the requests in flight together up to the client's
   * concurrency. Ids Graph has no user for are simply absent; an id that is not a GUID cannot go
   * into a filter and is read on its own (see {@link getUser}).
   */
  async getUsers(ids: readonly string[], select: readonly string[] = GRAPH_ANCHOR_PROPERTIES): Promise<GraphUserRecord[]> {
    const guids = [...new Set(ids.filter((id) => GUID.test(id)).map((id) => id.toLowerCase()))];
    const others = [...new Set(ids.filter((id) => !GUID.test(id)))];
    const requests: Array<Promise<GraphUserRecord[]>> = [];
    for (let i = 0; i < guids.length; i += GRAPH_IDS_PER_REQUEST) {
      const filter = `id in (${guids.slice(i, i + GRAPH_IDS_PER_REQUEST).map((id) => `'${id}'`).join(',')})`;
      requests.push(this.listAll(`${this.base}/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=${select.join(',')}`));
    }
    for (const id of others) requests.push(this.getUser(id, select).then((user) => (user ? [user] : [])));
    return (await Promise.all(requests)).flat();
  }

  private async listAll(url: string): Promise<GraphUserRecord[]> {
    const users: GraphUserRecord[] = [];
    for (let next: string | undefined = url; next;) {
      const body = await this.get(next);
      if (!Array.isArray(body.value)) throw new CloudProtocolError('Graph users page without a value array');
      users.push(...(body.value as GraphUserRecord[]));
      next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    }
    return users;
  }

  private get base(): string {
    return this.options.graphBaseUrl.replace(/\/+$/, '');
  }

  private async get(url: string): Promise<Record<string, unknown>> {
    const response = await this.semaphore.run(() => this.sendWithRetry(url));
    const json = parseJsonObject(response.body);
    if (!json) throw new CloudProtocolError(`Graph answered ${response.status} with a body that is not JSON`);
    return json;
  }

  private async sendWithRetry(url: string): Promise<HttpResponse> {
    const { response, exhausted } = await sendAuthorized(
      { transport: this.options.transport, tokens: this.options.tokens, resource: 'graph', retry: this.retry, onRetry: this.options.onRetry },
      (authorization) => ({ method: 'GET', url, headers: { authorization, accept: 'application/json' } }),
    );
    if (response.status === 200) return response;
    if (exhausted) throw new CloudThrottledError(`Microsoft Graph kept answering ${response.status} after every retry`, response.status);
    const error = parseJsonObject(response.body)?.error as { code?: unknown; message?: unknown } | undefined;
    const code = typeof error?.code === 'string' ? error.code : null;
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
    if (response.status === 401 || response.status === 403) throw new CloudAccessDeniedError(`Microsoft Graph denied the call (${response.status} ${code ?? ''}): ${message}`, response.status);
    throw new GraphRequestError(`Microsoft Graph: ${message}`, response.status, code);
  }
}
