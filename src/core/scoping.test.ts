import { describe, expect, it } from 'vitest';
import type { CloudMailbox } from './cloud-mailbox.js';
import type { CloudUser } from './cloud-user.js';
import type { DirectoryObject } from './directory-object.js';
import { scopeCloudMailbox, scopeCloudUser, scopeDirectoryObject, type ScopeDecision } from './scoping.js';

const mailbox = (overrides: Partial<CloudMailbox> = {}): CloudMailbox => ({
  externalDirectoryObjectId: 'u-1',
  guid: 'g-1',
  alias: 'ashley',
  displayName: 'Ashley Taylor',
  userPrincipalName: 'ashley@contoso.com',
  primarySmtpAddress: 'ashley@contoso.com',
  windowsEmailAddress: 'ashley@contoso.com',
  emailAddresses: ['SMTP:ashley@contoso.com'],
  recipientTypeDetails: 'UserMailbox',
  isDirSynced: true,
  isExchangeCloudManaged: true,
  hiddenFromAddressListsEnabled: false,
  customAttributes: [],
  extensionCustomAttributes: [],
  whenChangedUtc: null,
  ...overrides,
});

const user = (overrides: Partial<CloudUser> = {}): CloudUser => ({
  id: 'u-1',
  displayName: 'Ashley Taylor',
  userPrincipalName: 'ashley@contoso.com',
  onPremisesImmutableId: null,
  onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1104',
  onPremisesDistinguishedName: 'CN=Ashley Taylor,OU=Sales,DC=contoso,DC=com',
  onPremisesDomainName: 'contoso.com',
  onPremisesSyncEnabled: true,
  ...overrides,
});

const object = (distinguishedName: string): DirectoryObject => ({
  distinguishedName,
  objectGuid: Buffer.alloc(16, 1),
  objectSid: null,
  consistencyGuid: null,
  externalDirectoryObjectId: null,
  displayName: null,
  whenChanged: null,
  uSNChanged: null,
  attributes: {},
});

const decision = (d: ScopeDecision | { failure: unknown }): ScopeDecision => {
  if ('failure' in d) throw new Error('unexpected failure');
  return d;
};

describe('scopeCloudMailbox', () => {
  it('puts a dir-synced, cloud-managed user mailbox in scope, listing every rule', () => {
    const d = scopeCloudMailbox(mailbox());
    expect(d.inScope).toBe(true);
    expect(d.skipReason).toBeUndefined();
    expect(d.rules.map((r) => [r.rule, r.passed])).toEqual([
      ['IsDirSynced', true],
      ['IsExchangeCloudManaged', true],
      ['RecipientTypeDetails', true],
    ]);
  });

  it('skips an unconverted mailbox as NotInScope (Anthony Williams)', () => {
    const d = scopeCloudMailbox(mailbox({ isExchangeCloudManaged: false }));
    expect(d).toMatchObject({ inScope: false, skipReason: 'NotInScope' });
    expect(d.rules[1]).toEqual({ rule: 'IsExchangeCloudManaged', passed: false, detail: 'IsExchangeCloudManaged is False' });
  });

  it('checks dir-synced first, then cloud-managed, then the type', () => {
    expect(scopeCloudMailbox(mailbox({ isDirSynced: false, isExchangeCloudManaged: false, recipientTypeDetails: 'MailUser' })).skipReason).toBe('NotDirSynced');
    expect(scopeCloudMailbox(mailbox({ isExchangeCloudManaged: false, recipientTypeDetails: 'MailUser' })).skipReason).toBe('NotInScope');
    const d = scopeCloudMailbox(mailbox({ recipientTypeDetails: 'GroupMailbox' }));
    expect(d.skipReason).toBe('UnsupportedRecipientType');
    expect(d.rules[2]!.detail).toContain('GroupMailbox');
  });

  it('accepts the four supported types', () => {
    for (const type of ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox']) expect(scopeCloudMailbox(mailbox({ recipientTypeDetails: type })).inScope).toBe(true);
  });
});

describe('scopeCloudUser', () => {
  it('fails MissingCloudUser when Graph has no such user', () => {
    const d = scopeCloudUser(null, 'u-404');
    expect('failure' in d && d.failure.code).toBe('MissingCloudUser');
    expect('failure' in d && d.failure.reason).toContain('u-404');
  });

  it('skips NotDirSynced when onPremisesSyncEnabled is not true', () => {
    expect(decision(scopeCloudUser(user({ onPremisesSyncEnabled: false })))).toMatchObject({ inScope: false, skipReason: 'NotDirSynced' });
    expect(decision(scopeCloudUser(user({ onPremisesSyncEnabled: null }))).skipReason).toBe('NotDirSynced');
  });

  it('passes a synced user', () => {
    expect(decision(scopeCloudUser(user())).inScope).toBe(true);
  });
});

describe('scopeDirectoryObject', () => {
  const scope = { domains: ['Contoso.com'], ous: ['OU=Sales,DC=contoso,DC=com', 'OU=Staff\\, Temporary,DC=contoso,DC=com'] };

  it('passes an object in a served domain under a scoped OU', () => {
    const d = scopeDirectoryObject(user(), object('CN=Ashley Taylor,OU=EMEA,OU=Sales,DC=contoso,DC=com'), scope);
    expect(d.inScope).toBe(true);
    expect(d.rules.map((r) => r.rule)).toEqual(['DomainServed', 'ContainerInScope']);
  });

  it('skips DomainNotServed, comparing domain names case-insensitively', () => {
    expect(scopeDirectoryObject(user({ onPremisesDomainName: 'fabrikam.com' }), object('CN=a,OU=Sales,DC=contoso,DC=com'), scope).skipReason).toBe('DomainNotServed');
    expect(scopeDirectoryObject(user({ onPremisesDomainName: 'CONTOSO.COM' }), object('CN=a,OU=Sales,DC=contoso,DC=com'), scope).inScope).toBe(true);
  });

  it('falls back to the DN when Graph has no domain name', () => {
    const d = scopeDirectoryObject(user({ onPremisesDomainName: null }), object('CN=a,OU=Sales,DC=contoso,DC=com'), scope);
    expect(d.inScope).toBe(true);
    expect(d.rules[0]!.detail).toContain('from the DN');
  });

  it('skips OutOfScopeContainer outside every OU', () => {
    const d = scopeDirectoryObject(user(), object('CN=a,OU=PreSales,DC=contoso,DC=com'), scope);
    expect(d).toMatchObject({ inScope: false, skipReason: 'OutOfScopeContainer' });
  });

  it('handles escaped commas in the OU and the object DN', () => {
    expect(scopeDirectoryObject(user(), object('CN=Taylor\\, Ashley,OU=Staff\\, Temporary,DC=contoso,DC=com'), scope).inScope).toBe(true);
    expect(scopeDirectoryObject(user(), object('CN=x,OU=Staff,DC=contoso,DC=com'), scope).skipReason).toBe('OutOfScopeContainer');
  });

  it('treats an empty OU list as the whole domain', () => {
    expect(scopeDirectoryObject(user(), object('CN=a,CN=Users,DC=contoso,DC=com'), { domains: ['contoso.com'], ous: [] }).inScope).toBe(true);
  });

  it('reports the domain before the container', () => {
    expect(scopeDirectoryObject(user({ onPremisesDomainName: 'fabrikam.com' }), object('CN=a,OU=Elsewhere,DC=contoso,DC=com'), scope).skipReason).toBe('DomainNotServed');
  });
});
