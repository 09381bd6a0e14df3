/**
 * `POST /adminapi/beta/{tenant}/InvokeCommand`: the Exchange Online REST gateway the
 * ExchangeOnlineManagement module uses. Authenticates the bearer token (audience
 * `https://outlook.office365.com`, role `Exchange.ManageAsApp`, tenant), dispatches the cmdlet,
 * projects with `$select`, pages with `Prefer: odata.maxpagesize` and an opaque `$skiptoken`
 * bound to the request body, and answers with the gateway's headers.
 */
import type { AccessTokens } from './access-tokens.js';
import { CmdletError, exoErrorResponse, exoForbidden, exoUnauthorized, unknownCmdletResponse } from './exo-errors.js';
import type { FaultInjector, ReplicationLag } from './faults.js';
import { getMailbox, type GetMailboxCursor } from './get-mailbox.js';
import { newRequestId, type EmulatorResponse } from './http-response.js';
import { jsonFingerprint, openLinkToken, sealLinkToken } from './link-token.js';
import { mailboxJsonProjector, parseSelect } from './mailbox-projection.js';
import { setMailbox } from './set-mailbox.js';
import { EXO_RESOURCE, type ExoMailbox, type TenantStore } from './tenant-state.js';

/** The exact `Content-Type` of gateway responses. */
export const EXO_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
/** Largest (and default) page size. */
export const EXO_MAX_PAGE_SIZE = 1000;
/** Advertised request budget (`Rate-Limit-*` headers; not enforced — use faults to throttle). */
const RATE_LIMIT = 10_000;
const RATE_WINDOW_MS = 3_600_000;

/** Run-time switches of the EXO surface. */
export interface ExoConfig {
  /**
   * Accept `IsExchangeCloudManaged` in `-Filter`. Default false: Microsoft's filterable-property
   * list does not contain it, so the realistic answer is 400.
   */
  cloudManagedFilterable: boolean;
}

/** What the cmdlets need. */
export interface ExoCommandContext {
  store: TenantStore;
  tokens: AccessTokens;
  now: () => number;
  /** Base URL for links (`@odata.context`, `@odata.nextLink`). */
  baseUrl: string;
  config: ExoConfig;
  faults: FaultInjector;
  lag: ReplicationLag<ExoMailbox>;
  /** Window of the advertised `Rate-Limit-*` budget. */
  rate: { startMs: number; used: number };
}

