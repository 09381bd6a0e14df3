/**
 * The per-object pipeline, shared by provision on demand and the sync cycle: import → scoping
 * (cloud rules) → matching → scoping (directory rules) → export. Each step becomes a card of the
 * provisioning log record; pure rules decide, adapters only read and write.
 */
import { EXO_MAILBOX_PROPERTIES } from '../core/attribute-catalogue.js';
import { diffAttributes } from '../core/attribute-diff.js';
import { parseCloudMailbox, type CloudMailbox } from '../core/cloud-mailbox.js';
import { parseCloudUser, type CloudUser } from '../core/cloud-user.js';
import type { AttributeChange } from '../core/attribute-change.js';
import type { AttributeValues, DirectoryObject } from '../core/directory-object.js';
import { desiredAttributes, type MappingOptions } from '../core/mailbox-mapping.js';
import { cloudAnchors, decideMatch, guidToString } from '../core/matching.js';
import { objectFailure, type ObjectFailure } from '../core/object-failure.js';
import { buildProvisioningRecord, type ProvisioningRecord, type ProvisioningStep } from '../core/provisioning-record.js';
import { scopeCloudMailbox, scopeCloudUser, scopeDirectoryObject, type ScopeRuleResult, type SkipReason } from '../core/scoping.js';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';
import type { ExoRecord } from '../cloud/exo-client.js';
import type { GraphUserRecord } from '../cloud/graph-client.js';
import type { ServedDomain } from './engine-ports.js';

/** Who started the run, as the log records it. */
export interface Initiator {
  id: string;
  displayName: string;
  initiatorType: 'system' | 'user' | 'application';
}

/** Everything the pipeline needs besides the mailbox itself. */
export interface ProcessContext {
  domains: readonly ServedDomain[];
  mapping: MappingOptions;
  dryRun: boolean;
  cycleId: string;
  jobId: string;
  initiatedBy: Initiator;
  now: () => Date;
  /** An id for a change (random). */
  newId: () => string;
  /**
   * An id for a provisioning record: time-ordered (UUIDv7), so the state store's index of record
   * ids grows at its end instead of at random pages (3.3 s less a 100k cycle, docs/performance.md).
   */
  newRecordId: () => string;
  /**
   * Plan only: compute the write but do not make it, without marking the record a dry run
   * (the service plans a whole cycle first, for the mass-change guard, then applies).
   */
  planOnly?: boolean;
  /** The Graph user with this id, or null when Graph has none. */
  lookupUser: (id: string) => Promise<GraphUserRecord | null>;
  /**
   * Performs the write. Default: one `DirectoryPort.modify`. The service passes one that records
   * an intent first and journals the before/after values (for undo) in the same transaction as
   * the log record.
   */
  writer?: ObjectWriter;
}

/** One object's write, with everything a journal needs. */
export interface ObjectWrite {
  entraId: string;
  domain: ServedDomain;
  target: DirectoryObject;
  changes: AttributeChange[];
  /** Values of the changed attributes before and after, by attribute. */
  before: AttributeValues;
  after: AttributeValues;
  /** The complete desired values (for the link's last-applied hash and drift). */
  desired: AttributeValues;
}

/** Applies one object's changes. */
export type ObjectWriter = (write: ObjectWrite) => Promise<void>;

/** What happened to one mailbox. */
export type MailboxOutcome =
  | { kind: 'updated'; record: ProvisioningRecord; valuesAdded: number; valuesRemoved: number; write: ObjectWrite }
  | { kind: 'unchanged'; record: ProvisioningRecord; entraId: string; domain: ServedDomain; target: DirectoryObject; desired: AttributeValues }
  | { kind: 'skipped'; reason: SkipReason; record: ProvisioningRecord }
  | { kind: 'failed'; failure: ObjectFailure; record: ProvisioningRecord };

/** Error codes after which no further object can succeed: the run stops instead of failing each one. */
export const FATAL_ERROR_CODES: ReadonlySet<string> = new Set([
  // A connection lost during a modify leaves its outcome unknown: stop, and let recovery compare with AD.
  'DirectoryUnreachable', 'DirectoryBindFailed', 'DirectoryTlsFailed', 'DirectoryConnectionLost', 'TokenRequestFailed', 'CloudAccessDenied', 'CloudUnreachable', 'CloudThrottled',
]);

/** A `Get-Mailbox` record read as a {@link CloudMailbox}, or why it could not be. */
export type ParsedMailbox = ReturnType<typeof parseCloudMailbox>;

