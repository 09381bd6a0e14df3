/**
 * The state store port: everything the service keeps between cycles and between runs (spec §7,
 * issue 4). The SQLite store ({@link ./sqlite-state-store.ts}) implements it; another store (a
 * server database) can be added later behind the same interface and checked with the same
 * contract suite (`state-store-contract.ts`).
 *
 * Times are `Date`s (stored with millisecond precision); GUIDs are returned in their canonical
 * string form (lower case, no braces, as {@link guidToString} writes them). Every method is
 * atomic: it writes all it is asked to, or nothing, and then rejects with a
 * {@link StateStoreError} subclass.
 *
 * ## Crash-safety contract for the engine (the intent pattern)
 *
 * For every object it writes, a non-dry-run cycle does, in this order:
 *
 * 1. `const intent = await store.beginObjectWrite({ cycleId, entraId, objectGuid, dn, changes, before, after })`
 *    — durable (fsync'd) before anything is sent to AD. At most one pending intent per AD object.
 * 2. The LDAP modify.
 * 3. `await store.commitObjectResult({ cycleId, intentId: intent.id, record, journal, link, clearFailure | failure })`
 *    — one transaction: the provisioning record, the journal entry, the link, the retry state and
 *    the intent's resolution. Pass `journal` (usually {@link journalEntryFromIntent}) when the
 *    modify succeeded (the intent becomes `applied`), omit it when the modify failed and nothing
 *    was written (the intent becomes `not-applied`). A second commit of the same intent is
 *    refused ({@link StateStoreConflict}), so no change is ever journaled twice.
 *
 * A crash (SIGKILL, power loss) can only fall between 1 and 3. On start-up, before the first
 * cycle, the engine calls {@link StateStore.pendingIntents} and, for each intent, re-reads the
 * object by GUID and compares the intent's attributes with AD:
 * - AD holds `intent.after` for every changed attribute → the modify was applied: commit it with
 *   `journal` (and a record saying it was recovered), so it is journaled exactly once;
 * - AD holds `intent.before` → it was not applied: `commitObjectResult` without `journal`, or
 *   {@link StateStore.abandonIntent}; the next cycle's diff writes it again;
 * - anything else (someone changed it since, or the object is gone) → `abandonIntent` with a
 *   reason; the next reconcile treats it like any other difference.
 * Then it finishes the interrupted cycles ({@link StateStore.unfinishedCycles}) as `aborted`: a
 * cycle with a pending intent cannot be finished, which enforces this order.
 *
 * The cycle itself ends with {@link StateStore.commitCycle}, which sets the outcome and counts and
 * advances the watermark in one transaction: a crash before it leaves the old watermark, so the
 * next incremental cycle re-reads the same mailboxes, finds them already written (empty diff) and
 * writes nothing twice.
 */
import type { AttributeChange } from '../core/attribute-change.js';
import type { ProvisioningRecord, ProvisioningStatus } from '../core/provisioning-record.js';
import type { ProvisioningLogSink } from '../engine/engine-ports.js';
import type { ReadPlanStore } from '../directory/read-plan-store.js';

/** Attribute values by LDAP name (absent attribute = `[]`), as the engine's diff uses them. */
export type AttributeValueMap = Record<string, string[]>;

/** An AD objectGUID: the canonical string form (braces and case tolerated), 32 hex digits of the bytes in AD order, or the 16 bytes in AD order. */
export type ObjectGuidInput = string | Uint8Array;

// ---- Cycles ----

/** `on-demand` is an admin's provision on demand, so its writes have a cycle to be journaled under. */
export type CycleKind = 'full' | 'incremental' | 'reconcile' | 'undo' | 'on-demand';
export type CycleOutcome = 'success' | 'failed' | 'staged' | 'aborted';
/** Counters of a cycle (`updated`, `failed`, `skipped`, …), stored as JSON. */
export type CycleCounts = Record<string, number>;

export interface CycleError {
  code: string;
  message: string;
}

export interface StartCycleInput {
  kind: CycleKind;
  dryRun: boolean;
  /** The cycle id the engine already uses in its records; a random UUID when omitted. */
  id?: string;
  /** Default: the store's clock. */
  startedAt?: Date;
}

export interface Cycle {
  id: string;
  /** Increases with every cycle started; the order of cycles. */
  seq: number;
  kind: CycleKind;
  dryRun: boolean;
  startedAt: Date;
  /** Null while the cycle runs (or when it was interrupted by a crash). */
  finishedAt: Date | null;
  outcome: CycleOutcome | null;
  counts: CycleCounts;
  error: CycleError | null;
}

export interface FinishCycleInput {
  outcome: CycleOutcome;
  counts: CycleCounts;
  error?: CycleError | null;
  /** Default: the store's clock. */
  finishedAt?: Date;
}

