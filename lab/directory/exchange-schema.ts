/**
 * Extends the lab DC's schema with the Exchange recipient attributes (lab/directory/exchange-schema.ldif).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabCommandFailedError } from '../lab-errors.js';
import { packageRoot } from '../package-root.js';
import { LAB_DOMAIN } from '../seed/lab-domain.js';
import { runCommand } from '../run-command.js';
import { readSchemaIdGuids, withLdap, type LdapTarget } from './ldap-connection.js';

/**
 * The LDIF shipped with the package (its DN is `DC=lab,DC=example,DC=com`): next to this module
 * when run from source, under the package root's `lab/directory/` when run from `dist/`.
 */
export function exchangeSchemaLdifPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'exchange-schema.ldif'), join(packageRoot(), 'lab', 'directory', 'exchange-schema.ldif')];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new LabCommandFailedError(`exchange-schema.ldif not found (looked in ${candidates.join(', ')})`);
  return found;
}
const LDIF_BASE_DN = 'DC=lab,DC=example,DC=com';

/** Attributes the LDIF adds; their presence proves the extension is applied. */
export const EXCHANGE_SCHEMA_ATTRIBUTES = [
  'msExchHideFromAddressLists',
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
  ...Array.from({ length: 5 }, (_, i) => `msExchExtensionCustomAttribute${i + 1}`),
  'msExchRecipientTypeDetails', 'msExchRecipientDisplayType', 'msExchRemoteRecipientType',
  'targetAddress', 'mailNickname', 'msExchMailboxGuid', 'msDS-ExternalDirectoryObjectId',
] as const;

/** Names among {@link EXCHANGE_SCHEMA_ATTRIBUTES} that the DC's schema lacks. */
export async function missingExchangeAttributes(target: LdapTarget): Promise<string[]> {
  const found = await withLdap(target, (client) => readSchemaIdGuids(client, EXCHANGE_SCHEMA_ATTRIBUTES));
  return EXCHANGE_SCHEMA_ATTRIBUTES.filter((name) => !found.has(name));
}

/**
 * Applies the Exchange schema extension once, as Administrator over LDAPS, unless already present,
 * and checks every attribute exists afterwards. `caFile` is the lab CA (ldapmodify verifies TLS).
 */
export async function applyExchangeSchema(target: LdapTarget, caFile: string): Promise<{ applied: boolean }> {
  const missing = await missingExchangeAttributes(target);
  if (missing.length === 0) return { applied: false };
  if (missing.length !== EXCHANGE_SCHEMA_ATTRIBUTES.length) {
    // Half-applied (an interrupted run): re-applying would stop at the first existing entry.
    throw new LabCommandFailedError(`Exchange schema partly applied; missing ${missing.join(', ')}. Recreate the lab.`);
  }
  const ldif = (await readFile(exchangeSchemaLdifPath(), 'utf8')).replaceAll(LDIF_BASE_DN, LAB_DOMAIN.baseDn);
  // ldapmodify -y reads the whole file as the password: keep it off the command line and out of `ps`.
  const secretFile = join(tmpdir(), `exowb-${randomBytes(8).toString('hex')}.pw`);
  await writeFile(secretFile, target.password, { mode: 0o600 });
  try {
    await runCommand('ldapmodify', ['-x', '-H', target.ldapUrl, '-D', target.bindName, '-y', secretFile], {
      input: ldif,
      env: { ...process.env, LDAPTLS_CACERT: caFile, LDAPTLS_REQCERT: 'demand' },
      secrets: [target.password],
    });
  } finally {
    await rm(secretFile, { force: true });
  }
  const still = await missingExchangeAttributes(target);
  if (still.length > 0) throw new LabCommandFailedError(`Exchange schema applied but attributes missing: ${still.join(', ')}`);
  return { applied: true };
}
