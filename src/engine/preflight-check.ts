/**
 * `exo-writeback check`: everything the engine needs, verified without writing anything —
 * tokens for both APIs, Exchange Online and Graph reachable, each domain's LDAP bind and TLS,
 * the schema, and the service account's effective write rights on a sample of in-scope objects.
 */
import type { AttributeSetName } from '../core/attribute-catalogue.js';
import { checkDirectory } from '../directory/directory-checks.js';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';
import type { TokenClient } from '../cloud/token-client.js';
import type { MailboxSource, ServedDomain, UserSource } from './engine-ports.js';

/** One line of the check report. */
export interface CheckItem {
  name: string;
  status: 'pass' | 'fail' | 'warn';
  detail: string;
}

/** The whole report. `ok` is false when any item failed. */
export interface CheckReport {
  ok: boolean;
  items: CheckItem[];
  /** Per domain with missing rights: the exact delegation commands to grant them. */
  delegation: Array<{ domain: string; missing: Array<{ dn: string; attributes: string[] }>; commands: string[]; powershell: string | null }>;
}

/** Options of {@link runPreflightCheck}. */
export interface PreflightOptions {
  tokens: TokenClient;
  mailboxes: MailboxSource & { invoke(cmdlet: string, parameters: Record<string, unknown>, select?: readonly string[]): Promise<unknown[]> };
  users: UserSource;
  domains: readonly ServedDomain[];
  attributeSet: AttributeSetName;
  sampleSize?: number;
}

/** Runs every check; a failing check never stops the others. */
export async function runPreflightCheck(options: PreflightOptions): Promise<CheckReport> {
  const items: CheckItem[] = [];
  const attempt = async (name: string, work: () => Promise<string>) => {
    try {
      items.push({ name, status: 'pass', detail: await work() });
    } catch (error) {
      items.push({ name, status: 'fail', detail: describe(error) });
    }
  };
  await attempt('Token for Exchange Online', async () => {
    await options.tokens.getToken('exo');
    return 'app-only token issued';
  });
  await attempt('Token for Microsoft Graph', async () => {
    await options.tokens.getToken('graph');
    return 'app-only token issued';
  });
  await attempt('Exchange Online reachable (Get-Mailbox)', async () => {
    const sample = await options.mailboxes.invoke('Get-Mailbox', { ResultSize: 1, Filter: 'IsDirSynced -eq $true' }, ['Guid']);
    return sample.length ? 'Get-Mailbox returned a dir-synced mailbox' : 'Get-Mailbox works; no dir-synced mailbox yet';
  });
  await attempt('Microsoft Graph reachable (users)', async () => {
    for await (const page of options.users.listSyncedUserPages()) return `read ${page.length} synced user(s) from the first page`;
    return 'no synced users';
  });

  const delegation: CheckReport['delegation'] = [];
  for (const domain of options.domains) {
    try {
      const result = await checkDirectory(domain.directory, {
        attributeSet: options.attributeSet,
        scopeOus: domain.scopeOus.length ? domain.scopeOus : [domain.baseDn],
        sampleSize: options.sampleSize ?? 5,
      });
      for (const check of result.checks) items.push({ name: `${domain.name}: ${check.name}`, status: check.status, detail: check.detail });
      if (result.missingRights.length) delegation.push({ domain: domain.name, missing: result.missingRights, commands: result.delegationCommands, powershell: result.delegationScript });
    } catch (error) {
      items.push({ name: `${domain.name}: LDAP bind and TLS`, status: 'fail', detail: describe(error) });
    }
  }
  return { ok: items.every((i) => i.status !== 'fail'), items, delegation };
}

function describe(error: unknown): string {
  if (error instanceof ExoWritebackError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
