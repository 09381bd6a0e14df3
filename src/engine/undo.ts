/**
 * Undo: restore the before-values of one cycle, or of one object, from the journal — refusing,
 * and reporting, every attribute whose current AD value is no longer what the engine wrote.
 * The undo is itself a cycle and is journaled, so it can be undone in turn.
 */
import { randomUUID } from 'node:crypto';
import { guidToString } from '../core/guid.js';
import { storedGuidBytes } from './stored-guid.js';
import { buildProvisioningRecord } from '../core/provisioning-record.js';
import { mergeJournal, planUndo, type JournalChange, type UndoPlan } from '../core/safety/undo-plan.js';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';
import type { JournalEntry, StateStore } from '../store/state-store.js';
import type { ServedDomain } from './engine-ports.js';
import type { Initiator } from './process-mailbox.js';
import { newRecordId } from './record-id.js';

/** Nothing in the journal matches what was asked to undo. */
export class NothingToUndoError extends ExoWritebackError {
  readonly code = 'NothingToUndo';
}

/** What undo did (or, with `dryRun`, would do) to one object. */
export interface UndoObjectResult {
  entraId: string;
  dn: string;
  restored: UndoPlan['restored'];
  refused: UndoPlan['refused'];
  error: string | null;
}

/** The whole undo. */
export interface UndoResult {
  cycleId: string | null;
  dryRun: boolean;
  objects: UndoObjectResult[];
}

/** What to undo: a cycle, or an object (optionally only within one cycle). */
export type UndoTarget = { cycleId: string } | { objectGuid: Buffer | string; cycleId?: string };

/** Options of {@link undo}. */
export interface UndoOptions {
  store: StateStore;
  domains: readonly ServedDomain[];
  target: UndoTarget;
  dryRun: boolean;
  initiatedBy: Initiator;
  jobId: string;
  now: () => Date;
}

/** Plans and (unless `dryRun`) applies the undo. */
export async function undo(options: UndoOptions): Promise<UndoResult> {
  const { store } = options;
  const entries = 'objectGuid' in options.target
    ? await store.journalForObject(options.target.objectGuid, options.target.cycleId ? { cycleId: options.target.cycleId } : {})
    : await store.journalForCycle(options.target.cycleId);
  if (entries.length === 0) throw new NothingToUndoError('the journal has no applied change for that cycle or object');

  // Group per object; newest first so mergeJournal keeps the oldest before and newest after.
  const byObject = new Map<string, JournalEntry[]>();
  for (const entry of [...entries].sort((a, b) => b.id - a.id)) byObject.set(entry.objectGuid, [...(byObject.get(entry.objectGuid) ?? []), entry]);

  const cycleId = options.dryRun ? null : await store.startCycle({ kind: 'undo', dryRun: false, id: randomUUID(), startedAt: options.now() });
  const objects: UndoObjectResult[] = [];
  for (const [guidText, objectEntries] of byObject) {
    const first = objectEntries[0]!;
    const result: UndoObjectResult = { entraId: first.entraId, dn: first.dn, restored: [], refused: [], error: null };
    objects.push(result);
    const domain = options.domains.find((d) => first.dn.toLowerCase().endsWith(d.baseDn.toLowerCase()));
    const guid = storedGuidBytes(guidText);
    const current = domain ? await domain.directory.readByGuid(guid) : null;
    if (!domain || !current) {
      result.error = domain ? 'the object no longer exists' : `no configured domain holds ${first.dn}`;
      continue;
    }
    const journal: JournalChange[] = mergeJournal(objectEntries.map(toJournalChanges));
    const plan = planUndo(journal, current.attributes);
    result.restored = plan.restored;
    result.refused = plan.refused;
    if (options.dryRun || plan.changes.length === 0 || !cycleId) continue;

    const before = Object.fromEntries(plan.restored.map((r) => [r.attribute, r.from]));
    const after = Object.fromEntries(plan.restored.map((r) => [r.attribute, r.to]));
    const intent = await store.beginObjectWrite({ cycleId, entraId: first.entraId, objectGuid: guid, dn: current.distinguishedName, changes: plan.changes, before, after, undoOf: first.id });
    const record = (status: 'success' | 'failure', description: string) => buildProvisioningRecord({
      id: newRecordId(), changeId: randomUUID(), cycleId, jobId: options.jobId, activityDateTime: options.now(), durationInMilliseconds: 0,
      initiatedBy: options.initiatedBy, provisioningAction: 'update', status, dryRun: false,
      steps: [{ name: 'EntryExportUpdate', provisioningStepType: 'export', status, description, details: { undoOfJournal: objectEntries.map((e) => e.id).join(',') } }],
      modifiedProperties: plan.restored.map((r) => ({ displayName: r.attribute, oldValue: r.from.join(';') || null, newValue: r.to.join(';') || null })),
      source: { id: first.entraId, displayName: current.displayName },
      target: { id: guidToString(guid), displayName: current.displayName, details: { distinguishedName: current.distinguishedName } },
    });
    try {
      await domain.directory.modify(guid, plan.changes);
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      await store.commitObjectResult({ cycleId, intentId: intent.id, record: record('failure', `Undo failed: ${result.error}`) });
      continue;
    }
    await store.commitObjectResult({
      cycleId, intentId: intent.id, record: record('success', `Undo: restored ${plan.restored.map((r) => r.attribute).join(', ')}`),
      journal: { entraId: first.entraId, objectGuid: guid, dn: current.distinguishedName, changes: plan.changes, before, after, appliedAt: options.now(), undoOf: first.id },
    });
  }
  if (cycleId) {
    const restored = objects.reduce((n, o) => n + (o.error ? 0 : o.restored.length), 0);
    const refused = objects.reduce((n, o) => n + o.refused.length, 0);
    await store.commitCycle({ cycleId, outcome: objects.some((o) => o.error) ? 'failed' : 'success', counts: { objects: objects.length, attributesRestored: restored, attributesRefused: refused } });
  }
  return { cycleId, dryRun: options.dryRun, objects };
}

function toJournalChanges(entry: JournalEntry): JournalChange[] {
  return Object.keys(entry.after).map((attribute) => ({ attribute, before: entry.before[attribute] ?? [], after: entry.after[attribute] ?? [] }));
}
