import { describe, expect, it } from 'vitest';
import { attributesOf } from '../core/attribute-catalogue.js';
import type { DirectoryObject } from '../core/directory-object.js';
import { checkDirectory } from './directory-checks.js';
import { DirectoryBindError, DirectoryObjectGoneError } from './directory-errors.js';
import type { DirectoryPort } from './directory-port.js';

const ALL = attributesOf('standard').map((a) => a.ldapName.toLowerCase());

function user(dn: string): DirectoryObject {
  return { distinguishedName: dn, objectGuid: Buffer.alloc(16), objectSid: null, consistencyGuid: null, externalDirectoryObjectId: null, displayName: null, whenChanged: null, uSNChanged: null, attributes: {} };
}

/** A port over fixed data: users per OU, writable attributes per user DN. */
function fakePort(data: { users: Record<string, string[]>; rights: Record<string, string[]>; missingSchema?: string[]; bind?: Error }): DirectoryPort {
  const fail = (): never => {
    throw new Error('not used');
  };
  return {
    findByAnchors: fail, listUsers: fail, changeMark: fail, readByGuid: fail, modify: fail, close: () => Promise.resolve(),
    whoAmI: () => (data.bind ? Promise.reject(data.bind) : Promise.resolve({ distinguishedName: 'CN=svc,DC=x', sid: 'S-1-5-21-1-2-3-4', bindName: 'svc@x', accountName: 'X\\svc' })),
    missingSchemaAttributes: (names) => Promise.resolve(names.filter((n) => data.missingSchema?.includes(n))),
    sampleUsers: (ou, limit) => (ou in data.users ? Promise.resolve(data.users[ou]!.slice(0, limit).map(user)) : Promise.reject(new DirectoryObjectGoneError('no such object', ou))),
    effectiveWritableAttributes: (dn) => Promise.resolve(new Set(data.rights[dn] ?? [])),
  };
}

describe('checkDirectory', () => {
  it('passes when every sampled user is writable', async () => {
    const port = fakePort({ users: { 'OU=A': ['CN=1,OU=A', 'CN=2,OU=A'] }, rights: { 'CN=1,OU=A': ALL, 'CN=2,OU=A': [...ALL, 'description'] } });
    const result = await checkDirectory(port, { attributeSet: 'standard', scopeOus: ['OU=A'], sampleSize: 5 });
    expect(result.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
    expect(result.checks[0]!.detail).toContain('CN=svc,DC=x');
    expect(result).toMatchObject({ missingRights: [], missingSchema: [], delegationCommands: [], delegationScript: null });
  });

  it('names the missing attribute per user and generates the delegation for the affected OU only', async () => {
    const port = fakePort({
      users: { 'OU=A': ['CN=1,OU=A'], 'OU=B': ['CN=2,OU=B'] },
      rights: { 'CN=1,OU=A': ALL, 'CN=2,OU=B': ALL.filter((a) => a !== 'mail') },
    });
    const result = await checkDirectory(port, { attributeSet: 'standard', scopeOus: ['OU=A', 'OU=B'], sampleSize: 5 });
    expect(result.missingRights).toEqual([{ dn: 'CN=2,OU=B', attributes: ['mail'] }]);
    expect(result.checks.at(-1)).toMatchObject({ name: 'Write rights in OU=B', status: 'fail' });
    expect(result.delegationCommands).toEqual(['dsacls "OU=B" /I:S /G "X\\svc:WP;mail;user"']);
    expect(result.delegationScript).toContain("lDAPDisplayName -eq 'mail'");
  });

  it('reports a missing schema attribute once, and does not ask to delegate it', async () => {
    const port = fakePort({ users: { 'OU=A': ['CN=1,OU=A'] }, rights: { 'CN=1,OU=A': ALL.filter((a) => a !== 'extensionattribute9') }, missingSchema: ['extensionAttribute9'] });
    const result = await checkDirectory(port, { attributeSet: 'standard', scopeOus: ['OU=A'], sampleSize: 5 });
    expect(result.missingSchema).toEqual(['extensionAttribute9']);
    expect(result.checks[1]).toMatchObject({ status: 'fail' });
    expect(result.checks[1]!.detail).toContain('extensionAttribute9');
    expect(result.missingRights).toEqual([]);
    expect(result.checks[2]).toMatchObject({ status: 'pass' });
  });

  it('warns on an OU without users and fails on one that does not exist', async () => {
    const port = fakePort({ users: { 'OU=Empty': [] }, rights: {} });
    const result = await checkDirectory(port, { attributeSet: 'standard', scopeOus: ['OU=Empty', 'OU=Gone'], sampleSize: 5 });
    expect(result.checks.slice(2).map((c) => c.status)).toEqual(['warn', 'fail']);
    expect(result.checks[3]!.detail).toMatch(/does not exist/);
  });

  it('stops after a failed bind with the error code in the detail', async () => {
    const port = fakePort({ users: {}, rights: {}, bind: new DirectoryBindError('bind refused', 49, 'svc@x') });
    const result = await checkDirectory(port, { attributeSet: 'standard', scopeOus: ['OU=A'], sampleSize: 5 });
    expect(result.checks).toEqual([{ name: 'LDAP bind and TLS', status: 'fail', detail: 'DirectoryBindFailed: bind refused' }]);
  });
});
