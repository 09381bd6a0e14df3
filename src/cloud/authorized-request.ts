/**
 * Sends one API request with an app-only bearer token: refreshes the token once on a 401 and
 * retries throttling and transient failures (honouring `Retry-After`). Shared by the Exchange
 * Online and Graph clients, which only differ in how they read the final response.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport.js';
import { retryDelayMs, retryReason, type RetryPolicy, type RetryReason } from './retry-policy.js';
import type { TokenClient, TokenResource } from './token-client.js';

/** A retry about to happen, for logs and metrics. */
export interface RetryEvent {
  reason: Exclude<RetryReason, null> | 'token-refresh';
  attempt: number;
  delayMs: number;
}

/** The final response: 200, or the failure that ended the retries and why it was retryable (if it was). */
export interface AuthorizedResponse {
  response: HttpResponse;
  /** Set when the last response was throttling/transient and the retries ran out. */
  exhausted: RetryReason;
}

/** Options of {@link sendAuthorized}. */
export interface AuthorizedRequestOptions {
  transport: HttpTransport;
  tokens: TokenClient;
  resource: TokenResource;
  retry: RetryPolicy;
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** Sends `build(authorizationHeader)` until it succeeds, fails for good, or the retries run out. */
export async function sendAuthorized(options: AuthorizedRequestOptions, build: (authorization: string) => HttpRequest): Promise<AuthorizedResponse> {
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    const response = await options.transport.send(build(`Bearer ${await options.tokens.getToken(options.resource)}`));
    if (response.status === 200) return { response, exhausted: null };
    if (response.status === 401 && !refreshed) {
      // Tokens can be revoked or rotated before they expire: refresh once, then give up.
      refreshed = true;
      options.tokens.invalidate(options.resource);
      options.onRetry?.({ reason: 'token-refresh', attempt, delayMs: 0 });
      continue;
    }
    const reason = retryReason(response);
    if (reason && attempt < options.retry.maxRetries) {
      const wait = retryDelayMs(response, attempt, options.retry);
      options.onRetry?.({ reason, attempt, delayMs: wait });
      await delay(wait);
      continue;
    }
    return { response, exhausted: reason };
  }
}
