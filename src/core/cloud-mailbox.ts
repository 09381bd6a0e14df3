/**
 * A mailbox as the engine reads it from Exchange Online (`Get-Mailbox` with
 * `EXO_MAILBOX_PROPERTIES`), typed. Parsing is strict about types and tolerant of absent
 * optional properties, so one odd record fails alone with a clear reason.
 */

/** The Exchange Online values the engine uses. */
export interface CloudMailbox {
  /** Entra object id of the mailbox's user (joins to Graph `id`). */
  externalDirectoryObjectId: string;
  /** EXO mailbox object GUID. */
  guid: string;
  alias: string;
  displayName: string;
  userPrincipalName: string;
  primarySmtpAddress: string;
  windowsEmailAddress: string;
  /** `EmailAddresses`, as Exchange holds them (`SMTP:` primary, `smtp:` secondaries, other types). */
  emailAddresses: string[];
  /** `RecipientTypeDetails`, e.g. `UserMailbox`, `SharedMailbox`. */
  recipientTypeDetails: string;
  isDirSynced: boolean;
  isExchangeCloudManaged: boolean;
  hiddenFromAddressListsEnabled: boolean;
  /** `CustomAttribute1..15`; index 0 is CustomAttribute1; `""` when unset. */
  customAttributes: string[];
  /** `ExtensionCustomAttribute1..5`; index 0 is ExtensionCustomAttribute1; `[]` when unset. */
  extensionCustomAttributes: string[][];
  /** `WhenChangedUTC` as Exchange formats it (ISO 8601, 7 fractional digits). */
  whenChangedUtc: string | null;
}

/** Why a record could not be read as a {@link CloudMailbox}. */
export interface CloudMailboxParseError {
  property: string;
  problem: string;
}

/** Reads one `Get-Mailbox` record (annotations already stripped). */
export function parseCloudMailbox(record: Record<string, unknown>): { ok: true; mailbox: CloudMailbox } | { ok: false; error: CloudMailboxParseError } {
  const problems: CloudMailboxParseError[] = [];
  const str = (name: string, required = true): string => {
    const value = record[name];
    if (typeof value === 'string') return value;
    if (value === null || value === undefined) {
      if (required) problems.push({ property: name, problem: 'is missing' });
      return '';
    }
    problems.push({ property: name, problem: `is a ${typeof value}, not a string` });
    return '';
  };
  const bool = (name: string): boolean => {
    const value = record[name];
    if (typeof value === 'boolean') return value;
    // Tolerate the string form some gateways use (unverified wire detail).
    if (value === 'True' || value === 'true') return true;
    if (value === 'False' || value === 'false' || value === null || value === undefined) return false;
    problems.push({ property: name, problem: `is not a boolean` });
    return false;
  };
  const list = (name: string): string[] => {
    const value = record[name];
    if (value === null || value === undefined) return [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    problems.push({ property: name, problem: 'is not a list of strings' });
    return [];
  };
  const mailbox: CloudMailbox = {
    externalDirectoryObjectId: str('ExternalDirectoryObjectId', false),
    guid: str('Guid'),
    alias: str('Alias', false),
    displayName: str('DisplayName', false),
    userPrincipalName: str('UserPrincipalName', false),
    primarySmtpAddress: str('PrimarySmtpAddress', false),
    windowsEmailAddress: str('WindowsEmailAddress', false),
    emailAddresses: list('EmailAddresses'),
    recipientTypeDetails: str('RecipientTypeDetails'),
    isDirSynced: bool('IsDirSynced'),
    isExchangeCloudManaged: bool('IsExchangeCloudManaged'),
    hiddenFromAddressListsEnabled: bool('HiddenFromAddressListsEnabled'),
    customAttributes: Array.from({ length: 15 }, (_, i) => str(`CustomAttribute${i + 1}`, false)),
    extensionCustomAttributes: Array.from({ length: 5 }, (_, i) => list(`ExtensionCustomAttribute${i + 1}`)),
    whenChangedUtc: str('WhenChangedUTC', false) || null,
  };
  const first = problems[0];
  return first ? { ok: false, error: first } : { ok: true, mailbox };
}
