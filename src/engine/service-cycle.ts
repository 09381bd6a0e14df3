/**
 * One cycle of the long-running service, with the state store: plan every mailbox first (no
 * writes), stop at the mass-change guard if the plan is too large, otherwise apply the planned
 * writes, a few objects at a time — each behind a recorded intent and committed with its journal
 * entry, link and log record in one transaction. The watermark advances with the cycle's commit.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ExoRecord } from '../cloud/exo-client.js';
import { detectDrift, hashAppliedValues } from '../core/safety/drift.js';
import { incrementalFilter } from '../core/safety/incremental-window.js';
import { evaluateMassChange, type MassChangeThresholds } from '../core/safety/mass-change-guard.js';
import { nextRetry } from '../core/safety/retry-backoff.js';
import type { CommitObjectResultInput, CycleKind, StateStore, WatermarkKey } from '../store/state-store.js';
import type { DomainSnapshots } from './domain-snapshots.js';
import type { MailboxSource, UserSource } from './engine-ports.js';
import { MAILBOX_SELECT, processMailbox, type MailboxOutcome, type ObjectWrite, type ProcessContext } from './process-mailbox.js';
import type { ServiceMetrics } from './service-metrics.js';
import { mapConcurrent } from '../async/concurrent-map.js';
import { OneBehind } from '../async/one-behind.js';
import { keepOne, preparePage, type PreparedPage, type UserLookup } from './prepared-pages.js';
import { countCloudSideSkips, countOutcome, FULL_CYCLE_FILTER, isRecorded, loadFullCycleDomains, newSummary, OBJECTS_IN_FLIGHT, preparedPagesAhead, type SyncSummary } from './sync-cycle.js';

/** Everything a service cycle needs. */
export interface ServiceCycleDeps {
  store: StateStore;
  mailboxes: MailboxSource;
  users: UserSource;
  context: Omit<ProcessContext, 'lookupUser' | 'cycleId' | 'dryRun' | 'writer'>;
  tenantId: string;
  overlapMs: number;
  thresholds: MassChangeThresholds;
  metrics: ServiceMetrics;
  logger: Logger;
  /** True once a stop was requested: the cycle finishes the current object and ends. */
  stopping: () => boolean;
  /** The AD snapshots, kept by the service from cycle to cycle (over `context.domains`). */
  snapshots: DomainSnapshots;
}

/** How a cycle ended. */
export interface ServiceCycleResult {
  cycleId: string;
  kind: CycleKind;
  outcome: 'success' | 'staged' | 'aborted';
  summary: SyncSummary;
}

/** The watermark of incremental reads. */
export function watermarkKey(tenantId: string): WatermarkKey {
  return { tenant: tenantId, kind: 'exo-mailbox-whenchanged' };
}

