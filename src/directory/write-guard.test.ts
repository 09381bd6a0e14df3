import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_CATALOGUE } from '../core/attribute-catalogue.js';
import type { AttributeChange } from '../core/attribute-change.js';
import { WriteRefusedError } from './directory-errors.js';
import { guardChanges } from './write-guard.js';

const target = '<GUID=67452301-ab89-efcd-0011-223344556677>';

function refused(changes: AttributeChange[], set: 'standard' | 'extended' = 'standard'): WriteRefusedError {
  try {
    guardChanges(changes, set, target);
  } catch (error) {
    expect(error).toBeInstanceOf(WriteRefusedError);
    return error as WriteRefusedError;
  }
  throw new Error('not refused');
}

describe('write guard', () => {
  it('passes every catalogue attribute of the set, in the catalogue spelling', () => {
    const changes = ATTRIBUTE_CATALOGUE.map((a): AttributeChange => ({ operation: 'replace', attribute: a.ldapName.toUpperCase(), values: ['1'] }));
    expect(guardChanges(changes, 'extended', target).map((c) => c.attribute)).toEqual(ATTRIBUTE_CATALOGUE.map((a) => a.ldapName));
    expect(guardChanges([], 'standard', target)).toEqual([]);
  });

  it.each(['displayName', 'targetAddress', 'legacyExchangeDN', 'msExchMailboxGuid', 'userPrincipalName', 'nTSecurityDescriptor', 'objectClass', 'unicodePwd'])(
    'refuses %s', (attribute) => {
      const error = refused([{ operation: 'replace', attribute: 'mail', values: ['a@b.c'] }, { operation: 'replace', attribute, values: ['x'] }], 'extended');
      expect(error.code).toBe('DirectoryWriteRefused');
      expect(error.attribute).toBe(attribute);
      expect(error.target).toBe(target);
      expect(error.message).toContain(target);
    });

  it('refuses extended-set attributes when the set is standard', () => {
    expect(refused([{ operation: 'replace', attribute: 'msExchHideFromAddressLists', values: ['TRUE'] }]).message).toMatch(/extended attribute set/);
    expect(refused([{ operation: 'replace', attribute: 'msExchRemoteRecipientType', values: ['4'] }]).attribute).toBe('msExchRemoteRecipientType');
  });

  it('refuses malformed changes from untyped callers', () => {
    expect(refused([{ operation: 'modDN' as 'add', attribute: 'mail', values: ['x'] }]).message).toMatch(/unknown operation/);
    expect(refused([{ operation: 'replace', attribute: 'mail', values: [Buffer.from('x') as unknown as string] }]).message).toMatch(/list of strings/);
    expect(refused([{ operation: 'add', attribute: 'proxyAddresses', values: [] }]).message).toMatch(/at least one value/);
  });
});
