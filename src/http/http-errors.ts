/**
 * Typed failures of the console's HTTP API. Each has a stable `code` (docs/errors.md) and the
 * status it answers with; the body is always `{ "error": { "code", "message" } }`.
 */
import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/** Base of the API's own failures. */
export abstract class ApiError extends ExoWritebackError {
  abstract readonly status: 400 | 401 | 403 | 404 | 413 | 429;
}

/** No valid session or bearer token where authentication is configured. */
export class ApiUnauthorizedError extends ApiError {
  readonly code = 'ApiUnauthorized';
  readonly status = 401;
}

/** A state-changing request without the CSRF token, from another origin, or not JSON. */
export class ApiCsrfRejectedError extends ApiError {
  readonly code = 'ApiCsrfRejected';
  readonly status = 403;
}

/** A Host header other than the loopback names, on a loopback-bound console (DNS rebinding). */
export class ApiHostRejectedError extends ApiError {
  readonly code = 'ApiHostRejected';
  readonly status = 403;
}

/** No such endpoint, or no such object behind it. */
export class ApiNotFoundError extends ApiError {
  readonly code = 'ApiNotFound';
  readonly status = 404;
}

/** The request's parameters or body are not what the endpoint takes; the message names the field. */
export class ApiInvalidRequestError extends ApiError {
  readonly code = 'ApiInvalidRequest';
  readonly status = 400;
}

/** A request body larger than the API accepts. */
export class ApiPayloadTooLargeError extends ApiError {
  readonly code = 'ApiPayloadTooLarge';
  readonly status = 413;
}

/** Too many failed sign-ins in a row: the next attempt must wait `retryAfterSeconds`. */
export class ApiSignInLockedError extends ApiError {
  readonly code = 'ApiSignInLocked';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed sign-ins: try again in ${retryAfterSeconds} s`);
  }
}
