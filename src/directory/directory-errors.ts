/**
 * Typed failures of the directory adapter, one class per kind, each with a stable `code`
 * (documented in docs/errors.md). {@link toDirectoryError} is the only place that turns an
 * ldapts or socket error into one of them, by class and numeric result code — never by
 * message text (Samba's texts differ from Windows').
 */
import { ResultCodeError } from 'ldapts';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/** Where a failure happened, as far as it is known. Never holds a password. */
export interface DirectoryErrorContext {
  /** What the adapter was doing, e.g. `bind`, `search`, `modify`. */
  operation: string;
  /** The DC's URL. */
  url?: string | null;
  /** DN or `<GUID=…>` of the object. */
  target?: string | null;
  /** Attributes the operation touched (the failing one is singled out when it can be). */
  attributes?: readonly string[];
  /** The account name bound with. */
  bindName?: string | null;
}

/** Base of every directory failure: the LDAP result code (null for socket/TLS failures) and the context. */
export abstract class DirectoryError extends ExoWritebackError {
  /** Whether the same operation may succeed later without anyone changing anything. */
  readonly retryable: boolean = false;
  constructor(
    message: string,
    /** LDAP result code, or null when the failure happened below LDAP. */
    readonly resultCode: number | null,
    /** DN or `<GUID=…>` of the object concerned, when there is one. */
    readonly target: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One DC URL that could not be used, and why. */
export interface UrlFailure {
  url: string;
  reason: string;
}

/** No configured DC could be reached (TCP, TLS handshake, timeout): every URL failed. */
export class DirectoryUnreachableError extends DirectoryError {
  readonly code = 'DirectoryUnreachable';
  override readonly retryable = true;
  constructor(readonly failures: readonly UrlFailure[], options?: { cause?: unknown }) {
    super(`no domain controller reachable: ${failures.map((f) => `${f.url} (${f.reason})`).join('; ')}`, null, null, options);
  }
}

/** The DC's TLS certificate did not verify against the trusted CAs (verification is never switched off). */
export class DirectoryTlsError extends DirectoryError {
  readonly code = 'DirectoryTlsFailed';
  constructor(readonly url: string, readonly tlsCode: string, options?: { cause?: unknown }) {
    super(`TLS certificate verification failed for ${url} (${tlsCode}): the DC's certificate is not trusted or does not name this host. `
      + `Give the CA bundle that issued the DC certificate (PEM) as the directory's CA file, and use a host name or address the certificate lists; verification is never switched off.`, null, null, options);
  }
}

/** The bind was refused: wrong name or password (49), or the DC demands a stronger bind (8). */
export class DirectoryBindError extends DirectoryError {
  readonly code = 'DirectoryBindFailed';
  constructor(message: string, resultCode: number, readonly bindName: string, options?: { cause?: unknown }) {
    super(message, resultCode, null, options);
  }
}

/** insufficientAccessRights (50): the account may not do this here (e.g. outside the delegated OU). */
export class DirectoryAccessDeniedError extends DirectoryError {
  readonly code = 'DirectoryAccessDenied';
  constructor(message: string, target: string | null, readonly attribute: string | null, options?: { cause?: unknown }) {
    super(message, 50, target, options);
  }
}

/**
 * The DC refused a value: constraintViolation (19), invalidAttributeSyntax (21),
 * attributeOrValueExists (20), noSuchAttribute (16), undefinedAttributeType (17),
 * objectClassViolation (65). `resultCode` tells which.
 */
export class DirectoryConstraintError extends DirectoryError {
  readonly code = 'DirectoryConstraintViolation';
  constructor(message: string, resultCode: number, target: string | null, readonly attribute: string | null, options?: { cause?: unknown }) {
    super(message, resultCode, target, options);
  }
}

/** noSuchObject (32): the object is gone (deleted, or the GUID never existed). */
export class DirectoryObjectGoneError extends DirectoryError {
  readonly code = 'DirectoryObjectGone';
  constructor(message: string, target: string | null, options?: { cause?: unknown }) {
    super(message, 32, target, options);
  }
}

/** busy (51), unavailable (52), unwillingToPerform (53) or timeLimitExceeded (3): try again later. */
export class DirectoryBusyError extends DirectoryError {
  readonly code = 'DirectoryBusy';
  override readonly retryable = true;
}

/**
 * The connection dropped or timed out during an operation (ldapts closes the socket on its own
 * timeout); for a write the outcome is unknown — re-read before retrying.
 */
export class DirectoryConnectionLostError extends DirectoryError {
  readonly code = 'DirectoryConnectionLost';
  override readonly retryable = true;
}

/** Any other LDAP failure; `resultCode` holds the code. */
export class DirectoryOperationError extends DirectoryError {
  readonly code = 'DirectoryOperationFailed';
}

/** The adapter's options cannot work (no URL, a URL that is neither ldaps:// nor ldap://, StartTLS switched off for ldap://, …). */
export class DirectoryConfigError extends DirectoryError {
  readonly code = 'DirectoryConfigInvalid';
  constructor(message: string) {
    super(message, null, null);
  }
}

/** The write guard refused a change before anything was sent (spec §2.5). */
export class WriteRefusedError extends DirectoryError {
  readonly code = 'DirectoryWriteRefused';
  constructor(message: string, target: string | null, readonly attribute: string | null) {
    super(message, null, target);
  }
}

/** Node's codes for a certificate that does not verify (chain, name, dates). */
const TLS_VERIFY_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE',
]);

