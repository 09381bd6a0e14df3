import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_CATALOGUE } from '../core/attribute-catalogue.js';
import { sidFromString } from './ad-binary.js';
import { toDirectoryObject } from './directory-entry.js';

describe('toDirectoryObject', () => {
  const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  it('normalises names to the catalogue spelling and fills every catalogue attribute', () => {
    const entry: Entry = {
      dn: 'CN=A,OU=X,DC=lab',
      objectguid: guid,
      OBJECTSID: sidFromString('S-1-5-21-1-2-3-1104'),
      'ms-ds-consistencyguid': guid,
      'msds-externaldirectoryobjectid': 'User_abc',
      DISPLAYNAME: 'A',
      uSNChanged: '4711',
      proxyaddresses: ['SMTP:a@contoso.com', 'smtp:b@contoso.com'],
      MAIL: 'a@contoso.com',
      extensionattribute11: 'x',
    };
    const object = toDirectoryObject(entry);
    expect(object.objectSid).toBe('S-1-5-21-1-2-3-1104');
    expect(object.consistencyGuid?.equals(guid)).toBe(true);
    expect(object.externalDirectoryObjectId).toBe('User_abc');
    expect(object.displayName).toBe('A');
    expect(object.whenChanged).toBeNull();
    expect(object.uSNChanged).toBe('4711');
    expect(Object.keys(object.attributes)).toEqual(ATTRIBUTE_CATALOGUE.map((a) => a.ldapName));
    expect(object.attributes.proxyAddresses).toEqual(['SMTP:a@contoso.com', 'smtp:b@contoso.com']);
    expect(object.attributes.mail).toEqual(['a@contoso.com']);
    expect(object.attributes.extensionAttribute11).toEqual(['x']);
    expect(object.attributes.extensionAttribute1).toEqual([]);
  });

  it('treats an empty consistency GUID as absent and refuses an entry without objectGUID', () => {
    expect(toDirectoryObject({ dn: 'CN=A', objectGUID: guid, 'mS-DS-ConsistencyGuid': [] }).consistencyGuid).toBeNull();
    expect(() => toDirectoryObject({ dn: 'CN=A' })).toThrow(/objectGUID/);
  });
});
