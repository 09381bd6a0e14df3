/**
 * OAuth 2.0 client credentials against the Microsoft identity platform (or the lab emulator):
 * with a client secret or a certificate assertion. Tokens are cached per resource until shortly
 * before they expire.
 */
import { buildClientAssertion } from './client-assertion.js';
import { CloudProtocolError, TokenRequestError } from './cloud-errors.js';
import type { HttpResponse, HttpTransport } from './http-transport.js';
import { parseJsonObject } from './json-body.js';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_RETRY_POLICY, retryDelayMs, retryReason, type RetryPolicy } from './retry-policy.js';

/** How the app proves its identity. Certificates are preferred; secrets are allowed. */
export type ClientCredential =
  | { kind: 'secret'; secret: string }
  | { kind: 'certificate'; certificatePem: string; privateKeyPem: string };

/** The APIs the engine needs tokens for. */
export type TokenResource = 'exo' | 'graph';

/** Resource URIs (token audiences). These are the same for the emulator: only base URLs differ. */
export const RESOURCE_URIS: Record<TokenResource, string> = {
  exo: 'https://outlook.office365.com',
  graph: 'https://graph.microsoft.com',
};

/** Options of {@link TokenClient}. */
export interface TokenClientOptions {
  /** Authority base URL, e.g. `https://login.microsoftonline.com`. */
  loginBaseUrl: string;
  tenantId: string;
  clientId: string;
  credential: ClientCredential;
  transport: HttpTransport;
  /** Refresh this long before expiry. Default 5 minutes. */
  refreshMarginSeconds?: number;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
  /** Retries of transient identity-platform failures (429, 503, 504). */
  retry?: RetryPolicy;
}

interface CachedToken {
  accessToken: string;
  expiresAtMs: number;
}

/** Gets and caches app-only access tokens. */
export class TokenClient {
  private readonly cache = new Map<TokenResource, CachedToken>();
  private readonly inflight = new Map<TokenResource, Promise<CachedToken>>();
  private readonly now: () => number;

  constructor(private readonly options: TokenClientOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The token endpoint URL for this tenant. */
  get tokenUrl(): string {
    return `${this.options.loginBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.options.tenantId)}/oauth2/v2.0/token`;
  }

  /** Returns a valid access token for `resource`, requesting one when the cache has none. */
  async getToken(resource: TokenResource): Promise<string> {
    const cached = this.cache.get(resource);
    const marginMs = (this.options.refreshMarginSeconds ?? 300) * 1000;
    if (cached && cached.expiresAtMs - marginMs > this.now()) return cached.accessToken;
    let pending = this.inflight.get(resource);
    if (!pending) {
      // One request per resource even when many callers ask at once.
      pending = this.requestToken(resource).finally(() => this.inflight.delete(resource));
      this.inflight.set(resource, pending);
    }
    const token = await pending;
    this.cache.set(resource, token);
    return token.accessToken;
  }

  /** Drops the cached token, so that the next call requests a new one (after a 401). */
  invalidate(resource: TokenResource): void {
    this.cache.delete(resource);
  }

  private async requestToken(resource: TokenResource): Promise<CachedToken> {
    const requestedAt = this.now();
    const response = await this.send(() => this.tokenForm(resource));
    const body = parseJson(response.body);
    if (response.status !== 200) {
      const oauthError = typeof body?.error === 'string' ? body.error : `http_${response.status}`;
      const description = typeof body?.error_description === 'string' ? firstLine(body.error_description) : '';
      const codes = Array.isArray(body?.error_codes) ? body.error_codes.filter((c): c is number => typeof c === 'number') : [];
      throw new TokenRequestError(
        `token request for ${RESOURCE_URIS[resource]} refused (${response.status} ${oauthError})${description ? `: ${description}` : ''}`,
        oauthError,
        codes,
        response.status,
      );
    }
    if (typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new CloudProtocolError('token response has no access_token/expires_in');
    }
    return { accessToken: body.access_token, expiresAtMs: requestedAt + body.expires_in * 1000 };
  }

  /** A fresh request form; a new assertion (new jti) for every attempt, so a retry is never a replay. */
  private tokenForm(resource: TokenResource): URLSearchParams {
    const { clientId, credential } = this.options;
    const form = new URLSearchParams({
      client_id: clientId,
      grant_type: 'client_credentials',
      scope: `${RESOURCE_URIS[resource]}/.default`,
    });
    if (credential.kind === 'secret') {
      form.set('client_secret', credential.secret);
    } else {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set(
        'client_assertion',
        buildClientAssertion({
          clientId,
          tokenUrl: this.tokenUrl,
          certificatePem: credential.certificatePem,
          privateKeyPem: credential.privateKeyPem,
          now: Math.floor(this.now() / 1000),
        }),
      );
    }
    return form;
  }

  /** Posts the form, retrying what the identity platform marks as transient (AADSTS90033/90055). */
  private async send(form: () => URLSearchParams): Promise<HttpResponse> {
    const policy = this.options.retry ?? DEFAULT_RETRY_POLICY;
    for (let attempt = 0; ; attempt++) {
      const response = await this.options.transport.send({
        method: 'POST',
        url: this.tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form().toString(),
      });
      if (!retryReason(response) || attempt >= policy.maxRetries) return response;
      await delay(retryDelayMs(response, attempt, policy));
    }
  }
}

type JsonObject = Record<string, unknown> & {
  error?: unknown;
  error_description?: unknown;
  error_codes?: unknown[];
  access_token?: unknown;
  expires_in?: unknown;
};

function parseJson(body: Buffer): JsonObject | null {
  return parseJsonObject(body);
}

/** AADSTS descriptions carry trace ids on later lines; the first line is the useful part. */
function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}
