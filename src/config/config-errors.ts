import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/** No configuration file where one was expected. */
export class ConfigNotFoundError extends ExoWritebackError {
  readonly code = 'ConfigNotFound';
}

/** The configuration file is not valid; `problems` name each field (`domains[0].ldapUrls[1]: …`). */
export class ConfigInvalidError extends ExoWritebackError {
  readonly code = 'ConfigInvalid';
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`${file} is not a valid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A secret (password, client secret, key) named by the configuration could not be read. */
export class ConfigSecretUnavailableError extends ExoWritebackError {
  readonly code = 'ConfigSecretUnavailable';
}