/** The request, as the server hands it over. */
export interface ExoRequest {
  tenantSegment: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

interface SkipToken extends GetMailboxCursor {
  /** State id: links from another state are refused. */
  s: string;
  /** Fingerprint of the request body the link belongs to. */
  h: string;
}

/** The app id of the token, when one was valid (for fault responses and logs). */
export function tokenAppId(tokens: AccessTokens, authorization: string | undefined): string | undefined {
  const check = tokens.validate(authorization);
  return check.ok ? check.claims.appid : undefined;
}

/** Handles one InvokeCommand call. */
export function handleInvokeCommand(request: ExoRequest, ctx: ExoCommandContext): EmulatorResponse {
  const data = ctx.store.data;
  const check = ctx.tokens.validate(request.headers.authorization);
  if (!check.ok) {
    const reasons: Record<string, string> = {
      missing: 'The Authorization header is missing or not a Bearer token.',
      malformed: 'The token is malformed.',
      signature: 'The token signature is invalid.',
      expired: 'The token has expired.',
      notYetValid: 'The token is not yet valid.',
    };
    return exoUnauthorized(reasons[check.reason] ?? 'The token is invalid.');
  }
  const claims = check.claims;
  if (claims.aud !== EXO_RESOURCE && claims.aud !== `${EXO_RESOURCE}/`) {
    return exoUnauthorized(`The audience claim value is invalid '${claims.aud}'.`);
  }
  const knownTenant = [data.tenantId, data.initialDomain, ...data.acceptedDomains].map((t) => t.toLowerCase());
  if (claims.tid !== data.tenantId || !knownTenant.includes(request.tenantSegment.toLowerCase())) {
    return exoUnauthorized('The tenant of the token does not match the tenant in the request URL.');
  }
  if (!(claims.roles ?? []).includes('Exchange.ManageAsApp')) return exoForbidden(claims.appid);

  const nowMs = ctx.now();
  const rateWindow = ctx.rate;
  if (nowMs - rateWindow.startMs >= RATE_WINDOW_MS) Object.assign(rateWindow, { startMs: nowMs, used: 0 });
  rateWindow.used += 1;
  const headers: Record<string, string> = {
    'Content-Type': EXO_CONTENT_TYPE,
    'request-id': newRequestId(),
    'Rate-Limit-Limit': String(RATE_LIMIT),
    'Rate-Limit-Remaining': String(Math.max(0, RATE_LIMIT - rateWindow.used)),
    'Rate-Limit-Reset': new Date(rateWindow.startMs + RATE_WINDOW_MS).toISOString(),
    'X-Content-Type-Options': 'nosniff',
  };
  const clientRequestId = request.headers['client-request-id'];
  if (clientRequestId) headers['client-request-id'] = clientRequestId;

  try {
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new CmdletError(400, 'InvalidRequestBody', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', 'The request body is not valid JSON.');
    }
    const input = (body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | null)?.CmdletInput;
    if (!input || typeof input.CmdletName !== 'string') {
      throw new CmdletError(400, 'InvalidRequestBody', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', "The request body must be {\"CmdletInput\":{\"CmdletName\":…,\"Parameters\":{…}}}.");
    }
    const selection = parseSelect(request.query.get('$select'));
    if ('unknown' in selection) {
      throw new CmdletError(400, 'InvalidSelect', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', `The property '${selection.unknown}' in $select is not a property of the output (not modelled by the emulator).`);
    }
    const context = `${ctx.baseUrl}/adminapi/beta/${request.tenantSegment}/$metadata#Collection(Exchange.GenericHashTable)`;

    switch (input.CmdletName.toLowerCase()) {
      case 'get-mailbox': {
        const fingerprint = jsonFingerprint(body);
        let cursor: GetMailboxCursor | null = null;
        const skip = request.query.get('$skiptoken');
        if (skip !== null) {
          const token = openLinkToken<SkipToken>(Buffer.from(data.linkKey, 'base64'), skip);
          if (!token || token.s !== ctx.store.stateId) {
            throw new CmdletError(400, 'InvalidSkipToken', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', 'The $skiptoken is invalid or expired.');
          }
          if (token.h !== fingerprint) {
            throw new CmdletError(400, 'InvalidSkipToken', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', 'The request body differs from the request that produced this $skiptoken; POST the same body to the nextLink.');
          }
          cursor = { after: token.after, remaining: token.remaining, defaulted: token.defaulted };
        }
        const pageSize = preferredPageSize(request.headers.prefer);
        if (pageSize.applied) headers['Preference-Applied'] = `odata.maxpagesize=${pageSize.size}`;
        const page = getMailbox(input.Parameters, cursor, pageSize.size, ctx);
        const result: Record<string, unknown> = {
          '@odata.context': context,
          'adminapi.warnings@odata.type': '#Collection(String)',
          '@adminapi.warnings': page.warnings,
          value: [],
        };
        if (page.next) {
          const token = sealLinkToken(Buffer.from(data.linkKey, 'base64'), { ...page.next, s: ctx.store.stateId, h: fingerprint } satisfies SkipToken);
          const select = request.query.get('$select');
          result['@odata.nextLink'] = `${ctx.baseUrl}/adminapi/beta/${request.tenantSegment}/InvokeCommand?$skiptoken=${token}${select !== null ? `&$select=${encodeURIComponent(select).replace(/%2C/gi, ',')}` : ''}`;
        }
        // The page's mailboxes are serialised as text straight into the empty "value":[] slot.
        const project = mailboxJsonProjector(selection.properties);
        const text = JSON.stringify(result);
        const slot = text.indexOf('"value":[]') + '"value":['.length;
        return { status: 200, headers, body: `${text.slice(0, slot)}${page.mailboxes.map(project).join(',')}${text.slice(slot)}` };
      }
      case 'set-mailbox': {
        const warnings = setMailbox(input.Parameters, ctx);
        return {
          status: 200,
          headers,
          body: JSON.stringify({ '@odata.context': context, 'adminapi.warnings@odata.type': '#Collection(String)', '@adminapi.warnings': warnings, value: [] }),
        };
      }
      default:
        return unknownCmdletResponse();
    }
  } catch (error) {
    if (error instanceof CmdletError) return exoErrorResponse(error, { 'request-id': headers['request-id'] as string });
    throw error;
  }
}

function preferredPageSize(prefer: string | undefined): { size: number; applied: boolean } {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? '');
  if (!m) return { size: EXO_MAX_PAGE_SIZE, applied: false };
  return { size: Math.min(EXO_MAX_PAGE_SIZE, Math.max(1, Number(m[1]))), applied: true };
}
