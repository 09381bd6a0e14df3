/**
 * One full cycle over the tenant: stream every dir-synced mailbox from Exchange Online, look up
 * the Entra users of each page's in-scope mailboxes, and run the per-object pipeline. Out-of-scope
 * mailboxes are counted, not logged one by one (spec §6); everything that reaches matching gets a
 * log record.
 */
import type { FailureCode } from '../core/object-failure.js';
import type { SkipReason } from '../core/scoping.js';
import { mapConcurrent } from '../async/concurrent-map.js';
import { readAhead } from '../async/read-ahead.js';
import { DomainSnapshots } from './domain-snapshots.js';
import { preparePages, type PreparedPage } from './prepared-pages.js';
import type { MailboxSource, ProvisioningLogSink, ServedDomain, UserSource } from './engine-ports.js';
import type { ExoRecord } from '../cloud/exo-client.js';
import { MAILBOX_SELECT, processMailbox, type MailboxOutcome, type ParsedMailbox, type ProcessContext } from './process-mailbox.js';

/** Counts of one cycle. */
export interface SyncSummary {
  cycleId: string;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /**
   * Where a full cycle's time went (ms): reading AD at the start (the first mailbox pages and
   * their Entra users download meanwhile), looking up Entra users (per page, ahead of
   * processing, so it overlaps the rest), then the time spent waiting for prepared pages,
   * processing them (matching, diff, writes, handing each log record over) and waiting for log
   * records to be written (a page's, while the next page is processed).
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
 * The AD side of a full cycle: every AD user of each domain, one paged LDAP read a domain (see
 * {@link DomainSnapshots}). Per-mailbox lookups would cost three LDAP searches per mailbox.
 */
export function loadFullCycleDomains(snapshots: DomainSnapshots, timings?: CycleTimings): Promise<ServedDomain[]> {
  return snapshots.reload((ms) => {
    if (timings) timings.directoryReadMs = Math.max(timings.directoryReadMs, ms);
  });
}

/**
 * A cycle's mailbox pages, read ahead and prepared (cloud-side scope, Entra users) while earlier
 * pages — and, at the start of a full cycle, AD — are worked on. Two stages, each ahead of the
 * next: the next Exchange Online pages download while a page's users are looked up, so a cycle
 * waits for the slower of the two services, not for both one after the other.
 */
export function preparedPagesAhead(mailboxes: MailboxSource, users: UserSource, filter: string, timings?: CycleTimings) {
  const pages = readAhead(mailboxes.getMailboxPages({ filter, select: MAILBOX_SELECT }), MAILBOX_PAGES_AHEAD);
  return readAhead(preparePages(pages, users, (ms) => {
    if (timings) timings.usersReadMs += ms;
  }), MAILBOX_PAGES_AHEAD);
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
  const timings = newTimings();
  summary.timings = timings;
  // The first mailbox pages and their users download while AD is read.
  const pages = preparedPagesAhead(options.mailboxes, options.users, FULL_CYCLE_FILTER, timings);
  const domains = await loadFullCycleDomains(new DomainSnapshots(context.domains), timings).catch(async (error: unknown) => {
    await pages.close().catch(() => undefined);
    throw error;
  });

  let mark = Date.now();
  // The previous page's log writes: awaited at the end of the next page, so they overlap its work.
  let earlier = new Set<Promise<void>>();
  for await (const page of pages) {
    timings.pageWaitMs += Date.now() - mark;
    mark = Date.now();
    const rest = countCloudSideSkips(page, summary);
    options.onProgress?.(summary);
    const ctx: ProcessContext = { ...context, domains, lookupUser: page.lookupUser };
    const writes = new Set<Promise<void>>();
    try {
      await mapConcurrent(rest, { limit: OBJECTS_IN_FLIGHT }, async (mailbox) => {
        const outcome = await processMailbox(mailbox.record, ctx, mailbox.parsed);
        summary.mailboxesRead++;
        countOutcome(summary, outcome);
        // Logged now, not when the page is done, and not kept: an outcome holds its record and its
        // AD object, and a page of them outliving many young-generation collections cost more
        // CPU than the processing itself (docs/performance.md).
        if (isRecorded(outcome)) track(writes, options.log.append([outcome.record]));
        options.onProgress?.(summary);
      });
    } catch (error) {
      // What was logged before the failure stays logged.
      await Promise.allSettled([...earlier, ...writes]);
      throw error;
    }
    timings.processMs += Date.now() - mark;
    mark = Date.now();
    await Promise.all(earlier);
    earlier = writes;
    timings.logMs += Date.now() - mark;
    mark = Date.now();
  }
  await Promise.all(earlier);
  timings.logMs += Date.now() - mark;
  summary.durationMs = context.now().getTime() - started.getTime();
  return summary;
}

/**
 * Adds a log write to `writes` once (the sink hands many records the same write), marked as
 * handled: a write that fails before the cycle awaits it (at the end of the next page) must reach
 * the cycle as its error, not end the process as an unhandled rejection.
 */
function track(writes: Set<Promise<void>>, write: Promise<void>): void {
  if (writes.has(write)) return;
  write.catch(() => undefined);
  writes.add(write);
}

/**
 * Whether an outcome gets a provisioning log record: cloud-side skips are counted, not logged,
 * every cycle (spec §6); everything from matching on is logged.
 */
export function isRecorded(outcome: MailboxOutcome): boolean {
  return outcome.kind !== 'skipped' || outcome.reason === 'OutOfScopeContainer' || outcome.reason === 'DomainNotServed';
}

/** A mailbox for the pipeline: its record and the record read as a mailbox. */
export interface PipelineMailbox {
  record: ExoRecord;
  parsed: ParsedMailbox;
}

/**
 * Counts the mailboxes of a prepared page that Exchange Online's own properties put out of scope
 * (see {@link PreparedPage.cloudSkips}) and returns the others, for the pipeline. `include`
 * picks the mailboxes to consider (default: all).
 */
export function countCloudSideSkips(page: PreparedPage, summary: SyncSummary, include: (index: number) => boolean = () => true): PipelineMailbox[] {
  const rest: PipelineMailbox[] = [];
  page.mailboxes.forEach((record, i) => {
    if (!include(i)) return;
    const reason = page.cloudSkips[i] ?? null;
    if (reason === null) {
      // Parsed for every mailbox not skipped on the cloud side (see PreparedPage.parsed).
      rest.push({ record, parsed: page.parsed[i]! });
      return;
    }
    summary.mailboxesRead++;
    summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
  });
  return rest;
}

/** Total failed objects of a summary. */
export function failedCount(summary: SyncSummary): number {
  return Object.values(summary.failed).reduce<number>((a, b) => a + (b ?? 0), 0);
}
