import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/** The identity platform refused a token request (bad secret, unknown app, bad assertion, bad scope). */
export class TokenRequestError extends ExoWritebackError {
  readonly code = 'TokenRequestFailed';
  constructor(
    message: string,
    /** OAuth error (`invalid_client`, `unauthorized_client`, `invalid_scope`, …). */
    readonly oauthError: string,
    /** AADSTS numbers from `error_codes`. */
    readonly aadstsCodes: readonly number[],
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

/** A cloud endpoint could not be reached (DNS, TCP, TLS — including certificate verification). */
export class CloudUnreachableError extends ExoWritebackError {
  readonly code = 'CloudUnreachable';
}

/** A cloud API kept throttling or failing transiently after every retry. */
export class CloudThrottledError extends ExoWritebackError {
  readonly code = 'CloudThrottled';
  constructor(message: string, readonly httpStatus: number) {
    super(message);
  }
}

/** The access token was refused (401) even after one refresh, or the app lacks a role (403). */
export class CloudAccessDeniedError extends ExoWritebackError {
  readonly code = 'CloudAccessDenied';
  constructor(message: string, readonly httpStatus: number) {
    super(message);
  }
}

/** An Exchange Online cmdlet failed; `errorId` and `exceptionType` come from the error envelope. */
export class ExoCommandError extends ExoWritebackError {
  readonly code: string = 'ExoCommandFailed';
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly errorId: string | null,
    readonly exceptionType: string | null,
  ) {
    super(message);
  }
}

/** The object named by `Identity` does not exist in Exchange Online (404). */
export class ExoObjectNotFoundError extends ExoCommandError {
  override readonly code = 'ExoObjectNotFound';
}

/** A Microsoft Graph request failed with a non-retryable error. */
export class GraphRequestError extends ExoWritebackError {
  readonly code: string = 'GraphRequestFailed';
  constructor(message: string, readonly httpStatus: number, readonly graphCode: string | null) {
    super(message);
  }
}

/** An unexpected, unreadable or malformed response body. */
export class CloudProtocolError extends ExoWritebackError {
  readonly code = 'CloudProtocolError';
}
