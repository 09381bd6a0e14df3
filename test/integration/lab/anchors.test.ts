/**
 * The two halves of the lab agree like a real hybrid organisation: every synced cloud user's
 * anchors, as Graph serves them, point at exactly one AD object, and at the same one.
 */
import { readFileSync } from 'node:fs';
import { Client, EqualityFilter, OrFilter } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GraphClient, type GraphUserRecord } from '../../../src/cloud/graph-client.js';
import { createHttpTransport, type HttpTransport } from '../../../src/cloud/http-transport.js';
import { TokenClient } from '../../../src/cloud/token-client.js';
import { sidToString } from '../../../lab/directory/ad-binary.js';

describe('cloud anchors match the directory', () => {
  const facts = inject('lab');
  let transport: HttpTransport;
  let ldap: Client;
  const users: GraphUserRecord[] = [];

  beforeAll(async () => {
    transport = createHttpTransport({ ca: readFileSync(facts.tenant.caFile, 'utf8') });
    const tokens = new TokenClient({
      loginBaseUrl: facts.tenant.loginBaseUrl, tenantId: facts.tenant.tenantId, clientId: facts.tenant.clientId,
      credential: { kind: 'secret', secret: facts.tenant.clientSecret }, transport,
    });
    const graph = new GraphClient({ graphBaseUrl: facts.tenant.graphBaseUrl, tokens, transport });
    for await (const page of graph.listSyncedUserPages()) users.push(...page);
    ldap = new Client({ url: facts.directory.ldapUrl, tlsOptions: { ca: [readFileSync(facts.directory.caFile, 'utf8')] } });
    await ldap.bind(facts.directory.serviceAccount.bindName, facts.directory.serviceAccount.password);
  });
  afterAll(async () => {
    await ldap?.unbind();
    transport?.close();
  });

  it('serves one synced Graph user per synced AD user', () => {
    expect(users.length).toBe(facts.mailboxes);
    expect(users.every((u) => u.onPremisesSyncEnabled === true)).toBe(true);
  });

  it('resolves every immutable id to exactly one AD object, with the same SID and DN', async () => {
    for (const user of users) {
      const anchor = Buffer.from(String(user.onPremisesImmutableId), 'base64');
      expect(anchor).toHaveLength(16);
      // Binary filters must carry Buffers: ldapts' string parser mangles \xx escapes >= 0x80.
      const { searchEntries } = await ldap.search(facts.directory.baseDn, {
        filter: new OrFilter({ filters: [
          new EqualityFilter({ attribute: 'mS-DS-ConsistencyGuid', value: anchor }),
          new EqualityFilter({ attribute: 'objectGUID', value: anchor }),
        ] }),
        attributes: ['objectSid', 'objectGUID', 'mS-DS-ConsistencyGuid'],
        explicitBufferAttributes: ['objectSid', 'objectGUID', 'mS-DS-ConsistencyGuid'],
      });
      expect(searchEntries, `${user.userPrincipalName as string}`).toHaveLength(1);
      const entry = searchEntries[0]!;
      expect(entry.dn.toLowerCase()).toBe(String(user.onPremisesDistinguishedName).toLowerCase());
      expect(sidToString(entry.objectSid as Buffer)).toBe(user.onPremisesSecurityIdentifier);
      const consistency = entry['mS-DS-ConsistencyGuid'];
      // The anchor is mS-DS-ConsistencyGuid where AD has one, objectGUID otherwise (spec §4).
      if (Buffer.isBuffer(consistency)) expect(consistency.equals(anchor)).toBe(true);
      else expect((entry.objectGUID as Buffer).equals(anchor)).toBe(true);
      expect(user.onPremisesDomainName).toBe(facts.directory.dnsName);
    }
  });

  it('uses both anchor kinds somewhere in the organisation', async () => {
    const { searchEntries } = await ldap.search(facts.directory.baseDn, {
      filter: '(&(objectClass=user)(mail=*)(!(mS-DS-ConsistencyGuid=*)))', attributes: ['cn'],
    });
    expect(searchEntries.length).toBeGreaterThan(0);
    expect(searchEntries.length).toBeLessThan(users.length);
  });
});
