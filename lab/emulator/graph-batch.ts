/**
 * Microsoft Graph JSON batching as far as the engine uses it: `POST /v1.0/$batch` with up to 20
 * requests, each answered as it would be on its own — its own status, headers and body, and
 * throttled on its own, since every request in a batch counts against the identity budget — in
 * one 200 response. The batch's token is checked once, for the whole batch. `dependsOn` is
 * refused: the engine never sends it (the requests of a lookup are independent).
 */
import { graphAuthorizationFailure, graphErrorResponse, requestIds, type GraphContext, type GraphRequest } from './graph-users.js';
import type { EmulatorResponse } from './http-response.js';

/** Requests one batch may hold. */
export const GRAPH_MAX_BATCH_REQUESTS = 20;

/** Answers one request of a batch (the server adds its faults before the Graph handler). */
export type BatchRequestRunner = (request: GraphRequest) => EmulatorResponse;

class BatchPayloadError extends Error {}

interface BatchRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** Handles `POST /v1.0/$batch`; `headers` are the batch's own (lower-case names). */
export function handleGraphBatch(body: Buffer, headers: Record<string, string | undefined>, ctx: GraphContext, run: BatchRequestRunner): EmulatorResponse {
  const outer: GraphRequest = { method: 'POST', path: '/$batch', query: new URLSearchParams(), headers };
  const denied = graphAuthorizationFailure(outer, ctx);
  if (denied) return denied;
  let requests: BatchRequest[];
  try {
    requests = parseBatch(body);
  } catch (error) {
    if (!(error instanceof BatchPayloadError)) throw error;
    return graphErrorResponse(400, 'BadRequest', error.message, ctx, requestIds(outer));
  }
  // Each answer's JSON body is embedded as it is (not parsed and written again): a batch of 20
  // user lookups is ~150 KB.
  const responses = requests.map((request) => {
    const url = new URL(request.url.startsWith('/') ? request.url : `/${request.url}`, 'http://batch.invalid');
    const answer = run({ method: request.method, path: url.pathname, query: url.searchParams, headers: { ...headers, ...request.headers } });
    return `{"id":${JSON.stringify(request.id)},"status":${answer.status},"headers":${JSON.stringify(answer.headers ?? {})},"body":${responseBody(answer)}}`;
  });
  const ids = requestIds(outer);
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
    body: `{"responses":[${responses.join(',')}]}`,
  };
}

function parseBatch(body: Buffer): BatchRequest[] {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BatchPayloadError('Invalid batch payload format.');
  }
  const list = (payload as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(list) || list.length === 0) throw new BatchPayloadError('Invalid batch payload format.');
  if (list.length > GRAPH_MAX_BATCH_REQUESTS) throw new BatchPayloadError(`The number of requests in a batch (${list.length}) exceeds the limit of ${GRAPH_MAX_BATCH_REQUESTS}.`);
  const seen = new Set<string>();
  return list.map((entry: unknown) => {
    const item = entry as Record<string, unknown> | null;
    if (!item || typeof item.id !== 'string' || item.id === '' || typeof item.method !== 'string' || typeof item.url !== 'string') {
      throw new BatchPayloadError('Invalid batch payload format: each request needs an id, a method and a url.');
    }
    if (seen.has(item.id)) throw new BatchPayloadError(`Request id '${item.id}' is used more than once in the batch; ids must be unique.`);
    seen.add(item.id);
    if (item.dependsOn !== undefined) throw new BatchPayloadError('dependsOn is not supported by the emulator.');
    if (/^https?:/i.test(item.url)) throw new BatchPayloadError(`The url '${item.url}' of request '${item.id}' must be relative to the version, e.g. /users.`);
    const headers: Record<string, string> = {};
    if (item.headers && typeof item.headers === 'object') {
      for (const [name, value] of Object.entries(item.headers as Record<string, unknown>)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
    return { id: item.id, method: item.method.toUpperCase(), url: item.url, headers };
  });
}

/** The answer's body as JSON text: a JSON body as it is, anything else as a JSON string. */
function responseBody(answer: EmulatorResponse): string {
  const text = answer.body === undefined ? '' : answer.body.toString();
  const type = Object.entries(answer.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /json/i.test(type) && text !== '' ? text : JSON.stringify(text);
}
