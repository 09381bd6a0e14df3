/**
 * Base class of every error exo-writeback raises on purpose.
 *
 * Each failure kind is its own subclass with a stable `code` that users can look up in
 * `docs/errors.md`; callers branch with `instanceof` or on `code`, never on message text.
 */
export abstract class ExoWritebackError extends Error {
  /** Stable, documented identifier of this failure kind (PascalCase, like Microsoft's codes). */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
