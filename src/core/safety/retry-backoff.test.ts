import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF_POLICY, nextRetry, type BackoffPolicy } from './retry-backoff.js';

const at = new Date('2026-08-01T14:00:00Z');
const MIN = 60_000;
const retryAt = (d: ReturnType<typeof nextRetry>) => ('retryAt' in d ? d.retryAt.getTime() - at.getTime() : null);

describe('nextRetry', () => {
  it('defaults to 2 min, doubling, capped at 6 h, 10 attempts', () => {
    expect(DEFAULT_BACKOFF_POLICY).toEqual({ baseMs: 2 * MIN, factor: 2, maxMs: 6 * 60 * MIN, maxAttempts: 10 });
  });

  it('waits 2, 4, 8 … minutes, capped at 6 hours, then gives up after the tenth failure', () => {
    const delays = Array.from({ length: 9 }, (_, i) => retryAt(nextRetry(i + 1, at, DEFAULT_BACKOFF_POLICY)));
    expect(delays).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 360].map((m) => m * MIN));
    expect(nextRetry(10, at, DEFAULT_BACKOFF_POLICY)).toEqual({ giveUp: true });
    expect(nextRetry(11, at, DEFAULT_BACKOFF_POLICY)).toEqual({ giveUp: true });
  });

  it('uses the default policy when none is given', () => {
    expect(nextRetry(1, at)).toEqual({ retryAt: new Date(at.getTime() + 2 * MIN) });
  });

  it('jitter shortens the delay to between half and all of it', () => {
    expect(retryAt(nextRetry(3, at, DEFAULT_BACKOFF_POLICY, 0))).toBe(4 * MIN);
    expect(retryAt(nextRetry(3, at, DEFAULT_BACKOFF_POLICY, 0.5))).toBe(6 * MIN);
    expect(retryAt(nextRetry(3, at, DEFAULT_BACKOFF_POLICY, 1))).toBe(8 * MIN);
  });

  it('with maxAttempts 1 the first failure is final', () => {
    expect(nextRetry(1, at, { ...DEFAULT_BACKOFF_POLICY, maxAttempts: 1 })).toEqual({ giveUp: true });
  });

  it('a huge failure count under a big maxAttempts stays at the cap (no overflow)', () => {
    expect(retryAt(nextRetry(5000, at, { ...DEFAULT_BACKOFF_POLICY, maxAttempts: 10_000 }))).toBe(360 * MIN);
  });

  it.each([
    ['failures 0', () => nextRetry(0, at)],
    ['fractional failures', () => nextRetry(1.5, at)],
    ['jitter above 1', () => nextRetry(1, at, DEFAULT_BACKOFF_POLICY, 1.1)],
    ['jitter NaN', () => nextRetry(1, at, DEFAULT_BACKOFF_POLICY, Number.NaN)],
    ['factor below 1', () => nextRetry(1, at, { ...DEFAULT_BACKOFF_POLICY, factor: 0.5 })],
    ['maxMs below baseMs', () => nextRetry(1, at, { ...DEFAULT_BACKOFF_POLICY, maxMs: 1 })],
    ['maxAttempts 0', () => nextRetry(1, at, { ...DEFAULT_BACKOFF_POLICY, maxAttempts: 0 })],
  ])('refuses %s', (_, call) => {
    expect(call).toThrow(RangeError);
  });

  const policies = fc.record<BackoffPolicy>({
    baseMs: fc.integer({ min: 1, max: 10 * MIN }),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
    maxMs: fc.integer({ min: 10 * MIN, max: 48 * 60 * MIN }),
    maxAttempts: fc.integer({ min: 1, max: 30 }),
  });

  it('property: delays never shrink with more failures, stay within [delay/2, maxMs], and retries stop at maxAttempts', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (policy, failures, jitter) => {
        const decision = nextRetry(failures, at, policy, jitter);
        if (failures >= policy.maxAttempts) {
          expect(decision).toEqual({ giveUp: true });
          return;
        }
        const delay = retryAt(decision)!;
        const nominal = backoffDelayMs(failures, policy);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal / 2));
        expect(delay).toBeLessThanOrEqual(policy.maxMs);
        expect(backoffDelayMs(failures + 1, policy)).toBeGreaterThanOrEqual(nominal);
      }),
    );
  });
});