/** Runs one cycle. `full` and `reconcile` read every dir-synced mailbox; `incremental` only those changed since the watermark. */
export async function runServiceCycle(kind: CycleKind, deps: ServiceCycleDeps, options: { approvedStage?: string } = {}): Promise<ServiceCycleResult> {
  const { store, context } = deps;
  const started = context.now();
  const cycleId = await store.startCycle({ kind, dryRun: false, id: randomUUID(), startedAt: started });
  const summary = newSummary(cycleId, false, started);
  const key = watermarkKey(deps.tenantId);
  const watermark = await store.getWatermark(key);
  const timer = deps.metrics.cycleDuration.startTimer({ kind });

  // Which mailboxes: all, or those changed since the watermark, plus objects whose retry is due.
  const filter = kind === 'incremental' && watermark ? incrementalFilter(new Date(watermark.value), deps.overlapMs) : FULL_CYCLE_FILTER;
  // The first mailbox pages and their Entra users download while AD is read (a full or reconcile
  // cycle reads everything once; an incremental one matches in the kept AD snapshots, brought up
  // to date first).
  const pages = preparedPagesAhead(deps.mailboxes, deps.users, filter);
  const domains = await (kind === 'incremental' ? deps.snapshots.refreshed() : loadFullCycleDomains(deps.snapshots)).catch(async (error: unknown) => {
    await pages.close().catch(() => undefined);
    throw error;
  });

  const planContext: Omit<ProcessContext, 'lookupUser'> = { ...context, domains, cycleId, dryRun: false, planOnly: true };
  const planned: Array<{ mailbox: ExoRecord; outcome: Extract<MailboxOutcome, { kind: 'updated' }>; lookupUser: UserLookup }> = [];
  const seen = new Set<string>();
  const commits = new OneBehind();

  /** Plans a batch of mailboxes (several at once); false when a stop was requested midway. */
  const plan = async (batch: PreparedPage): Promise<boolean> => {
    const fresh = batch.mailboxes.map((mailbox) => {
      const id = typeof mailbox.ExternalDirectoryObjectId === 'string' ? mailbox.ExternalDirectoryObjectId.toLowerCase() : '';
      if (id && seen.has(id)) return false;
      if (id) seen.add(id);
      return true;
    });
    const skippedBefore = summary.mailboxesRead;
    const rest = countCloudSideSkips(batch, summary, (i) => fresh[i] === true);
    if (summary.mailboxesRead > skippedBefore) deps.metrics.objects.inc({ outcome: 'skipped' }, summary.mailboxesRead - skippedBefore);
    const { lookupUser } = batch;
    const outcomes = await mapConcurrent(rest, { limit: OBJECTS_IN_FLIGHT, stopStarting: deps.stopping }, (mailbox) => processMailbox(mailbox.record, { ...planContext, lookupUser }, mailbox.parsed));
    // Results of objects nothing is written to are committed a batch at a time: one fsync, not one each.
    const results: CommitObjectResultInput[] = [];
    let stopped = false;
    for (const [i, outcome] of outcomes.entries()) {
      if (!outcome) {
        stopped = true;
        break;
      }
      summary.mailboxesRead++;
      if (outcome.kind === 'updated') {
        planned.push({ mailbox: rest[i]!.record, outcome, lookupUser: await keepOne(lookupUser, outcome.write.entraId) });
        continue;
      }
      count(summary, outcome, deps.metrics);
      // What gets a log record is committed now; cloud-side skips are only counted.
      if (isRecorded(outcome)) {
        const input = await resultInput(outcome, undefined, kind, cycleId, deps);
        if (input) results.push(input);
      }
    }
    // The batch commits while the next page is planned (on the store's commit worker, when it has
    // one), once the batch before it has committed; all have before the plan is judged.
    if (results.length > 0) await commits.next(() => store.commitObjectResults(results));
    return !stopped;
  };

  try {
    for await (const page of pages) {
      if (deps.stopping() || !(await plan(page))) return await abort(cycleId, kind, summary, deps, timer, commits);
    }
    if (kind === 'incremental') {
      for (const retry of await store.dueRetries(context.now())) {
        if (seen.has(retry.entraId.toLowerCase())) continue;
        const mailbox = await deps.mailboxes.getMailbox(retry.entraId, MAILBOX_SELECT);
        if (mailbox && !(await plan(await preparePage([mailbox], deps.users)))) return await abort(cycleId, kind, summary, deps, timer, commits);
      }
    }
    await commits.settled();
  } catch (error) {
    // The cycle fails with its first error; a batch still in flight ends before the caller goes on.
    await commits.settled().catch(() => undefined);
    throw error;
  }

  // The mass-change guard: a plan too large is staged, and nothing is written until an admin decides.
  const verdict = evaluateMassChange(
    planned.map((p) => ({ entraId: p.outcome.write.entraId, changes: p.outcome.write.changes, valuesAdded: p.outcome.valuesAdded, valuesRemoved: p.outcome.valuesRemoved })),
    deps.thresholds,
  );
  if (verdict.exceeded && options.approvedStage === undefined) {
    await store.stageCycle(cycleId, planned.map(({ outcome: { write } }) => ({
      entraId: write.entraId, objectGuid: write.target.objectGuid, dn: write.target.distinguishedName, changes: write.changes, before: write.before, after: write.after,
    })), { reason: verdict.reasons.join('; ') });
    summary.durationMs = context.now().getTime() - started.getTime();
    await store.commitCycle({ cycleId, outcome: 'staged', counts: countsOf(summary, { staged: planned.length }) });
    deps.logger.warn({ cycleId, objects: verdict.objects, valuesRemoved: verdict.valuesRemoved, reasons: verdict.reasons }, 'mass-change guard: cycle staged, waiting for approve or reject');
    timer({ outcome: 'staged' });
    return { cycleId, kind, outcome: 'staged', summary };
  }

  // Apply: each planned object again, now writing, behind an intent and journaled.
  const applyContext: Omit<ProcessContext, 'lookupUser'> = { ...context, domains, cycleId, dryRun: false };
  const applied = await mapConcurrent(planned, { limit: OBJECTS_IN_FLIGHT, stopStarting: deps.stopping }, async ({ mailbox, lookupUser }) => {
    let intentId: number | undefined;
    const outcome = await processMailbox(mailbox, { ...applyContext, lookupUser, writer: intentWriter(store, cycleId, (id) => (intentId = id)) });
    // A failed modify resolves its intent as not applied (no journal entry) in the same commit.
    await commitOutcome(outcome, intentId, kind, cycleId, deps);
    count(summary, outcome, deps.metrics);
    return true;
  });
  if (applied.includes(undefined)) return abort(cycleId, kind, summary, deps, timer, commits);

  summary.durationMs = context.now().getTime() - started.getTime();
  // The next incremental cycle reads what changed since this one started, minus the overlap
  // (which absorbs Exchange's replication lag and clock skew); a watermark pinned to the newest
  // WhenChangedUTC seen would make every cycle re-read that last minute's mailboxes forever.
  await store.commitCycle({ cycleId, outcome: 'success', counts: countsOf(summary), watermark: { key, value: started.toISOString() } });
  timer({ outcome: 'success' });
  deps.metrics.lastCycleEnd.set({ kind }, context.now().getTime() / 1000);
  return { cycleId, kind, outcome: 'success', summary };
}