/**
 * Runs the whole pipeline for one `Get-Mailbox` record. Throws only for fatal conditions.
 * `parsed` is the record already read by {@link parseCloudMailbox} (a cycle reads each once, to
 * decide its cloud-side scope).
 */
export async function processMailbox(record: ExoRecord, ctx: ProcessContext, parsed: ParsedMailbox = parseCloudMailbox(record)): Promise<MailboxOutcome> {
  const started = ctx.now();
  const steps: ProvisioningStep[] = [];
  let mailbox: CloudMailbox | null = null;
  let user: CloudUser | null = null;
  let target: DirectoryObject | null = null;
  // The AD domain the user was routed to, so a multi-domain log says where a write went.
  let domainName: string | null = null;

  const finish = (
    status: 'success' | 'skipped' | 'failure',
    extra: { failure?: ObjectFailure; modified?: ReturnType<typeof diffAttributes>['modifiedProperties']; action?: 'update' | 'other' } = {},
  ): ProvisioningRecord =>
    buildProvisioningRecord({
      id: ctx.newRecordId(),
      changeId: ctx.newId(),
      cycleId: ctx.cycleId,
      jobId: ctx.jobId,
      activityDateTime: started.toISOString(),
      durationInMilliseconds: ctx.now().getTime() - started.getTime(),
      initiatedBy: ctx.initiatedBy,
      provisioningAction: extra.action ?? 'other',
      status,
      failure: extra.failure ?? null,
      steps,
      modifiedProperties: extra.modified ?? [],
      source: {
        id: mailbox?.externalDirectoryObjectId || text(record.ExternalDirectoryObjectId) || text(record.Guid),
        displayName: mailbox?.displayName ?? text(record.DisplayName),
        details: { UserPrincipalName: mailbox?.userPrincipalName ?? '', PrimarySmtpAddress: mailbox?.primarySmtpAddress ?? '', Guid: mailbox?.guid ?? '' },
      },
      target: target
        ? { id: guidToString(target.objectGuid), displayName: target.displayName ?? '', details: { distinguishedName: target.distinguishedName } }
        : null,
      ...(domainName ? { targetSystem: { details: { domain: domainName } } } : {}),
      dryRun: ctx.dryRun,
    });
  const fail = (failure: ObjectFailure): MailboxOutcome => ({ kind: 'failed', failure, record: finish('failure', { failure }) });
  const skip = (reason: SkipReason, rules: ScopeRuleResult[]): MailboxOutcome => {
    steps.push(scopingStep(rules, reason));
    steps.push({ name: 'EntrySynchronizationSkip', provisioningStepType: 'export', status: 'skipped', description: `Skipped: ${reason}`, details: { SkipReason: reason } });
    return { kind: 'skipped', reason, record: finish('skipped') };
  };

  // Import: the Exchange Online mailbox.
  if (!parsed.ok) {
    steps.push({ name: 'EntryImport', provisioningStepType: 'import', status: 'failure', description: 'The mailbox returned by Exchange Online could not be read', details: { [parsed.error.property]: parsed.error.problem } });
    return fail(objectFailure('InvalidMailboxData', `Exchange Online property ${parsed.error.property} ${parsed.error.problem}`));
  }
  mailbox = parsed.mailbox;
  const cloudScope = scopeCloudMailbox(mailbox);
  if (!cloudScope.inScope) {
    steps.push(importStep(mailbox, null));
    return skip(cloudScope.skipReason ?? 'NotInScope', cloudScope.rules);
  }

  // Import, continued: the Entra user and its on-premises anchors.
  try {
    const raw = mailbox.externalDirectoryObjectId ? await ctx.lookupUser(mailbox.externalDirectoryObjectId) : null;
    user = raw ? parseCloudUser(raw) : null;
  } catch (error) {
    rethrowFatal(error);
    steps.push(importStep(mailbox, null));
    return fail(objectFailure('CloudError', `reading the Entra user failed: ${errorText(error)}`));
  }
  steps.push(importStep(mailbox, user));
  const userScope = scopeCloudUser(user, mailbox.externalDirectoryObjectId);
  if ('failure' in userScope) return fail(userScope.failure);
  const rules = [...cloudScope.rules, ...userScope.rules];
  if (!userScope.inScope) return skip(userScope.skipReason ?? 'NotDirSynced', rules);
  const cloudUser = user as CloudUser;

  const domain = ctx.domains.find((d) => d.name.toLowerCase() === (cloudUser.onPremisesDomainName ?? '').toLowerCase());
  if (!domain) {
    rules.push({ rule: 'DomainServed', passed: false, detail: `${cloudUser.onPremisesDomainName ?? '(none)'} is not one of ${ctx.domains.map((d) => d.name).join(', ')}` });
    return skip('DomainNotServed', rules);
  }
  domainName = domain.name;

  // Matching: anchors only, never names or addresses.
  const anchors = cloudAnchors(cloudUser);
  if ('failure' in anchors) {
    steps.push(matchingStep('failure', anchors.failure.reason, {}));
    return fail(anchors.failure);
  }
  let match: ReturnType<typeof decideMatch>;
  try {
    match = decideMatch(await domain.directory.findByAnchors(anchors), anchors);
  } catch (error) {
    rethrowFatal(error);
    steps.push(matchingStep('failure', errorText(error), {}));
    return fail(directoryFailure(error));
  }
  if (!match.ok) {
    steps.push(matchingStep('failure', match.failure.reason, anchorDetails(anchors)));
    return fail(match.failure);
  }
  target = match.object;
  steps.push(matchingStep('success', match.details, matchedDetails(anchors, match.anchor, target)));

  // Scoping: the directory rules (domain, container).
  const directoryScope = scopeDirectoryObject(cloudUser, target, { domains: [domain.name], ous: domain.scopeOus });
  rules.push(...directoryScope.rules);
  if (!directoryScope.inScope) return skip(directoryScope.skipReason ?? 'OutOfScopeContainer', rules);
  steps.push(scopingStep(rules, null));

  // Export: desired values, minimal modification, one write.
  const desired = desiredAttributes(mailbox, target.attributes, ctx.mapping);
  if (!desired.ok) {
    steps.push({ name: 'EntryExportUpdate', provisioningStepType: 'export', status: 'failure', description: desired.failure.reason, details: {} });
    return fail(desired.failure);
  }
  const diff = diffAttributes(target.attributes, desired.desired);
  if (diff.changes.length === 0) {
    steps.push({ name: 'EntrySynchronizationSkip', provisioningStepType: 'export', status: 'skipped', description: 'AD already has every value: nothing to export', details: { SkipReason: 'RedundantExport' } });
    return { kind: 'unchanged', record: finish('skipped'), entraId: mailbox.externalDirectoryObjectId, domain, target, desired: desired.desired };
  }
  const changedNames = diff.modifiedProperties.map((p) => p.displayName).join(', ');
  const before: AttributeValues = {};
  const after: AttributeValues = {};
  for (const change of diff.changes) {
    before[change.attribute] = target.attributes[change.attribute] ?? [];
    after[change.attribute] = desired.desired[change.attribute] ?? [];
  }
  const write: ObjectWrite = { entraId: mailbox.externalDirectoryObjectId, domain, target, changes: diff.changes, before, after, desired: desired.desired };
  if (ctx.dryRun || ctx.planOnly) {
    steps.push({ name: 'EntryExportUpdate', provisioningStepType: 'export', status: 'success', description: `Dry run: would update ${changedNames}; nothing was written`, details: { DryRun: 'true' } });
    return { kind: 'updated', valuesAdded: diff.valuesAdded, valuesRemoved: diff.valuesRemoved, write, record: finish('success', { modified: diff.modifiedProperties, action: 'update' }) };
  }
  try {
    await (ctx.writer ?? ((w: ObjectWrite) => w.domain.directory.modify(w.target.objectGuid, w.changes)))(write);
  } catch (error) {
    rethrowFatal(error);
    const failure = directoryFailure(error);
    steps.push({ name: 'EntryExportUpdate', provisioningStepType: 'export', status: 'failure', description: failure.reason, details: {} });
    return { kind: 'failed', failure, record: finish('failure', { failure, modified: diff.modifiedProperties, action: 'update' }) };
  }
  steps.push({ name: 'EntryExportUpdate', provisioningStepType: 'export', status: 'success', description: `Updated ${changedNames}`, details: {} });
  return { kind: 'updated', valuesAdded: diff.valuesAdded, valuesRemoved: diff.valuesRemoved, write, record: finish('success', { modified: diff.modifiedProperties, action: 'update' }) };
}

