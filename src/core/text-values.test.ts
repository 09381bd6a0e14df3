import { describe, expect, it } from 'vitest';
import { caseFold, describeValue, findInvalidCharacter, isSmtpAddress } from './text-values.js';

describe('findInvalidCharacter', () => {
  it('names the first control character or lone surrogate', () => {
    expect(findInvalidCharacter('a\tb')).toBe('U+0009');
    expect(findInvalidCharacter('a\u009fb')).toBe('U+009F');
    expect(findInvalidCharacter('a\uDC00')).toBe('U+DC00');
  });

  it('accepts LDAP-special characters, non-ASCII, emoji and ordinary spaces', () => {
    expect(findInvalidCharacter('*()\\,=+<>;"# Grüße 東京 😀 a\u00a0b')).toBeNull();
  });
});

describe('isSmtpAddress', () => {
  it('accepts local@domain, including non-ASCII', () => {
    expect(isSmtpAddress('ashley.taylor+tag@contoso.com')).toBe(true);
    expect(isSmtpAddress('jürgen@beispiel.de')).toBe(true);
  });

  it('refuses spaces, missing parts and empty labels', () => {
    for (const bad of ['a b@x.com', 'ax.com', '@x.com', 'a@', 'a@x..com', 'a@x.com.', 'a@@x.com']) expect(isSmtpAddress(bad)).toBe(false);
  });
});

describe('caseFold and describeValue', () => {
  it('folds case for AD-style comparisons', () => {
    expect(caseFold('SMTP:Müller@X.com')).toBe(caseFold('smtp:MÜLLER@x.COM'));
  });

  it('quotes short values whole and shortens long ones without splitting a surrogate pair', () => {
    expect(describeValue('abc')).toBe("'abc'");
    expect(describeValue('😀'.repeat(100))).toBe(`'${'😀'.repeat(100)}'`);
    expect(describeValue('😀'.repeat(130))).toBe(`'${'😀'.repeat(120)}…' (260 characters)`);
  });
});
