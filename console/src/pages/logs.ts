/**
 * Provisioning logs: a filterable, paged table; a detail view with the portal's tabs (Steps,
 * Troubleshooting & Recommendations, Modified properties, Summary); export of the current filter.
 */
import { get, query } from '../api.js';
import { badge, duration, h, replace, table, when } from '../dom.js';
import type { ProvisioningRecord } from '../types.js';
import type { Page } from '../page.js';
import { modifiedTable, stepCards, verdict } from './record-view.js';

const PAGE_SIZE = 25;

/** Filters live in the URL (`#/logs?status=failure&…`), so a filtered view can be bookmarked and shared. */
function filtersFromHash(): URLSearchParams {
  const q = location.hash.split('?')[1] ?? '';
  return new URLSearchParams(q);
}

export const logsPage: Page = async (main, params) => {
  const id = params[0]?.split('?')[0];
  if (id) return detail(main, id);
  const filters = filtersFromHash();
  const field = (name: string, label: string, input: HTMLInputElement | HTMLSelectElement) => {
    input.name = name;
    input.value = filters.get(name) ?? '';
    return h('label', {}, label, input);
  };
  const select = (options: string[]) => h('select', {}, h('option', { value: '' }, 'All'), ...options.map((o) => h('option', { value: o }, o)));
  const user = h('input', { type: 'text', placeholder: 'name, UPN, DN or id' });
  const status = select(['success', 'skipped', 'failure', 'warning']);
  const action = select(['update', 'other']);
  const cycle = h('input', { type: 'text', placeholder: 'cycle id' });
  const since = h('input', { type: 'datetime-local' });
  const form = h('form', { class: 'filters', 'data-testid': 'log-filters' },
    field('user', 'Identity', user), field('status', 'Status', status), field('action', 'Action', action), field('cycleId', 'Cycle', cycle), field('since', 'Since', since),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'));
  const offset = Number(filters.get('offset') ?? 0);
  const current = () => ({
    user: user.value, status: status.value, action: action.value, cycleId: cycle.value.trim(),
    since: since.value ? new Date(since.value).toISOString() : '',
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/logs${query({ ...current(), since: since.value })}`;
  });
  const apiFilters = { ...current() };
  const page = await get<{ total: number; records: ProvisioningRecord[] }>(`/records${query({ ...apiFilters, limit: PAGE_SIZE, offset })}`);
  const goTo = (o: number): void => {
    location.hash = `#/logs${query({ ...current(), since: since.value, offset: o || '' })}`;
  };
  const rows = page.records.map((r) => ({
    testId: `record-${r.id}`,
    onclick: () => (location.hash = `#/logs/${encodeURIComponent(r.id)}`),
    cells: [
      when(r.activityDateTime),
      h('span', {}, r.sourceIdentity.displayName ?? '', h('br', {}), h('span', { class: 'muted' }, r.sourceIdentity.details.UserPrincipalName ?? r.sourceIdentity.id ?? '')),
      r.provisioningAction,
      badge(r.provisioningStatusInfo.status),
      r.provisioningStatusInfo.errorInformation?.errorCode ?? r.provisioningStatusInfo.skipReason ?? '',
      h('span', { class: 'mono' }, r.cycleId.slice(0, 8)),
    ],
  }));
  const logTable = table(['Date', 'Identity', 'Action', 'Status', 'Error code / reason', 'Cycle'], rows);
  logTable.setAttribute('data-testid', 'log-table');
  replace(main,
    h('h1', {}, 'Provisioning logs'),
    h('div', { class: 'card' }, form,
      h('div', { class: 'actions' },
        h('span', { class: 'muted', 'data-testid': 'log-total' }, `${page.total} record${page.total === 1 ? '' : 's'}`),
        h('a', { class: 'button', href: `/api/v1/records/export${query({ ...apiFilters, format: 'json' })}`, download: 'provisioning-logs.json' }, 'Download JSON'),
        h('a', { class: 'button', href: `/api/v1/records/export${query({ ...apiFilters, format: 'csv' })}`, download: 'provisioning-logs.csv' }, 'Download CSV'))),
    page.records.length ? logTable : h('p', { class: 'muted' }, 'No records match.'),
    h('div', { class: 'pager' },
      h('button', { disabled: offset === 0, onclick: () => goTo(Math.max(0, offset - PAGE_SIZE)) }, 'Previous'),
      h('span', { class: 'muted' }, page.total ? `${offset + 1}–${offset + page.records.length} of ${page.total}` : ''),
      h('button', { disabled: offset + PAGE_SIZE >= page.total, onclick: () => goTo(offset + PAGE_SIZE) }, 'Next')));
};

const RECOMMENDATIONS: Record<string, string> = {
  NotInScope: 'The mailbox is not cloud-managed (IsExchangeCloudManaged is false), so its Exchange attributes are still managed on-premises. Run Set-Mailbox -IsExchangeCloudManaged $true to move them to the cloud.',
  NotDirSynced: 'The mailbox belongs to a cloud-only user: there is no AD object to write to.',
  UnsupportedRecipientType: 'Only user, shared, room and equipment mailboxes are written back.',
  OutOfScopeContainer: 'The AD object is outside the OUs configured in domains[].scope.ous.',
  DomainNotServed: "The user's AD domain is not one of the configured domains.",
  RedundantExport: 'AD already holds every value: nothing to write.',
};

async function detail(main: HTMLElement, id: string): Promise<void> {
  const record = await get<ProvisioningRecord>(`/records/${encodeURIComponent(id)}`);
  const info = record.provisioningStatusInfo;
  const summary = () => {
    const dl = h('dl', {});
    const rows: Array<[string, string]> = [
      ['Activity date', when(record.activityDateTime)], ['Status', info.status], ['Action', record.provisioningAction], ['Dry run', String(record.dryRun)],
      ['Duration', duration(record.durationInMilliseconds)], ['Record id', record.id], ['Change id', record.changeId], ['Cycle id', record.cycleId], ['Job id', record.jobId],
      ['Initiated by', `${record.initiatedBy.displayName} (${record.initiatedBy.initiatorType})`],
      ['Source', `${record.sourceSystem.displayName}: ${record.sourceIdentity.displayName ?? ''} (${record.sourceIdentity.id ?? '—'})`],
      ['Target', `${record.targetSystem.displayName}${record.targetSystem.details.domain ? ` (${record.targetSystem.details.domain})` : ''}: ${record.targetIdentity.details.distinguishedName ?? '—'} (objectGUID ${record.targetIdentity.id ?? '—'})`],
    ];
    for (const [k, v] of rows) dl.append(h('dt', {}, k), h('dd', {}, v));
    return h('div', { class: 'summary' }, dl);
  };
  const troubleshooting = () => {
    const error = info.errorInformation;
    if (error) {
      return h('div', {},
        h('p', {}, h('strong', {}, 'Error code: '), h('span', { class: 'mono' }, error.errorCode), ` (${error.errorCategory})`),
        h('p', {}, h('strong', {}, 'Reason: '), error.reason),
        error.additionalDetails ? h('p', {}, h('strong', {}, 'Details: '), error.additionalDetails) : null,
        h('p', {}, h('strong', {}, 'Recommendation: '), error.recommendedAction ?? 'See docs/errors.md for this code.'));
    }
    if (info.skipReason) return h('div', {}, h('p', {}, h('strong', {}, 'Skip reason: '), h('span', { class: 'mono' }, info.skipReason)), h('p', {}, RECOMMENDATIONS[info.skipReason] ?? ''));
    return h('p', { class: 'muted' }, 'Nothing to troubleshoot: the record succeeded.');
  };
  const tabs: Array<[string, () => HTMLElement]> = [
    ['Steps', () => stepCards(record)],
    ['Troubleshooting & Recommendations', troubleshooting],
    ['Modified properties', () => modifiedTable(record)],
    ['Summary', summary],
  ];
  const panel = h('div', { role: 'tabpanel', 'data-testid': 'tab-panel' });
  const bar = h('div', { class: 'tabs', role: 'tablist' });
  const show = (index: number) => {
    bar.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-selected', String(i === index)));
    replace(panel, tabs[index]![1]());
  };
  tabs.forEach(([label], i) => bar.append(h('button', { role: 'tab', type: 'button', 'aria-selected': 'false', onclick: () => show(i) }, label)));
  replace(main,
    h('p', {}, h('a', { href: '#/logs' }, '← Provisioning logs')),
    h('h1', {}, record.sourceIdentity.displayName ?? record.id),
    verdict(record),
    h('div', { class: 'card' }, bar, panel));
  show(0);
}
