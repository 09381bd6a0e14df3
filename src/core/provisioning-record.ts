/**
 * Provisioning log records (spec §6), shaped like Microsoft Graph's `provisioningObjectSummary`
 * so admins who know the Entra provisioning logs read ours without a manual. Building a record is
 * pure: ids, times and durations come in as inputs (no clock, no randomness here).
 */
import type { AttributeDiff } from './attribute-diff.js';
import type { ModifiedProperty } from './attribute-change.js';
import type { CloudMailbox } from './cloud-mailbox.js';
import type { CloudUser } from './cloud-user.js';
import { guidToString } from './guid.js';
import type { MatchResult } from './matching.js';
import type { ErrorCategory, FailureCode, ObjectFailure } from './object-failure.js';
import type { ScopeDecision, SkipReason } from './scoping.js';

/** Step names we emit (Microsoft's vocabulary). */
export type StepName = 'EntryImport' | 'EntrySynchronizationScoping' | 'EntrySynchronizationError' | 'EntryExportUpdate' | 'EntrySynchronizationSkip';

export type ProvisioningStepType = 'import' | 'scoping' | 'matching' | 'processing' | 'export';

export type ProvisioningStatus = 'success' | 'warning' | 'failure' | 'skipped';

/** One row of the steps the portal shows for an object. */
export interface ProvisioningStep {
  /** A {@link StepName}. */
  name: string;
  provisioningStepType: ProvisioningStepType;
  status: ProvisioningStatus;
  description: string;
  details: Record<string, string>;
}

/** `errorInformation` of a failed record. */
export interface ProvisioningErrorInformation {
  errorCode: FailureCode;
  reason: string;
  additionalDetails: string | null;
  errorCategory: ErrorCategory;
  recommendedAction: string;
}

export interface ProvisioningIdentity<T extends string> {
  id: string | null;
  displayName: string | null;
  identityType: T;
  details: Record<string, string>;
}

export interface ProvisioningSystem<T extends string> {
  id: string | null;
  displayName: T;
  details: Record<string, string>;
}

export interface ProvisioningInitiator {
  id: string;
  displayName: string;
  /** `system` for the scheduler, `user` for an admin's provision on demand. */
  initiatorType: 'system' | 'user' | 'application';
}

/** One processed object in one cycle (or one on-demand run). Treat as immutable. */
export interface ProvisioningRecord {
  id: string;
  /** ISO 8601 UTC. */
  activityDateTime: string;
  cycleId: string;
  changeId: string;
  jobId: string;
  durationInMilliseconds: number;
  initiatedBy: ProvisioningInitiator;
  /** `update` when attributes were (or, in a dry run, would be) written; `other` otherwise. */
  provisioningAction: 'update' | 'other';
  provisioningStatusInfo: {
    status: ProvisioningStatus;
    errorInformation: ProvisioningErrorInformation | null;
    /** Our addition to Graph's shape: why a skipped object was skipped; null otherwise. */
    skipReason: SkipReason | null;
  };
  provisioningSteps: ProvisioningStep[];
  modifiedProperties: ModifiedProperty[];
  sourceIdentity: ProvisioningIdentity<'Mailbox'>;
  targetIdentity: ProvisioningIdentity<'user'>;
  sourceSystem: ProvisioningSystem<'Exchange Online'>;
  targetSystem: ProvisioningSystem<'Active Directory'>;
  /** True when nothing was written (provision on demand `--dry-run`). */
  dryRun: boolean;
}

/** What the engine knows about one processed object. */
export interface ProvisioningRecordInput {
  id: string;
  /** When processing started; a Date is converted to ISO 8601. */
  activityDateTime: string | Date;
  cycleId: string;
  changeId: string;
  jobId: string;
  durationInMilliseconds: number;
  initiatedBy: ProvisioningInitiator;
  /** Set for a failed object; makes the status `failure`. */
  failure?: ObjectFailure | null;
  /** Set for a skipped object; makes the status `skipped` (unless `failure` is set). */
  skipReason?: SkipReason | null;
  /** Override of the derived status, e.g. `warning`. */
  status?: ProvisioningStatus;
  /** Override of the derived action (`update` when there are modified properties, else `other`). */
  provisioningAction?: 'update' | 'other';
  steps: ProvisioningStep[];
  modifiedProperties?: ModifiedProperty[];
  source: { id: string | null; displayName: string | null; details?: Record<string, string> };
  /** The matched AD object, or null when matching did not get that far. */
  target?: { id: string | null; displayName: string | null; details?: Record<string, string> } | null;
  /** Details of the AD side, e.g. `{ domain: 'corp.example.com' }`. */
  targetSystem?: { id?: string | null; details?: Record<string, string> };
  dryRun: boolean;
}

const SKIP_REASONS: ReadonlySet<string> = new Set<SkipReason>(['NotInScope', 'NotDirSynced', 'UnsupportedRecipientType', 'OutOfScopeContainer', 'DomainNotServed', 'RedundantExport']);

