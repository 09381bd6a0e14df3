/**
 * Microsoft Graph v1.0 users, as far as the engine reads them: `GET /v1.0/users` (the
 * `onPremisesSyncEnabled eq true`, `id eq '…'` and `id in ('…', …)` filters, `$select`, `$top`
 * 1..999, GET paging), `GET /v1.0/users/{id|upn}`, and `GET /v1.0/users/delta` (rounds of
 * changes with `@removed` tombstones, 410 Gone for an unknown or expired delta token). Graph's
 * error envelope throughout.
 */
import type { AccessTokens } from './access-tokens.js';
import { graphDate, jsonResponse, newRequestId, type EmulatorResponse } from './http-response.js';
import { openLinkToken, sealLinkToken } from './link-token.js';
import { GRAPH_RESOURCE, type GraphTombstone, type GraphUser, type TenantStore } from './tenant-state.js';

/** `Content-Type` of Graph JSON responses. */
export const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
/** Default page size of `GET /users` and of delta pages. */
export const GRAPH_DEFAULT_PAGE = 100;
/** Delta tokens older than this answer 410 (Graph keeps them about 7 days). */
export const DELTA_TOKEN_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** Properties of microsoft.graph.user the emulator models, in output order. */
const USER_PROPERTIES = [
  'id', 'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage',
  'surname', 'userPrincipalName', 'accountEnabled', 'department', 'proxyAddresses', 'onPremisesImmutableId',
  'onPremisesSecurityIdentifier', 'onPremisesDistinguishedName', 'onPremisesDomainName', 'onPremisesSamAccountName',
  'onPremisesUserPrincipalName', 'onPremisesSyncEnabled', 'onPremisesLastSyncDateTime',
] as const satisfies readonly (keyof GraphUser)[];
type UserProperty = (typeof USER_PROPERTIES)[number];

/** Graph's default property set when there is no `$select` (the onPremises* ones are not in it). */
const DEFAULT_PROPERTIES: UserProperty[] = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];
const BY_LOWER = new Map<string, UserProperty>(USER_PROPERTIES.map((p) => [p.toLowerCase(), p]));

/** What the Graph handler needs. */
export interface GraphContext {
  store: TenantStore;
  tokens: AccessTokens;
  now: () => number;
  baseUrl: string;
}

/** The request as the server hands it over (path below `/v1.0`). */
export interface GraphRequest {
  method: string;
  /** e.g. `/users`, `/users/delta`, `/users/{id}` */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Handles one Graph request. */
export function handleGraphRequest(request: GraphRequest, ctx: GraphContext): EmulatorResponse {
  const ids = requestIds(request);
  try {
    authorize(request, ctx);
    if (request.method !== 'GET') return graphMethodNotAllowed(request.method, ctx, ids);
    const segments = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] !== 'users' || segments.length > 2) {
      throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${segments[0] ?? ''}'.`);
    }
    let body: Record<string, unknown>;
    if (segments.length === 1) body = listUsers(request, ctx);
    else if (segments[1] === 'delta') body = delta(request, ctx);
    else body = getUser(segments[1] as string, request, ctx);
    return { status: 200, headers: graphHeaders(ids), body: JSON.stringify(body) };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return graphErrorResponse(error.status, error.code, error.message, ctx, ids);
  }
}

/** The answer to a request whose token Graph refuses (401/403), or null when the token is good. */
export function graphAuthorizationFailure(request: GraphRequest, ctx: GraphContext): EmulatorResponse | null {
  try {
    authorize(request, ctx);
    return null;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return graphErrorResponse(error.status, error.code, error.message, ctx, requestIds(request));
  }
}

/** The request id Graph gives a request, and the client's own when it sent one. */
export interface GraphRequestIds {
  requestId: string;
  clientRequestId: string;
}

/** New ids for a request (Graph echoes `client-request-id`). */
export function requestIds(request: Pick<GraphRequest, 'headers'>): GraphRequestIds {
  const requestId = newRequestId();
  return { requestId, clientRequestId: request.headers['client-request-id'] ?? requestId };
}

