/**
 * How a provisioning record is shown, as the Entra portal shows it: one card per step (import,
 * scoping, matching, export) and the Modified target attributes table; shared by provision on
 * demand and the log's detail view.
 */
import { badge, h, table } from '../dom.js';
import type { ProvisioningRecord, ProvisioningStep } from '../types.js';

const STEP_TITLES: Record<string, string> = {
  import: 'Import user',
  scoping: 'Determine if user is in scope',
  matching: 'Match user between source and target system',
  export: 'Perform action',
  processing: 'Processing',
};
const ORDER = ['import', 'scoping', 'matching', 'processing', 'export'];

function details(values: Record<string, string>): HTMLElement | null {
  const entries = Object.entries(values);
  if (!entries.length) return null;
  const dl = h('dl', {});
  for (const [k, v] of entries) dl.append(h('dt', {}, k), h('dd', { class: 'mono' }, v));
  return dl;
}

/** The worst status of a group of steps. */
function groupStatus(steps: ProvisioningStep[]): string {
  if (steps.some((s) => s.status === 'failure')) return 'failure';
  if (steps.some((s) => s.status === 'skipped')) return 'skipped';
  if (steps.some((s) => s.status === 'warning')) return 'warning';
  return 'success';
}

/** One card per step type, in the portal's order. */
export function stepCards(record: ProvisioningRecord): HTMLElement {
  const groups = new Map<string, ProvisioningStep[]>();
  for (const step of record.provisioningSteps) groups.set(step.provisioningStepType, [...(groups.get(step.provisioningStepType) ?? []), step]);
  const types = [...groups.keys()].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return h('div', { class: 'steps', 'data-testid': 'step-cards' },
    ...types.map((type, i) => {
      const steps = groups.get(type)!;
      const status = groupStatus(steps);
      return h('section', { class: `step ${status}`, 'data-step': type },
        h('h3', {}, `${i + 1}. ${STEP_TITLES[type] ?? type}`, badge(status)),
        ...steps.map((s) => h('div', {}, h('div', {}, s.description), details(s.details))));
    }));
}

/** Modified target attributes: attribute, old value, new value. */
export function modifiedTable(record: ProvisioningRecord): HTMLElement {
  if (!record.modifiedProperties.length) return h('p', { class: 'muted', 'data-testid': 'modified-attributes' }, 'No target attributes were modified.');
  const t = table(['Target attribute', 'Old value', 'New value'], record.modifiedProperties.map((p) => ({ cells: [p.displayName, h('span', { class: 'mono' }, p.oldValue ?? ''), h('span', { class: 'mono' }, p.newValue ?? '')] })));
  t.setAttribute('data-testid', 'modified-attributes');
  return t;
}

/** A one-line verdict: status, skip reason or error code. */
export function verdict(record: ProvisioningRecord): HTMLElement {
  const info = record.provisioningStatusInfo;
  const kind = info.status === 'failure' ? 'error' : info.status === 'skipped' ? 'warn' : '';
  const text = info.status === 'skipped'
    ? `Skipped: ${info.skipReason ?? 'not in scope'}`
    : info.status === 'failure'
      ? `Failed: ${info.errorInformation?.errorCode ?? ''} — ${info.errorInformation?.reason ?? ''}`
      : record.modifiedProperties.length
        ? `${record.dryRun ? 'Dry run: would update' : 'Updated'} ${record.modifiedProperties.length} attribute${record.modifiedProperties.length === 1 ? '' : 's'}`
        : 'Success: AD already had every value';
  return h('div', { class: `banner ${kind}`, 'data-testid': 'verdict', 'data-status': info.status, 'data-skip-reason': info.skipReason ?? '' }, text);
}
