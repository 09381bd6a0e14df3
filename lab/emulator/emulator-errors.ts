/**
 * Typed errors the tenant emulator raises to its own callers (the orchestrator, tests, `lab emulator`).
 * Errors it *serves* to HTTP clients are response bodies, not exceptions: see `http-response.ts`.
 */
import { ExoWritebackError } from '../../src/errors/exo-writeback-error.js';

/** The emulator was started or built with inconsistent input (missing anchors, no state, bad flags). */
export class EmulatorConfigError extends ExoWritebackError {
  readonly code = 'LabEmulatorConfig';
}

/** The emulator's state file exists but cannot be read or has an unknown format. */
export class EmulatorStateError extends ExoWritebackError {
  readonly code = 'LabEmulatorState';
}
