/**
 * One full cycle over the tenant: stream every dir-synced mailbox from Exchange Online, look up
 * each one's Entra user, and run the per-object pipeline. Out-of-scope mailboxes are counted, not
 * logged one by one (spec §6); everything that reaches matching gets a log record.
 */
import type { FailureCode } from '../core/object-failure.js';
import type { ProvisioningRecord } from '../core/provisioning-record.js';
import type { SkipReason } from '../core/scoping.js';
import type { GraphUserRecord } from '../cloud/graph-client.js';
import type { MailboxSource, ProvisioningLogSink, UserSource } from './engine-ports.js';
import { MAILBOX_SELECT, processMailbox, type MailboxOutcome, type ProcessContext } from './process-mailbox.js';

/** Counts of one cycle. */
export interface SyncSummary {
  cycleId: string;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  mailboxesRead: number;
  inScope: number;
  updated: number;
  unchanged: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Failed objects by failure code. */
  failed: Partial<Record<FailureCode, number>>;
  valuesAdded: number;
  valuesRemoved: number;
}

/** Options of {@link runSyncCycle}. */
export interface SyncCycleOptions {
  mailboxes: MailboxSource;
  users: UserSource;
  log: ProvisioningLogSink;
  context: Omit<ProcessContext, 'lookupUser'>;
  /** Called after each mailbox with the running counts. */
  onProgress?: (summary: SyncSummary) => void;
}

/** The server-side filter of a full cycle (cloud-managed is filtered client-side: it is not filterable). */
export const FULL_CYCLE_FILTER = 'IsDirSynced -eq $true';

/** An empty summary for a cycle starting now. */
export function newSummary(cycleId: string, dryRun: boolean, started: Date): SyncSummary {
  return {
    cycleId, dryRun, startedAt: started.toISOString(), durationMs: 0,
    mailboxesRead: 0, inScope: 0, updated: 0, unchanged: 0, skipped: {}, failed: {}, valuesAdded: 0, valuesRemoved: 0,
  };
}

/** Adds one object's outcome to the summary counts. */
export function countOutcome(summary: SyncSummary, outcome: MailboxOutcome): void {
  switch (outcome.kind) {
    case 'updated':
      summary.inScope++;
      summary.updated++;
      summary.valuesAdded += outcome.valuesAdded;
      summary.valuesRemoved += outcome.valuesRemoved;
      break;
    case 'unchanged':
      summary.inScope++;
      summary.unchanged++;
      summary.skipped.RedundantExport = (summary.skipped.RedundantExport ?? 0) + 1;
      break;
    case 'skipped':
      summary.skipped[outcome.reason] = (summary.skipped[outcome.reason] ?? 0) + 1;
      break;
    case 'failed':
      summary.failed[outcome.failure.code] = (summary.failed[outcome.failure.code] ?? 0) + 1;
      break;
  }
}

/** Every synced Entra user by lower-cased id: one paged read beats one Graph call per mailbox (999 a page). */
export async function loadSyncedUsers(users: UserSource): Promise<Map<string, GraphUserRecord>> {
  const map = new Map<string, GraphUserRecord>();
  for await (const page of users.listSyncedUserPages()) for (const user of page) map.set(user.id.toLowerCase(), user);
  return map;
}

/** Runs one full cycle and returns its summary. Throws when the cycle cannot go on (fatal errors). */
export async function runSyncCycle(options: SyncCycleOptions): Promise<SyncSummary> {
  const { context } = options;
  const started = context.now();
  const summary = newSummary(context.cycleId, context.dryRun, started);
  const users = await loadSyncedUsers(options.users);
  const ctx: ProcessContext = { ...context, lookupUser: (id) => Promise.resolve(users.get(id.toLowerCase()) ?? null) };

  for await (const page of options.mailboxes.getMailboxPages({ filter: FULL_CYCLE_FILTER, select: MAILBOX_SELECT })) {
    const records: ProvisioningRecord[] = [];
    for (const mailbox of page) {
      summary.mailboxesRead++;
      const outcome = await processMailbox(mailbox, ctx);
      countOutcome(summary, outcome);
      // Cloud-side skips are counted only; the rest (from matching on) gets a record.
      if (outcome.kind !== 'skipped' || outcome.reason === 'OutOfScopeContainer' || outcome.reason === 'DomainNotServed') records.push(outcome.record);
      options.onProgress?.(summary);
    }
    await options.log.append(records);
  }
  summary.durationMs = context.now().getTime() - started.getTime();
  return summary;
}

/** Total failed objects of a summary. */
export function failedCount(summary: SyncSummary): number {
  return Object.values(summary.failed).reduce<number>((a, b) => a + (b ?? 0), 0);
}
