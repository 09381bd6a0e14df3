/**
 * Resolution of an Exchange `-Identity` value to one mailbox: alias, name, UPN, any SMTP address
 * in EmailAddresses, ExternalDirectoryObjectId, Guid, ExchangeGuid, LegacyExchangeDN —
 * case-insensitively. Zero matches → not found; several → ambiguous.
 */
import { ambiguous, notFound } from './exo-errors.js';
import type { ExoMailbox } from './tenant-state.js';

/** Finds the mailbox `identity` designates. @throws CmdletError (404 / ambiguous) */
export function resolveMailbox(mailboxes: Iterable<ExoMailbox>, identity: string): ExoMailbox {
  const key = identity.trim().toLowerCase();
  const address = key.replace(/^smtp:/, '');
  const matches: ExoMailbox[] = [];
  for (const m of mailboxes) {
    if (
      m.Guid.toLowerCase() === key ||
      m.ExternalDirectoryObjectId.toLowerCase() === key ||
      m.ExchangeGuid.toLowerCase() === key ||
      m.Alias.toLowerCase() === key ||
      m.Name.toLowerCase() === key ||
      m.UserPrincipalName.toLowerCase() === key ||
      m.LegacyExchangeDN.toLowerCase() === key ||
      m.EmailAddresses.some((a) => /^smtp:/i.test(a) && a.slice(5).toLowerCase() === address)
    ) {
      matches.push(m);
    }
  }
  if (matches.length === 0) throw notFound(identity);
  if (matches.length > 1) throw ambiguous(identity);
  return matches[0] as ExoMailbox;
}
