/** Cycles: history with durations and counts; a cycle's journal on click. */
import { get } from '../api.js';
import { barChart } from '../charts.js';
import { badge, duration, h, replace, table, when } from '../dom.js';
import type { Cycle } from '../types.js';
import type { Page } from '../page.js';

const ms = (c: Cycle) => (c.finishedAt ? new Date(c.finishedAt).getTime() - new Date(c.startedAt).getTime() : null);

/** The counts worth a glance: read, in scope, updated, unchanged, skipped and failed totals. */
function countSummary(c: Cycle): string {
  const sum = (prefix: string) => Object.entries(c.counts).filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
  const parts: string[] = [];
  for (const key of ['mailboxesRead', 'inScope', 'updated', 'unchanged', 'objects', 'attributesRestored', 'attributesRefused', 'staged']) {
    if (c.counts[key] !== undefined) parts.push(`${key} ${c.counts[key]}`);
  }
  const skipped = sum('skipped.');
  const failed = sum('failed.');
  if (skipped) parts.push(`skipped ${skipped}`);
  if (failed) parts.push(`failed ${failed}`);
  return parts.join(' · ');
}

export const cyclesPage: Page = async (main, params) => {
  if (params[0]) return cycleDetail(main, params[0]);
  const { cycles } = await get<{ cycles: Cycle[] }>('/cycles?limit=200');
  const finished = cycles.filter((c) => c.finishedAt).slice(0, 60).reverse();
  const t = table(['Started', 'Kind', 'Outcome', 'Duration', 'Counts', 'Id'], cycles.map((c) => ({
    onclick: () => (location.hash = `#/cycles/${encodeURIComponent(c.id)}`),
    cells: [when(c.startedAt), c.dryRun ? `${c.kind} (dry run)` : c.kind, badge(c.outcome ?? 'running', c.outcome ?? 'paused'), duration(ms(c)), countSummary(c), h('span', { class: 'mono' }, c.id)],
  })));
  t.setAttribute('data-testid', 'cycle-table');
  replace(main,
    h('h1', {}, 'Cycles'),
    h('div', { class: 'card' }, barChart('Duration of the last cycles', finished.map((c) => new Date(c.startedAt).toLocaleTimeString()), [{ label: 'duration', colour: '#5c2e91', values: finished.map((c) => ms(c) ?? 0) }], (n) => duration(n))),
    cycles.length ? t : h('p', { class: 'muted' }, 'No cycles yet.'));
};

async function cycleDetail(main: HTMLElement, id: string): Promise<void> {
  const { cycle, journal } = await get<{ cycle: Cycle; journal: Array<{ id: number; dn: string; appliedAt: string; before: Record<string, string[]>; after: Record<string, string[]> }> }>(`/cycles/${encodeURIComponent(id)}`);
  const rows = journal.flatMap((e) => Object.keys(e.after).map((attribute) => ({
    cells: [when(e.appliedAt), e.dn, attribute, h('span', { class: 'mono' }, (e.before[attribute] ?? []).join('; ')), h('span', { class: 'mono' }, (e.after[attribute] ?? []).join('; '))],
  })));
  replace(main,
    h('p', {}, h('a', { href: '#/cycles' }, '← Cycles')),
    h('h1', {}, `${cycle.kind} cycle`),
    h('div', { class: 'card summary' }, h('dl', {},
      h('dt', {}, 'Id'), h('dd', { class: 'mono' }, cycle.id), h('dt', {}, 'Started'), h('dd', {}, when(cycle.startedAt)), h('dt', {}, 'Duration'), h('dd', {}, duration(ms(cycle))),
      h('dt', {}, 'Outcome'), h('dd', {}, cycle.outcome ?? 'running'), h('dt', {}, 'Counts'), h('dd', {}, countSummary(cycle)),
      cycle.error ? h('dt', {}, 'Error') : null, cycle.error ? h('dd', {}, `${cycle.error.code}: ${cycle.error.message}`) : null)),
    h('div', { class: 'card' }, h('h2', {}, 'Journal (what this cycle wrote)'),
      rows.length ? table(['Applied', 'Object', 'Attribute', 'Before', 'After'], rows) : h('p', { class: 'muted' }, 'This cycle wrote nothing.'),
      h('p', {}, h('a', { href: `#/logs?cycleId=${encodeURIComponent(cycle.id)}` }, 'Its provisioning log records'), ' · ',
        journal.length ? h('a', { href: `#/drift?undoCycle=${encodeURIComponent(cycle.id)}` }, 'Undo this cycle…') : null)));
}
