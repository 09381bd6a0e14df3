/**
 * Exchange Online through the InvokeCommand REST gateway (the endpoint the
 * ExchangeOnlineManagement v3 module uses): `Get-Mailbox` with paging, `Set-Mailbox`.
 * Retries throttling and transient failures, refreshes the token once on a 401, and never
 * crashes on the gateway's unreadable 403 bodies.
 */
import { randomUUID } from 'node:crypto';
import {
  CloudAccessDeniedError,
  CloudProtocolError,
  CloudThrottledError,
  ExoCommandError,
  ExoObjectNotFoundError,
} from './cloud-errors.js';
import type { HttpResponse, HttpTransport } from './http-transport.js';
import { sendAuthorized, type RetryEvent } from './authorized-request.js';
import { parseJsonObject } from './json-body.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryReason } from './retry-policy.js';
import { Semaphore } from './semaphore.js';
import type { TokenClient } from './token-client.js';

/** One object of a cmdlet's output, with the OData annotations removed. */
export type ExoRecord = Record<string, unknown>;

/** Options of {@link ExoClient}. */
export interface ExoClientOptions {
  /** e.g. `https://outlook.office365.com` (national clouds and the lab emulator differ). */
  exoBaseUrl: string;
  tenantId: string;
  tokens: TokenClient;
  transport: HttpTransport;
  retry?: RetryPolicy;
  /** Calls in flight at once. Default 3 (no published budget; the module stays this low). */
  maxConcurrency?: number;
  /** Results per page, 1..1000. Default 1000. */
  pageSize?: number;
  /** Called before each retry wait; for logs and metrics. */
  onRetry?: (event: RetryEvent) => void;
}

/** Parameters of {@link ExoClient.getMailboxPages}. */
export interface GetMailboxQuery {
  /** OPATH filter, e.g. `IsDirSynced -eq $true`. */
  filter?: string;
  identity?: string;
  recipientTypeDetails?: string[];
  /** Properties to return (`$select`); always give it, a full mailbox is ~15 KB. */
  select: readonly string[];
}

/** Client of the InvokeCommand gateway. */
export class ExoClient {
  private readonly semaphore: Semaphore;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: ExoClientOptions) {
    this.semaphore = new Semaphore(options.maxConcurrency ?? 3);
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** URL of InvokeCommand for this tenant. */
  get invokeUrl(): string {
    return `${this.options.exoBaseUrl.replace(/\/+$/, '')}/adminapi/beta/${encodeURIComponent(this.options.tenantId)}/InvokeCommand`;
  }

  /**
   * Streams `Get-Mailbox` results page by page (`ResultSize: Unlimited`), following
   * `@odata.nextLink` by POSTing the same body, so a large tenant is never held in memory.
   */
  async *getMailboxPages(query: GetMailboxQuery): AsyncGenerator<ExoRecord[]> {
    const parameters: Record<string, unknown> = { ResultSize: 'Unlimited' };
    if (query.filter) parameters.Filter = query.filter;
    if (query.identity) parameters.Identity = query.identity;
    if (query.recipientTypeDetails) parameters.RecipientTypeDetails = query.recipientTypeDetails;
    const body = JSON.stringify({ CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: parameters } });
    let url: string | undefined = `${this.invokeUrl}?$select=${query.select.join(',')}`;
    while (url) {
      const page = await this.post(url, body);
      yield page.records;
      url = page.nextLink;
    }
  }

  /** Reads one mailbox by identity, or null when Exchange Online has no such object. */
  async getMailbox(identity: string, select: readonly string[]): Promise<ExoRecord | null> {
    try {
      for await (const page of this.getMailboxPages({ identity, select })) return page[0] ?? null;
      return null;
    } catch (error) {
      if (error instanceof ExoObjectNotFoundError) return null;
      throw error;
    }
  }

  /** Runs `Set-Mailbox -Identity <identity>` with the given parameters (PowerShell names). */
  async setMailbox(identity: string, parameters: Record<string, unknown>): Promise<void> {
    await this.invoke('Set-Mailbox', { Identity: identity, ...parameters });
  }

  /** Runs any cmdlet and returns its first page of output. */
  async invoke(cmdletName: string, parameters: Record<string, unknown>, select?: readonly string[]): Promise<ExoRecord[]> {
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdletName, Parameters: parameters } });
    const url = select?.length ? `${this.invokeUrl}?$select=${select.join(',')}` : this.invokeUrl;
    return (await this.post(url, body)).records;
  }

  private async post(url: string, body: string): Promise<{ records: ExoRecord[]; nextLink: string | undefined }> {
    const response = await this.semaphore.run(() => this.sendWithRetry(url, body));
    const json = parseJsonObject(response.body);
    if (!json || !Array.isArray(json.value)) throw new CloudProtocolError(`InvokeCommand returned ${response.status} without a value array`);
    const nextLink = typeof json['@odata.nextLink'] === 'string' ? json['@odata.nextLink'] : undefined;
    return { records: json.value.map(stripAnnotations), nextLink };
  }

  private async sendWithRetry(url: string, body: string): Promise<HttpResponse> {
    const { response, exhausted } = await sendAuthorized(
      { transport: this.options.transport, tokens: this.options.tokens, resource: 'exo', retry: this.retry, onRetry: this.options.onRetry },
      (authorization) => ({
        method: 'POST',
        url,
        headers: {
          authorization,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-anchormailbox': `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${this.options.tenantId}`,
          prefer: `odata.maxpagesize=${this.options.pageSize ?? 1000}`,
          'x-responseformat': 'json',
          'client-request-id': randomUUID(),
        },
        body,
      }),
    );
    if (response.status === 200) return response;
    throw exoError(response, exhausted);
  }
}

/** Turns a non-200 gateway response into the matching typed error. */
function exoError(response: HttpResponse, reason: RetryReason): Error {
  if (reason) return new CloudThrottledError(`Exchange Online kept answering ${response.status} (${reason}) after every retry`, response.status);
  const json = parseJsonObject(response.body);
  const error = json?.error as { code?: unknown; message?: unknown; details?: Array<{ message?: unknown }> } | undefined;
  if (response.status === 401) return new CloudAccessDeniedError('Exchange Online refused the access token (401) after a token refresh', 401);
  if (!error) {
    // The gateway answers an unknown cmdlet with 403 and a body of NUL bytes declared as gzip.
    return new ExoCommandError(`Exchange Online answered ${response.status} with an unreadable body (unknown cmdlet or missing RBAC role?)`, response.status, null, null);
  }
  const detail = typeof error.details?.[0]?.message === 'string' ? error.details[0].message : '';
  const [errorId, exceptionType, ...rest] = detail.split('|');
  const text = rest.length ? rest.join('|') : typeof error.message === 'string' ? error.message : `HTTP ${response.status}`;
  if (response.status === 403) return new CloudAccessDeniedError(`Exchange Online denied the call (403): ${text}`, 403);
  const ErrorClass = response.status === 404 ? ExoObjectNotFoundError : ExoCommandError;
  return new ErrorClass(text, response.status, errorId || null, exceptionType ?? null);
}

/** Drops `P@odata.type` / `P@data.type` and other `@` annotations from a record. */
function stripAnnotations(record: unknown): ExoRecord {
  const out: ExoRecord = {};
  if (!record || typeof record !== 'object') return out;
  // for…in, not Object.entries: a 1M-mailbox tenant would build a pair array per property.
  for (const key in record) if (!key.includes('@')) out[key] = (record as Record<string, unknown>)[key];
  return out;
}
