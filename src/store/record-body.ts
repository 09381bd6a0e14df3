/**
 * How the SQLite store keeps a provisioning record: the fields that differ in every record (its
 * envelope: id, time, cycle, change, duration) apart from the rest (its body), which is stored once
 * and shared by every record with the same body.
 *
 * A full cycle records every in-scope object, and an object in step gets the same record cycle
 * after cycle but for its envelope (~4 KB of steps and identities, ~120 bytes of envelope); sharing
 * the body is what keeps the daily reconcile's state file small (docs/operations.md).
 */
import { createHash } from 'node:crypto';
import type { ProvisioningRecord } from '../core/provisioning-record.js';

/** The fields of a record that are its own; `id` and `cycleId` are columns of the record's row. */
type EnvelopeKey = 'id' | 'activityDateTime' | 'cycleId' | 'changeId' | 'durationInMilliseconds';

/** What records with the same outcome for the same object share. */
export type RecordBody = Omit<ProvisioningRecord, EnvelopeKey>;

/** The envelope fields kept as JSON beside the row's `id` and `cycle_id` columns. */
export interface RecordEnvelope {
  activityDateTime: string;
  changeId: string;
  durationInMilliseconds: number;
}

/** A record split for storage: body text and envelope text. */
export interface SplitRecord {
  body: string;
  envelope: string;
}

/** Splits `record` into its envelope and its body (pure). */
export function splitRecord(record: ProvisioningRecord): SplitRecord {
  // Written out (no rest spread, which costs ~2 µs a record), and `Required` so that a field added
  // to ProvisioningRecord fails to compile here rather than being dropped from the stored body.
  const body: Required<RecordBody> = {
    jobId: record.jobId,
    initiatedBy: record.initiatedBy,
    provisioningAction: record.provisioningAction,
    provisioningStatusInfo: record.provisioningStatusInfo,
    provisioningSteps: record.provisioningSteps,
    modifiedProperties: record.modifiedProperties,
    sourceIdentity: record.sourceIdentity,
    targetIdentity: record.targetIdentity,
    sourceSystem: record.sourceSystem,
    targetSystem: record.targetSystem,
    dryRun: record.dryRun,
  };
  const envelope: RecordEnvelope = {
    activityDateTime: record.activityDateTime,
    changeId: record.changeId,
    durationInMilliseconds: record.durationInMilliseconds,
  };
  return { body: JSON.stringify(body), envelope: JSON.stringify(envelope) };
}

/** The key a body is shared by: the SHA-256 of its text (pure). */
export function bodyHash(body: string): Buffer {
  return createHash('sha256').update(body).digest();
}

/** The record a row holds, its fields in {@link ProvisioningRecord}'s order (pure). */
export function joinRecord(id: string, cycleId: string, envelopeText: string, bodyText: string): ProvisioningRecord {
  const envelope = JSON.parse(envelopeText) as RecordEnvelope;
  const body = JSON.parse(bodyText) as RecordBody;
  return {
    id,
    activityDateTime: envelope.activityDateTime,
    cycleId,
    changeId: envelope.changeId,
    jobId: body.jobId,
    durationInMilliseconds: envelope.durationInMilliseconds,
    initiatedBy: body.initiatedBy,
    provisioningAction: body.provisioningAction,
    provisioningStatusInfo: body.provisioningStatusInfo,
    provisioningSteps: body.provisioningSteps,
    modifiedProperties: body.modifiedProperties,
    sourceIdentity: body.sourceIdentity,
    targetIdentity: body.targetIdentity,
    sourceSystem: body.sourceSystem,
    targetSystem: body.targetSystem,
    dryRun: body.dryRun,
  };
}
