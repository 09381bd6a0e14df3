import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_CATALOGUE, attributesOf } from './attribute-catalogue.js';
import { applyChanges, diffAttributes } from './attribute-diff.js';
import type { CloudMailbox } from './cloud-mailbox.js';
import type { AttributeValues } from './directory-object.js';
import { desiredAttributes, type MappingOptions } from './mailbox-mapping.js';

function mailbox(overrides: Partial<CloudMailbox> = {}): CloudMailbox {
  return {
    externalDirectoryObjectId: '5b2a3c4d-0000-4000-8000-000000000001',
    guid: 'a1b2c3d4-0000-4000-8000-000000000001',
    alias: 'ashley',
    displayName: 'Ashley Taylor',
    userPrincipalName: 'ashley@contoso.com',
    primarySmtpAddress: 'ashley@contoso.com',
    windowsEmailAddress: 'ashley@contoso.com',
    emailAddresses: ['SMTP:ashley@contoso.com', 'smtp:ashley.taylor@contoso.com', 'SPO:SPO_1@SPO_2'],
    recipientTypeDetails: 'UserMailbox',
    isDirSynced: true,
    isExchangeCloudManaged: true,
    hiddenFromAddressListsEnabled: false,
    customAttributes: Array.from({ length: 15 }, () => ''),
    extensionCustomAttributes: Array.from({ length: 5 }, () => []),
    whenChangedUtc: '2026-08-24T10:00:00.0000000Z',
    ...overrides,
  };
}

const standard: MappingOptions = { attributeSet: 'standard', cloudOnlyProxyTypes: ['SPO'], preservedProxyTypes: ['X500', 'X400'] };
const extended: MappingOptions = { ...standard, attributeSet: 'extended' };

function desired(box: CloudMailbox, current: AttributeValues = {}, options = standard): AttributeValues {
  const result = desiredAttributes(box, current, options);
  if (!result.ok) throw new Error(`unexpected failure ${result.failure.code}: ${result.failure.reason}`);
  return result.desired;
}

function failure(box: CloudMailbox, current: AttributeValues = {}, options = standard) {
  const result = desiredAttributes(box, current, options);
  if (result.ok) throw new Error('expected a failure');
  return result.failure;
}

const custom = (index: number, value: string) => {
  const values = Array.from({ length: 15 }, () => '');
  values[index - 1] = value;
  return values;
};
const extension = (index: number, values: string[]) => {
  const lists: string[][] = Array.from({ length: 5 }, () => []);
  lists[index - 1] = values;
  return lists;
};

