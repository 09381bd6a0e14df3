import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnDomain, isDnWithin, parseDn } from './distinguished-name.js';

describe('parseDn', () => {
  it('splits RDNs on unescaped commas only', () => {
    expect(parseDn('CN=Taylor\\, Ashley,OU=Sales,DC=contoso,DC=com')).toEqual([
      [{ type: 'cn', value: 'Taylor, Ashley' }],
      [{ type: 'ou', value: 'Sales' }],
      [{ type: 'dc', value: 'contoso' }],
      [{ type: 'dc', value: 'com' }],
    ]);
  });

  it('resolves hex escapes as UTF-8 bytes, and other escapes', () => {
    expect(parseDn('CN=M\\C3\\BCller\\2C Hans,OU=A\\+B\\\\C\\=D')).toEqual([[{ type: 'cn', value: 'Müller, Hans' }], [{ type: 'ou', value: 'A+B\\C=D' }]]);
  });

  it('handles quoted values, spaces around separators and multi-valued RDNs', () => {
    expect(parseDn('CN="Taylor, Ashley" , OU = Sales ;DC=x')).toEqual([[{ type: 'cn', value: 'Taylor, Ashley' }], [{ type: 'ou', value: 'Sales' }], [{ type: 'dc', value: 'x' }]]);
    expect(parseDn('CN=a+UID=b,DC=x')).toEqual([[{ type: 'cn', value: 'a' }, { type: 'uid', value: 'b' }], [{ type: 'dc', value: 'x' }]]);
  });

  it('keeps an escaped trailing space', () => {
    expect(parseDn('CN=a\\ ,DC=x')![0]).toEqual([{ type: 'cn', value: 'a ' }]);
  });

  it('returns null for malformed DNs and [] for the empty DN', () => {
    expect(parseDn('no equals sign')).toBeNull();
    expect(parseDn('CN=a\\')).toBeNull();
    expect(parseDn('CN="open,DC=x')).toBeNull();
    expect(parseDn('')).toEqual([]);
  });
});

describe('isDnWithin', () => {
  const ou = 'OU=Sales,DC=contoso,DC=com';

  it('is true for objects under the OU, any depth, case-insensitively', () => {
    expect(isDnWithin('CN=Ashley,OU=Sales,DC=contoso,DC=com', ou)).toBe(true);
    expect(isDnWithin('cn=Ashley,ou=EMEA,ou=SALES,dc=Contoso,dc=COM', ou)).toBe(true);
    expect(isDnWithin(ou, ou)).toBe(true);
  });

  it('matches on whole RDNs, not string suffixes', () => {
    expect(isDnWithin('CN=Ashley,OU=PreSales,DC=contoso,DC=com', ou)).toBe(false);
    expect(isDnWithin('CN=Ashley,OU=Marketing,DC=contoso,DC=com', ou)).toBe(false);
    expect(isDnWithin('DC=contoso,DC=com', ou)).toBe(false);
  });

  it('handles escaped commas on both sides', () => {
    const tricky = 'OU=Sales\\, EMEA,DC=contoso,DC=com';
    expect(isDnWithin('CN=Taylor\\, Ashley,OU=Sales\\, EMEA,DC=contoso,DC=com', tricky)).toBe(true);
    expect(isDnWithin('CN=Taylor\\, Ashley,OU=Sales\\2c EMEA,DC=contoso,DC=com', tricky)).toBe(true);
    // "OU=Sales\, EMEA" is one RDN, so an object in "OU=Sales" is not under it and vice versa.
    expect(isDnWithin('CN=x,OU=Sales,DC=contoso,DC=com', tricky)).toBe(false);
    expect(isDnWithin('CN=x, EMEA,OU=Sales,DC=contoso,DC=com', tricky)).toBe(false);
  });

  it('is false when either DN is malformed', () => {
    expect(isDnWithin('garbage', ou)).toBe(false);
  });
});

describe('dnDomain', () => {
  it('joins the DC components', () => {
    expect(dnDomain('CN=a,OU=b,DC=corp,DC=contoso,DC=com')).toBe('corp.contoso.com');
    expect(dnDomain('CN=a')).toBeNull();
  });
});

describe('parseDn fast path', () => {
  it('reads an unescaped value exactly as the escape-resolving path reads it (property)', () => {
    // Values without DN specials; the first character is also written as a hex escape to force the slow path.
    const value = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'Z', ' ', 'ü', '東', '-', '.', '1', '☃') }).filter((v) => !v.startsWith(' '));
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), (values) => {
      const plain = values.map((v, i) => `${i === 0 ? 'CN' : 'OU'}=${v}`).join(',');
      const hex = [...Buffer.from(values[0]![0]!, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
      const escaped = [`CN=${hex}${values[0]!.slice(values[0]![0]!.length)}`, ...values.slice(1).map((v) => `OU=${v}`)].join(',');
      expect(parseDn(plain)).toEqual(parseDn(escaped));
      expect(parseDn(plain)!.map((rdn) => rdn[0]!.value)).toEqual(values.map((v) => v.replace(/ +$/, '')));
    }));
  });
});
