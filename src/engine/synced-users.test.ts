import { describe, expect, it } from 'vitest';
import { parseCloudUser } from '../core/cloud-user.js';
import { SyncedUsers } from './synced-users.js';

describe('SyncedUsers', () => {
  it('gives back, by id in any case, what the pipeline reads of each user', () => {
    const users = new SyncedUsers();
    const record = {
      id: 'AbCd0000-1111-4222-8333-444455556666', displayName: 'Jürgen "J" Müller', userPrincipalName: 'j@contoso.com',
      onPremisesImmutableId: 'AAAAAAAAAAAAAAAAAAAAAA==', onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1104',
      onPremisesDistinguishedName: 'CN=Müller\\, Jürgen,OU=Cloud,DC=contoso,DC=com', onPremisesDomainName: 'contoso.com', onPremisesSyncEnabled: true,
      mail: 'not kept', proxyAddresses: ['not kept'],
    };
    users.add(record);
    users.add({ id: 'other', onPremisesSyncEnabled: false, displayName: null });
    const found = users.get('abcd0000-1111-4222-8333-444455556666')!;
    // displayName and userPrincipalName are not kept: nothing in a cycle reads them.
    expect(parseCloudUser(found)).toEqual({ ...parseCloudUser(record), displayName: null, userPrincipalName: null });
    expect(found).not.toHaveProperty('mail');
    expect(parseCloudUser(users.get('OTHER')!)).toEqual(parseCloudUser({ id: 'other', onPremisesSyncEnabled: false }));
    // A DN whose first RDN holds an escaped comma, a SID without a dash to cut at, a lower-case id.
    users.add({ id: 'plain', onPremisesDistinguishedName: 'CN=A\\,B\\\\,OU=X,DC=c', onPremisesSecurityIdentifier: 'odd', onPremisesDomainName: 'contoso.com' });
    expect(users.get('plain')).toEqual({ id: 'plain', onPremisesDistinguishedName: 'CN=A\\,B\\\\,OU=X,DC=c', onPremisesSecurityIdentifier: 'odd', onPremisesDomainName: 'contoso.com' });
    expect(users.get('missing')).toBeNull();
    expect(users.size).toBe(3);
  });
});
