/**
 * Per-object retries (spec §7; Microsoft calls them escrows): an object that failed is retried in
 * a later cycle after a growing delay, and after too many failures it is given up on — reported as
 * needing an admin, never retried forever silently.
 */

/**
 * The n-th retry waits `min(maxMs, baseMs × factor^(n−1))`; after `maxAttempts` failed attempts
 * (the first attempt included) the object is given up on.
 */
export interface BackoffPolicy {
  baseMs: number;
  factor: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * Defaults: 2 minutes, doubling, capped at 6 hours, 10 attempts. The first retry lands on about
 * the next incremental cycle (the default interval is 2 minutes), so a blip costs one cycle; the
 * doubling keeps a persistently failing object from costing a write (and a log record) every cycle;
 * the delays 2, 4, 8 … 256 min, 6 h add up to about 14.5 hours before the tenth failure gives up, so
 * an overnight DC maintenance or a fix made the next morning still lands without help, while a
 * genuinely broken object is reported within a working day.
 */
export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = Object.freeze({ baseMs: 2 * 60_000, factor: 2, maxMs: 6 * 3_600_000, maxAttempts: 10 });

/** When to try a failed object again, or that it is given up on. */
export type RetryDecision = { retryAt: Date } | { giveUp: true };

function requirePolicy(policy: BackoffPolicy): void {
  const { baseMs, factor, maxMs, maxAttempts } = policy;
  if (!(Number.isFinite(baseMs) && baseMs > 0)) throw new RangeError(`baseMs must be > 0, not ${baseMs}.`);
  if (!(Number.isFinite(factor) && factor >= 1)) throw new RangeError(`factor must be ≥ 1, not ${factor}.`);
  if (!(Number.isFinite(maxMs) && maxMs >= baseMs)) throw new RangeError(`maxMs must be ≥ baseMs, not ${maxMs}.`);
  if (!(Number.isSafeInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError(`maxAttempts must be a whole number ≥ 1, not ${maxAttempts}.`);
}

/** The nominal delay before retry number `failures` (1-based), without jitter. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * Math.pow(policy.factor, failures - 1));
}

/**
 * The decision after the object's `failures`-th consecutive failure (1 = the first attempt just
 * failed), the last one at `lastFailureAt`.
 *
 * - `failures ≥ maxAttempts` → `{ giveUp: true }`: stop automatic retries and report the object.
 *   (What revives it is the engine's choice; sensible: a new change to the mailbox, the daily full
 *   reconcile, or `restart`, each resetting the count.)
 * - otherwise `{ retryAt }` = `lastFailureAt + delay`, the delay from {@link backoffDelayMs}.
 *
 * `jitter` (0..1, injected so this stays pure; omit for none) spreads retries of objects that
 * failed together: the delay becomes `delay × (1 + jitter) / 2` ("equal jitter"), so it lies in
 * `[delay/2, delay]` — jitter only ever shortens, never exceeds `maxMs`. Without jitter the delay
 * is the full nominal one.
 *
 * Retries are due, not scheduled: the engine retries an object in the first cycle at or after
 * `retryAt`. Throws RangeError for `failures < 1`, a jitter outside 0..1 or an invalid policy.
 */
export function nextRetry(failures: number, lastFailureAt: Date, policy: BackoffPolicy = DEFAULT_BACKOFF_POLICY, jitter?: number): RetryDecision {
  requirePolicy(policy);
  if (!(Number.isSafeInteger(failures) && failures >= 1)) throw new RangeError(`failures must be a whole number ≥ 1, not ${failures}.`);
  if (jitter !== undefined && !(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter must lie in 0..1, not ${jitter}.`);
  if (failures >= policy.maxAttempts) return { giveUp: true };
  const nominal = backoffDelayMs(failures, policy);
  const delay = jitter === undefined ? nominal : (nominal * (1 + jitter)) / 2;
  return { retryAt: new Date(lastFailureAt.getTime() + Math.round(delay)) };
}
