/**
 * Provision on demand: the whole pipeline for one user, named by UPN, SMTP address, alias,
 * Entra object id or mailbox GUID (anything `Get-Mailbox -Identity` accepts), with every step
 * shown. Unlike Microsoft's, it has a dry run.
 */
import { ExoObjectNotFoundError } from '../cloud/cloud-errors.js';
import type { ExoRecord } from '../cloud/exo-client.js';
import type { MailboxSource, ProvisioningLogSink, UserSource } from './engine-ports.js';
import { MAILBOX_SELECT, processMailbox, type MailboxOutcome, type ProcessContext } from './process-mailbox.js';

/** Options of {@link provisionOnDemand}. */
export interface ProvisionOptions {
  identity: string;
  mailboxes: MailboxSource;
  users: UserSource;
  log: ProvisioningLogSink;
  context: Omit<ProcessContext, 'lookupUser'>;
}

/** The mailbox of `identity` with every property the pipeline reads. Throws ExoObjectNotFoundError when there is none. */
export async function readMailboxForProvision(mailboxes: MailboxSource, identity: string): Promise<ExoRecord> {
  const record = await mailboxes.getMailbox(identity, MAILBOX_SELECT);
  if (!record) throw new ExoObjectNotFoundError(`Exchange Online has no mailbox '${identity}'`, 404, null, null);
  return record;
}

/** Runs the pipeline for one mailbox and logs its record. Throws ExoObjectNotFoundError for an unknown identity. */
export async function provisionOnDemand(options: ProvisionOptions): Promise<MailboxOutcome> {
  const record = await readMailboxForProvision(options.mailboxes, options.identity);
  const outcome = await processMailbox(record, { ...options.context, lookupUser: (id) => options.users.getUser(id) });
  await options.log.append([outcome.record]);
  return outcome;
}
