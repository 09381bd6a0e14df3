/**
 * Fault injection: throttling, transient server errors, the EXO concurrency refusal, added latency
 * and a replication-lag window, per endpoint (`token`, `exo`, `graph`). Rules are set at start and
 * changed at run time through the admin API (`/_emulator/faults`).
 *
 * A rule fires on matching requests: the next `count` of them, or each with `probability`, or
 * (neither given) every one until removed. `count` and `probability` combine (each of the next
 * `count` hits happens with `probability`).
 */
import { randomUUID } from 'node:crypto';
import { graphDate, jsonResponse, newRequestId, type EmulatorResponse } from './http-response.js';

/** The three Microsoft surfaces the emulator serves. */
export type FaultEndpoint = 'token' | 'exo' | 'graph';

/**
 * - `throttle`: 429 with `Retry-After` (Graph adds `x-ms-throttle-scope` and code `TooManyRequests`).
 * - `unavailable`: 503. `gateway-timeout`: 504.
 * - `concurrency`: EXO's plain-text "maximum number of concurrent requests" refusal (429).
 * - `latency`: delays the response by `durationMs` (then serves it normally).
 * - `replication-lag`: after a write, reads keep showing the old object for `durationMs`.
 */
export type FaultKind = 'throttle' | 'unavailable' | 'gateway-timeout' | 'concurrency' | 'latency' | 'replication-lag';

/** A fault rule as configured (JSON). */
export interface FaultRule {
  /** Set by the injector when absent. */
  id?: string;
  endpoint: FaultEndpoint | '*';
  kind: FaultKind;
  /** Fire on the next n matching requests, then expire. */
  count?: number;
  /** Fire with this probability (0..1) per matching request. */
  probability?: number;
  /** `latency`: added delay; `replication-lag`: how long reads show the old state. */
  durationMs?: number;
  /** `throttle`/`unavailable`: value of `Retry-After` in seconds (may be fractional). Default 1 for throttle. */
  retryAfterSeconds?: number;
  /** An outage window: the rule expires this many seconds after it was added. */
  forSeconds?: number;
}

/** A rule in force, with its id and how often it fired. */
export interface ActiveFaultRule extends FaultRule {
  id: string;
  /** Remaining hits when `count` was given; null = unlimited. */
  remaining: number | null;
  hits: number;
  /** When the rule expires (epoch ms) when `forSeconds` was given; null = never. */
  expiresAtMs: number | null;
}

/** A rule failed validation (the admin API answers 400 with the message). */
export class FaultRuleError extends Error {}

/** The EXO gateway's refusal when too many calls of one tenant run at once. */
export const EXO_CONCURRENCY_MESSAGE = 'You have reached the maximum number of concurrent requests per tenant. Please wait and try again.';

const KINDS: readonly FaultKind[] = ['throttle', 'unavailable', 'gateway-timeout', 'concurrency', 'latency', 'replication-lag'];
const ENDPOINTS = ['token', 'exo', 'graph', '*'];
const FAILURES = new Set<FaultKind>(['throttle', 'unavailable', 'gateway-timeout', 'concurrency']);

/** Holds the rules and decides, per request, which of them fire. */
export class FaultInjector {
  private rules: ActiveFaultRule[] = [];

  constructor(initial: FaultRule[] = [], private readonly random: () => number = Math.random, private readonly nowMs: () => number = Date.now) {
    this.add(initial);
  }

  /** Validates and adds rules; returns them as active rules. @throws FaultRuleError */
  add(rules: FaultRule | FaultRule[]): ActiveFaultRule[] {
    const list = Array.isArray(rules) ? rules : [rules];
    const added = list.map((rule) => validateRule(rule, this.nowMs()));
    this.rules.push(...added);
    return added;
  }