export interface WatermarkKey {
  tenant: string;
  /** What the watermark tracks, e.g. `mailbox-whenchanged`. */
  kind: string;
}

export interface Watermark {
  key: WatermarkKey;
  /** Opaque to the store; e.g. the ISO `WhenChangedUTC` high-water mark. */
  value: string;
  /** The cycle that advanced it (null when set outside a cycle). */
  cycleId: string | null;
  updatedAt: Date;
}

export interface CommitCycleInput extends FinishCycleInput {
  cycleId: string;
  /** Advanced in the same transaction; only for a non-dry-run cycle whose outcome is `success`. */
  watermark?: { key: WatermarkKey; value: string };
}

export interface ListCyclesQuery {
  /** Default 50. */
  limit?: number;
  /** Cycles started at or after this time. */
  since?: Date;
  kind?: CycleKind;
}

// ---- Provisioning records ----

export interface RecordQuery {
  /** Case-insensitive substring of the source id, display name or UPN, or the target id, display name or DN. */
  user?: string;
  status?: ProvisioningStatus;
  action?: 'update' | 'other';
  cycleId?: string;
  /** `activityDateTime` at or after. */
  since?: Date;
  /** `activityDateTime` before. */
  until?: Date;
  /** Default 100. */
  limit?: number;
  offset?: number;
  /** By activityDateTime; default `desc` (newest first). */
  order?: 'asc' | 'desc';
}

export interface RecordPage {
  records: ProvisioningRecord[];
  /** How many records match the filters, ignoring limit and offset. */
  total: number;
}

// ---- Links, retries, quarantine ----

export interface LinkInput {
  entraId: string;
  objectGuid: ObjectGuidInput;
  domain: string;
  dn: string;
  /**
   * Hash of the last applied values (the engine's `hashAppliedValues`). It stands for `values`:
   * an upsert that changes neither it, the object, its DN, its domain, nor whether values are kept
   * changes nothing — the link keeps the time its values were first applied or found in AD (a
   * full cycle confirms every object in step, and rewriting each link would cost it a page write).
   */
  valuesHash: string;
  /** The last applied values themselves (for drift detection); optional. */
  values?: AttributeValueMap | null;
  /** When these values were applied (written, or first found in AD); kept while the object stays in step. */
  appliedAt: Date;
}

export interface Link extends Omit<LinkInput, 'objectGuid' | 'values'> {
  objectGuid: string;
  values: AttributeValueMap | null;
  updatedAt: Date;
}

export interface RetryState {
  entraId: string;
  /** Consecutive failures since the last success. */
  failures: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  nextAttemptAt: Date;
  lastErrorCode: string;
  lastCycleId: string | null;
}

export interface FailureInput {
  entraId: string;
  code: string;
  nextAttemptAt: Date;
}

export interface Quarantine {
  reason: string;
  code: string;
  /** When the job entered quarantine (kept while it stays there). */
  since: Date;
  /** How many times quarantine was entered or confirmed since `since` (for growing intervals). */
  attempts: number;
  lastAttemptAt: Date;
  nextAttemptAt: Date;
}

// ---- Service control and state ----

export type ControlKind = 'pause' | 'resume' | 'restart' | 'approve' | 'reject';
export type ControlArgs = Record<string, string | number | boolean | null>;

export interface ControlRequest {
  id: number;
  kind: ControlKind;
  args: ControlArgs;
  requestedAt: Date;
  /** When the service took it; null while pending. */
  takenAt: Date | null;
}

export type ServiceStateName = 'active' | 'paused' | 'quarantined' | 'stopped';

export interface ServiceStateInput {
  state: ServiceStateName;
  pid: number | null;
  heartbeatAt: Date;
  nextCycleAt: Date | null;
}

export interface ServiceState extends ServiceStateInput {
  updatedAt: Date;
}

// ---- Staged changes (mass-change guard) ----

export interface StagedItemInput {
  entraId: string;
  objectGuid: ObjectGuidInput;
  dn: string;
  changes: AttributeChange[];
  before: AttributeValueMap;
  after: AttributeValueMap;
}

export interface StagedItem extends Omit<StagedItemInput, 'objectGuid'> {
  objectGuid: string;
}

/** `superseded`: a later cycle staged again before anyone decided; only the newest can be approved. */
export type StagedStatus = 'pending' | 'approved' | 'rejected' | 'superseded' | 'applied';

export interface StagedCycle {
  cycleId: string;
  status: StagedStatus;
  /** Why the guard staged it, e.g. `would update 812 objects (limit 500)`. */
  reason: string | null;
  stagedAt: Date;
  resolvedAt: Date | null;
  /** The cycle that applied an approved staging. */
  appliedByCycleId: string | null;
  objectCount: number;
  valuesRemoved: number;
}

