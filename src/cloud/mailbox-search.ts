/**
 * The console's user search as one `Get-Mailbox -Filter`: the start of the display name, alias,
 * UPN or SMTP address. Only trailing wildcards: Exchange Online refuses a filter value that starts
 * with one. Pure; the term is quoted for OPATH, never spliced raw.
 */

/** Thrown for a search term that cannot be searched for (empty, too long, control characters). */
export class InvalidSearchTermError extends RangeError {}

/** Properties the console shows for a search hit. */
export const MAILBOX_SEARCH_SELECT = ['DisplayName', 'UserPrincipalName', 'PrimarySmtpAddress', 'Alias', 'ExternalDirectoryObjectId', 'RecipientTypeDetails', 'IsDirSynced', 'IsExchangeCloudManaged'] as const;

/**
 * An OPATH filter matching `term`. Wildcards typed by the user are taken literally by dropping
 * them (Exchange has no escape for `*`); single quotes are doubled, as OPATH strings require.
 */
export function mailboxSearchFilter(term: string): string {
  const text = term.trim().replace(/\*/g, '');
  if (!text) throw new InvalidSearchTermError('type part of a name, alias, UPN or address');
  if (text.length > 256) throw new InvalidSearchTermError('the search term is longer than 256 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new InvalidSearchTermError('the search term contains control characters');
  const q = text.replace(/'/g, "''");
  return [`DisplayName -like '${q}*'`, `Alias -like '${q}*'`, `UserPrincipalName -like '${q}*'`, `EmailAddresses -like 'smtp:${q}*'`].map((c) => `(${c})`).join(' -or ');
}
