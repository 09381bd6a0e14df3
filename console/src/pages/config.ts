/** Configuration: the effective configuration with secrets redacted, and the latest check. */
import { get, post } from '../api.js';
import { badge, h, replace, table, when } from '../dom.js';
import type { CheckReport } from '../types.js';
import type { Page } from '../page.js';
import { showError } from '../show-error.js';

function checkView(result: { checkedAt: string; report: CheckReport }): HTMLElement {
  const { report } = result;
  return h('div', { 'data-testid': 'check-result' },
    h('p', {}, badge(report.ok ? 'All checks passed' : 'Some checks failed', report.ok ? 'success' : 'failure'), ' ', h('span', { class: 'muted' }, `checked ${when(result.checkedAt)}`)),
    table(['Check', 'Result', 'Detail'], report.items.map((i) => ({ cells: [i.name, badge(i.status, i.status === 'pass' ? 'success' : i.status === 'warn' ? 'warning' : 'failure'), i.detail] }))),
    ...report.delegation.filter((d) => d.commands.length).map((d) => h('div', {}, h('h2', {}, `Missing rights in ${d.domain}: grant them with`), h('pre', {}, [...d.commands, d.powershell ?? ''].join('\n')))));
}

export const configPage: Page = async (main) => {
  const config = await get<unknown>('/config');
  const checkBox = h('div', {}, h('p', { class: 'muted' }, 'Running the check (tokens, APIs, bind, TLS, schema, rights)…'));
  const rerun = h('button', { onclick: async () => {
    rerun.disabled = true;
    try {
      replace(checkBox, checkView(await post<{ checkedAt: string; report: CheckReport }>('/check')));
    } catch (error) {
      showError(checkBox, error);
    } finally {
      rerun.disabled = false;
    }
  } }, 'Run the check again');
  replace(main,
    h('h1', {}, 'Configuration'),
    h('div', { class: 'card' }, h('h2', {}, 'Latest check'), checkBox, h('div', { class: 'actions' }, rerun)),
    h('div', { class: 'card' }, h('h2', {}, 'Effective configuration (secrets redacted)'), h('pre', { 'data-testid': 'effective-config' }, JSON.stringify(config, null, 2))));
  try {
    replace(checkBox, checkView(await get<{ checkedAt: string; report: CheckReport }>('/check')));
  } catch (error) {
    replace(checkBox);
    showError(checkBox, error);
  }
};
