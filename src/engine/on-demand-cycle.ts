/**
 * Provision on demand inside the service (the console's "Provision"): the same pipeline as the
 * `provision` command, but recorded as an `on-demand` cycle in the state store — the write behind
 * an intent, journaled (so it can be undone), and its record in the provisioning logs.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';
import type { StateStore } from '../store/state-store.js';
import type { MailboxSource, UserSource } from './engine-ports.js';
import { processMailbox, type Initiator, type MailboxOutcome, type ProcessContext } from './process-mailbox.js';
import { readMailboxForProvision } from './provision-on-demand.js';
import { commitOutcome, intentWriter } from './service-cycle.js';

/** What an on-demand cycle needs. */
export interface OnDemandDeps {
  store: StateStore;
  mailboxes: MailboxSource;
  users: UserSource;
  context: Omit<ProcessContext, 'lookupUser' | 'cycleId' | 'dryRun' | 'writer' | 'initiatedBy'>;
  logger: Logger;
}

/** The outcome, and the cycle that recorded it. */
export interface OnDemandResult {
  cycleId: string;
  outcome: MailboxOutcome;
}

/**
 * Runs the pipeline for one identity as its own cycle. A dry run records the log entry (marked
 * as a dry run) and writes nothing. Throws ExoObjectNotFoundError for an unknown identity.
 */
export async function runOnDemandCycle(identity: string, deps: OnDemandDeps, options: { dryRun: boolean; initiatedBy: Initiator }): Promise<OnDemandResult> {
  const { store, context } = deps;
  const mailbox = await readMailboxForProvision(deps.mailboxes, identity);
  const cycleId = await store.startCycle({ kind: 'on-demand', dryRun: options.dryRun, id: randomUUID(), startedAt: context.now() });
  let intentId: number | undefined;
  try {
    const outcome = await processMailbox(mailbox, {
      ...context, cycleId, dryRun: options.dryRun, initiatedBy: options.initiatedBy,
      lookupUser: (id) => deps.users.getUser(id),
      writer: intentWriter(store, cycleId, (id) => (intentId = id)),
    });
    if (options.dryRun) await store.commitObjectResult({ cycleId, record: outcome.record });
    else await commitOutcome(outcome, intentId, 'on-demand', cycleId, deps);
    await store.commitCycle({ cycleId, outcome: 'success', counts: onDemandCounts(outcome) });
    return { cycleId, outcome };
  } catch (error) {
    // A fatal error (DC or cloud gone) leaves any intent for start-up recovery; the cycle says why it ended.
    if (intentId === undefined) {
      const code = error instanceof ExoWritebackError ? error.code : 'Unexpected';
      await store.finishCycle(cycleId, { outcome: 'failed', counts: {}, error: { code, message: error instanceof Error ? error.message : String(error) } }).catch(() => undefined);
    }
    throw error;
  }
}

/** The cycle's counts, keyed as the service's cycles key them. */
function onDemandCounts(outcome: MailboxOutcome): Record<string, number> {
  switch (outcome.kind) {
    case 'updated':
      return { mailboxesRead: 1, inScope: 1, updated: 1, valuesAdded: outcome.valuesAdded, valuesRemoved: outcome.valuesRemoved };
    case 'unchanged':
      return { mailboxesRead: 1, inScope: 1, unchanged: 1 };
    case 'skipped':
      return { mailboxesRead: 1, [`skipped.${outcome.reason}`]: 1 };
    case 'failed':
      return { mailboxesRead: 1, [`failed.${outcome.failure.code}`]: 1 };
  }
}
