/**
 * Raw edits of an emulated mailbox, bypassing Exchange's validation, for reproducing data that
 * Set-Mailbox would refuse today but a real tenant can still hold (two primaries, control
 * characters, over-long values, an unsupported recipient type). Served at
 * `PATCH /_emulator/exo/mailboxes/{Guid or ExternalDirectoryObjectId}`; lab and tests only.
 */
import type { ExoMailbox } from './tenant-state.js';

/** Applies `patch` (Exchange property names) to `mailbox`; returns an error message or null. */
export function applyRawMailboxPatch(mailbox: ExoMailbox, patch: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(patch)) {
    const custom = /^CustomAttribute(\d+)$/.exec(name);
    const extension = /^ExtensionCustomAttribute(\d+)$/.exec(name);
    if (custom) {
      const i = Number(custom[1]);
      if (i < 1 || i > 15 || typeof value !== 'string') return `${name} must be a string, N 1..15`;
      mailbox.CustomAttributes[i - 1] = value;
    } else if (extension) {
      const i = Number(extension[1]);
      if (i < 1 || i > 5 || !isStrings(value)) return `${name} must be a list of strings, N 1..5`;
      mailbox.ExtensionCustomAttributes[i - 1] = value;
    } else if (name === 'EmailAddresses') {
      if (!isStrings(value)) return 'EmailAddresses must be a list of strings';
      mailbox.EmailAddresses = value;
    } else if (name === 'WindowsEmailAddress' || name === 'PrimarySmtpAddress' || name === 'RecipientTypeDetails') {
      if (typeof value !== 'string') return `${name} must be a string`;
      (mailbox as unknown as Record<string, unknown>)[name] = value;
    } else if (name === 'IsDirSynced' || name === 'IsExchangeCloudManaged' || name === 'HiddenFromAddressListsEnabled') {
      if (typeof value !== 'boolean') return `${name} must be a boolean`;
      mailbox[name] = value;
    } else {
      return `not editable: ${name}`;
    }
  }
  return null;
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
