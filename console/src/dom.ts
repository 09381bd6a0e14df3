/**
 * Building DOM without innerHTML: every value from the API lands as text, never as markup, so a
 * display name or an attribute value cannot inject anything (the CSP forbids inline script too).
 */

type Child = Node | string | number | null | undefined | false;
type Handler = (event: Event) => void | Promise<void>;
type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

/** An async handler's failure is shown on the page (app.ts listens), not lost. */
export function reportFailure(error: unknown): void {
  window.dispatchEvent(new CustomEvent('console-error', { detail: error }));
}

/** `h('button', { class: 'primary', onclick: go }, 'Provision')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), (event) => void Promise.resolve(value(event)).catch(reportFailure));
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Appends children, skipping empty ones. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the content of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A status badge: `success`, `failure`, `paused`… */
export function badge(text: string, kind: string = text): HTMLSpanElement {
  return h('span', { class: `badge ${kind.toLowerCase()}` }, text);
}

/** Local date and time, or a dash. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** `1.2 s`, `350 ms`, `2 min 5 s`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A table from column headers and rows of cells. */
export function table(headers: string[], rows: Array<{ cells: Child[]; onclick?: () => void; testId?: string }>): HTMLTableElement {
  return h('table', {},
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows.map((row) => {
      const tr = h('tr', { class: row.onclick ? 'clickable' : null, 'data-testid': row.testId ?? null, tabindex: row.onclick ? 0 : null }, ...row.cells.map((c) => h('td', { class: 'wrap' }, c)));
      if (row.onclick) {
        const go = row.onclick;
        tr.addEventListener('click', go);
        tr.addEventListener('keydown', (e) => e.key === 'Enter' && go());
      }
      return tr;
    })),
  );
}
