import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { Client, InvalidCredentialsError } from 'ldapts';
import type { Entry } from 'ldapts';
import { boundClient, labClient, labDirectory } from './connect.js';

const SCHEMA_DN = () => `CN=Schema,CN=Configuration,${labDirectory().baseDn}`;

describe('Exchange schema on the lab DC', () => {
  let client: Client;
  beforeAll(async () => {
    client = await boundClient('serviceAccount');
  });
  afterAll(async () => {
    await client.unbind();
  });

  async function attributeSchema(name: string): Promise<Entry | undefined> {
    const { searchEntries } = await client.search(SCHEMA_DN(), {
      scope: 'one',
      filter: `(&(objectClass=attributeSchema)(lDAPDisplayName=${name}))`,
      attributes: ['lDAPDisplayName', 'attributeSyntax', 'isSingleValued', 'attributeID'],
    });
    return searchEntries[0];
  }

  it.each([
    ['msExchHideFromAddressLists', '2.5.5.8', 'TRUE'],
    ['extensionAttribute1', '2.5.5.12', 'TRUE'],
    ['extensionAttribute15', '2.5.5.12', 'TRUE'],
    ['msExchExtensionCustomAttribute1', '2.5.5.12', 'FALSE'],
    ['msExchExtensionCustomAttribute5', '2.5.5.12', 'FALSE'],
    ['msExchRecipientTypeDetails', '2.5.5.16', 'TRUE'],
    ['msExchRecipientDisplayType', '2.5.5.9', 'TRUE'],
    ['msExchRemoteRecipientType', '2.5.5.16', 'TRUE'],
    ['targetAddress', '2.5.5.12', 'TRUE'],
    ['mailNickname', '2.5.5.12', 'TRUE'],
    ['msExchMailboxGuid', '2.5.5.10', 'TRUE'],
    ['msDS-ExternalDirectoryObjectId', '2.5.5.12', 'TRUE'],
    ['proxyAddresses', '2.5.5.12', 'FALSE'],
    ['mS-DS-ConsistencyGuid', '2.5.5.10', 'TRUE'],
  ])('has %s (syntax %s, single-valued %s)', async (name, syntax, single) => {
    const entry = await attributeSchema(name);
    expect(entry, name).toBeDefined();
    expect(entry!.attributeSyntax).toBe(syntax);
    expect(entry!.isSingleValued).toBe(single);
  });

  it('lets user objects carry the Exchange attributes (auxiliary classes on User)', async () => {
    const { searchEntries } = await client.search(`CN=User,${SCHEMA_DN()}`, { scope: 'base', attributes: ['auxiliaryClass'] });
    expect(searchEntries[0]?.auxiliaryClass).toEqual(expect.arrayContaining(['msExchBaseClass', 'msExchCustomAttributes', 'msExchMailStorage']));
  });
});

describe('TLS to the lab DC', () => {
  it('verifies the server certificate with the lab CA', async () => {
    const client = labClient();
    try {
      await client.bind(labDirectory().serviceAccount.bindName, labDirectory().serviceAccount.password);
      expect(client.isBound).toBe(true);
    } finally {
      await client.unbind();
    }
  });

  it('is rejected with the default trust store (the lab CA is not trusted by default)', async () => {
    const client = new Client({ url: labDirectory().ldapUrl, connectTimeout: 5_000, timeout: 10_000 });
    const error = await client.bind(labDirectory().serviceAccount.bindName, labDirectory().serviceAccount.password).then(() => null, (e: unknown) => e);
    await client.unbind().catch(() => undefined);
    expect(error).toBeInstanceOf(Error);
    // Node's TLS verification error codes, never the message text.
    expect((error as NodeJS.ErrnoException).code).toMatch(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|DEPTH_ZERO_SELF_SIGNED_CERT)$/);
  });

  it('binds with the UPN form and refuses a bare account name (49)', async () => {
    const client = labClient();
    try {
      await expect(client.bind('Administrator', labDirectory().admin.password)).rejects.toBeInstanceOf(InvalidCredentialsError);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  });
});
