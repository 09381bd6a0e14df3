/**
 * Quarantine (spec §7): job-level conditions under which no object can succeed. The job stops
 * with a reason, retries at growing intervals, and a successful cycle lifts it.
 */

/**
 * - `AuthenticationRefused`: a credential or permission was refused (token request, app roles,
 *   LDAP bind) — nothing works until an admin fixes it.
 * - `SchemaMissing`: AD's schema lacks the Exchange attributes.
 * - `MostWritesDenied`: most writes of a cycle were refused with insufficient access rights — a
 *   delegation was removed or never made; failing every object one by one would only bury the cause.
 * - `DirectoryUnreachable`: no DC could be reached or verified (TLS).
 * - `CloudUnreachable`: Exchange Online / Graph could not be reached, or kept answering 429/503/504.
 */
export type QuarantineReason = 'AuthenticationRefused' | 'SchemaMissing' | 'MostWritesDenied' | 'DirectoryUnreachable' | 'CloudUnreachable';

/** Every reason, for exhaustive tests and documentation. */
export const QUARANTINE_REASONS: readonly QuarantineReason[] = ['AuthenticationRefused', 'SchemaMissing', 'MostWritesDenied', 'DirectoryUnreachable', 'CloudUnreachable'];

/** LDAP result 17 undefinedAttributeType: the attribute does not exist in the schema — for every object. */
const LDAP_UNDEFINED_ATTRIBUTE_TYPE = 17;

const BY_CODE: Readonly<Record<string, QuarantineReason>> = {
  TokenRequestFailed: 'AuthenticationRefused',
  CloudAccessDenied: 'AuthenticationRefused',
  DirectoryBindFailed: 'AuthenticationRefused',
  DirectoryUnreachable: 'DirectoryUnreachable',
  // The DC answered but its certificate does not verify: no trustworthy DC is reachable.
  DirectoryTlsFailed: 'DirectoryUnreachable',
  CloudUnreachable: 'CloudUnreachable',
  // Still 429/503/504 after the client's own retries: the cloud is not usable right now.
  CloudThrottled: 'CloudUnreachable',
  // A code a pre-flight check may report directly.
  SchemaMissing: 'SchemaMissing',
};

/**
 * The quarantine reason of an error code (the stable `code` of an `ExoWritebackError`), or null
 * when the error concerns one object only and must stay a per-object failure.
 *
 * `DirectoryAccessDenied` is per-object (one object outside the delegated OUs): null — a cycle
 * where most writes are denied is judged by {@link quarantineReasonForCycle} instead.
 * `ldapResultCode` (the directory error's `resultCode`) lets one error prove the schema missing:
 * 17 undefinedAttributeType on `DirectoryConstraintViolation` or `DirectoryOperationFailed` →
 * `SchemaMissing` (an attribute type missing from the schema is missing for every object).
 * 65 objectClassViolation is not enough on its own: it can be about one object.
 */
export function quarantineReasonForError(code: string, ldapResultCode?: number | null): QuarantineReason | null {
  if (Object.hasOwn(BY_CODE, code)) return BY_CODE[code]!;
  if ((code === 'DirectoryConstraintViolation' || code === 'DirectoryOperationFailed') && ldapResultCode === LDAP_UNDEFINED_ATTRIBUTE_TYPE) return 'SchemaMissing';
  return null;
}

/** Default share of denied writes above which a cycle quarantines: more than half. */
export const DEFAULT_MOST_WRITES_DENIED_FRACTION = 0.5;
/** Fewest attempted writes for the share to mean anything: with fewer, each object just fails on its own. */
export const MOST_WRITES_DENIED_MIN_ATTEMPTED = 10;

/**
 * `MostWritesDenied` when at least `minAttempted` writes were attempted in the cycle and more than
 * `threshold` (a fraction, default 0.5) of them were refused with access denied; otherwise null.
 * `attempted` counts objects whose write was sent (not unchanged or skipped ones); `accessDenied`
 * those refused with `DirectoryAccessDenied`. Below `minAttempted` the denied objects are ordinary
 * per-object failures (retried, then reported). Throws RangeError for inconsistent counts or a
 * threshold outside 0..1.
 */
export function quarantineReasonForCycle(
  counts: { attempted: number; accessDenied: number },
  threshold: number = DEFAULT_MOST_WRITES_DENIED_FRACTION,
  minAttempted: number = MOST_WRITES_DENIED_MIN_ATTEMPTED,
): QuarantineReason | null {
  const { attempted, accessDenied } = counts;
  if (!(Number.isSafeInteger(attempted) && attempted >= 0 && Number.isSafeInteger(accessDenied) && accessDenied >= 0 && accessDenied <= attempted)) {
    throw new RangeError(`Inconsistent counts: ${accessDenied} denied of ${attempted} attempted.`);
  }
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be a fraction in 0..1, not ${threshold}.`);
  if (attempted === 0 || attempted < minAttempted) return null;
  return accessDenied > threshold * attempted ? 'MostWritesDenied' : null;
}

/** Waits between quarantine retries: the n-th consecutive failure waits `intervalsMs[n−1]`, the last one repeating. */
export interface QuarantinePolicy {
  intervalsMs: readonly number[];
}

/**
 * Defaults: 1, 2, 5, 10, 30 minutes, then every 60 minutes. A DC reboot or a short cloud outage
 * is over within the first few retries; an expired secret or a removed delegation needs a human,
 * and probing once an hour keeps the logs readable and the IdP/DC from seeing a login storm,
 * while the fix still takes effect within the hour (or at once with `restart`).
 */
export const DEFAULT_QUARANTINE_POLICY: QuarantinePolicy = Object.freeze({
  intervalsMs: Object.freeze([1, 2, 5, 10, 30, 60].map((minutes) => minutes * 60_000)),
});

/**
 * When the quarantined job should try again, after its `consecutiveFailures`-th failed cycle in a
 * row (1 = just quarantined; values below 1 are treated as 1). Throws RangeError for an empty or
 * non-positive interval list.
 */
export function nextQuarantineAttempt(consecutiveFailures: number, now: Date, policy: QuarantinePolicy = DEFAULT_QUARANTINE_POLICY): Date {
  const { intervalsMs } = policy;
  if (intervalsMs.length === 0 || !intervalsMs.every((ms) => Number.isFinite(ms) && ms > 0)) {
    throw new RangeError('intervalsMs must list at least one positive interval.');
  }
  const n = Number.isFinite(consecutiveFailures) ? Math.max(1, Math.floor(consecutiveFailures)) : intervalsMs.length;
  const interval = intervalsMs[Math.min(n, intervalsMs.length) - 1]!;
  return new Date(now.getTime() + interval);
}
