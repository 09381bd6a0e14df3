/**
 * The mapping (spec §2): the values AD should hold for one cloud-managed mailbox, for every
 * attribute of the configured set. Pure: the current AD values are an input because a few rules
 * keep what AD already has (preserved proxy types, ACL-able display type, remote-type flags).
 */
import { attributesOf, type AttributeSetName, type CatalogueAttribute } from './attribute-catalogue.js';
import type { CloudMailbox } from './cloud-mailbox.js';
import { attributeValuesOf, type AttributeValues } from './directory-object.js';
import { objectFailure, type ObjectFailure } from './object-failure.js';
import { desiredProxyAddresses } from './proxy-addresses.js';
import { remoteDisplayType, remoteRecipientType, remoteRecipientTypeDetails } from './recipient-types.js';
import { caseFold, describeValue, findInvalidCharacter, isSmtpAddress } from './text-values.js';

/** What a configuration decides about the mapping. */
export interface MappingOptions {
  attributeSet: AttributeSetName;
  /** proxyAddresses types never written (default `['SPO']`). */
  cloudOnlyProxyTypes: string[];
  /** proxyAddresses types kept from AD when the cloud lacks them (default `['X500', 'X400']`). */
  preservedProxyTypes: string[];
}

type Values = { ok: true; values: string[] } | { ok: false; failure: ObjectFailure };
type Mapped = { ok: true; desired: AttributeValues } | { ok: false; failure: ObjectFailure };

const ok = (values: string[]): Values => ({ ok: true, values });
const fail = (failure: ObjectFailure): Values => ({ ok: false, failure });

/** Control characters and length: the checks every written string gets. */
function checkString(attribute: CatalogueAttribute, value: string): ObjectFailure | null {
  const bad = findInvalidCharacter(value);
  if (bad) return objectFailure('InvalidCharacters', `${attribute.ldapName} value ${describeValue(value)} contains the control character ${bad}.`);
  if (attribute.maxLength !== undefined && value.length > attribute.maxLength) {
    return objectFailure('ValueTooLong', `${attribute.ldapName} value ${describeValue(value)} is ${value.length} characters long; AD allows ${attribute.maxLength}.`);
  }
  return null;
}

/** extensionAttributeN ← CustomAttributeN; `""` clears (**Decision**: mirror, never keep a stale value). */
function customAttribute(attribute: CatalogueAttribute, value: string): Values {
  if (value === '') return ok([]);
  const problem = checkString(attribute, value);
  return problem ? fail(problem) : ok([value]);
}

/**
 * msExchExtensionCustomAttributeN ← ExtensionCustomAttributeN, as a set. **Decision**: empty
 * strings are dropped (AD cannot store an empty value, and it carries nothing); exact duplicates
 * collapse into one value; two values differing only in case fail with `DuplicateValues`, because
 * AD matches these strings case-insensitively and cannot hold both, and silently picking one
 * would lose data.
 */
function extensionCustomAttribute(attribute: CatalogueAttribute, cloud: readonly string[]): Values {
  const values: string[] = [];
  const seen = new Map<string, string>();
  for (const value of cloud) {
    if (value === '') continue;
    const problem = checkString(attribute, value);
    if (problem) return fail(problem);
    const earlier = seen.get(caseFold(value));
    if (earlier === value) continue;
    if (earlier !== undefined) {
      return fail(objectFailure('DuplicateValues', `${attribute.exoSource} holds ${describeValue(earlier)} and ${describeValue(value)}, which AD treats as the same ${attribute.ldapName} value.`));
    }
    seen.set(caseFold(value), value);
    values.push(value);
  }
  if (attribute.maxValues !== undefined && values.length > attribute.maxValues) {
    return fail(objectFailure('TooManyValues', `${attribute.exoSource} has ${values.length} values; ${attribute.ldapName} allows ${attribute.maxValues}.`));
  }
  return ok(values);
}

/** mail ← WindowsEmailAddress, validated like an SMTP address. */
function mail(attribute: CatalogueAttribute, windowsEmailAddress: string): Values {
  const problem = checkString(attribute, windowsEmailAddress);
  if (problem) return fail(problem);
  if (!isSmtpAddress(windowsEmailAddress)) {
    return fail(objectFailure('InvalidEmailAddress', `WindowsEmailAddress ${describeValue(windowsEmailAddress)} is not a valid SMTP address (local@domain, no spaces).`));
  }
  return ok([windowsEmailAddress]);
}