/** Commits one applied (or failed) object with its journal entry, link, drift and retry state. */
export async function commitOutcome(outcome: MailboxOutcome, intentId: number | undefined, kind: CycleKind, cycleId: string, deps: { store: StateStore; context: { now: () => Date }; logger: Logger }): Promise<void> {
  const { store, context } = deps;
  if (outcome.kind === 'updated') {
    const { write } = outcome;
    const entraId = write.entraId;
    // Drift: a full read finds AD values that differ both from what we last applied and from the cloud.
    const link = kind === 'incremental' ? null : await store.getLink(entraId);
    const findings = link?.values ? detectDrift(link.values, write.target.attributes, write.desired) : [];
    const whenChanged = parseGeneralizedTime(write.target.whenChanged);
    const drift = findings.map((finding) => ({
      entraId, objectGuid: write.target.objectGuid, dn: write.target.distinguishedName, attribute: finding.attribute,
      adValue: finding.adValue, cloudValue: finding.cloudValue, whenChanged, detectedAt: context.now(), repaired: true,
    }));
    await store.commitObjectResult({
      cycleId,
      record: outcome.record,
      ...(intentId !== undefined ? { intentId } : {}),
      journal: { entraId, objectGuid: write.target.objectGuid, dn: write.target.distinguishedName, changes: write.changes, before: write.before, after: write.after, appliedAt: context.now() },
      link: { entraId, objectGuid: write.target.objectGuid, domain: write.domain.name, dn: write.target.distinguishedName, valuesHash: hashAppliedValues(write.desired), values: write.desired, appliedAt: context.now() },
      clearFailure: entraId,
      ...(drift.length ? { drift } : {}),
    });
    if (drift.length) deps.logger.warn({ cycleId, entraId, dn: write.target.distinguishedName, attributes: drift.map((d) => d.attribute), whenChanged }, 'drift: attributes edited directly in AD were restored to the cloud values');
    return;
  }
  const input = await resultInput(outcome, intentId, kind, cycleId, deps);
  if (input) await store.commitObjectResult(input);
}

