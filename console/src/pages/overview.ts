/** Overview: state, last/next cycle, objects in scope, charts per cycle, approvals, Pause/Resume/Restart. */
import { get, post } from '../api.js';
import { barChart } from '../charts.js';
import { badge, duration, h, replace, when } from '../dom.js';
import type { Cycle, ServiceStatus } from '../types.js';
import type { Page } from '../page.js';

const failures = (c: Cycle) => Object.entries(c.counts).filter(([k]) => k.startsWith('failed.')).reduce((n, [, v]) => n + v, 0);
const cycleMs = (c: Cycle) => (c.finishedAt ? new Date(c.finishedAt).getTime() - new Date(c.startedAt).getTime() : 0);

function stateLabel(status: ServiceStatus): HTMLElement {
  if (status.state === 'quarantined') return h('span', {}, badge('Quarantine', 'quarantined'), ' ', status.quarantine?.reason ?? '');
  return badge(status.state === 'never started' ? 'Never started' : status.state[0]!.toUpperCase() + status.state.slice(1), status.state);
}

/**
 * The service applies a control within about a second (it polls the state store): watch the
 * status briefly so the page shows the new state at once instead of at the next refresh.
 */
async function followControl(expected: ServiceStatus['state'] | null, signal: AbortSignal): Promise<void> {
  if (!expected) return;
  for (let i = 0; i < 20 && !signal.aborted; i++) {
    if ((await get<ServiceStatus>('/status')).state === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export const overviewPage: Page = async (main, _params, signal) => {
  const render = async () => {
    const [status, { cycles }] = await Promise.all([get<ServiceStatus>('/status'), get<{ cycles: Cycle[] }>('/cycles?limit=50')]);
    if (signal.aborted) return;
    const scoped = cycles.find((c) => (c.kind === 'full' || c.kind === 'reconcile') && c.outcome === 'success');
    const history = cycles.filter((c) => c.kind !== 'undo' && c.kind !== 'on-demand' && c.finishedAt).reverse();
    const labels = history.map((c) => new Date(c.startedAt).toLocaleTimeString());
    const control = (kind: 'pause' | 'resume' | 'restart', label: string, extra: Record<string, string> = {}) =>
      h('button', { ...extra, 'data-testid': `service-${kind}`, onclick: async (event: Event) => {
        if (kind === 'restart' && !confirm('Restart clears the watermark, retries and quarantine and runs a full cycle now. Continue?')) return;
        (event.currentTarget as HTMLButtonElement).disabled = true;
        await post(`/service/${kind}`);
        await followControl(kind === 'pause' ? 'paused' : kind === 'resume' ? 'active' : null, signal);
        window.dispatchEvent(new Event('badge-refresh'));
        await render();
      } }, label);
    replace(main,
      h('h1', {}, 'Overview'),
      h('div', { class: 'grid' },
        h('div', { class: 'card' }, h('div', { class: 'muted' }, 'State'), h('div', { class: 'stat', 'data-testid': 'service-state' }, stateLabel(status)),
          h('div', { class: 'muted' }, status.process === 'running' ? `heartbeat ${when(status.heartbeatAt)}` : 'the service is not running')),
        h('div', { class: 'card' }, h('div', { class: 'muted' }, 'Last cycle'), h('div', { class: 'stat' }, status.lastCycle ? status.lastCycle.kind : '—'),
          h('div', { class: 'muted' }, status.lastCycle ? `${when(status.lastCycle.startedAt)} · ${status.lastCycle.outcome ?? 'running'}` : 'none yet')),
        h('div', { class: 'card' }, h('div', { class: 'muted' }, 'Next cycle'), h('div', { class: 'stat' }, status.nextCycleAt ? new Date(status.nextCycleAt).toLocaleTimeString() : '—'),
          h('div', { class: 'muted' }, status.state === 'paused' ? 'paused: no cycles until resumed' : '')),
        h('div', { class: 'card' }, h('div', { class: 'muted' }, 'Objects in scope'), h('div', { class: 'stat', 'data-testid': 'objects-in-scope' }, scoped?.counts.inScope ?? '—'),
          h('div', { class: 'muted' }, scoped ? `at the ${scoped.kind} cycle of ${when(scoped.startedAt)}` : 'after the first full cycle')),
      ),
      status.quarantine ? h('div', { class: 'banner error', role: 'alert' }, `Quarantined since ${when(status.quarantine.since)}: ${status.quarantine.reason} (${status.quarantine.code}). Next attempt ${when(status.quarantine.nextAttemptAt)}. Restart retries now.`) : null,
      h('div', { class: 'card' }, h('h2', {}, 'Service'),
        h('div', { class: 'actions' },
          status.state === 'paused' ? control('resume', 'Resume', { class: 'primary' }) : control('pause', 'Pause'),
          control('restart', 'Restart (full cycle)', { class: 'danger' }))),
      status.pendingApprovals.length
        ? h('div', { class: 'card', 'data-testid': 'approvals' }, h('h2', {}, 'Waiting for approval'),
          ...status.pendingApprovals.map((staged) => h('div', { class: 'banner warn' },
            h('p', {}, `Cycle ${staged.cycleId} staged ${when(staged.stagedAt)}: ${staged.reason ?? ''} — ${staged.objectCount} objects, ${staged.valuesRemoved} values removed. Nothing was written.`),
            h('div', { class: 'actions' },
              h('button', { class: 'primary', onclick: async () => { await post(`/approvals/${encodeURIComponent(staged.cycleId)}/approve`); await render(); } }, 'Approve'),
              h('button', { class: 'danger', onclick: async () => { await post(`/approvals/${encodeURIComponent(staged.cycleId)}/reject`); await render(); } }, 'Reject')))))
        : null,
      h('div', { class: 'card' }, barChart('Changes written and failures per cycle', labels, [
        { label: 'objects updated', colour: '#0f6cbd', values: history.map((c) => c.counts.updated ?? 0) },
        { label: 'failures', colour: '#c50f1f', values: history.map(failures) },
      ])),
      h('div', { class: 'card' }, barChart('Cycle duration', labels, [{ label: 'duration', colour: '#5c2e91', values: history.map(cycleMs) }], (n) => duration(n))),
      status.failingObjects.length
        ? h('div', { class: 'card' }, h('h2', {}, 'Failing objects'), h('ul', {}, ...status.failingObjects.map((f) => h('li', {}, `${f.entraId}: ${f.lastErrorCode} × ${f.failures}, next attempt ${when(f.nextAttemptAt)}`))))
        : null,
    );
  };
  await render();
  const timer = setInterval(() => void render().catch(() => undefined), 5000);
  signal.addEventListener('abort', () => clearInterval(timer));
};