function graphHeaders(ids: GraphRequestIds): Record<string, string> {
  return { 'Content-Type': GRAPH_CONTENT_TYPE, 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
}

/** Graph's answer to a method the resource does not take (405). */
export function graphMethodNotAllowed(method: string, ctx: Pick<GraphContext, 'now'>, ids: GraphRequestIds): EmulatorResponse {
  return graphErrorResponse(405, 'Request_BadRequest', `The HTTP method '${method}' is not allowed for the requested resource.`, ctx, ids);
}

/** Graph's error envelope. */
export function graphErrorResponse(status: number, code: string, message: string, ctx: Pick<GraphContext, 'now'>, ids: GraphRequestIds): EmulatorResponse {
  const extra: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"' } : {};
  return jsonResponse(status, {
    error: { code, message, innerError: { date: graphDate(ctx.now()), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId } },
  }, { ...graphHeaders(ids), ...extra });
}

function authorize(request: GraphRequest, ctx: GraphContext): void {
  const check = ctx.tokens.validate(request.headers.authorization);
  if (!check.ok) {
    const message = {
      missing: 'Access token is empty.',
      malformed: 'Access token validation failure. Invalid token format.',
      signature: 'Access token validation failure. Invalid signature.',
      expired: 'Lifetime validation failed, the token is expired.',
      notYetValid: 'Lifetime validation failed, the token is not yet valid.',
    }[check.reason];
    throw new GraphError(401, 'InvalidAuthenticationToken', message);
  }
  if (check.claims.aud !== GRAPH_RESOURCE && check.claims.aud !== `${GRAPH_RESOURCE}/`) {
    throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
  }
  if (check.claims.tid !== ctx.store.data.tenantId) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid tenant.');
  const roles = check.claims.roles ?? [];
  if (!roles.some((r) => ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'].includes(r))) {
    throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }
}

function parseSelect(query: URLSearchParams): { properties: UserProperty[]; text: string | null } {
  const raw = query.get('$select');
  if (raw === null || raw.trim() === '') return { properties: DEFAULT_PROPERTIES, text: null };
  const properties: UserProperty[] = [];
  for (const name of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const found = BY_LOWER.get(name.toLowerCase());
    if (!found) throw new GraphError(400, 'Request_BadRequest', `Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
    if (!properties.includes(found)) properties.push(found);
  }
  return { properties, text: properties.join(',') };
}

function project(user: GraphUser, properties: readonly UserProperty[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of properties) out[p] = Array.isArray(user[p]) ? [...(user[p] as string[])] : user[p];
  return out;
}

function contextUrl(ctx: GraphContext, select: string | null, entity = false): string {
  return `${ctx.baseUrl}/v1.0/$metadata#users${select ? `(${select})` : ''}${entity ? '/$entity' : ''}`;
}

function rejectUnsupportedOptions(query: URLSearchParams, allowed: string[]): void {
  for (const key of query.keys()) {
    if (key.startsWith('$') && !allowed.includes(key.toLowerCase())) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `The query option '${key}' is not supported by the emulator for this request.`);
    }
  }
}

/**
 * Values an `id in (…)` filter may list: without the advanced-query headers Graph refuses more
 * than 15 expressions in one filter clause.
 */
export const GRAPH_MAX_IN_VALUES = 15;

/** A parsed `$filter`: the test, and the ids it admits when it names them (`id eq`, `id in`: looked up, not scanned). */
interface UserFilter {
  test: (u: GraphUser) => boolean;
  ids: string[] | null;
}

function parseFilter(text: string | null): UserFilter | null {
  if (text === null) return null;
  const sync = /^\s*onPremisesSyncEnabled\s+eq\s+true\s*$/i.exec(text);
  if (sync) return { test: (u) => u.onPremisesSyncEnabled === true, ids: null };
  const id = /^\s*id\s+eq\s+'([^']*)'\s*$/i.exec(text);
  if (id) return idFilter([id[1] as string]);
  const list = /^\s*id\s+in\s*\(\s*('[^']*'(?:\s*,\s*'[^']*')*)\s*\)\s*$/i.exec(text);
  if (list) {
    const values = [...(list[1] as string).matchAll(/'([^']*)'/g)].map((m) => m[1] as string);
    if (values.length > GRAPH_MAX_IN_VALUES) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `Too many child clauses specified in search filter expression containing 'OR' operators: ${values.length}. Max allowed: ${GRAPH_MAX_IN_VALUES}.`);
    }
    return idFilter(values);
  }
  const property = /^\s*(\w+)/.exec(text)?.[1] ?? text;
  throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`);
}

function idFilter(values: string[]): UserFilter {
  const wanted = new Set(values.map((v) => v.toLowerCase()));
  return { test: (u) => wanted.has(u.id.toLowerCase()), ids: [...wanted] };
}

/**
 * The users a filter can admit, in id order after `after`: the users an `id` filter names,
 * else every user (lazily — the caller stops when its page is full).
 */
function candidateUsers(ctx: GraphContext, filter: UserFilter | null, after: string | null, changed?: { after: number; upTo: number }): Iterable<GraphUser> {
  if (!filter || filter.ids === null) return ctx.store.graphUsersAfter(after, changed);
  const admitted: GraphUser[] = [];
  for (const id of filter.ids) {
    const user = ctx.store.graphUser(id);
    if (user && (after === null || compare(user.id, after) > 0) && (!changed || (user.changeSeq > changed.after && user.changeSeq <= changed.upTo))) admitted.push(user);
  }
  return admitted.sort((a, b) => compare(a.id, b.id));
}

function compare(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

interface ListToken {
  s: string;
  k: 'list';
  a: string;
}

function listUsers(request: GraphRequest, ctx: GraphContext): Record<string, unknown> {
  const q = request.query;
  rejectUnsupportedOptions(q, ['$select', '$filter', '$top', '$skiptoken']);
  const select = parseSelect(q);
  const filter = parseFilter(q.get('$filter'));
  let pageSize = GRAPH_DEFAULT_PAGE;
  const top = q.get('$top');
  if (top !== null) {
    const n = /^\d+$/.test(top.trim()) ? Number(top) : NaN;
    if (!(n >= 1 && n <= 999)) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`);
    }
    pageSize = n;
  }
  const key = linkKey(ctx);
  let after: string | null = null;
  const skip = q.get('$skiptoken');
  if (skip !== null) {
    const token = openLinkToken<ListToken>(key, skip);
    if (!token || token.k !== 'list' || token.s !== ctx.store.stateId) throw new GraphError(400, 'Request_BadRequest', 'The specified page token value has expired and can no longer be included in your request.');
    after = token.a;
  }
  // Filter only until the page is full, then on until one more match says whether a next page exists.
  const page: GraphUser[] = [];
  let more = false;
  for (const user of candidateUsers(ctx, filter, after)) {
    if (filter !== null && !filter.test(user)) continue;
    if (page.length === pageSize) {
      more = true;
      break;
    }
    page.push(user);
  }
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, select.text), value: page.map((u) => project(u, select.properties)) };
  const last = page[page.length - 1];
  if (more && last) {
    const next = new URLSearchParams(q);
    next.delete('$skiptoken');
    next.set('$skiptoken', sealLinkToken(key, { s: ctx.store.stateId, k: 'list', a: last.id } satisfies ListToken));
    body['@odata.nextLink'] = `${ctx.baseUrl}/v1.0/users?${next.toString()}`;
  }
  return body;
}