/**
 * What to commit for an object the cycle did not write (unchanged, skipped or failed), or null
 * when there is nothing new to say. The plan phase commits a page of these in one transaction.
 */
export async function resultInput(outcome: Exclude<MailboxOutcome, { kind: 'updated' }>, intentId: number | undefined, kind: CycleKind, cycleId: string, deps: { store: StateStore; context: { now: () => Date } }): Promise<CommitObjectResultInput | null> {
  const { store, context } = deps;
  if (outcome.kind === 'unchanged') {
    // Nothing to write, and AD is what we want: remember it as applied, so a later reconcile can tell drift.
    const { target, desired, entraId } = outcome;
    const hash = hashAppliedValues(desired);
    // Incremental reads overlap (replication lag), so they see recent mailboxes again and again:
    // one already known to be in step is counted, not logged again.
    if (kind === 'incremental' && (await store.getLink(entraId))?.valuesHash === hash && !(await store.getRetryState(entraId))) return null;
    return {
      cycleId, record: outcome.record, clearFailure: entraId,
      link: { entraId, objectGuid: target.objectGuid, domain: outcome.domain.name, dn: target.distinguishedName, valuesHash: hash, values: desired, appliedAt: context.now() },
    };
  }
  const entraId = outcome.record.sourceIdentity.id ?? '';
  if (outcome.kind === 'failed') {
    const previous = await store.getRetryState(entraId);
    const decision = nextRetry((previous?.failures ?? 0) + 1, context.now());
    // After the last attempt the object stays reported as failing, and is retried by the daily reconcile only.
    const nextAttemptAt = 'retryAt' in decision ? decision.retryAt : new Date(context.now().getTime() + 365 * 86_400_000);
    return { cycleId, record: outcome.record, ...(intentId !== undefined ? { intentId } : {}), failure: { entraId, code: outcome.failure.code, nextAttemptAt } };
  }
  return { cycleId, record: outcome.record, ...(intentId !== undefined ? { intentId } : {}), ...(entraId ? { clearFailure: entraId } : {}) };
}

/** A writer that records the intent (durably) before the modify, and hands its id to `onIntent`. */
export function intentWriter(store: StateStore, cycleId: string, onIntent: (intentId: number) => void): (write: ObjectWrite) => Promise<void> {
  return async (write) => {
    const intent = await store.beginObjectWrite({
      cycleId, entraId: write.entraId, objectGuid: write.target.objectGuid, dn: write.target.distinguishedName,
      changes: write.changes, before: write.before, after: write.after,
    });
    onIntent(intent.id);
    await write.domain.directory.modify(write.target.objectGuid, write.changes);
  };
}

function count(summary: SyncSummary, outcome: MailboxOutcome, metrics: ServiceMetrics): void {
  metrics.objects.inc({ outcome: outcome.kind });
  countOutcome(summary, outcome);
}

async function abort(cycleId: string, kind: CycleKind, summary: SyncSummary, deps: ServiceCycleDeps, timer: (labels?: Record<string, string>) => number, commits: OneBehind): Promise<ServiceCycleResult> {
  await commits.settled();
  // No watermark: the next cycle reads the same window again.
  await deps.store.commitCycle({ cycleId, outcome: 'aborted', counts: countsOf(summary) });
  timer({ outcome: 'aborted' });
  return { cycleId, kind, outcome: 'aborted', summary };
}

function countsOf(summary: SyncSummary, extra: Record<string, number> = {}): Record<string, number> {
  const counts: Record<string, number> = {
    mailboxesRead: summary.mailboxesRead, inScope: summary.inScope, updated: summary.updated, unchanged: summary.unchanged,
    valuesAdded: summary.valuesAdded, valuesRemoved: summary.valuesRemoved, ...extra,
  };
  for (const [reason, n] of Object.entries(summary.skipped)) counts[`skipped.${reason}`] = n ?? 0;
  for (const [code, n] of Object.entries(summary.failed)) counts[`failed.${code}`] = n ?? 0;
  return counts;
}


/** AD generalized time `20261124071500.0Z` → Date. */
function parseGeneralizedTime(value: string | null): Date | null {
  const m = value ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(value) : null;
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : null;
}
