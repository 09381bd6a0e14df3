/**
 * Start-up recovery after a crash (SIGKILL, power loss) between an LDAP modify and its commit:
 * each pending intent is compared with AD, so that every applied change is journaled exactly
 * once and nothing half-known is left behind (the store's intent contract).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { guidToString } from '../core/guid.js';
import { storedGuidBytes } from './stored-guid.js';
import { buildProvisioningRecord } from '../core/provisioning-record.js';
import { sameAttributeValues } from '../core/safety/value-equality.js';
import { journalEntryFromIntent, type Intent, type StateStore } from '../store/state-store.js';
import type { ProcessContext } from './process-mailbox.js';
import { newRecordId } from './record-id.js';

/** What recovery needs. */
export interface RecoveryDeps {
  store: StateStore;
  context: Pick<ProcessContext, 'domains' | 'now' | 'initiatedBy' | 'jobId'>;
  logger: Logger;
}

/** Resolves every pending intent, then closes the cycles they interrupted as aborted. */
export async function recoverInterruptedWrites(deps: RecoveryDeps): Promise<{ applied: number; notApplied: number; abandoned: number }> {
  const { store, logger } = deps;
  const result = { applied: 0, notApplied: 0, abandoned: 0 };
  for (const intent of await store.pendingIntents()) {
    const verdict = await compareWithDirectory(intent, deps);
    if (verdict === 'applied') {
      await store.commitObjectResult({ cycleId: intent.cycleId, intentId: intent.id, record: recoveredRecord(intent, deps), journal: journalEntryFromIntent(intent, deps.context.now()) });
      result.applied++;
    } else if (verdict === 'not-applied') {
      await store.commitObjectResult({ cycleId: intent.cycleId, intentId: intent.id, record: recoveredRecord(intent, deps, false) });
      result.notApplied++;
    } else {
      await store.abandonIntent(intent.id, verdict);
      result.abandoned++;
    }
  }
  for (const cycle of await store.unfinishedCycles()) {
    await store.finishCycle(cycle.id, { outcome: 'aborted', counts: cycle.counts, error: { code: 'Interrupted', message: 'the service stopped during this cycle' } });
  }
  if (result.applied + result.notApplied + result.abandoned > 0) logger.warn(result, 'recovered writes interrupted by a crash');
  return result;
}

/** `applied`, `not-applied`, or why neither can be told (then the intent is abandoned). */
async function compareWithDirectory(intent: Intent, deps: RecoveryDeps): Promise<string> {
  const domain = deps.context.domains.find((d) => intent.dn.toLowerCase().endsWith(d.baseDn.toLowerCase()));
  const guid = storedGuidBytes(intent.objectGuid);
  if (!domain) return `no configured domain holds ${intent.dn}`;
  const object = await domain.directory.readByGuid(guid);
  if (!object) return 'the object is gone';
  const attributes = Object.keys(intent.after);
  const equals = (wanted: Record<string, string[]>) => attributes.every((a) => sameAttributeValues(a, object.attributes[a] ?? [], wanted[a] ?? []));
  if (equals(intent.after)) return 'applied';
  if (equals(intent.before)) return 'not-applied';
  return 'AD changed since the interrupted write; the next reconcile decides';
}

function recoveredRecord(intent: Intent, deps: RecoveryDeps, applied = true) {
  const now = deps.context.now();
  return buildProvisioningRecord({
    id: newRecordId(), changeId: randomUUID(), cycleId: intent.cycleId, jobId: deps.context.jobId,
    activityDateTime: now, durationInMilliseconds: 0, initiatedBy: deps.context.initiatedBy,
    provisioningAction: 'update', status: applied ? 'success' : 'skipped', dryRun: false,
    steps: [{
      name: 'EntryExportUpdate', provisioningStepType: 'export', status: applied ? 'success' : 'skipped',
      description: applied ? 'Recovered after a restart: the interrupted write had been applied; journaled now' : 'Recovered after a restart: the interrupted write had not been applied; the next cycle writes it',
      details: { intent: String(intent.id) },
    }],
    modifiedProperties: applied ? Object.keys(intent.after).map((a) => ({ displayName: a, oldValue: (intent.before[a] ?? []).join(';') || null, newValue: (intent.after[a] ?? []).join(';') || null })) : [],
    source: { id: intent.entraId, displayName: null },
    target: { id: guidToString(storedGuidBytes(intent.objectGuid)), displayName: null, details: { distinguishedName: intent.dn } },
  });
}

/** The store keeps GUIDs as text: 32 hex digits of the AD bytes, or the dashed form. */