export interface StagedCycleWithItems extends StagedCycle {
  items: StagedItem[];
}

// ---- Intents, journal, drift ----

/** One object's write as intents and journal entries both record it. */
export interface ObjectWriteFields {
  entraId: string;
  objectGuid: ObjectGuidInput;
  dn: string;
  changes: AttributeChange[];
  /** Values of the changed attributes before the modify, by attribute. */
  before: AttributeValueMap;
  /** Values of the changed attributes after the modify, by attribute. */
  after: AttributeValueMap;
  /** For an undo write: the journal entry it reverts. */
  undoOf?: number | null;
}

export interface IntentInput extends ObjectWriteFields {
  cycleId: string;
}

export type IntentStatus = 'pending' | 'applied' | 'not-applied' | 'abandoned';

export interface Intent extends Omit<IntentInput, 'objectGuid' | 'undoOf'> {
  id: number;
  objectGuid: string;
  undoOf: number | null;
  createdAt: Date;
  status: IntentStatus;
  resolvedAt: Date | null;
  /** Why an intent was abandoned. */
  resolution: string | null;
  /** The journal entry of an applied intent. */
  journalId: number | null;
}

export interface JournalEntryInput extends ObjectWriteFields {
  appliedAt: Date;
}

export interface JournalEntry extends Omit<JournalEntryInput, 'objectGuid' | 'undoOf'> {
  id: number;
  cycleId: string;
  objectGuid: string;
  undoOf: number | null;
  intentId: number | null;
}

export interface DriftInput {
  cycleId: string;
  entraId: string;
  objectGuid: ObjectGuidInput;
  dn: string;
  attribute: string;
  adValue: string[];
  cloudValue: string[];
  /** The object's whenChanged when the drift was found, if known. */
  whenChanged: Date | null;
  detectedAt: Date;
  repaired: boolean;
}

export interface Drift extends Omit<DriftInput, 'objectGuid'> {
  id: number;
  objectGuid: string;
}

export interface CommitObjectResultInput {
  cycleId: string;
  /** Its `cycleId` must equal `cycleId`; its id must be new. */
  record: ProvisioningRecord;
  /** The intent written by {@link StateStore.beginObjectWrite}; resolved in the same transaction. */
  intentId?: number;
  /** Present when the modify was applied. Refused in a dry-run cycle. */
  journal?: JournalEntryInput;
  link?: LinkInput;
  /** The object succeeded: forget its retry state. */
  clearFailure?: string;
  /** The object failed: count the failure and schedule the next attempt. */
  failure?: FailureInput;
  /** Drift found on this object (and repaired by this write, if `repaired`). */
  drift?: Array<Omit<DriftInput, 'cycleId'>>;
}

export interface CommitObjectResult {
  journalId: number | null;
  retryState: RetryState | null;
}

export interface PruneResult {
  records: number;
  drift: number;
  controls: number;
  intents: number;
}

/**
 * Everything the service keeps. Also the provisioning log sink of the engine, and where the LDAP
 * adapter keeps how to cut its next full read ({@link ReadPlanStore}).
 */
export interface StateStore extends ProvisioningLogSink, ReadPlanStore {
  // cycles
  startCycle(input: StartCycleInput): Promise<string>;
  /** {@link commitCycle} without a watermark. */
  finishCycle(cycleId: string, result: FinishCycleInput): Promise<Cycle>;
  /** Finishes the cycle and advances its watermark in one transaction. */
  commitCycle(input: CommitCycleInput): Promise<Cycle>;
  getCycle(cycleId: string): Promise<Cycle | null>;
  /** Newest first. */
  listCycles(query?: ListCyclesQuery): Promise<Cycle[]>;
  /** The most recently started cycle (of that kind, with that outcome). */
  lastCycle(kind?: CycleKind, options?: { outcome?: CycleOutcome }): Promise<Cycle | null>;
  /** Cycles that were started and never finished (a crash), oldest first. */
  unfinishedCycles(): Promise<Cycle[]>;

  // provisioning records (append comes from ProvisioningLogSink; duplicate ids are refused)
  queryRecords(query?: RecordQuery): Promise<RecordPage>;
  /** Every matching record (limit/offset ignored), read in pages; for exports. */
  streamRecords(query?: Omit<RecordQuery, 'limit' | 'offset'>): AsyncIterable<ProvisioningRecord>;
  getRecord(id: string): Promise<ProvisioningRecord | null>;

  // links
  /** Inserts or replaces the link of `entraId`; a link of another Entra id to the same GUID is replaced (newest match wins). */
  upsertLink(link: LinkInput): Promise<Link>;
  getLink(entraId: string): Promise<Link | null>;
  getLinkByGuid(objectGuid: ObjectGuidInput): Promise<Link | null>;

