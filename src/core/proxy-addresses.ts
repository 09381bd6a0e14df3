/**
 * proxyAddresses rules (spec §2.2, a **Decision**: Microsoft does not document them): which values
 * AD should hold for a cloud-managed mailbox, and the smallest modification that gets it there.
 */
import type { AttributeChange } from './attribute-change.js';
import { catalogueAttribute } from './attribute-catalogue.js';
import { objectFailure, type ObjectFailure } from './object-failure.js';
import { caseFold, describeValue, findInvalidCharacter, isSmtpAddress } from './text-values.js';

/** Longest proxyAddresses value AD accepts (from the catalogue). */
export const PROXY_ADDRESS_MAX_LENGTH = catalogueAttribute('proxyAddresses')?.maxLength ?? 1123;

/** Types never written to AD by default: SharePoint's `SPO:` addresses exist only in the cloud. */
export const DEFAULT_CLOUD_ONLY_PROXY_TYPES: readonly string[] = ['SPO'];

/** Types kept from AD by default: old legacyExchangeDN (X500) and X400 addresses keep old mail deliverable. */
export const DEFAULT_PRESERVED_PROXY_TYPES: readonly string[] = ['X500', 'X400'];

/** Options of {@link desiredProxyAddresses}; type names match case-insensitively. */
export interface ProxyAddressOptions {
  cloudOnlyTypes: string[];
  preservedTypes: string[];
}

/** A proxy address split at its first colon. */
export interface ProxyAddress {
  /** As written: `SMTP` (primary), `smtp` (secondary), `X500`, `SIP`, … */
  type: string;
  address: string;
}

/** Splits `TYPE:address`; null when the value has no letters/digits type or no address. */
export function parseProxyAddress(value: string): ProxyAddress | null {
  const match = /^([A-Za-z0-9]+):(.+)$/su.exec(value);
  return match ? { type: match[1]!, address: match[2]! } : null;
}

/** True for the one primary SMTP address: the type is exactly upper-case `SMTP`. */
export function isPrimarySmtp(value: string): boolean {
  return parseProxyAddress(value)?.type === 'SMTP';
}

/**
 * The identity of a proxy address for diffing: the type prefix exactly as written (so `SMTP:`
 * vs `smtp:` — primary vs secondary — is a difference) and the address case-insensitively (so a
 * case-only difference in the address is not worth a write).
 */
export function proxyAddressKey(value: string): string {
  const colon = value.indexOf(':');
  return colon < 0 ? caseFold(value) : `${value.slice(0, colon)}:${caseFold(value.slice(colon + 1))}`;
}

type Result = { ok: true; values: string[] } | { ok: false; failure: ObjectFailure };

/** Checks one cloud value that will be written; null when it is fine. */
function invalidCloudValue(value: string, parsed: ProxyAddress | null): ObjectFailure | null {
  const bad = findInvalidCharacter(value);
  if (bad) return objectFailure('InvalidCharacters', `proxyAddresses value ${describeValue(value)} contains the control character ${bad}.`);
  if (value.length > PROXY_ADDRESS_MAX_LENGTH) {
    return objectFailure('ValueTooLong', `proxyAddresses value ${describeValue(value)} is ${value.length} characters long; AD allows ${PROXY_ADDRESS_MAX_LENGTH}.`);
  }
  if (!parsed) return objectFailure('InvalidProxyAddress', `proxyAddresses value ${describeValue(value)} is not of the form TYPE:address.`);
  if (parsed.type.toUpperCase() === 'SMTP' && !isSmtpAddress(parsed.address)) {
    return objectFailure('InvalidProxyAddress', `proxyAddresses value ${describeValue(value)} is not a valid SMTP address (local@domain, no spaces).`);
  }
  return null;
}

/**
 * The proxyAddresses AD should hold: the cloud's `EmailAddresses` minus cloud-only types, plus
 * every current AD value of a preserved type the cloud does not have (compared
 * case-insensitively). Fails — and nothing is written for the object — when a value that would be
 * written is malformed, two cloud values differ only in case (AD cannot hold both), or the cloud
 * does not have exactly one `SMTP:` primary equal to `WindowsEmailAddress` (case-insensitively).
 * Cloud-only values are dropped unchecked: they are never written. AD values are not validated
 * either: they are kept exactly as AD holds them.
 */