/**
 * Why the pipeline would skip this mailbox on Exchange Online's word alone (not dir-synced, not
 * cloud-managed, unsupported type), or null when it gets further (or fails to parse: that is a
 * failure with a record). Cycles count these without running the pipeline: their record would
 * be dropped anyway (spec §6), and in a large tenant they are nearly every mailbox read.
 */
export function cloudSideSkip(record: ExoRecord): SkipReason | null {
  return cloudSideSkipOf(parseCloudMailbox(record));
}

/** {@link cloudSideSkip} of a record already parsed. */
export function cloudSideSkipOf(parsed: ParsedMailbox): SkipReason | null {
  if (!parsed.ok) return null;
  const scope = scopeCloudMailbox(parsed.mailbox);
  return scope.inScope ? null : (scope.skipReason ?? 'NotInScope');
}

/** The `$select` list for mailbox reads. */
export const MAILBOX_SELECT = EXO_MAILBOX_PROPERTIES;

function importStep(mailbox: CloudMailbox, user: CloudUser | null): ProvisioningStep {
  const details: Record<string, string> = {
    ExternalDirectoryObjectId: mailbox.externalDirectoryObjectId,
    Alias: mailbox.alias,
    RecipientTypeDetails: mailbox.recipientTypeDetails,
    IsDirSynced: String(mailbox.isDirSynced),
    IsExchangeCloudManaged: String(mailbox.isExchangeCloudManaged),
    WindowsEmailAddress: mailbox.windowsEmailAddress,
    EmailAddresses: mailbox.emailAddresses.join(';'),
    HiddenFromAddressListsEnabled: String(mailbox.hiddenFromAddressListsEnabled),
  };
  mailbox.customAttributes.forEach((v, i) => v && (details[`CustomAttribute${i + 1}`] = v));
  mailbox.extensionCustomAttributes.forEach((v, i) => v.length && (details[`ExtensionCustomAttribute${i + 1}`] = v.join(';')));
  if (user) {
    for (const key of ['onPremisesImmutableId', 'onPremisesSecurityIdentifier', 'onPremisesDistinguishedName', 'onPremisesDomainName'] as const) {
      details[key] = user[key] ?? '';
    }
  }
  return {
    name: 'EntryImport',
    provisioningStepType: 'import',
    status: 'success',
    description: user ? `Retrieved ${mailbox.displayName} from Exchange Online and Entra ID` : `Retrieved ${mailbox.displayName} from Exchange Online`,
    details,
  };
}