  // watermarks
  getWatermark(key: WatermarkKey): Promise<Watermark | null>;

  // retries
  /** Counts one more failure; returns the new state. */
  recordFailure(entraId: string, code: string, nextAttemptAt: Date, cycleId?: string | null): Promise<RetryState>;
  /** True when there was a retry state to clear. */
  clearFailure(entraId: string): Promise<boolean>;
  getRetryState(entraId: string): Promise<RetryState | null>;
  /** Objects whose next attempt is due at `now`, soonest first. */
  dueRetries(now: Date): Promise<RetryState[]>;
  /** Objects with at least `minFailures` consecutive failures (default 1), most failures first. */
  listFailing(options?: { minFailures?: number }): Promise<RetryState[]>;

  // quarantine
  /** Enters quarantine, or confirms it (attempts + 1, reason and next attempt updated, `since` kept). */
  enterQuarantine(reason: string, code: string, nextAttemptAt: Date): Promise<Quarantine>;
  /** Returns what was lifted, or null when the job was not quarantined. */
  liftQuarantine(): Promise<Quarantine | null>;
  getQuarantine(): Promise<Quarantine | null>;
  /** `restart`: clears every watermark, all retry state and the quarantine in one transaction. */
  resetForRestart(): Promise<void>;

  // service control and state
  requestControl(kind: ControlKind, args?: ControlArgs): Promise<ControlRequest>;
  /** Marks every pending request as taken and returns them in the order they were made; each is taken once, by one process. */
  takePendingControls(): Promise<ControlRequest[]>;
  getServiceState(): Promise<ServiceState | null>;
  setServiceState(state: ServiceStateInput): Promise<void>;

  // staged changes
  /** Stages the items of a cycle (pending approval); supersedes older pending stagings. */
  stageCycle(cycleId: string, items: readonly StagedItemInput[], options?: { reason?: string }): Promise<StagedCycle>;
  getStaged(cycleId: string): Promise<StagedCycleWithItems | null>;
  /** Stagings waiting for approve/reject, newest first. */
  pendingApproval(): Promise<StagedCycle[]>;
  /** Approve or reject a pending staging; anything else is a {@link StateStoreConflict}. */
  resolveStaged(cycleId: string, decision: 'approved' | 'rejected'): Promise<StagedCycle>;
  /** An approved staging was applied by `byCycleId`. */
  markStagedApplied(cycleId: string, byCycleId: string): Promise<StagedCycle>;

  // intents and the undo journal
  beginObjectWrite(intent: IntentInput): Promise<Intent>;
  /** Writes the record, journal entry, link, retry state, drift and the intent's resolution in one transaction. */
  commitObjectResult(input: CommitObjectResultInput): Promise<CommitObjectResult>;
  /**
   * Several {@link commitObjectResult}s in one transaction, in order: all or none. For the many
   * objects a cycle reads but does not write (unchanged, skipped, failed before a write), so a
   * 100k-object cycle does not wait for 100k durable commits.
   */
  commitObjectResults(inputs: readonly CommitObjectResultInput[]): Promise<CommitObjectResult[]>;
  /** Resolves a pending intent without a record (the write was not applied, or cannot be decided). */
  abandonIntent(intentId: number, reason: string): Promise<Intent>;
  getIntent(intentId: number): Promise<Intent | null>;
  /** Pending intents (of one cycle), oldest first. */
  pendingIntents(cycleId?: string): Promise<Intent[]>;
  /** In the order applied. */
  journalForCycle(cycleId: string): Promise<JournalEntry[]>;
  /** Entries of one object, by objectGUID or Entra id, in the order applied. */
  journalForObject(identity: ObjectGuidInput, options?: { cycleId?: string }): Promise<JournalEntry[]>;

  // drift
  recordDrift(drift: DriftInput): Promise<Drift>;
  /** Newest first; default limit 100. */
  listDrift(query?: { since?: Date; limit?: number; entraId?: string }): Promise<Drift[]>;

  // retention
  /** Deletes records, drift, taken control requests and resolved intents older than `olderThan`; keeps cycles and the undo journal. */
  pruneRecords(olderThan: Date): Promise<PruneResult>;

  close(): Promise<void>;
}

/** The journal entry for an applied intent (same object, changes and values). */
export function journalEntryFromIntent(intent: Intent, appliedAt: Date): JournalEntryInput {
  return {
    entraId: intent.entraId,
    objectGuid: intent.objectGuid,
    dn: intent.dn,
    changes: intent.changes.map((c) => ({ ...c, values: [...c.values] })),
    before: structuredClone(intent.before),
    after: structuredClone(intent.after),
    appliedAt,
    undoOf: intent.undoOf,
  };
}

