/**
 * Several AD domains, each with its own ordered DC list: the service routes each user to the
 * domain Entra names (onPremisesDomainName) and fails over to the next DC of that domain.
 *
 * The lab has one Samba DC, so the second domain is that DC again, reached through its own
 * connection and a DC list whose first entry refuses connections. What is under test is real:
 * routing, per-domain connections and failover in the running service.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LAB_DOMAIN, LAB_OUS } from '../../../lab/seed/lab-domain.js';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { adminLdap, emulatorAdmin, readUser } from '../../support/lab-engine.js';
import { eventually, serviceConfig, startService } from '../../support/lab-service.js';

const facts = inject('lab');
const org = buildOrganisation({ mailboxes: facts.mailboxes, ...(facts.seed !== undefined ? { seed: facts.seed } : {}) });
const writable = org.filter((u) => u.mailbox?.cloudManaged && u.parentDn.endsWith(LAB_OUS.scoped));
const SECOND_DOMAIN = 'emea.example.com';
/** Nothing listens on port 1: a DC that refuses connections at once. */
const DEAD_DC = 'ldaps://127.0.0.1:1';

describe('several AD domains', () => {
  let ldap: Client;
  const [inFirst, inSecond] = [writable[4]!, writable[5]!];
  beforeAll(async () => {
    ldap = await adminLdap();
    expect((await emulatorAdmin('PATCH', `/graph/users/${inSecond.entraId}`, { onPremisesDomainName: SECOND_DOMAIN })).status).toBe(200);
  });
  afterAll(async () => {
    await emulatorAdmin('PATCH', `/graph/users/${inSecond.entraId}`, { onPremisesDomainName: LAB_DOMAIN.dnsName });
    for (const user of [inFirst, inSecond]) await emulatorAdmin('PATCH', `/exo/mailboxes/${user.entraId}`, { CustomAttribute7: '' });
    await ldap?.unbind();
  });

  it('routes each user to its domain and fails over to the next DC of that domain', { timeout: 120_000 }, async () => {
    const configFile = await serviceConfig({
      edit: (config) => {
        const [first] = config.domains as Array<Record<string, unknown>>;
        const second = { ...first, name: SECOND_DOMAIN, ldapUrls: [DEAD_DC, ...(first!.ldapUrls as string[])] };
        config.domains = [{ ...first, ldapUrls: [DEAD_DC, ...(first!.ldapUrls as string[])] }, second];
      },
    });
    const service = await startService(configFile);
    try {
      await eventually(async () => ((await service.engine.store().lastCycle('full', { outcome: 'success' })) ? true : undefined), 60_000, 'the initial full cycle');
      for (const user of [inFirst, inSecond]) await emulatorAdmin('PATCH', `/exo/mailboxes/${user.entraId}`, { CustomAttribute7: `domain-${user.key}` });
      await service.nudge();
      for (const user of [inFirst, inSecond]) {
        await eventually(async () => ((await readUser(ldap, user.key, ['extensionAttribute7'])).extensionAttribute7[0] === `domain-${user.key}` ? true : undefined), 45_000, `${user.key} written`);
      }
      const domainOf = async (entraId: string) => {
        const { records } = await service.engine.store().queryRecords({ user: entraId, action: 'update', limit: 1 });
        return records[0]?.targetSystem.details.domain;
      };
      expect(await domainOf(inFirst.entraId)).toBe(LAB_DOMAIN.dnsName);
      expect(await domainOf(inSecond.entraId)).toBe(SECOND_DOMAIN);
      expect(await service.engine.store().getQuarantine()).toBeNull();
    } finally {
      await service.stop();
    }
  });
});
