/**
 * Admin changes in the emulated tenant, made through the engine's own production clients
 * (token with the app certificate, InvokeCommand over verified TLS) — exactly the calls
 * PowerShell's ExchangeOnlineManagement module makes against Microsoft's service.
 */
import { readFile } from 'node:fs/promises';
import { ExoClient, type ExoRecord } from '../src/cloud/exo-client.js';
import { createHttpTransport } from '../src/cloud/http-transport.js';
import { TokenClient } from '../src/cloud/token-client.js';
import { LabNotFoundError } from './lab-errors.js';
import { readLabFacts } from './lab-files.js';
import type { LabFacts } from './lab-facts.js';
import { buildSetMailboxParameters, type SetMailboxOptions } from './set-mailbox-parameters.js';

/** Properties `lab exo get-mailbox` shows: the ones the writeback reads, plus identity. */
export const LAB_MAILBOX_PROPERTIES = [
  'DisplayName', 'Alias', 'UserPrincipalName', 'PrimarySmtpAddress', 'WindowsEmailAddress', 'EmailAddresses',
  'RecipientTypeDetails', 'IsDirSynced', 'IsExchangeCloudManaged', 'HiddenFromAddressListsEnabled',
  ...Array.from({ length: 15 }, (_, i) => `CustomAttribute${i + 1}`),
  ...Array.from({ length: 5 }, (_, i) => `ExtensionCustomAttribute${i + 1}`),
  'ExternalDirectoryObjectId', 'Guid', 'WhenChangedUTC',
] as const;

/** An EXO client for a lab, authenticated with the lab app's certificate. */
export async function labExoClient(facts: LabFacts): Promise<{ exo: ExoClient; close: () => void }> {
  const transport = createHttpTransport({ ca: await readFile(facts.tenant.caFile, 'utf8') });
  const tokens = new TokenClient({
    loginBaseUrl: facts.tenant.loginBaseUrl,
    tenantId: facts.tenant.tenantId,
    clientId: facts.tenant.clientId,
    credential: {
      kind: 'certificate',
      certificatePem: await readFile(facts.tenant.certificateFile, 'utf8'),
      privateKeyPem: await readFile(facts.tenant.privateKeyFile, 'utf8'),
    },
    transport,
  });
  const exo = new ExoClient({ exoBaseUrl: facts.tenant.exoBaseUrl, tenantId: facts.tenant.tenantId, tokens, transport });
  return { exo, close: () => transport.close() };
}

/** `Get-Mailbox -Identity <identity>` in the lab tenant. */
export async function getLabMailbox(dir: string, identity: string): Promise<ExoRecord> {
  const facts = await readLabFacts(dir);
  const { exo, close } = await labExoClient(facts);
  try {
    const mailbox = await exo.getMailbox(identity, LAB_MAILBOX_PROPERTIES);
    if (!mailbox) throw new LabNotFoundError(`no mailbox '${identity}' in the lab tenant`);
    return mailbox;
  } finally {
    close();
  }
}

/** `Set-Mailbox -Identity <identity> …` in the lab tenant, then the mailbox as it is now. */
export async function setLabMailbox(dir: string, identity: string, options: SetMailboxOptions): Promise<ExoRecord> {
  const parameters = buildSetMailboxParameters(options);
  const facts = await readLabFacts(dir);
  const { exo, close } = await labExoClient(facts);
  try {
    await exo.setMailbox(identity, parameters);
    const mailbox = await exo.getMailbox(identity, LAB_MAILBOX_PROPERTIES);
    if (!mailbox) throw new LabNotFoundError(`no mailbox '${identity}' in the lab tenant`);
    return mailbox;
  } finally {
    close();
  }
}
