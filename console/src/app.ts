/**
 * The console shell: signs in when the service asks for it, keeps the state badge current, and
 * routes `#/page/…` to one page module at a time.
 */
import { ApiError, get, loadSession, signIn, signOut } from './api.js';
import { badge, h, replace } from './dom.js';
import { showError } from './show-error.js';
import type { ServiceStatus } from './types.js';
import { configPage } from './pages/config.js';
import { cyclesPage } from './pages/cycles.js';
import { driftPage } from './pages/drift.js';
import { logsPage } from './pages/logs.js';
import { overviewPage } from './pages/overview.js';
import { provisionPage } from './pages/provision.js';

import type { Page } from './page.js';

const PAGES: Record<string, Page> = {
  overview: overviewPage,
  provision: provisionPage,
  logs: logsPage,
  cycles: cyclesPage,
  drift: driftPage,
  config: configPage,
};

let current: AbortController | null = null;

async function route(): Promise<void> {
  const main = document.getElementById('main')!;
  // `#/logs/<id>` or `#/logs?status=failure`: the page name comes before any '/' or '?'.
  const path = location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const [name = 'overview', ...params] = path.split('/').map(decodeURIComponent);
  const page = PAGES[name] ?? overviewPage;
  current?.abort();
  current = new AbortController();
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a')) link.classList.toggle('active', link.dataset.page === (PAGES[name] ? name : 'overview'));
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    await page(main, params, current.signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return void showSignIn();
    showError(main, error);
  }
}

/** Keeps the header badge on the service's state, every 5 s. */
async function refreshBadge(): Promise<void> {
  const target = document.getElementById('service-badge')!;
  try {
    const status = await get<ServiceStatus>('/status');
    const label = status.state === 'quarantined' ? `Quarantine: ${status.quarantine?.reason ?? ''}` : status.state[0]!.toUpperCase() + status.state.slice(1);
    replace(target, badge(label, status.state));
  } catch {
    replace(target, badge('Unreachable', 'failure'));
  }
}

function showSignIn(message = ''): void {
  const main = document.getElementById('main')!;
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, 'aria-label': 'Password' });
  const form = h('form', { class: 'card', onsubmit: (event: Event) => {
    event.preventDefault();
    signIn(password.value).then(() => start(), (error: unknown) => showSignIn(error instanceof ApiError ? error.message : String(error)));
  } },
  h('h2', {}, 'Sign in'),
  message ? h('div', { class: 'banner error', role: 'alert' }, message) : null,
  h('div', { class: 'actions' }, h('label', {}, 'Console password', password), h('button', { class: 'primary', type: 'submit' }, 'Sign in')));
  replace(main, h('h1', {}, 'exo-writeback'), form);
  password.focus();
}

async function start(): Promise<void> {
  const session = await loadSession();
  if (!session.authenticated) {
    if (session.passwordSignIn) return showSignIn();
    replace(document.getElementById('main')!, h('div', { class: 'banner error' }, 'This console accepts API tokens only (no password is configured).'));
    return;
  }
  if (session.authRequired) {
    document.querySelector('header.top')!.append(h('button', { type: 'button', 'data-testid': 'sign-out', onclick: async () => {
      await signOut();
      location.reload();
    } }, 'Sign out'));
  }
  await refreshBadge();
  setInterval(() => void refreshBadge(), 5000);
  window.addEventListener('hashchange', () => void route());
  window.addEventListener('badge-refresh', () => void refreshBadge());
  window.addEventListener('console-error', (event) => showError(document.getElementById('main')!, (event as CustomEvent).detail));
  await route();
}

void start().catch((error: unknown) => showError(document.getElementById('main')!, error));
