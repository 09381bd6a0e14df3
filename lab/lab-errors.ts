import { ExoWritebackError } from '../src/errors/exo-writeback-error.js';

/** Samba is not installed and cannot be installed here (not root, or apt failed). */
export class SambaNotInstalledError extends ExoWritebackError {
  readonly code = 'LabSambaNotInstalled';
}

/** A lab tool (openssl, samba-tool, ip, socat…) failed. The message carries its stderr. */
export class LabCommandFailedError extends ExoWritebackError {
  readonly code = 'LabCommandFailed';
}

/** The lab directory holds no lab, or a lab in an unexpected state. */
export class LabNotFoundError extends ExoWritebackError {
  readonly code = 'LabNotFound';
}

/** A lab process did not become ready in time (Samba bind, emulator listen). */
export class LabStartTimeoutError extends ExoWritebackError {
  readonly code = 'LabStartTimeout';
}

/** A port or resource the lab needs is taken by something else. */
export class LabResourceBusyError extends ExoWritebackError {
  readonly code = 'LabResourceBusy';
}

/** A lab command option has a value it cannot use; the message names the option. */
export class LabInvalidOptionError extends ExoWritebackError {
  readonly code = 'LabInvalidOption';
}

/** Chromium (for the console's browser tests) is not installed and cannot be installed here. */
export class ChromiumNotInstalledError extends ExoWritebackError {
  readonly code = 'LabChromiumNotInstalled';
}
