/** Provision on demand: search a user, Provision or Dry run, then the steps and the modified attributes. */
import { get, post, query } from '../api.js';
import { badge, h, replace } from '../dom.js';
import type { MailboxSummary, ProvisioningRecord } from '../types.js';
import type { Page } from '../page.js';
import { showError } from '../show-error.js';
import { modifiedTable, stepCards, verdict } from './record-view.js';

export const provisionPage: Page = async (main, params) => {
  const search = h('input', { type: 'search', name: 'search', placeholder: 'UPN, SMTP address, alias or name', 'aria-label': 'Search users', value: params[0] ?? '' });
  const results = h('ul', { class: 'results', 'data-testid': 'search-results' });
  const outcome = h('div', { 'data-testid': 'provision-result' });
  let selected: MailboxSummary | null = null;
  const provisionButton = h('button', { class: 'primary', disabled: true, 'data-testid': 'provision' }, 'Provision');
  const dryRunButton = h('button', { disabled: true, 'data-testid': 'dry-run' }, 'Dry run');

  const run = async (dryRun: boolean) => {
    if (!selected) return;
    provisionButton.disabled = dryRunButton.disabled = true;
    replace(outcome, h('p', { class: 'muted' }, `${dryRun ? 'Dry run' : 'Provisioning'} ${selected.displayName}…`));
    try {
      const result = await post<{ cycleId: string; record: ProvisioningRecord }>('/provision', { identity: selected.entraId || selected.userPrincipalName, dryRun });
      replace(outcome,
        verdict(result.record),
        h('div', { class: 'card' }, h('h2', {}, 'Steps'), stepCards(result.record)),
        h('div', { class: 'card' }, h('h2', {}, 'Modified target attributes'), modifiedTable(result.record)),
        h('p', {}, h('a', { href: `#/logs/${encodeURIComponent(result.record.id)}` }, 'Open this record in the provisioning logs')));
    } catch (error) {
      replace(outcome);
      showError(outcome, error);
    } finally {
      provisionButton.disabled = dryRunButton.disabled = false;
    }
  };
  provisionButton.addEventListener('click', () => void run(false));
  dryRunButton.addEventListener('click', () => void run(true));

  const find = async () => {
    replace(results, h('li', { class: 'muted' }, 'Searching…'));
    try {
      const { mailboxes } = await get<{ mailboxes: MailboxSummary[] }>(`/mailboxes${query({ search: search.value })}`);
      if (!mailboxes.length) return replace(results, h('li', { class: 'muted' }, 'No mailbox matches.'));
      replace(results, ...mailboxes.map((m) => {
        const item = h('li', { role: 'option', 'aria-selected': 'false', tabindex: 0, 'data-upn': m.userPrincipalName },
          h('strong', {}, m.displayName), ' ', h('span', { class: 'muted' }, `${m.userPrincipalName} · ${m.recipientTypeDetails}`), ' ',
          m.isExchangeCloudManaged ? badge('cloud-managed', 'success') : badge('on-premises managed', 'skipped'));
        const choose = () => {
          selected = m;
          for (const li of results.querySelectorAll('li')) li.setAttribute('aria-selected', String(li === item));
          provisionButton.disabled = dryRunButton.disabled = false;
        };
        item.addEventListener('click', choose);
        item.addEventListener('keydown', (e) => e.key === 'Enter' && choose());
        return item;
      }));
    } catch (error) {
      replace(results);
      replace(outcome);
      showError(outcome, error);
    }
  };
  const form = h('form', { class: 'actions', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); void find(); } }, search, h('button', { type: 'submit' }, 'Search'));
  replace(main,
    h('h1', {}, 'Provision on demand'),
    h('div', { class: 'card' },
      h('p', { class: 'muted' }, 'Runs the whole pipeline for one user now — import, scoping, matching, export — and shows every step. A dry run writes nothing. Both are recorded in the provisioning logs; a provision is journaled and can be undone.'),
      form, results, h('div', { class: 'actions' }, provisionButton, dryRunButton)),
    outcome);
  if (search.value) await find();
};
