import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Attribute, Change, InsufficientAccessError, type Client } from 'ldapts';
import { DELEGATED_ATTRIBUTES } from '../../../lab/directory/delegation-acl.js';
import { LAB_OUS } from '../../../lab/seed/lab-domain.js';
import { boundClient } from './connect.js';

/** A valid test value for each delegated attribute (different from anything the seed writes). */
function testValue(attribute: string): string {
  if (attribute.startsWith('extensionAttribute') || attribute.startsWith('msExchExtensionCustomAttribute')) return 'delegation-test';
  switch (attribute) {
    case 'msExchRecipientTypeDetails': return '34359738368';
    case 'msExchRecipientDisplayType': return '-1073741818';
    case 'msExchRemoteRecipientType': return '100';
    case 'msExchHideFromAddressLists': return 'TRUE';
    case 'proxyAddresses': return 'smtp:delegation-test@contoso.com';
    case 'mail': return 'delegation-test@contoso.com';
    default: throw new Error(`no test value for ${attribute}`);
  }
}

describe('service account delegation', () => {
  let admin: Client;
  let service: Client;
  /** One user mailbox per OU of interest (found, not assumed). */
  const users: Record<'scoped' | 'resources' | 'outside', string> = { scoped: '', resources: '', outside: '' };

  beforeAll(async () => {
    admin = await boundClient('admin');
    service = await boundClient('serviceAccount');
    for (const key of ['scoped', 'resources', 'outside'] as const) {
      const { searchEntries } = await admin.search(LAB_OUS[key], {
        scope: 'one', filter: '(&(objectClass=user)(mail=*))', attributes: ['distinguishedName'], sizeLimit: 1,
      });
      users[key] = searchEntries[0]!.dn;
    }
  });
  afterAll(async () => {
    await service.unbind();
    await admin.unbind();
  });

  /** Current values of attributes on an object, to restore them afterwards. */
  async function snapshot(dn: string, attributes: readonly string[]): Promise<Map<string, string[]>> {
    const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: [...attributes] });
    const entry = searchEntries[0]!;
    return new Map(attributes.map((a) => {
      const key = Object.keys(entry).find((k) => k.toLowerCase() === a.toLowerCase());
      const value = key ? entry[key] : undefined;
      return [a, value === undefined ? [] : (Array.isArray(value) ? value.map(String) : [String(value)])];
    }));
  }

  async function restore(dn: string, before: Map<string, string[]>): Promise<void> {
    const changes = [...before].map(([type, values]) =>
      new Change({ operation: 'replace', modification: new Attribute({ type, values }) }));
    await admin.modify(dn, changes);
  }

  async function writeAs(client: Client, dn: string, attribute: string, value: string): Promise<void> {
    const operation = attribute === 'proxyAddresses' || attribute.startsWith('msExchExtensionCustomAttribute') ? 'add' : 'replace';
    await client.modify(dn, new Change({ operation, modification: new Attribute({ type: attribute, values: [value] }) }));
  }

  it.each(['scoped', 'resources'] as const)('may write every delegated attribute on a user in the %s OU', async (ou) => {
    const dn = users[ou];
    const before = await snapshot(dn, DELEGATED_ATTRIBUTES);
    try {
      for (const attribute of DELEGATED_ATTRIBUTES) await writeAs(service, dn, attribute, testValue(attribute));
      const after = await snapshot(dn, ['extensionAttribute1', 'proxyAddresses']);
      expect(after.get('extensionAttribute1')).toEqual(['delegation-test']);
      expect(after.get('proxyAddresses')).toContain('smtp:delegation-test@contoso.com');
    } finally {
      await restore(dn, before);
    }
    expect(await snapshot(dn, DELEGATED_ATTRIBUTES)).toEqual(before);
  });

  it('gets insufficientAccessRights (50) for a user outside the scoped OU', async () => {
    for (const attribute of ['extensionAttribute1', 'proxyAddresses', 'mail']) {
      const error = await writeAs(service, users.outside, attribute, testValue(attribute)).then(() => null, (e: unknown) => e);
      expect(error, attribute).toBeInstanceOf(InsufficientAccessError);
      expect((error as InsufficientAccessError).code).toBe(50);
    }
  });

  it.each(['displayName', 'title', 'targetAddress', 'mailNickname', 'legacyExchangeDN', 'userPrincipalName', 'msExchMailboxGuid'])(
    'gets insufficientAccessRights (50) writing %s in the scoped OU', async (attribute) => {
      const value = attribute === 'msExchMailboxGuid' ? Buffer.alloc(16, 7) : attribute === 'userPrincipalName' ? 'x@contoso.com' : 'delegation-test';
      const change = new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values: Buffer.isBuffer(value) ? [value] : [value] }) });
      const error = await service.modify(users.scoped, change).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InsufficientAccessError);
      expect((error as InsufficientAccessError).code).toBe(50);
    });

  it('cannot create objects in the scoped OU', async () => {
    const error = await service.add(`CN=delegation-test,${LAB_OUS.scoped}`, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: 'delegation-test',
    }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientAccessError);
  });
});