function matchingStep(status: 'success' | 'failure', description: string, details: Record<string, string>): ProvisioningStep {
  return { name: 'EntryImport', provisioningStepType: 'matching', status, description, details };
}

function scopingStep(rules: readonly ScopeRuleResult[], skipReason: SkipReason | null): ProvisioningStep {
  const details: Record<string, string> = {};
  for (const rule of rules) details[rule.rule] = `${rule.passed ? 'passed' : 'FAILED'}: ${rule.detail}`;
  if (skipReason) details.SkipReason = skipReason;
  return {
    name: 'EntrySynchronizationScoping',
    provisioningStepType: 'scoping',
    status: skipReason ? 'skipped' : 'success',
    description: skipReason ? `Out of scope: ${skipReason}` : 'In scope: every scoping rule passed',
    details,
  };
}

function anchorDetails(anchors: { immutableId: Buffer | null; sid: string | null; externalDirectoryObjectId: string | null }): Record<string, string> {
  return {
    ImmutableId: anchors.immutableId ? anchors.immutableId.toString('base64') : '',
    Sid: anchors.sid ?? '',
    ExternalDirectoryObjectId: anchors.externalDirectoryObjectId ?? '',
  };
}

/**
 * {@link anchorDetails} and what matched. Added to, not spread into a new object: the spread cost
 * ~2 µs a mailbox, more than the rest of the matching step; three assignments cost what a literal does.
 */
function matchedDetails(anchors: { immutableId: Buffer | null; sid: string | null; externalDirectoryObjectId: string | null }, anchor: string, target: DirectoryObject): Record<string, string> {
  const details = anchorDetails(anchors);
  details.MatchedAnchor = anchor;
  details.distinguishedName = target.distinguishedName;
  details.objectGUID = guidToString(target.objectGuid);
  return details;
}

function directoryFailure(error: unknown): ObjectFailure {
  const code = error instanceof ExoWritebackError ? error.code : 'Unexpected';
  if (code === 'DirectoryAccessDenied') return objectFailure('AccessDenied', errorText(error), code);
  return objectFailure('DirectoryError', errorText(error), code);
}

function rethrowFatal(error: unknown): void {
  if (error instanceof ExoWritebackError && FATAL_ERROR_CODES.has(error.code)) throw error;
  if (!(error instanceof ExoWritebackError)) throw error;
}

/** A raw record value as text, for log identities of records that could not be parsed. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
