import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/** A command-line option has a value the command cannot use; the message names the option. */
export class InvalidOptionError extends ExoWritebackError {
  readonly code = 'InvalidOption';
}
