import { describe, expect, it } from 'vitest';
import { comparisonKeys, isSingleValued, sameAttributeValues } from './value-equality.js';

describe('sameAttributeValues', () => {
  it('single-valued: exact, case included', () => {
    expect(sameAttributeValues('extensionAttribute1', ['a'], ['a'])).toBe(true);
    expect(sameAttributeValues('extensionAttribute1', ['a'], ['A'])).toBe(false);
    expect(sameAttributeValues('mail', [], [])).toBe(true);
    expect(sameAttributeValues('mail', [], ['a@x'])).toBe(false);
  });

  it('multi-valued: as sets of exact values', () => {
    expect(sameAttributeValues('msExchExtensionCustomAttribute1', ['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameAttributeValues('msExchExtensionCustomAttribute1', ['a', 'b'], ['a', 'B'])).toBe(false);
    expect(sameAttributeValues('msExchExtensionCustomAttribute1', ['a'], ['a', 'b'])).toBe(false);
  });

  it('proxyAddresses: exact prefix, case-insensitive address; attribute name case-insensitive', () => {
    expect(sameAttributeValues('proxyAddresses', ['SMTP:A@x.com'], ['SMTP:a@X.COM'])).toBe(true);
    expect(sameAttributeValues('PROXYADDRESSES', ['SMTP:a@x.com'], ['smtp:a@x.com'])).toBe(false);
  });

  it('sorts keys by code unit, not locale', () => {
    expect(comparisonKeys('msExchExtensionCustomAttribute1', ['b', 'B', 'ä', 'a'])).toEqual(['B', 'a', 'b', 'ä']);
  });

  it('knows single-valued catalogue attributes; unknown ones count as multi-valued', () => {
    expect([isSingleValued('mail'), isSingleValued('proxyAddresses'), isSingleValued('description')]).toEqual([true, false, false]);
  });
});
