/**
 * What `lab status` shows of the tenant, read through the production clients (so a status
 * check also proves the token, Exchange Online and Graph paths work end to end).
 */
import { readFile } from 'node:fs/promises';
import { GraphClient } from '../src/cloud/graph-client.js';
import { createHttpTransport } from '../src/cloud/http-transport.js';
import { ExoClient } from '../src/cloud/exo-client.js';
import { TokenClient } from '../src/cloud/token-client.js';
import type { LabFacts } from './lab-facts.js';
import type { LabStatus } from './lab-status.js';

/** The demo users shown by `lab status`. */
export const DEMO_USERS = ['Ashley Taylor', 'Anthony Williams'];

/** Counts mailboxes and synced users and reports the demo users' state. */
export async function fetchEmulatorSummary(facts: LabFacts): Promise<Pick<LabStatus, 'tenant' | 'demoUsers'>> {
  const transport = createHttpTransport({ ca: await readFile(facts.tenant.caFile, 'utf8') });
  try {
    const tokens = new TokenClient({
      loginBaseUrl: facts.tenant.loginBaseUrl,
      tenantId: facts.tenant.tenantId,
      clientId: facts.tenant.clientId,
      credential: { kind: 'secret', secret: facts.tenant.clientSecret },
      transport,
    });
    const exo = new ExoClient({ exoBaseUrl: facts.tenant.exoBaseUrl, tenantId: facts.tenant.tenantId, tokens, transport });
    const graph = new GraphClient({ graphBaseUrl: facts.tenant.graphBaseUrl, tokens, transport });
    let mailboxes = 0;
    let dirSynced = 0;
    let cloudManaged = 0;
    const demoUsers: LabStatus['demoUsers'] = [];
    for await (const page of exo.getMailboxPages({ select: ['DisplayName', 'UserPrincipalName', 'IsDirSynced', 'IsExchangeCloudManaged'] })) {
      for (const mailbox of page) {
        mailboxes++;
        if (mailbox.IsDirSynced === true) dirSynced++;
        if (mailbox.IsExchangeCloudManaged === true) cloudManaged++;
        if (typeof mailbox.DisplayName === 'string' && DEMO_USERS.includes(mailbox.DisplayName)) {
          demoUsers.push({ displayName: mailbox.DisplayName, userPrincipalName: String(mailbox.UserPrincipalName), cloudManaged: mailbox.IsExchangeCloudManaged === true });
        }
      }
    }
    let graphUsers = 0;
    for await (const page of graph.listSyncedUserPages(['id'])) graphUsers += page.length;
    demoUsers.sort((a, b) => DEMO_USERS.indexOf(a.displayName) - DEMO_USERS.indexOf(b.displayName));
    return { tenant: { tenantId: facts.tenant.tenantId, mailboxes, dirSynced, cloudManaged, graphUsers }, demoUsers };
  } finally {
    transport.close();
  }
}