function stepSkipReason(steps: readonly ProvisioningStep[]): SkipReason | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const reason = steps[i]!.details.SkipReason;
    if (reason !== undefined && SKIP_REASONS.has(reason)) return reason as SkipReason;
  }
  return null;
}

/**
 * Builds a record from what the engine gathered; pure. The status is `input.status`, else
 * `failure` when a failure is given, `skipped` when a skip reason is, `success` otherwise. The
 * skip reason of a skipped record is `input.skipReason`, else the last `SkipReason` in the steps.
 */
export function buildProvisioningRecord(input: ProvisioningRecordInput): ProvisioningRecord {
  const failure = input.failure ?? null;
  const status: ProvisioningStatus = input.status ?? (failure ? 'failure' : input.skipReason ? 'skipped' : 'success');
  // A skipped record names its reason; when the caller gave none, the steps carry it.
  const skipReason = status !== 'skipped' ? null : (input.skipReason ?? stepSkipReason(input.steps));
  const modifiedProperties = (input.modifiedProperties ?? []).map((p) => ({ ...p }));
  return {
    id: input.id,
    activityDateTime: typeof input.activityDateTime === 'string' ? input.activityDateTime : input.activityDateTime.toISOString(),
    cycleId: input.cycleId,
    changeId: input.changeId,
    jobId: input.jobId,
    durationInMilliseconds: input.durationInMilliseconds,
    initiatedBy: { ...input.initiatedBy },
    provisioningAction: input.provisioningAction ?? (modifiedProperties.length > 0 ? 'update' : 'other'),
    provisioningStatusInfo: {
      status,
      errorInformation: failure
        ? {
            errorCode: failure.code,
            reason: failure.reason,
            additionalDetails: failure.additionalDetails ?? null,
            errorCategory: failure.errorCategory,
            recommendedAction: failure.recommendedAction,
          }
        : null,
      skipReason,
    },
    provisioningSteps: input.steps.map((s) => ({ ...s, details: { ...s.details } })),
    modifiedProperties,
    sourceIdentity: { id: input.source.id, displayName: input.source.displayName, identityType: 'Mailbox', details: { ...input.source.details } },
    targetIdentity: {
      id: input.target?.id ?? null,
      displayName: input.target?.displayName ?? null,
      identityType: 'user',
      details: { ...input.target?.details },
    },
    sourceSystem: { id: null, displayName: 'Exchange Online', details: {} },
    targetSystem: { id: input.targetSystem?.id ?? null, displayName: 'Active Directory', details: { ...input.targetSystem?.details } },
    dryRun: input.dryRun,
  };
}

// ---- Step builders: the four steps of spec §5, so every caller words them alike. ----

/** `EntryImport` / import: the EXO and Graph values read. */
export function importStep(mailbox: CloudMailbox, user: CloudUser | null): ProvisioningStep {
  const details: Record<string, string> = {
    ExternalDirectoryObjectId: mailbox.externalDirectoryObjectId,
    Guid: mailbox.guid,
    UserPrincipalName: mailbox.userPrincipalName,
    WindowsEmailAddress: mailbox.windowsEmailAddress,
    EmailAddresses: mailbox.emailAddresses.join(';'),
    RecipientTypeDetails: mailbox.recipientTypeDetails,
    IsDirSynced: String(mailbox.isDirSynced),
    IsExchangeCloudManaged: String(mailbox.isExchangeCloudManaged),
    HiddenFromAddressListsEnabled: String(mailbox.hiddenFromAddressListsEnabled),
  };
  mailbox.customAttributes.forEach((v, i) => {
    if (v !== '') details[`CustomAttribute${i + 1}`] = v;
  });
  mailbox.extensionCustomAttributes.forEach((v, i) => {
    if (v.length > 0) details[`ExtensionCustomAttribute${i + 1}`] = v.join(';');
  });
  if (user) {
    for (const [key, value] of Object.entries(user)) if (value !== null && key !== 'id') details[`entra.${key}`] = String(value);
  }
  return {
    name: 'EntryImport',
    provisioningStepType: 'import',
    status: 'success',
    description: user ? `Retrieved mailbox ${mailbox.userPrincipalName || mailbox.guid} from Exchange Online and its user from Microsoft Graph.` : `Retrieved mailbox ${mailbox.userPrincipalName || mailbox.guid} from Exchange Online.`,
    details,
  };
}

/** `EntrySynchronizationScoping` / scoping: every rule and its result, and the skip reason. */
export function scopingStep(decision: ScopeDecision): ProvisioningStep {
  const details: Record<string, string> = {};
  for (const r of decision.rules) details[r.rule] = `${r.passed ? 'Passed' : 'Failed'}: ${r.detail}`;
  if (decision.skipReason) details.SkipReason = decision.skipReason;
  return {
    name: 'EntrySynchronizationScoping',
    provisioningStepType: 'scoping',
    status: decision.inScope ? 'success' : 'skipped',
    description: decision.inScope ? 'The object is in scope.' : `The object is out of scope (SkipReason: ${decision.skipReason}).`,
    details,
  };
}

