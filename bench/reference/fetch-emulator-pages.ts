/**
 * Reference for the no-change reconcile: the raw cost of reading what a full cycle reads from the
 * cloud — every `Get-Mailbox` page (same filter, same `$select`) and every page of synced Entra
 * users (same `$select`) — with plain HTTPS requests and no processing. Run as its own process
 * (like the engine): `node dist/bench/reference/fetch-emulator-pages.js <lab.json>`; prints counts.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { GRAPH_ANCHOR_PROPERTIES } from '../../src/cloud/graph-client.js';
import { EXO_MAILBOX_PROPERTIES } from '../../src/core/attribute-catalogue.js';
import { FULL_CYCLE_FILTER } from '../../src/engine/sync-cycle.js';
import type { LabFacts } from '../../lab/lab-facts.js';

const facts = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LabFacts;
const agent = new Agent({ keepAlive: true, ca: readFileSync(facts.tenant.caFile, 'utf8') });

function send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${url}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function token(resource: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: facts.tenant.clientId, client_secret: facts.tenant.clientSecret, scope: `${resource}/.default` });
  const result = (await send('POST', `${facts.tenant.loginBaseUrl}/${facts.tenant.tenantId}/oauth2/v2.0/token`, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString())) as { access_token: string };
  return result.access_token;
}

type Page = { value: unknown[]; '@odata.nextLink'?: string };
let mailboxes = 0;
const exoToken = await token('https://outlook.office365.com');
const body = JSON.stringify({ CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited', Filter: FULL_CYCLE_FILTER } } });
for (let url: string | undefined = `${facts.tenant.exoBaseUrl}/adminapi/beta/${facts.tenant.tenantId}/InvokeCommand?$select=${EXO_MAILBOX_PROPERTIES.join(',')}`; url;) {
  const page = (await send('POST', url, { authorization: `Bearer ${exoToken}`, 'content-type': 'application/json' }, body)) as Page;
  mailboxes += page.value.length;
  url = page['@odata.nextLink'];
}
let users = 0;
const graphToken = await token('https://graph.microsoft.com');
for (let url: string | undefined = `${facts.tenant.graphBaseUrl}/v1.0/users?$filter=${encodeURIComponent('onPremisesSyncEnabled eq true')}&$select=${GRAPH_ANCHOR_PROPERTIES.join(',')}&$top=999`; url;) {
  const page = (await send('GET', url, { authorization: `Bearer ${graphToken}` })) as Page;
  users += page.value.length;
  url = page['@odata.nextLink'];
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ mailboxes, users })}\n`);
