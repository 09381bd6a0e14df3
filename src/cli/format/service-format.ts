/** Text and CSV output of `status`, `logs`, `drift` and `undo`. */
import { csvField, PROVISIONING_CSV_HEADER, recordToCsvRow, type ProvisioningRecord } from '../../core/provisioning-record.js';
import type { ServiceStatus } from '../../engine/service-status.js';
import type { UndoResult } from '../../engine/undo.js';
import type { Cycle, Drift } from '../../store/state-store.js';

/** `status` for people. */
export function formatServiceStatus(status: ServiceStatus): string {
  const cycle = (c: Cycle | null) => (c ? `${c.kind} ${c.outcome ?? 'running'} ${c.finishedAt?.toISOString() ?? c.startedAt.toISOString()} (${c.id})${summarise(c)}` : '(none)');
  const lines = [
    `Service          ${status.process}, ${status.state}${status.pid ? ` (pid ${status.pid})` : ''}`,
    `Heartbeat        ${status.heartbeatAt ?? '(never)'}`,
    `Next cycle       ${status.nextCycleAt ?? '-'}`,
    `Last cycle       ${cycle(status.lastCycle)}`,
    `Last success     ${cycle(status.lastSuccessfulCycle)}`,
    `Quarantine       ${status.quarantine ? `${status.quarantine.reason} (${status.quarantine.code}) since ${status.quarantine.since.toISOString()}, next attempt ${status.quarantine.nextAttemptAt.toISOString()}` : 'no'}`,
    `Pending approval ${status.pendingApprovals.length ? status.pendingApprovals.map((p) => `${p.cycleId}: ${p.objectCount} objects, ${p.valuesRemoved} values removed (${p.reason ?? ''}) — exo-writeback approve ${p.cycleId} | reject ${p.cycleId}`).join('\n                 ') : 'none'}`,
    `Failing objects  ${status.failingObjects.length}${status.failingObjects.length ? ` (${status.failingObjects.slice(0, 5).map((f) => `${f.entraId} ${f.lastErrorCode} ×${f.failures}`).join(', ')}${status.failingObjects.length > 5 ? ', …' : ''})` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

function summarise(cycle: Cycle): string {
  const c = cycle.counts;
  const parts = ['updated', 'unchanged', 'staged', 'attributesRestored'].filter((k) => c[k] !== undefined).map((k) => `${k} ${c[k]}`);
  const failed = Object.entries(c).filter(([k]) => k.startsWith('failed.')).reduce((n, [, v]) => n + v, 0);
  if (failed) parts.push(`failed ${failed}`);
  return parts.length ? ` — ${parts.join(', ')}` : '';
}

/** `logs` as an aligned table. */
export function formatRecordsTable(records: readonly ProvisioningRecord[], total: number): string {
  const rows = records.map((r) => [
    r.activityDateTime.replace('T', ' ').slice(0, 19),
    r.sourceIdentity.details.UserPrincipalName || r.sourceIdentity.displayName || r.sourceIdentity.id || '',
    r.provisioningAction,
    r.provisioningStatusInfo.status,
    r.provisioningStatusInfo.errorInformation?.errorCode ?? r.provisioningStatusInfo.skipReason ?? '',
    r.modifiedProperties.map((p) => p.displayName).join(','),
    r.cycleId,
  ]);
  const header = ['time (UTC)', 'identity', 'action', 'status', 'code', 'modified', 'cycle'];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n${records.length} of ${total} record(s)\n`;
}

/** `logs --csv`. */
export function formatRecordsCsv(records: readonly ProvisioningRecord[]): string {
  return `${[PROVISIONING_CSV_HEADER, ...records.map(recordToCsvRow)].join('\r\n')}\r\n`;
}

const DRIFT_COLUMNS = ['detectedAt', 'entraId', 'dn', 'attribute', 'adValue', 'cloudValue', 'whenChanged', 'repaired', 'cycleId'] as const;

/** `drift` as text or CSV. */
export function formatDrift(drift: readonly Drift[], csv: boolean): string {
  const cells = (d: Drift): Array<string | boolean | null> => [
    d.detectedAt.toISOString(), d.entraId, d.dn, d.attribute, d.adValue.join(';'), d.cloudValue.join(';'), d.whenChanged?.toISOString() ?? null, d.repaired, d.cycleId,
  ];
  if (csv) return `${[DRIFT_COLUMNS.join(','), ...drift.map((d) => cells(d).map((c) => csvField(c)).join(','))].join('\r\n')}\r\n`;
  if (drift.length === 0) return 'No drift found.\n';
  return `${drift.map((d) => `${d.detectedAt.toISOString()}  ${d.dn}\n    ${d.attribute}: AD had "${d.adValue.join(';')}", cloud "${d.cloudValue.join(';')}"${d.whenChanged ? ` (AD whenChanged ${d.whenChanged.toISOString()})` : ''} — ${d.repaired ? 'restored' : 'not restored'}`).join('\n')}\n`;
}

/** `undo` result. */
export function formatUndo(result: UndoResult): string {
  const lines = [result.dryRun ? 'Undo (dry run: nothing is written)' : `Undo cycle ${result.cycleId ?? ''}`];
  for (const o of result.objects) {
    lines.push(`  ${o.dn}`);
    if (o.error) lines.push(`    error: ${o.error}`);
    for (const r of o.restored) lines.push(`    ${result.dryRun ? 'would restore' : 'restored'} ${r.attribute}: "${r.from.join(';')}" → "${r.to.join(';')}"`);
    for (const r of o.refused) lines.push(`    REFUSED ${r.attribute}: ${r.reason} (AD now "${r.actual.join(';')}", engine wrote "${r.expected.join(';')}")`);
  }
  return `${lines.join('\n')}\n`;
}
