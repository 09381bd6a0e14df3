/** Provision on demand, printed the way the Entra portal shows it: one card per step, then the modified attributes. */
import type { ProvisioningRecord, ProvisioningStep } from '../../core/provisioning-record.js';

/** Portal titles of the step types. */
const STEP_TITLES: Record<string, string> = {
  import: 'Import user',
  matching: 'Match user between source and target system',
  scoping: 'Determine if user is in scope',
  processing: 'Process',
  export: 'Perform action',
};

/** Renders one provisioning record as step cards and a Modified target attributes section. */
export function formatProvisioningRecord(record: ProvisioningRecord): string {
  const out: string[] = [];
  const who = record.sourceIdentity.details.UserPrincipalName || record.sourceIdentity.id;
  out.push(`Provision on demand: ${record.sourceIdentity.displayName} (${who})${record.dryRun ? '  [dry run: nothing is written]' : ''}`, '');
  record.provisioningSteps.forEach((step, i) => out.push(...card(i + 1, step), ''));

  out.push('Modified target attributes');
  if (record.modifiedProperties.length === 0) out.push('  (none)');
  for (const property of record.modifiedProperties) {
    out.push(`  ${property.displayName}`);
    const before = splitValues(property.oldValue);
    const after = splitValues(property.newValue);
    if (before.length <= 1 && after.length <= 1) {
      out.push(`    old value: ${before[0] ?? '(not set)'}`, `    new value: ${after[0] ?? '(not set)'}`);
      continue;
    }
    // Multi-valued: show every value, marking what goes and what comes.
    const afterSet = new Set(after);
    const beforeSet = new Set(before);
    for (const value of before) if (!afterSet.has(value)) out.push(`    - ${value}`);
    for (const value of after) out.push(`    ${beforeSet.has(value) ? ' ' : '+'} ${value}`);
  }
  out.push('');
  const info = record.provisioningStatusInfo;
  const status = info.status.charAt(0).toUpperCase() + info.status.slice(1);
  out.push(`Result: ${status}${info.errorInformation ? ` — ${info.errorInformation.errorCode}: ${info.errorInformation.reason}` : ''}`);
  if (info.errorInformation?.recommendedAction) out.push(`Recommended action: ${info.errorInformation.recommendedAction}`);
  out.push(`Record ${record.id}, cycle ${record.cycleId}, ${record.durationInMilliseconds} ms`);
  return `${out.join('\n')}\n`;
}

function card(index: number, step: ProvisioningStep): string[] {
  const title = `${index}. ${STEP_TITLES[step.provisioningStepType] ?? step.name}`;
  const status = step.status.charAt(0).toUpperCase() + step.status.slice(1);
  const lines = [`${title.padEnd(60)} ${status}`, `   ${step.description}`];
  const entries = Object.entries(step.details);
  const width = Math.min(32, Math.max(0, ...entries.map(([k]) => k.length)));
  for (const [key, value] of entries) lines.push(`   ${key.padEnd(width)}  ${value}`);
  return lines;
}

function splitValues(value: string | null): string[] {
  return value === null || value === '' ? [] : value.split(';');
}