function getUser(idOrUpn: string, request: GraphRequest, ctx: GraphContext): Record<string, unknown> {
  rejectUnsupportedOptions(request.query, ['$select']);
  const select = parseSelect(request.query);
  const key = idOrUpn.toLowerCase();
  const user = ctx.store.graphUser(key) ?? ctx.store.graphUserByUpn(key);
  if (!user) {
    throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`);
  }
  return { '@odata.context': contextUrl(ctx, select.text, true), ...project(user, select.properties) };
}

interface DeltaPageToken {
  s: string;
  k: 'page';
  /** Changes after this sequence … */
  since: number;
  /** … up to this one (the round's snapshot). */
  snap: number;
  /** Last id served. */
  a: string;
  sel: string | null;
  f: string | null;
}

interface DeltaToken {
  s: string;
  k: 'delta';
  seq: number;
  sel: string | null;
  f: string | null;
  iat: number;
}

function delta(request: GraphRequest, ctx: GraphContext): Record<string, unknown> {
  const q = request.query;
  rejectUnsupportedOptions(q, ['$select', '$filter', '$skiptoken', '$deltatoken']);
  const key = linkKey(ctx);
  const stateId = ctx.store.stateId;
  const nowMs = ctx.now();
  let since = 0;
  let snap = ctx.store.clock.seq;
  let after: string | null = null;
  let selText = q.get('$select');
  let filterText = q.get('$filter');

  const skip = q.get('$skiptoken');
  const deltaToken = q.get('$deltatoken');
  const gone = () => new GraphError(410, 'resyncRequired', 'Resync required. Replace any local cached copies of the users with the versions from the server by starting a new delta query without a token.');
  if (skip !== null) {
    const t = openLinkToken<DeltaPageToken>(key, skip);
    if (!t || t.k !== 'page' || t.s !== stateId) throw gone();
    ({ since, snap, a: after, sel: selText, f: filterText } = t);
  } else if (deltaToken !== null) {
    const t = openLinkToken<DeltaToken>(key, deltaToken);
    if (!t || t.k !== 'delta' || t.s !== stateId || nowMs - t.iat > DELTA_TOKEN_LIFETIME_MS) throw gone();
    ({ seq: since, sel: selText, f: filterText } = t);
  }
  const selection = new URLSearchParams(selText !== null ? { $select: selText } : {});
  const select = parseSelect(selection);
  if (filterText !== null && !/^\s*id\s+eq\s+'[^']*'\s*$/i.test(filterText)) {
    throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${/^\s*(\w+)/.exec(filterText)?.[1] ?? filterText}' of resource 'User'. Delta queries support $filter on id only.`);
  }
  const filter = parseFilter(filterText);
  const maxPage = preferredMaxPage(request.headers.prefer);

  type Item = { id: string; user?: GraphUser; tomb?: GraphTombstone };
  const round = { after: since, upTo: snap };
  const inRound = (seq: number) => seq > since && seq <= snap;
  // Users come in id order already (only the round's changes); tombstones are few: sort them and merge.
  const users = candidateUsers(ctx, filter, after, round)[Symbol.iterator]();
  // A first (full) round lists only existing users; later rounds also report deletions.
  const tombs = since > 0
    ? ctx.store.graphTombstones()
      .filter((t) => inRound(t.changeSeq) && (filterText === null || filterText.toLowerCase().includes(t.id.toLowerCase())) && (after === null || compare(t.id, after) > 0))
      .sort((x, y) => compare(x.id, y.id))
    : [];
  const page: Item[] = [];
  let more = false;
  let user = users.next();
  for (let t = 0; !user.done || t < tombs.length;) {
    const tomb = tombs[t];
    let item: Item;
    if (!user.done && (!tomb || compare(user.value.id, tomb.id) <= 0)) {
      item = { id: user.value.id, user: user.value };
      user = users.next();
    } else {
      item = { id: (tomb as GraphTombstone).id, tomb };
      t++;
    }
    if (page.length === maxPage) {
      more = true;
      break;
    }
    page.push(item);
  }
  const value = page.map((i) => (i.user ? project(i.user, select.properties) : { id: i.id, '@removed': { reason: 'deleted' } }));
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, select.text), value };
  const last = page[page.length - 1];
  if (more && last) {
    const token: DeltaPageToken = { s: stateId, k: 'page', since, snap, a: last.id, sel: select.text, f: filterText };
    body['@odata.nextLink'] = `${ctx.baseUrl}/v1.0/users/delta?$skiptoken=${sealLinkToken(key, token)}`;
  } else {
    const token: DeltaToken = { s: stateId, k: 'delta', seq: snap, sel: select.text, f: filterText, iat: nowMs };
    body['@odata.deltaLink'] = `${ctx.baseUrl}/v1.0/users/delta?$deltatoken=${sealLinkToken(key, token)}`;
  }
  return body;
}

function preferredMaxPage(prefer: string | undefined): number {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? '');
  return m ? Math.min(999, Math.max(1, Number(m[1]))) : GRAPH_DEFAULT_PAGE;
}

function linkKey(ctx: GraphContext): Buffer {
  return Buffer.from(ctx.store.data.linkKey, 'base64');
}
