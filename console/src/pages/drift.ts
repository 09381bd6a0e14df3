/** Drift & undo: attributes edited directly in AD, and undo of a cycle or an object with a preview. */
import { get, post } from '../api.js';
import { h, replace, table, when } from '../dom.js';
import type { Drift, UndoResult } from '../types.js';
import type { Page } from '../page.js';
import { showError } from '../show-error.js';

const values = (v: string[]) => (v.length ? v.join('; ') : '(empty)');

/** What an undo restores and refuses, object by object. */
function undoReport(result: UndoResult): HTMLElement {
  if (!result.objects.length) return h('p', { class: 'muted' }, 'Nothing to restore.');
  return h('div', { 'data-testid': 'undo-report' }, ...result.objects.map((o) => h('div', { class: 'card' },
    h('h2', {}, o.dn),
    o.error ? h('div', { class: 'banner error' }, o.error) : null,
    o.restored.length
      ? table(['Attribute', 'AD now', result.dryRun ? 'Will be restored to' : 'Restored to'], o.restored.map((r) => ({ cells: [r.attribute, h('span', { class: 'mono' }, values(r.from)), h('span', { class: 'mono' }, values(r.to))] })))
      : null,
    o.refused.length
      ? h('div', {}, h('p', {}, h('strong', {}, 'Refused (changed since the engine wrote it):')),
        table(['Attribute', 'Engine wrote', 'AD now', 'Why'], o.refused.map((r) => ({ cells: [r.attribute, h('span', { class: 'mono' }, values(r.expected)), h('span', { class: 'mono' }, values(r.actual)), r.reason] }))))
      : null)));
}

export const driftPage: Page = async (main) => {
  const preset = new URLSearchParams(location.hash.split('?')[1] ?? '').get('undoCycle') ?? '';
  const { drift } = await get<{ drift: Drift[] }>('/drift');
  const cycleInput = h('input', { type: 'text', name: 'cycleId', placeholder: 'cycle id', value: preset });
  const objectInput = h('input', { type: 'text', name: 'object', placeholder: 'UPN, SMTP, alias or GUID (optional)' });
  const preview = h('div', { 'data-testid': 'undo-preview' });
  const dialog = h('dialog', { 'data-testid': 'undo-confirm' });
  const target = () => ({ ...(cycleInput.value.trim() ? { cycleId: cycleInput.value.trim() } : {}), ...(objectInput.value.trim() ? { object: objectInput.value.trim() } : {}) });

  const confirmUndo = async () => {
    replace(preview, h('p', { class: 'muted' }, 'Reading the journal and AD…'));
    try {
      const plan = await post<UndoResult>('/undo', { ...target(), dryRun: true });
      replace(preview);
      const restores = plan.objects.reduce((n, o) => n + o.restored.length, 0);
      replace(dialog,
        h('h2', {}, 'Undo: this is exactly what will be restored'),
        undoReport(plan),
        h('div', { class: 'actions' },
          h('button', { class: 'danger', disabled: restores === 0, 'data-testid': 'undo-execute', onclick: async () => {
            dialog.close();
            try {
              const done = await post<UndoResult>('/undo', { ...target(), dryRun: false });
              replace(preview, h('div', { class: 'banner' }, `Undo done (cycle ${done.cycleId ?? '—'}).`), undoReport(done));
            } catch (error) {
              showError(preview, error);
            }
          } }, `Restore ${restores} attribute${restores === 1 ? '' : 's'}`),
          h('button', { onclick: () => dialog.close() }, 'Cancel')));
      dialog.showModal();
    } catch (error) {
      replace(preview);
      showError(preview, error);
    }
  };

  const driftTable = table(['Detected', 'Object', 'Attribute', 'AD had', 'Cloud value', 'AD changed', 'Restored'], drift.map((d) => ({
    cells: [when(d.detectedAt), d.dn, d.attribute, h('span', { class: 'mono' }, values(d.adValue)), h('span', { class: 'mono' }, values(d.cloudValue)), when(d.whenChanged), d.repaired ? 'yes' : 'no'],
  })));
  driftTable.setAttribute('data-testid', 'drift-table');
  replace(main,
    h('h1', {}, 'Drift & undo'),
    h('div', { class: 'card' }, h('h2', {}, 'Drift'),
      h('p', { class: 'muted' }, 'Attributes someone edited directly in AD, found by a full reconcile and restored to the cloud value.'),
      drift.length ? driftTable : h('p', { class: 'muted' }, 'No drift found.')),
    h('div', { class: 'card' }, h('h2', {}, 'Undo'),
      h('p', { class: 'muted' }, "Restores the journal's before-values of a cycle, an object, or an object within a cycle. Attributes changed since the engine wrote them are refused, never overwritten. The undo is itself journaled."),
      h('form', { class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); void confirmUndo(); } },
        h('label', {}, 'Cycle', cycleInput), h('label', {}, 'Object', objectInput), h('button', { type: 'submit', class: 'primary' }, 'Preview undo…')),
      preview),
    dialog);
};
