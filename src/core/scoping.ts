/**
 * Scope (spec §3): whether a mailbox is one this configuration writes back. Out of scope is a
 * skip with a reason, not an error. Each function evaluates every rule it owns so the provisioning
 * log can show them all (as Microsoft's portal does); the skip reason is the first failed rule.
 */
import type { CloudMailbox } from './cloud-mailbox.js';
import type { CloudUser } from './cloud-user.js';
import type { DirectoryObject } from './directory-object.js';
import { dnDomain, dnKeys, isKeysWithin } from './distinguished-name.js';
import { objectFailure, type ObjectFailure } from './object-failure.js';
import { isSupportedRecipientType, SUPPORTED_RECIPIENT_TYPES } from './recipient-types.js';

/** Why an object is skipped. `RedundantExport` = in scope and matched, nothing to change. */
export type SkipReason = 'NotInScope' | 'NotDirSynced' | 'UnsupportedRecipientType' | 'OutOfScopeContainer' | 'DomainNotServed' | 'RedundantExport';

/** One scope rule and its outcome, as the scoping step shows it. */
export interface ScopeRuleResult {
  rule: string;
  passed: boolean;
  detail: string;
}

/** The outcome of some scope rules. */
export interface ScopeDecision {
  inScope: boolean;
  /** Set exactly when `inScope` is false: the reason of the first failed rule. */
  skipReason?: SkipReason;
  rules: ScopeRuleResult[];
}

interface Rule extends ScopeRuleResult {
  skipReason: SkipReason;
}

function decide(rules: Rule[]): ScopeDecision {
  const failed = rules.find((r) => !r.passed);
  const results = rules.map(({ rule, passed, detail }) => ({ rule, passed, detail }));
  return failed ? { inScope: false, skipReason: failed.skipReason, rules: results } : { inScope: true, rules: results };
}

const bool = (value: boolean) => (value ? 'True' : 'False');

/**
 * Rules 1–2, from Exchange Online alone, in this order: `IsDirSynced` (else `NotDirSynced`),
 * `IsExchangeCloudManaged` (else `NotInScope`, Microsoft's word for an unconverted user), and a
 * supported `RecipientTypeDetails` (else `UnsupportedRecipientType`).
 */
export function scopeCloudMailbox(mailbox: CloudMailbox): ScopeDecision {
  const type = mailbox.recipientTypeDetails;
  return decide([
    { rule: 'IsDirSynced', passed: mailbox.isDirSynced, detail: `IsDirSynced is ${bool(mailbox.isDirSynced)}`, skipReason: 'NotDirSynced' },
    {
      rule: 'IsExchangeCloudManaged',
      passed: mailbox.isExchangeCloudManaged,
      detail: `IsExchangeCloudManaged is ${bool(mailbox.isExchangeCloudManaged)}`,
      skipReason: 'NotInScope',
    },
    {
      rule: 'RecipientTypeDetails',
      passed: isSupportedRecipientType(type),
      detail: isSupportedRecipientType(type) ? `RecipientTypeDetails is ${type}` : `RecipientTypeDetails is ${type || '(empty)'}; supported: ${SUPPORTED_RECIPIENT_TYPES.join(', ')}`,
      skipReason: 'UnsupportedRecipientType',
    },
  ]);
}

/**
 * Rule 3, from Graph. **Decision**: no Entra user with the mailbox's ExternalDirectoryObjectId
 * (`user` null) is a failure `MissingCloudUser` — the mailbox claims a user that does not exist,
 * which is broken data worth retrying and reporting, not a quiet skip. A user that exists but whose
 * `onPremisesSyncEnabled` is not `true` is a skip `NotDirSynced` (it is cloud-only, or sync was
 * turned off for it). `externalDirectoryObjectId` only improves the failure's reason.
 */
export function scopeCloudUser(user: CloudUser | null, externalDirectoryObjectId?: string): ScopeDecision | { failure: ObjectFailure } {
  if (!user) {
    const id = externalDirectoryObjectId ? ` ${externalDirectoryObjectId}` : '';
    return { failure: objectFailure('MissingCloudUser', `No Entra user has the mailbox's ExternalDirectoryObjectId${id}.`) };
  }
  const synced = user.onPremisesSyncEnabled === true;
  return decide([
    { rule: 'CloudUserExists', passed: true, detail: `Entra user ${user.id} exists`, skipReason: 'NotDirSynced' },
    {
      rule: 'OnPremisesSyncEnabled',
      passed: synced,
      detail: `onPremisesSyncEnabled is ${user.onPremisesSyncEnabled === null ? 'not set' : String(user.onPremisesSyncEnabled)}`,
      skipReason: 'NotDirSynced',
    },
  ]);
}

/** What one configuration serves in AD. */
export interface DirectoryScope {
  /** DNS names of the AD domains served. */
  domains: string[];
  /** OU (or container) DNs whose subtrees are in scope; empty = the whole domain. */
  ous: string[];
}

const normaliseDomain = (name: string) => name.trim().replace(/\.$/, '').toLowerCase();

/**
 * Rule 4, on the matched AD object: the user's domain is served (`user.onPremisesDomainName`,
 * case-insensitive; when Graph has none, the `DC=` components of the object's DN) else
 * `DomainNotServed`; then the object lies in one of the OU subtrees (whole RDNs, case-insensitive,
 * escapes such as `\,` resolved) else `OutOfScopeContainer`.
 */
export function scopeDirectoryObject(user: CloudUser, object: DirectoryObject, scope: DirectoryScope): ScopeDecision {
  const fromGraph = user.onPremisesDomainName;
  const domain = fromGraph ?? dnDomain(object.distinguishedName);
  const source = fromGraph ? 'onPremisesDomainName' : 'the DN';
  const served = domain !== null && scope.domains.some((d) => normaliseDomain(d) === normaliseDomain(domain));
  const domainDetail = domain === null ? 'the user has no onPremisesDomainName and its DN names no domain' : `domain ${domain} (from ${source}) ${served ? 'is' : 'is not'} served`;

  let containerPassed: boolean;
  let containerDetail: string;
  const leafKeys = scope.ous.length === 0 ? null : dnKeys(object.distinguishedName);
  if (scope.ous.length === 0) {
    containerPassed = true;
    containerDetail = 'no OU filter: the whole domain is in scope';
  } else if (leafKeys === null) {
    containerPassed = false;
    containerDetail = `the DN ${object.distinguishedName} cannot be parsed`;
  } else {
    const ou = scope.ous.find((base) => isKeysWithin(leafKeys, base));
    containerPassed = ou !== undefined;
    containerDetail = ou !== undefined ? `${object.distinguishedName} is under ${ou}` : `${object.distinguishedName} is under none of: ${scope.ous.join(' | ')}`;
  }

  return decide([
    { rule: 'DomainServed', passed: served, detail: domainDetail, skipReason: 'DomainNotServed' },
    { rule: 'ContainerInScope', passed: containerPassed, detail: containerDetail, skipReason: 'OutOfScopeContainer' },
  ]);
}
