import { describe, expect, it } from 'vitest';
import type { HttpResponse } from './http-transport.js';
import { DEFAULT_RETRY_POLICY, EXO_CONCURRENCY_MESSAGE, retryDelayMs, retryReason } from './retry-policy.js';

const response = (status: number, headers: Record<string, string> = {}, body = ''): HttpResponse => ({ status, headers, body: Buffer.from(body) });

describe('retryReason', () => {
  it('classifies throttling, unavailability and the EXO concurrency text', () => {
    expect(retryReason(response(429))).toBe('throttled');
    expect(retryReason(response(503))).toBe('unavailable');
    expect(retryReason(response(504))).toBe('unavailable');
    expect(retryReason(response(500, {}, `${EXO_CONCURRENCY_MESSAGE}. Please wait and try again.`))).toBe('concurrency');
  });

  it('treats other failures as final', () => {
    for (const status of [400, 401, 403, 404, 500]) expect(retryReason(response(status, {}, '{"error":{}}'))).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('honours fractional Retry-After seconds', () => {
    expect(retryDelayMs(response(429, { 'retry-after': '1.5' }), 0, DEFAULT_RETRY_POLICY)).toBe(1500);
  });

  it('honours an HTTP-date Retry-After', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(retryDelayMs(response(503, { 'retry-after': 'Tue, 24 Nov 2026 10:00:07 GMT' }), 0, DEFAULT_RETRY_POLICY, now)).toBe(7000);
  });

  it('backs off exponentially without Retry-After and caps the wait', () => {
    const policy = { maxRetries: 5, baseDelayMs: 2000, maxDelayMs: 10_000 };
    expect([0, 1, 2, 3].map((n) => retryDelayMs(response(503), n, policy))).toEqual([2000, 4000, 8000, 10_000]);
    expect(retryDelayMs(response(429, { 'retry-after': '3600' }), 0, policy)).toBe(10_000);
  });
});
