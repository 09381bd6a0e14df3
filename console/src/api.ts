/**
 * The console's only way to the service: the JSON API (docs/api.md). State-changing calls send
 * the CSRF token the session endpoint hands out.
 */

/** An API error as the service reports it. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** The session as the API reports it. */
export interface SessionInfo {
  authRequired: boolean;
  passwordSignIn: boolean;
  authenticated: boolean;
  csrfToken: string | null;
}

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
  }
  const response = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!response.ok) throw new ApiError(response.status, data?.error?.code ?? 'Unexpected', data?.error?.message ?? `HTTP ${response.status}`);
  return data as T;
}

/** GET a JSON resource. */
export function get<T>(path: string): Promise<T> {
  return send<T>('GET', path);
}

/** POST JSON. */
export function post<T>(path: string, body: unknown = {}): Promise<T> {
  return send<T>('POST', path, body);
}

/** Reads the session (and its CSRF token). */
export async function loadSession(): Promise<SessionInfo> {
  const session = await get<SessionInfo>('/session');
  csrfToken = session.csrfToken;
  return session;
}

/** Signs in with the console password. */
export async function signIn(password: string): Promise<void> {
  const result = await send<{ csrfToken: string }>('POST', '/session', { password });
  csrfToken = result.csrfToken;
}

/** Ends the session. */
export async function signOut(): Promise<void> {
  await send<undefined>('DELETE', '/session');
  csrfToken = null;
}

/** A query string from the non-empty entries. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}