/** `EntryImport` / matching: which anchor matched, the DN and objectGUID, or why matching failed. */
export function matchingStep(result: MatchResult): ProvisioningStep {
  if (!result.ok) {
    return { name: 'EntryImport', provisioningStepType: 'matching', status: 'failure', description: result.failure.reason, details: { ErrorCode: result.failure.code } };
  }
  return {
    name: 'EntryImport',
    provisioningStepType: 'matching',
    status: 'success',
    description: result.details,
    details: { MatchedBy: result.anchor, DistinguishedName: result.object.distinguishedName, ObjectGuid: guidToString(result.object.objectGuid) },
  };
}

/** A failed step (mapping, writing, …): `EntrySynchronizationError` unless named otherwise. */
export function failureStep(failure: ObjectFailure, type: ProvisioningStepType = 'processing', name: StepName = 'EntrySynchronizationError'): ProvisioningStep {
  const details: Record<string, string> = { ErrorCode: failure.code, ErrorCategory: failure.errorCategory };
  if (failure.additionalDetails !== undefined) details.AdditionalDetails = failure.additionalDetails;
  return { name, provisioningStepType: type, status: 'failure', description: failure.reason, details };
}

/**
 * The export step: `EntryExportUpdate` with the modified attributes, or `EntrySynchronizationSkip`
 * (`RedundantExport`) when the diff is empty. In a dry run the description says nothing was written.
 */
export function exportStep(diff: AttributeDiff, dryRun: boolean): ProvisioningStep {
  if (diff.changes.length === 0) {
    return {
      name: 'EntrySynchronizationSkip',
      provisioningStepType: 'export',
      status: 'skipped',
      description: 'AD already holds the desired values; nothing to write.',
      details: { SkipReason: 'RedundantExport' },
    };
  }
  const details: Record<string, string> = { ValuesAdded: String(diff.valuesAdded), ValuesRemoved: String(diff.valuesRemoved) };
  if (dryRun) details.DryRun = 'True';
  for (const p of diff.modifiedProperties) details[p.displayName] = `${p.oldValue ?? '(absent)'} -> ${p.newValue ?? '(absent)'}`;
  const count = diff.modifiedProperties.length;
  return {
    name: 'EntryExportUpdate',
    provisioningStepType: 'export',
    status: 'success',
    description: dryRun ? `Dry run: would update ${count} attribute(s); nothing was written.` : `Updated ${count} attribute(s).`,
    details,
  };
}

// ---- Export formats ----

/** CSV columns, in order; nested data (modified properties) is a JSON cell. */
export const PROVISIONING_CSV_COLUMNS: readonly string[] = [
  'id',
  'activityDateTime',
  'cycleId',
  'changeId',
  'jobId',
  'durationInMilliseconds',
  'initiatedBy',
  'initiatorType',
  'provisioningAction',
  'status',
  'skipReason',
  'errorCode',
  'reason',
  'additionalDetails',
  'errorCategory',
  'recommendedAction',
  'sourceId',
  'sourceDisplayName',
  'targetId',
  'targetDisplayName',
  'modifiedProperties',
  'dryRun',
];

/** One CSV field, RFC 4180: quoted when it holds a comma, quote, CR/LF or edge spaces; quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line (no line terminator). */
export const PROVISIONING_CSV_HEADER = PROVISIONING_CSV_COLUMNS.join(',');

/** One record as a CSV line in {@link PROVISIONING_CSV_COLUMNS} order (no line terminator; join rows with CRLF). */
export function recordToCsvRow(record: ProvisioningRecord): string {
  const error = record.provisioningStatusInfo.errorInformation;
  const cells: Record<string, string | number | boolean | null> = {
    id: record.id,
    activityDateTime: record.activityDateTime,
    cycleId: record.cycleId,
    changeId: record.changeId,
    jobId: record.jobId,
    durationInMilliseconds: record.durationInMilliseconds,
    initiatedBy: record.initiatedBy.displayName,
    initiatorType: record.initiatedBy.initiatorType,
    provisioningAction: record.provisioningAction,
    status: record.provisioningStatusInfo.status,
    skipReason: record.provisioningStatusInfo.skipReason,
    errorCode: error?.errorCode ?? null,
    reason: error?.reason ?? null,
    additionalDetails: error?.additionalDetails ?? null,
    errorCategory: error?.errorCategory ?? null,
    recommendedAction: error?.recommendedAction ?? null,
    sourceId: record.sourceIdentity.id,
    sourceDisplayName: record.sourceIdentity.displayName,
    targetId: record.targetIdentity.id,
    targetDisplayName: record.targetIdentity.displayName,
    modifiedProperties: record.modifiedProperties.length > 0 ? JSON.stringify(record.modifiedProperties) : null,
    dryRun: record.dryRun,
  };
  return PROVISIONING_CSV_COLUMNS.map((column) => csvField(cells[column] ?? null)).join(',');
}

/** One record as a JSON-lines line (no terminator). */
export function recordToJsonLine(record: ProvisioningRecord): string {
  return JSON.stringify(record);
}