  list(): ActiveFaultRule[] {
    this.expire();
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Total added latency for this request (fires latency rules). */
  latencyMs(endpoint: FaultEndpoint): number {
    return this.fire(endpoint, (k) => k === 'latency').reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
  }

  /** The failure to serve instead of the real response, if a failure rule fires. */
  failure(endpoint: FaultEndpoint): ActiveFaultRule | null {
    return this.fire(endpoint, (k) => FAILURES.has(k), true)[0] ?? null;
  }

  /** Replication lag (ms) to apply to a write happening now; 0 when no rule fires. */
  replicationLagMs(endpoint: FaultEndpoint): number {
    return Math.max(0, ...this.fire(endpoint, (k) => k === 'replication-lag').map((r) => r.durationMs ?? 0));
  }

  private fire(endpoint: FaultEndpoint, kind: (k: FaultKind) => boolean, firstOnly = false): ActiveFaultRule[] {
    this.expire();
    const fired: ActiveFaultRule[] = [];
    for (const rule of this.rules) {
      if (!kind(rule.kind) || (rule.endpoint !== '*' && rule.endpoint !== endpoint)) continue;
      if (rule.remaining !== null) rule.remaining -= 1;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.hits += 1;
      fired.push({ ...rule });
      if (firstOnly) break;
    }
    this.rules = this.rules.filter((r) => r.remaining === null || r.remaining > 0);
    return fired;
  }

  private expire(): void {
    const now = this.nowMs();
    this.rules = this.rules.filter((r) => r.expiresAtMs === null || r.expiresAtMs > now);
  }
}

function validateRule(input: FaultRule, nowMs: number): ActiveFaultRule {
  if (typeof input !== 'object' || input === null) throw new FaultRuleError('A fault rule must be an object.');
  const { endpoint, kind, count, probability, durationMs, retryAfterSeconds, forSeconds } = input;
  if (!ENDPOINTS.includes(endpoint)) throw new FaultRuleError(`endpoint must be one of ${ENDPOINTS.join(', ')}`);
  if (!KINDS.includes(kind)) throw new FaultRuleError(`kind must be one of ${KINDS.join(', ')}`);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new FaultRuleError('count must be a positive integer');
  if (probability !== undefined && !(typeof probability === 'number' && probability >= 0 && probability <= 1)) {
    throw new FaultRuleError('probability must be between 0 and 1');
  }
  if (durationMs !== undefined && !(typeof durationMs === 'number' && durationMs >= 0)) throw new FaultRuleError('durationMs must be ≥ 0');
  if ((kind === 'latency' || kind === 'replication-lag') && durationMs === undefined) throw new FaultRuleError(`${kind} needs durationMs`);
  if (retryAfterSeconds !== undefined && !(typeof retryAfterSeconds === 'number' && retryAfterSeconds >= 0)) {
    throw new FaultRuleError('retryAfterSeconds must be ≥ 0');
  }
  if (forSeconds !== undefined && !(typeof forSeconds === 'number' && forSeconds > 0)) throw new FaultRuleError('forSeconds must be > 0');
  if (kind === 'concurrency' && endpoint !== 'exo') throw new FaultRuleError('concurrency faults exist only on exo');
  return { ...input, id: input.id ?? randomUUID(), remaining: count ?? null, hits: 0, expiresAtMs: forSeconds === undefined ? null : nowMs + forSeconds * 1000 };
}

/** Builds the response a fired failure rule produces on an endpoint, in that surface's shape. */
export function faultResponse(rule: ActiveFaultRule, endpoint: FaultEndpoint, ids: { tenantId: string; appId?: string; nowMs: number }): EmulatorResponse {
  if (rule.kind === 'concurrency') return exoConcurrencyResponse();
  const status = rule.kind === 'throttle' ? 429 : rule.kind === 'unavailable' ? 503 : 504;
  const retryAfter = rule.retryAfterSeconds ?? (rule.kind === 'throttle' ? 1 : undefined);
  const headers: Record<string, string> = retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {};
  const requestId = newRequestId();
  switch (endpoint) {
    case 'token': {
      const code = status === 429 ? 90055 : 90033;
      const text = status === 429 ? 'TenantThrottlingThreshold - The number of incoming requests exceeds the threshold for the tenant.' : 'A transient error has occurred. Please try again.';
      const timestamp = new Date(ids.nowMs).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
      return jsonResponse(status, {
        error: 'temporarily_unavailable',
        error_description: `AADSTS${code}: ${text} Trace ID: ${requestId} Correlation ID: ${requestId} Timestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: requestId,
        correlation_id: requestId,
      }, headers);
    }
    case 'graph': {
      const code = status === 429 ? 'TooManyRequests' : status === 503 ? 'serviceNotAvailable' : 'gatewayTimeout';
      const message = status === 429 ? 'Too many requests.' : status === 503 ? 'Service unavailable.' : 'Gateway timeout.';
      if (status === 429) {
        headers['x-ms-throttle-scope'] = `Tenant_Application/ReadWrite/${ids.tenantId}/${ids.appId ?? '00000000-0000-0000-0000-000000000000'}`;
        headers['x-ms-throttle-information'] = 'ResourceUnitLimitExceeded';
      }
      return jsonResponse(status, { error: { code, message, innerError: { date: graphDate(ids.nowMs), 'request-id': requestId, 'client-request-id': requestId } } }, {
        ...headers,
        'request-id': requestId,
      });
    }
    case 'exo': {
      if (status === 429) {
        return jsonResponse(429, { error: { code: 'TooManyRequests', message: `Too many requests. Please retry after ${retryAfter ?? 1} seconds.` } }, { ...headers, 'request-id': requestId });
      }
      // The front door answers transient failures with a short plain-text page.
      return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'request-id': requestId, ...headers }, body: status === 503 ? 'Service Unavailable' : 'Gateway Timeout' };
    }
  }
}

/** The EXO concurrency refusal: 429, plain text, no `Retry-After` (clients back off exponentially). */
export function exoConcurrencyResponse(): EmulatorResponse {
  return { status: 429, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'request-id': newRequestId() }, body: EXO_CONCURRENCY_MESSAGE };
}

/**
 * The replication-lag window: after a write, reads see a snapshot of the object as it was before
 * the write until the window closes. Keyed by object id; a second write during the window keeps
 * the oldest snapshot (reads lag behind the *first* unseen write, like a lagging replica).
 */
export class ReplicationLag<T> {
  private readonly stale = new Map<string, { snapshot: T; untilMs: number }>();

  /** Records the pre-write `snapshot` of object `id`, visible until `untilMs`. */
  record(id: string, snapshot: T, untilMs: number, nowMs: number): void {
    const existing = this.stale.get(id);
    if (existing && existing.untilMs > nowMs) {
      existing.untilMs = Math.max(existing.untilMs, untilMs);
      return;
    }
    this.stale.set(id, { snapshot, untilMs });
  }

  /** The object as a reader sees it at `nowMs`. */
  view(id: string, current: T, nowMs: number): T {
    const entry = this.stale.get(id);
    if (!entry) return current;
    if (entry.untilMs <= nowMs) {
      this.stale.delete(id);
      return current;
    }
    return entry.snapshot;
  }

  get size(): number {
    return this.stale.size;
  }
}
