/**
 * Per-object failures. One mailbox with bad data must fail alone, with a clear reason, while the
 * cycle goes on, so these are values returned by the core, never exceptions. Their shape is the
 * `errorInformation` of a provisioning log record (spec §6).
 */

/** Stable codes of per-object failures; documented in `docs/errors.md` ("Per-object failures"). */
export type FailureCode =
  | 'NoMatchingTarget'
  | 'DuplicateTargetEntries'
  | 'AnchorConflict'
  | 'InvalidAnchor'
  | 'InvalidProxyAddress'
  | 'DuplicateValues'
  | 'MissingPrimarySmtpAddress'
  | 'MultiplePrimarySmtpAddresses'
  | 'PrimaryMismatch'
  | 'InvalidEmailAddress'
  | 'ValueTooLong'
  | 'InvalidCharacters'
  | 'TooManyValues'
  | 'InvalidMailboxData'
  | 'MissingCloudUser'
  | 'AccessDenied'
  | 'DirectoryError'
  | 'CloudError';

/**
 * Who has to act: `NonServiceFailure` = the object's data (fix it in EXO/Entra/AD),
 * `ConfigurationFailure` = our configuration or the service account's rights,
 * `ServiceFailure` = a service misbehaved (usually transient; retried with backoff).
 */
export type ErrorCategory = 'NonServiceFailure' | 'ServiceFailure' | 'ConfigurationFailure';

/** Why one object could not be processed; becomes `provisioningStatusInfo.errorInformation`. */
export interface ObjectFailure {
  code: FailureCode;
  /** What went wrong for this object, naming the offending value. */
  reason: string;
  additionalDetails?: string;
  errorCategory: ErrorCategory;
  /** What an administrator should do about it. */
  recommendedAction: string;
}

interface FailureKind {
  category: ErrorCategory;
  action: string;
}

/** Category and recommended action per code; `satisfies` makes a missing code a compile error. */
export const FAILURE_KINDS = {
  NoMatchingTarget: {
    category: 'NonServiceFailure',
    action:
      'No AD user carries this user\'s anchors (mS-DS-ConsistencyGuid/objectGUID, objectSid, msDS-ExternalDirectoryObjectId). Check that the user exists in a domain and OU this configuration serves, that the service account can read it, and that Entra Connect Sync still syncs it.',
  },
  DuplicateTargetEntries: {
    category: 'NonServiceFailure',
    action:
      'Several AD objects carry the same anchor (often a restored or copied account). Remove or correct the duplicate anchor value on the objects that are not the synced user; nothing is written until exactly one object matches.',
  },
  AnchorConflict: {
    category: 'NonServiceFailure',
    action:
      'The user\'s anchors point at different AD objects (for example a stale msDS-ExternalDirectoryObjectId on another account). Find the object named in the details that is not the synced user and clear its stale anchor.',
  },
  InvalidAnchor: {
    category: 'NonServiceFailure',
    action:
      'The Entra user\'s onPremisesImmutableId or onPremisesSecurityIdentifier cannot be used as an anchor (the immutable id must be the base64 of a 16-byte GUID). Check the Entra Connect source anchor configuration for this user.',
  },
  InvalidProxyAddress: {
    category: 'NonServiceFailure',
    action: 'Correct the email address named in the reason in Exchange Online (Set-Mailbox -EmailAddresses); it must have the form TYPE:address.',
  },
  DuplicateValues: {
    category: 'NonServiceFailure',
    action:
      'AD compares these values case-insensitively and cannot hold two that differ only in case. Remove one of the values named in the reason in Exchange Online.',
  },
  MissingPrimarySmtpAddress: {
    category: 'NonServiceFailure',
    action: 'Give the mailbox exactly one primary address (upper-case SMTP:) in Exchange Online, matching WindowsEmailAddress.',
  },
  MultiplePrimarySmtpAddresses: {
    category: 'NonServiceFailure',
    action: 'Keep exactly one primary address (upper-case SMTP:) on the mailbox in Exchange Online; make the others secondary (smtp:).',
  },
  PrimaryMismatch: {
    category: 'NonServiceFailure',
    action: 'Make WindowsEmailAddress and the primary SMTP: address of the mailbox agree in Exchange Online (Set-Mailbox -WindowsEmailAddress or -PrimarySmtpAddress).',
  },
  InvalidEmailAddress: {
    category: 'NonServiceFailure',
    action: 'Correct WindowsEmailAddress of the mailbox in Exchange Online; it must be a valid SMTP address of at most 256 characters.',
  },
  ValueTooLong: {
    category: 'NonServiceFailure',
    action: 'Shorten the value named in the reason in Exchange Online; AD refuses values longer than the attribute\'s limit.',
  },
  InvalidCharacters: {
    category: 'NonServiceFailure',
    action: 'Remove the control characters (tab, line breaks, other invisible characters) from the value named in the reason in Exchange Online.',
  },
  TooManyValues: {
    category: 'NonServiceFailure',
    action: 'Reduce the number of values of the attribute named in the reason in Exchange Online.',
  },
  InvalidMailboxData: {
    category: 'NonServiceFailure',
    action: 'Exchange Online returned data the engine cannot use for this mailbox (see the reason). Check the mailbox with Get-Mailbox; if it looks right, report it with the details.',
  },
  MissingCloudUser: {
    category: 'NonServiceFailure',
    action:
      'The mailbox\'s ExternalDirectoryObjectId names no Entra user. If the user was just created or deleted, the next cycle resolves it; otherwise check the mailbox\'s ExternalDirectoryObjectId in Exchange Online.',
  },
  AccessDenied: {
    category: 'ConfigurationFailure',
    action:
      'The AD service account may not write this object. Delegate write property on the written attributes for user objects under the scoped OUs (see the delegation commands), and check that the object does not block inheritance (adminCount / protected groups).',
  },
  DirectoryError: {
    category: 'ServiceFailure',
    action: 'The domain controller refused or failed the operation (see the details). Transient errors are retried in later cycles; if it persists, check the DC and the details.',
  },
  CloudError: {
    category: 'ServiceFailure',
    action: 'Exchange Online or Microsoft Graph failed for this object (see the details). It is retried in later cycles; if it persists, check the service health and the details.',
  },
} as const satisfies Record<FailureCode, FailureKind>;

/** Every failure code, for documentation checks and exhaustive tests. */
export const FAILURE_CODES = Object.keys(FAILURE_KINDS) as FailureCode[];

/** Builds a failure, filling the category and the recommended action of its code. */
export function objectFailure(code: FailureCode, reason: string, additionalDetails?: string): ObjectFailure {
  const kind: FailureKind = FAILURE_KINDS[code];
  const failure: ObjectFailure = { code, reason, errorCategory: kind.category, recommendedAction: kind.action };
  if (additionalDetails !== undefined) failure.additionalDetails = additionalDetails;
  return failure;
}