/** The Node/OpenSSL code of a certificate-verification failure, or null. */
export function tlsVerificationCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TLS_VERIFY_CODES.has(code) ? code : null;
}

/** The LDAP result code of an ldapts error, or null when the failure was not an LDAP result. */
export function ldapResultCode(error: unknown): number | null {
  return error instanceof ResultCodeError ? error.code : null;
}

/** Short reason for a failure below LDAP (socket code or the error's own text), for messages. */
export function transportReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}

/**
 * The attribute a failure concerns: the only attribute of the operation, or else the one
 * catalogue attribute the DC's diagnostic names (used for the message only, never to decide
 * the kind of failure).
 */
function failingAttribute(context: DirectoryErrorContext, diagnostic: string): string | null {
  const attributes = context.attributes ?? [];
  if (attributes.length === 1) return attributes[0]!;
  const named = attributes.filter((a) => new RegExp(`\\b${a.replace(/[-]/g, '\\-')}\\b`, 'i').test(diagnostic));
  return named.length === 1 ? named[0]! : null;
}

function describe(context: DirectoryErrorContext, attribute: string | null): string {
  const where = context.target ? ` on ${context.target}` : '';
  const what = attribute ? ` (attribute ${attribute})` : context.attributes?.length ? ` (attributes ${context.attributes.join(', ')})` : '';
  return `${context.operation}${where}${what}`;
}

/**
 * Maps whatever ldapts or the socket threw to a {@link DirectoryError}. Errors that already are
 * DirectoryErrors pass through unchanged.
 */
export function toDirectoryError(error: unknown, context: DirectoryErrorContext): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const target = context.target ?? null;
  const resultCode = ldapResultCode(error);
  if (resultCode === null) {
    const tls = tlsVerificationCode(error);
    if (tls && context.url) return new DirectoryTlsError(context.url, tls, { cause: error });
    const reason = transportReason(error);
    if (context.operation === 'connect' || context.operation === 'bind') {
      return new DirectoryUnreachableError([{ url: context.url ?? '(no URL)', reason }], { cause: error });
    }
    return new DirectoryConnectionLostError(`${describe(context, null)} failed: connection to ${context.url ?? 'the DC'} lost or timed out (${reason})`, null, target, { cause: error });
  }
  const diagnostic = error instanceof Error ? error.message : '';
  const detail = diagnostic ? `: ${diagnostic}` : '';
  const attribute = failingAttribute(context, diagnostic);
  switch (resultCode) {
    case 49:
    case 8:
    case 7:
    case 13:
    case 48: {
      const bindName = context.bindName ?? '(unknown)';
      const hint = resultCode === 49 ? 'invalid credentials: check the bind name (UPN, DOMAIN\\name or DN) and the password'
        : resultCode === 8 || resultCode === 13 ? 'the DC requires a protected bind: use ldaps:// or StartTLS'
          : 'the DC refused this kind of bind';
      return new DirectoryBindError(`bind as ${bindName}${context.url ? ` at ${context.url}` : ''} refused (LDAP ${resultCode}): ${hint}${detail}`, resultCode, bindName, { cause: error });
    }
    case 50:
      return new DirectoryAccessDeniedError(`${describe(context, attribute)} denied (LDAP 50 insufficientAccessRights): the account lacks the right; delegate write-property on the attribute for user objects in this OU${detail}`, target, attribute, { cause: error });
    case 16:
    case 17:
    case 19:
    case 20:
    case 21:
    case 65: {
      const names: Record<number, string> = { 16: 'noSuchAttribute', 17: 'undefinedAttributeType', 19: 'constraintViolation', 20: 'attributeOrValueExists', 21: 'invalidAttributeSyntax', 65: 'objectClassViolation' };
      return new DirectoryConstraintError(`${describe(context, attribute)} refused by the DC (LDAP ${resultCode} ${names[resultCode]})${detail}`, resultCode, target, attribute, { cause: error });
    }
    case 32:
      return new DirectoryObjectGoneError(`${describe(context, null)}: no such object (LDAP 32)${detail}`, target, { cause: error });
    case 3:
    case 51:
    case 52:
    case 53:
      return new DirectoryBusyError(`${describe(context, attribute)}: the DC is busy or unwilling (LDAP ${resultCode})${detail}`, resultCode, target, { cause: error });
    default:
      return new DirectoryOperationError(`${describe(context, attribute)} failed (LDAP ${resultCode})${detail}`, resultCode, target, { cause: error });
  }
}
