/** Shows an API (or any) error at the top of a container, with its code. */
import { ApiError } from './api.js';
import { h } from './dom.js';

export function showError(container: HTMLElement, error: unknown): void {
  const message = error instanceof ApiError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  container.prepend(h('div', { class: 'banner error', role: 'alert' }, message));
}
