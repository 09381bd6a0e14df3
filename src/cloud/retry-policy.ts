/**
 * When and how long to wait before retrying a cloud call. Mirrors the ExchangeOnlineManagement
 * module: honour `Retry-After`, otherwise `base × 2^attempt`, at most `maxRetries` times.
 */
import type { HttpResponse } from './http-transport.js';

/** Retry settings of a cloud client. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 5. */
  maxRetries: number;
  /** First back-off delay when the server gives no `Retry-After`. Default 2000 ms. */
  baseDelayMs: number;
  /** Upper bound of one wait, whatever the server asks. Default 120 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, baseDelayMs: 2000, maxDelayMs: 120_000 };

/** Exchange Online's plain-text answer when a tenant has too many calls in flight. */
export const EXO_CONCURRENCY_MESSAGE = 'You have reached the maximum number of concurrent requests per tenant';

/** Why a response is retryable, or null when it is final. */
export type RetryReason = 'throttled' | 'unavailable' | 'concurrency' | null;

/** Classifies a response: 429 throttling, 503/504 unavailability, or EXO's concurrency text. */
export function retryReason(response: HttpResponse): RetryReason {
  if (response.status === 429) return 'throttled';
  if (response.status === 503 || response.status === 504) return 'unavailable';
  if (response.status >= 400 && response.body.length < 4096 && response.body.toString('utf8').includes(EXO_CONCURRENCY_MESSAGE)) {
    return 'concurrency';
  }
  return null;
}

/**
 * The delay before retry number `attempt` (0-based): `Retry-After` (seconds, possibly
 * fractional, or an HTTP date) when present, otherwise exponential back-off; capped.
 */
export function retryDelayMs(response: HttpResponse, attempt: number, policy: RetryPolicy, nowMs = Date.now()): number {
  const header = response.headers['retry-after'];
  let delay = policy.baseDelayMs * 2 ** attempt;
  if (header !== undefined) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) delay = seconds * 1000;
    else {
      const date = Date.parse(header);
      if (Number.isFinite(date)) delay = Math.max(0, date - nowMs);
    }
  }
  return Math.min(delay, policy.maxDelayMs);
}