/**
 * msExchHideFromAddressLists ← HiddenFromAddressListsEnabled. **Decision**: `true` writes `TRUE`.
 * `false` writes `FALSE` only when AD holds a value (un-hiding a hidden user, as
 * `Set-RemoteMailbox -HiddenFromAddressListsEnabled $false` does); when AD has no value it stays
 * absent, which Exchange reads as "not hidden" too — so never-hidden users get no write at all.
 */
function hideFromAddressLists(hidden: boolean, current: readonly string[]): Values {
  if (hidden) return ok(['TRUE']);
  return ok(current.length === 0 ? [] : ['FALSE']);
}

const single = (values: readonly string[]): string | null => values[0] ?? null;

type Numbered = { kind: 'custom' | 'extension'; index: number } | null;

const NUMBERED = new Map<string, Numbered>();

/** extensionAttributeN → CustomAttributeN, msExchExtensionCustomAttributeN → ExtensionCustomAttributeN (0-based index); null for the others. Decided once per name. */
function numberedAttribute(name: string): Numbered {
  let numbered = NUMBERED.get(name);
  if (numbered === undefined) {
    const custom = /^extensionAttribute(\d+)$/.exec(name);
    const extension = /^msExchExtensionCustomAttribute(\d+)$/.exec(name);
    numbered = custom ? { kind: 'custom', index: Number(custom[1]) - 1 } : extension ? { kind: 'extension', index: Number(extension[1]) - 1 } : null;
    NUMBERED.set(name, numbered);
  }
  return numbered;
}

/**
 * The values AD should hold, for every attribute of `options.attributeSet` (`[]` = absent), or the
 * first failure in catalogue order. The mailbox must be in scope (a supported recipient type);
 * an unsupported one fails with `InvalidMailboxData` rather than throwing.
 */
export function desiredAttributes(mailbox: CloudMailbox, current: AttributeValues, options: MappingOptions): Mapped {
  const type = mailbox.recipientTypeDetails;
  const typeDetails = remoteRecipientTypeDetails(type);
  if (typeDetails === null) {
    return { ok: false, failure: objectFailure('InvalidMailboxData', `RecipientTypeDetails ${describeValue(type)} has no remote-mailbox form; only in-scope mailboxes can be mapped.`) };
  }
  const now = (name: string) => attributeValuesOf(current, name);

  const rule = (attribute: CatalogueAttribute): Values => {
    const name = attribute.ldapName;
    const numbered = numberedAttribute(name);
    if (numbered?.kind === 'custom') return customAttribute(attribute, mailbox.customAttributes[numbered.index] ?? '');
    if (numbered?.kind === 'extension') return extensionCustomAttribute(attribute, mailbox.extensionCustomAttributes[numbered.index] ?? []);
    switch (name) {
      case 'msExchRecipientTypeDetails':
        return ok([typeDetails]);
      case 'msExchRecipientDisplayType':
        return ok([remoteDisplayType(type, single(now(name)))]);
      case 'proxyAddresses':
        return desiredProxyAddresses(mailbox, now(name), { cloudOnlyTypes: options.cloudOnlyProxyTypes, preservedTypes: options.preservedProxyTypes });
      case 'mail':
        return mail(attribute, mailbox.windowsEmailAddress);
      case 'msExchHideFromAddressLists':
        return hideFromAddressLists(mailbox.hiddenFromAddressListsEnabled, now(name));
      case 'msExchRemoteRecipientType':
        return ok([remoteRecipientType(type, single(now(name)))]);
      default:
        // A catalogue attribute without a rule is a programming error, caught by the tests.
        throw new Error(`No mapping rule for catalogue attribute ${name}.`);
    }
  };

  const desired: AttributeValues = {};
  for (const attribute of attributesOf(options.attributeSet)) {
    const result = rule(attribute);
    if (!result.ok) return { ok: false, failure: result.failure };
    desired[attribute.ldapName] = result.values;
  }
  return { ok: true, desired };
}