describe('desiredAttributes', () => {
  it('gives a value list for every attribute of the standard set (24) and no other', () => {
    const d = desired(mailbox());
    expect(Object.keys(d)).toEqual(attributesOf('standard').map((a) => a.ldapName));
    expect(Object.keys(d)).toHaveLength(24);
  });

  it('gives every catalogue attribute for the extended set', () => {
    expect(Object.keys(desired(mailbox(), {}, extended))).toEqual(ATTRIBUTE_CATALOGUE.map((a) => a.ldapName));
  });

  it('maps the Ashley Taylor example', () => {
    const d = desired(mailbox({ customAttributes: custom(1, 'Sales') }));
    expect(d.extensionAttribute1).toEqual(['Sales']);
    expect(d.extensionAttribute2).toEqual([]);
    expect(d.msExchRecipientTypeDetails).toEqual(['2147483648']);
    expect(d.msExchRecipientDisplayType).toEqual(['-2147483642']);
    expect(d.proxyAddresses).toEqual(['SMTP:ashley@contoso.com', 'smtp:ashley.taylor@contoso.com']);
    expect(d.mail).toEqual(['ashley@contoso.com']);
  });

  describe('extensionAttributeN ← CustomAttributeN', () => {
    it('clears the AD value when the cloud value is "" (mirror)', () => {
      expect(desired(mailbox(), { extensionAttribute7: ['stale'] }).extensionAttribute7).toEqual([]);
    });

    it('passes LDAP-special characters and non-ASCII through literally', () => {
      const value = '*()\\,=+<>;"# Grüße 東京';
      expect(desired(mailbox({ customAttributes: custom(3, value) })).extensionAttribute3).toEqual([value]);
    });

    it('fails ValueTooLong above 1024 characters, and allows 2048 for #11', () => {
      expect(failure(mailbox({ customAttributes: custom(2, 'x'.repeat(1025)) })).code).toBe('ValueTooLong');
      expect(desired(mailbox({ customAttributes: custom(2, 'x'.repeat(1024)) })).extensionAttribute2).toHaveLength(1);
      expect(desired(mailbox({ customAttributes: custom(11, 'x'.repeat(2048)) })).extensionAttribute11).toHaveLength(1);
      const f = failure(mailbox({ customAttributes: custom(11, 'x'.repeat(2049)) }));
      expect(f.code).toBe('ValueTooLong');
      expect(f.reason).toContain('extensionAttribute11');
    });

    it('fails InvalidCharacters for control characters, tab and line breaks included', () => {
      for (const bad of ['a\tb', 'line1\r\nline2', 'nul\u0000', 'del\u007f']) {
        const f = failure(mailbox({ customAttributes: custom(4, bad) }));
        expect(f.code).toBe('InvalidCharacters');
        expect(f.reason).toContain('extensionAttribute4');
      }
    });

    it('treats missing entries of a short CustomAttribute list as unset', () => {
      expect(desired(mailbox({ customAttributes: ['only-first'] })).extensionAttribute15).toEqual([]);
    });
  });

  describe('msExchExtensionCustomAttributeN ← ExtensionCustomAttributeN', () => {
    it('maps the values as a set, collapsing exact duplicates and dropping empty strings', () => {
      expect(desired(mailbox({ extensionCustomAttributes: extension(2, ['a', 'b', 'a', '']) })).msExchExtensionCustomAttribute2).toEqual(['a', 'b']);
    });

    it('fails DuplicateValues for values differing only in case', () => {
      const f = failure(mailbox({ extensionCustomAttributes: extension(1, ['Blue', 'blue']) }));
      expect(f.code).toBe('DuplicateValues');
      expect(f.reason).toContain("'Blue'");
    });

    it('allows 1300 values and fails TooManyValues above', () => {
      const many = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
      expect(desired(mailbox({ extensionCustomAttributes: extension(5, many(1300)) })).msExchExtensionCustomAttribute5).toHaveLength(1300);
      expect(failure(mailbox({ extensionCustomAttributes: extension(5, many(1301)) })).code).toBe('TooManyValues');
    });

    it('fails ValueTooLong and InvalidCharacters per value', () => {
      expect(failure(mailbox({ extensionCustomAttributes: extension(3, ['x'.repeat(2049)]) })).code).toBe('ValueTooLong');
      expect(failure(mailbox({ extensionCustomAttributes: extension(3, ['ok', 'bad\n']) })).code).toBe('InvalidCharacters');
    });
  });

  describe('recipient types', () => {
    it('maps each supported type and keeps the ACL-able display type AD has', () => {
      const room = desired(mailbox({ recipientTypeDetails: 'RoomMailbox' }), { msExchRecipientDisplayType: ['-1073741818'] });
      expect(room.msExchRecipientTypeDetails).toEqual(['8589934592']);
      expect(room.msExchRecipientDisplayType).toEqual(['-1073740026']);
      expect(desired(mailbox({ recipientTypeDetails: 'SharedMailbox' })).msExchRecipientTypeDetails).toEqual(['34359738368']);
    });

    it('fails InvalidMailboxData, not an exception, for an unsupported type', () => {
      expect(failure(mailbox({ recipientTypeDetails: 'MailUser' })).code).toBe('InvalidMailboxData');
    });

    it('keeps the provisioned flag of msExchRemoteRecipientType (extended set)', () => {
      expect(desired(mailbox({ recipientTypeDetails: 'SharedMailbox' }), { msExchRemoteRecipientType: ['1'] }, extended).msExchRemoteRecipientType).toEqual(['97']);
      expect(desired(mailbox(), {}, extended).msExchRemoteRecipientType).toEqual(['4']);
    });
  });

  describe('proxyAddresses', () => {
    it('keeps preserved AD types and drops cloud-only ones', () => {
      const d = desired(mailbox(), { proxyAddresses: ['SMTP:ashley@contoso.com', 'X500:/o=Contoso/cn=ashley'] });
      expect(d.proxyAddresses).toEqual(['SMTP:ashley@contoso.com', 'smtp:ashley.taylor@contoso.com', 'X500:/o=Contoso/cn=ashley']);
    });

    it('fails the whole object when the primary is wrong', () => {
      expect(failure(mailbox({ windowsEmailAddress: 'other@contoso.com' })).code).toBe('PrimaryMismatch');
    });
  });

  describe('mail ← WindowsEmailAddress', () => {
    it('fails ValueTooLong above 256 characters', () => {
      const address = `${'a'.repeat(250)}@contoso.com`;
      const f = failure(mailbox({ windowsEmailAddress: address, emailAddresses: [`SMTP:${address}`] }));
      expect(f.code).toBe('ValueTooLong');
      expect(f.reason).toContain('mail');
    });
  });

  describe('msExchHideFromAddressLists ← HiddenFromAddressListsEnabled (extended set)', () => {
    it('writes TRUE when hidden', () => {
      expect(desired(mailbox({ hiddenFromAddressListsEnabled: true }), {}, extended).msExchHideFromAddressLists).toEqual(['TRUE']);
    });

    it('leaves it absent when not hidden and AD has no value (no write)', () => {
      expect(desired(mailbox(), {}, extended).msExchHideFromAddressLists).toEqual([]);
    });

    it('writes FALSE when not hidden and AD has TRUE or FALSE', () => {
      expect(desired(mailbox(), { msExchHideFromAddressLists: ['TRUE'] }, extended).msExchHideFromAddressLists).toEqual(['FALSE']);
      expect(desired(mailbox(), { msExchHideFromAddressLists: ['FALSE'] }, extended).msExchHideFromAddressLists).toEqual(['FALSE']);
    });

    it('is not in the standard set', () => {
      expect(desired(mailbox({ hiddenFromAddressListsEnabled: true })).msExchHideFromAddressLists).toBeUndefined();
    });
  });

  it('round-trips through the diff: a second mapping of the written state changes nothing', () => {
    const box = mailbox({ customAttributes: custom(1, 'Sales'), extensionCustomAttributes: extension(1, ['a', 'B']), hiddenFromAddressListsEnabled: true });
    const current: AttributeValues = { proxyAddresses: ['SMTP:ashley@contoso.com', 'X500:/o=x'], extensionAttribute9: ['old'], msExchRecipientDisplayType: ['-1073741818'] };
    const first = desired(box, current, extended);
    const after = applyChanges(current, diffAttributes(current, first).changes);
    expect(diffAttributes(after, desired(box, after, extended)).changes).toEqual([]);
  });
});
