import { describe, expect, it } from 'vitest';
import { LabInvalidOptionError } from './lab-errors.js';
import { buildSetMailboxParameters } from './set-mailbox-parameters.js';

describe('buildSetMailboxParameters', () => {
  it('adds and removes aliases with the hashtable form PowerShell sends', () => {
    expect(buildSetMailboxParameters({ addAlias: ['a@contoso.com', 'X500:/o=x'], removeAlias: ['b@contoso.com'] })).toEqual({
      EmailAddresses: { '@odata.type': '#Exchange.GenericHashTable', Add: ['smtp:a@contoso.com', 'X500:/o=x'], Remove: ['smtp:b@contoso.com'] },
    });
  });

  it('replaces the whole list and refuses to mix it with add/remove', () => {
    expect(buildSetMailboxParameters({ emailAddresses: 'SMTP:a@c.com, smtp:b@c.com' })).toEqual({ EmailAddresses: ['SMTP:a@c.com', 'smtp:b@c.com'] });
    expect(() => buildSetMailboxParameters({ emailAddresses: 'SMTP:a@c.com', addAlias: ['x@c.com'] })).toThrow(LabInvalidOptionError);
  });

  it('sets and clears custom attributes by index, refusing out-of-range indexes', () => {
    expect(buildSetMailboxParameters({ customAttribute: ['1=Finance', '15='] })).toEqual({ CustomAttribute1: 'Finance', CustomAttribute15: '' });
    expect(() => buildSetMailboxParameters({ customAttribute: ['16=x'] })).toThrow(/N from 1 to 15/);
    expect(() => buildSetMailboxParameters({ customAttribute: ['x'] })).toThrow(LabInvalidOptionError);
  });

  it('builds extension custom attribute lists and add/remove hashtables', () => {
    expect(buildSetMailboxParameters({ extensionCustomAttribute: ['2=a,b'], addExtensionCustomAttribute: ['1=x', '1=y'], removeExtensionCustomAttribute: ['1=z'] })).toEqual({
      ExtensionCustomAttribute2: ['a', 'b'],
      ExtensionCustomAttribute1: { '@odata.type': '#Exchange.GenericHashTable', Add: ['x', 'y'], Remove: ['z'] },
    });
  });

  it('normalises type and booleans and rejects bad values', () => {
    expect(buildSetMailboxParameters({ type: 'shared', hidden: 'true', cloudManaged: '$false' })).toEqual({
      Type: 'Shared',
      HiddenFromAddressListsEnabled: true,
      IsExchangeCloudManaged: false,
    });
    expect(() => buildSetMailboxParameters({ type: 'Group' })).toThrow(/Regular, Shared, Room, Equipment/);
    expect(() => buildSetMailboxParameters({ hidden: 'maybe' })).toThrow(/--hidden/);
  });

  it('passes raw parameters through as JSON when they parse, as text otherwise', () => {
    expect(buildSetMailboxParameters({ param: ['DisplayName="New"', 'Office=B12'] })).toEqual({ DisplayName: 'New', Office: 'B12' });
  });

  it('refuses an empty change', () => {
    expect(() => buildSetMailboxParameters({})).toThrow(/nothing to change/);
  });
});
