/**
 * One full cycle over the tenant: stream every dir-synced mailbox from Exchange Online, look up
 * each one's Entra user, and run the per-object pipeline. Out-of-scope mailboxes are counted, not
 * logged one by one (spec §6); everything that reaches matching gets a log record.
 */
import type { FailureCode } from '../core/object-failure.js';
import type { ProvisioningRecord } from '../core/provisioning-record.js';
import type { SkipReason } from '../core/scoping.js';
import { mapConcurrent } from '../async/concurrent-map.js';
import { readAhead } from '../async/read-ahead.js';
import { DomainSnapshots } from './domain-snapshots.js';
import { loadSyncedUsers, type SyncedUsers } from './synced-users.js';
import type { MailboxSource, ProvisioningLogSink, ServedDomain, UserSource } from './engine-ports.js';
import type { ExoRecord } from '../cloud/exo-client.js';
import { cloudSideSkip, MAILBOX_SELECT, processMailbox, type MailboxOutcome, type ProcessContext } from './process-mailbox.js';

/** Counts of one cycle. */
export interface SyncSummary {
  cycleId: string;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /**
   * Where a full cycle's time went (ms): reading AD and Graph at the start (concurrently; the
   * first mailbox pages download meanwhile), then the time spent waiting for Exchange Online
   * pages, processing them (matching, diff, writes) and appending their log records.
   */
  timings?: CycleTimings;
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

/** See {@link SyncSummary.timings}. */
export interface CycleTimings {
  directoryReadMs: number;
  usersReadMs: number;
  pageWaitMs: number;
  processMs: number;
  logMs: number;
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

/**
 * Objects processed at once within a page: their LDAP writes (and, in incremental cycles, lookups)
 * are in flight together on the one connection, which keeps the DC busy (see docs/performance.md).
 */
export const OBJECTS_IN_FLIGHT = 8;

/** Exchange Online pages fetched ahead of the one being processed (a page is up to 1000 mailboxes). */
export const MAILBOX_PAGES_AHEAD = 2;

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

/**
 * What a full cycle looks objects up in: every synced Entra user (one paged Graph read) and, per
 * domain, every AD user (one paged LDAP read, see {@link DomainSnapshots}), read concurrently.
 * Per-mailbox lookups would cost one Graph call and three LDAP searches per mailbox.
 */
export async function loadFullCycleSources(users: UserSource, snapshots: DomainSnapshots, timings?: CycleTimings): Promise<{ users: SyncedUsers; domains: ServedDomain[] }> {
  const started = Date.now();
  const [synced, domains] = await Promise.all([
    loadSyncedUsers(users).then((result) => {
      if (timings) timings.usersReadMs = Date.now() - started;
      return result;
    }),
    snapshots.reload((ms) => {
      if (timings) timings.directoryReadMs = Math.max(timings.directoryReadMs, ms);
    }),
  ]);
  return { users: synced, domains };
}

/** Zeroed timings for a cycle. */
export function newTimings(): CycleTimings {
  return { directoryReadMs: 0, usersReadMs: 0, pageWaitMs: 0, processMs: 0, logMs: 0 };
}

/** Runs one full cycle and returns its summary. Throws when the cycle cannot go on (fatal errors). */
export async function runSyncCycle(options: SyncCycleOptions): Promise<SyncSummary> {
  const { context } = options;
  const started = context.now();
  const summary = newSummary(context.cycleId, context.dryRun, started);
  // The first mailbox pages download while AD and Graph are read.
  const pages = readAhead(options.mailboxes.getMailboxPages({ filter: FULL_CYCLE_FILTER, select: MAILBOX_SELECT }), MAILBOX_PAGES_AHEAD);
  const timings = newTimings();
  summary.timings = timings;
  const sources = await loadFullCycleSources(options.users, new DomainSnapshots(context.domains), timings).catch(async (error: unknown) => {
    await pages.close().catch(() => undefined);
    throw error;
  });
  const { users, domains } = sources;
  const ctx: ProcessContext = { ...context, domains, lookupUser: (id) => Promise.resolve(users.get(id)) };

  let mark = Date.now();
  for await (const page of pages) {
    timings.pageWaitMs += Date.now() - mark;
    mark = Date.now();
    const records: ProvisioningRecord[] = [];
    const rest = countCloudSideSkips(page, summary);
    options.onProgress?.(summary);
    const outcomes = await mapConcurrent(rest, { limit: OBJECTS_IN_FLIGHT }, (mailbox) => processMailbox(mailbox, ctx));
    for (const outcome of outcomes) {
      if (!outcome) continue;
      summary.mailboxesRead++;
      countOutcome(summary, outcome);
      if (isRecorded(outcome)) records.push(outcome.record);
      options.onProgress?.(summary);
    }
    timings.processMs += Date.now() - mark;
    mark = Date.now();
    await options.log.append(records);
    timings.logMs += Date.now() - mark;
    mark = Date.now();
  }
  summary.durationMs = context.now().getTime() - started.getTime();
  return summary;
}

/**
 * Whether an outcome gets a provisioning log record: cloud-side skips are counted, not logged,
 * every cycle (spec §6); everything from matching on is logged.
 */
export function isRecorded(outcome: MailboxOutcome): boolean {
  return outcome.kind !== 'skipped' || outcome.reason === 'OutOfScopeContainer' || outcome.reason === 'DomainNotServed';
}

/**
 * Counts the mailboxes of a page that Exchange Online's own properties put out of scope (see
 * {@link cloudSideSkip}) and returns the others, for the pipeline.
 */
export function countCloudSideSkips(page: readonly ExoRecord[], summary: SyncSummary): ExoRecord[] {
  const rest: ExoRecord[] = [];
  for (const mailbox of page) {
    const reason = cloudSideSkip(mailbox);
    if (reason === null) {
      rest.push(mailbox);
      continue;
    }
    summary.mailboxesRead++;
    summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
  }
  return rest;
}

/** Total failed objects of a summary. */
export function failedCount(summary: SyncSummary): number {
  return Object.values(summary.failed).reduce<number>((a, b) => a + (b ?? 0), 0);
}