export function desiredProxyAddresses(
  cloud: { emailAddresses: string[]; windowsEmailAddress: string },
  currentAd: string[],
  options: ProxyAddressOptions,
): Result {
  const cloudOnly = new Set(options.cloudOnlyTypes.map((t) => t.toUpperCase()));
  const preserved = new Set(options.preservedTypes.map((t) => t.toUpperCase()));

  const values: string[] = [];
  const seen = new Map<string, string>();
  for (const value of cloud.emailAddresses) {
    const parsed = parseProxyAddress(value);
    if (parsed && cloudOnly.has(parsed.type.toUpperCase())) continue;
    const invalid = invalidCloudValue(value, parsed);
    if (invalid) return { ok: false, failure: invalid };
    const earlier = seen.get(caseFold(value));
    if (earlier !== undefined) {
      return {
        ok: false,
        failure: objectFailure('DuplicateValues', `EmailAddresses holds ${describeValue(earlier)} and ${describeValue(value)}, which AD treats as the same proxyAddresses value.`),
      };
    }
    seen.set(caseFold(value), value);
    values.push(value);
  }

  const primaries = values.filter(isPrimarySmtp);
  if (primaries.length === 0) {
    return { ok: false, failure: objectFailure('MissingPrimarySmtpAddress', 'EmailAddresses has no primary address (upper-case SMTP:).') };
  }
  if (primaries.length > 1) {
    return {
      ok: false,
      failure: objectFailure('MultiplePrimarySmtpAddresses', `EmailAddresses has ${primaries.length} primary addresses: ${primaries.map(describeValue).join(', ')}.`),
    };
  }
  const primary = primaries[0]!;
  const primaryAddress = parseProxyAddress(primary)!.address;
  if (caseFold(primaryAddress) !== caseFold(cloud.windowsEmailAddress)) {
    const wea = cloud.windowsEmailAddress === '' ? 'is empty' : `is ${describeValue(cloud.windowsEmailAddress)}`;
    return { ok: false, failure: objectFailure('PrimaryMismatch', `The primary address ${describeValue(primary)} does not match WindowsEmailAddress, which ${wea}.`) };
  }

  for (const value of currentAd) {
    const parsed = parseProxyAddress(value);
    if (!parsed || !preserved.has(parsed.type.toUpperCase())) continue;
    if (seen.has(caseFold(value))) continue;
    seen.set(caseFold(value), value);
    values.push(value);
  }
  return { ok: true, values };
}

/**
 * The minimal value-level modification turning `current` into `desired`, so a concurrent on-prem
 * edit of an unrelated value is never clobbered (a full replace would be).
 *
 * Values are matched by {@link proxyAddressKey}: exact type prefix, case-insensitive address. A
 * current value whose key is desired stays untouched (even if its address case differs). A change
 * of the prefix case — promoting `smtp:a@x` to `SMTP:a@x`, or demoting the old primary — is a
 * delete of the exact current value plus an add of the new one. Because AD matches values
 * case-insensitively, that add would collide with the old value unless the delete runs first, so
 * the result is ordered: one `delete` (all removed values) before one `add` (all new values).
 * AD and Samba apply the operations of one modify in order and atomically, so the pair is safe.
 *
 * Precondition: `desired` holds no two values that are equal case-insensitively (as
 * {@link desiredProxyAddresses} guarantees). Returns `[]` when nothing changes.
 */
export function proxyAddressChanges(current: string[], desired: string[]): AttributeChange[] {
  return valueLevelChanges('proxyAddresses', current, desired, proxyAddressKey);
}

/**
 * Value-level delete/add of a multi-valued attribute by a key function: current values whose key
 * is not desired are deleted (exact current spelling, which AD matches), desired values whose key
 * is not current are added. Deletes come first so a case-variant add never collides.
 */
export function valueLevelChanges(attribute: string, current: readonly string[], desired: readonly string[], keyOf: (value: string) => string): AttributeChange[] {
  // The same distinct values, in any order (the usual case): nothing to do, and no keys to compute.
  if (current.length === desired.length) {
    const unmatched = new Set(current);
    if (unmatched.size === current.length && desired.every((v) => unmatched.delete(v))) return [];
  }
  const desiredKeys = new Set(desired.map(keyOf));
  const currentKeyList = current.map(keyOf);
  const currentKeys = new Set(currentKeyList);
  const deletes = current.filter((_, i) => !desiredKeys.has(currentKeyList[i]!));
  const adds: string[] = [];
  const added = new Set<string>();
  for (const value of desired) {
    const key = keyOf(value);
    if (currentKeys.has(key) || added.has(key)) continue;
    added.add(key);
    adds.push(value);
  }
  const changes: AttributeChange[] = [];
  if (deletes.length > 0) changes.push({ operation: 'delete', attribute, values: deletes });
  if (adds.length > 0) changes.push({ operation: 'add', attribute, values: adds });
  return changes;
}
