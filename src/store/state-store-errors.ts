/**
 * Typed failures of the state store, each with a stable `code` documented in docs/errors.md
 * ("State store"). {@link toStateStoreError} is the only place that turns a driver error into one
 * of them, by the driver's error code, never by message text.
 */
import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/** Base of every state store failure; `path` names the store file (`:memory:` for an in-memory one). */
export abstract class StateStoreError extends ExoWritebackError {
  /** Whether the same call may succeed later without anyone changing anything. */
  readonly retryable: boolean = false;
  constructor(message: string, readonly path: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The file's schema is newer than this program knows: it was written by a newer exo-writeback. */
export class StateStoreVersionTooNew extends StateStoreError {
  readonly code = 'StateStoreTooNew';
  constructor(path: string, readonly fileVersion: number, readonly knownVersion: number) {
    super(`state store ${path} has schema version ${fileVersion}, but this exo-writeback knows only up to ${knownVersion}: `
      + `it was written by a newer version. Upgrade exo-writeback (a downgrade cannot read it), or restore the backup taken before the upgrade.`, path);
  }
}

/** The file is not an exo-writeback state store, or its database or schema history is damaged. */
export class StateStoreCorrupt extends StateStoreError {
  readonly code = 'StateStoreCorrupt';
}

/** Another process held the store's write lock for longer than the busy timeout. Retryable. */
export class StateStoreBusy extends StateStoreError {
  readonly code = 'StateStoreBusy';
  override readonly retryable = true;
}

/**
 * A write contradicts what the store holds: a duplicate provisioning record id, an intent that is
 * not pending any more, a cycle that is already finished, a staged cycle that is not pending, a
 * watermark advanced by a cycle that did not succeed. Nothing of the call was written.
 */
export class StateStoreConflict extends StateStoreError {
  readonly code = 'StateStoreConflict';
}

/** The cycle, intent or staged cycle a call names does not exist. Nothing was written. */
export class StateStoreNotFound extends StateStoreError {
  readonly code = 'StateStoreNotFound';
}

/** The store cannot be used: the file cannot be opened or written (permissions, disk full, read-only), it was closed, or its commit worker stopped. */
export class StateStoreUnavailable extends StateStoreError {
  readonly code = 'StateStoreUnavailable';
}

/** The driver's error code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`, …) when `error` carries one. */
function sqliteCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * Turns anything thrown by the driver into a {@link StateStoreError}; our own errors pass through.
 * `doing` says what the store was doing, for the message.
 */
export function toStateStoreError(error: unknown, path: string, doing: string): unknown {
  if (error instanceof StateStoreError) return error;
  const code = sqliteCode(error);
  if (code === null) return error;
  const detail = `${doing}: ${error instanceof Error ? error.message : String(error)} (${code})`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StateStoreBusy(`state store ${path} is locked by another process (${detail}); retry, or look for a hung exo-writeback process`, path, { cause: error });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) return new StateStoreConflict(`state store ${path}: ${detail}`, path, { cause: error });
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StateStoreCorrupt(`state store ${path} is not a valid SQLite database or is damaged (${detail}); restore it from a backup`, path, { cause: error });
  }
  return new StateStoreUnavailable(`state store ${path} cannot be used (${detail})`, path, { cause: error });
}
