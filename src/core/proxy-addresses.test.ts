import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChanges } from './attribute-diff.js';
import {
  desiredProxyAddresses,
  isPrimarySmtp,
  parseProxyAddress,
  proxyAddressChanges,
  proxyAddressKey,
  valueLevelChanges,
} from './proxy-addresses.js';

const defaults = { cloudOnlyTypes: ['SPO'], preservedTypes: ['X500', 'X400'] };
const cloud = (emailAddresses: string[], windowsEmailAddress = 'ashley@contoso.com') => ({ emailAddresses, windowsEmailAddress });

function desired(emailAddresses: string[], currentAd: string[] = [], windowsEmailAddress?: string, options = defaults) {
  const result = desiredProxyAddresses(cloud(emailAddresses, windowsEmailAddress), currentAd, options);
  if (!result.ok) throw new Error(`unexpected failure ${result.failure.code}: ${result.failure.reason}`);
  return result.values;
}

function failure(emailAddresses: string[], windowsEmailAddress?: string, currentAd: string[] = []) {
  const result = desiredProxyAddresses(cloud(emailAddresses, windowsEmailAddress), currentAd, defaults);
  if (result.ok) throw new Error(`expected a failure, got ${result.values.join(';')}`);
  return result.failure;
}

describe('parseProxyAddress', () => {
  it('splits at the first colon, keeping colons in the address', () => {
    expect(parseProxyAddress('X400:C=US;A= ;P=Contoso;O=Exchange;S=Taylor;')).toEqual({ type: 'X400', address: 'C=US;A= ;P=Contoso;O=Exchange;S=Taylor;' });
    expect(parseProxyAddress('sip:a:b@x')).toEqual({ type: 'sip', address: 'a:b@x' });
  });

  it('refuses a missing type, a non-alphanumeric type and an empty address', () => {
    expect(parseProxyAddress('ashley@contoso.com')).toBeNull();
    expect(parseProxyAddress(':a@x')).toBeNull();
    expect(parseProxyAddress('SM TP:a@x')).toBeNull();
    expect(parseProxyAddress('SMTP:')).toBeNull();
  });

  it('treats only upper-case SMTP as primary', () => {
    expect(isPrimarySmtp('SMTP:a@x')).toBe(true);
    expect(isPrimarySmtp('smtp:a@x')).toBe(false);
    expect(isPrimarySmtp('Smtp:a@x')).toBe(false);
  });

  it('keys on the exact prefix and the case-folded address', () => {
    expect(proxyAddressKey('SMTP:Ashley@Contoso.com')).toBe('SMTP:ashley@contoso.com');
    expect(proxyAddressKey('smtp:Ashley@Contoso.com')).toBe('smtp:ashley@contoso.com');
  });
});

describe('desiredProxyAddresses', () => {
  it('takes the cloud EmailAddresses as they are', () => {
    expect(desired(['SMTP:ashley@contoso.com', 'smtp:ashley.taylor@contoso.com', 'SIP:ashley@contoso.com'])).toEqual([
      'SMTP:ashley@contoso.com',
      'smtp:ashley.taylor@contoso.com',
      'SIP:ashley@contoso.com',
    ]);
  });

  it('drops cloud-only types, matching the type case-insensitively', () => {
    expect(desired(['SMTP:ashley@contoso.com', 'SPO:SPO_abc@SPO_tenant', 'spo:xyz'])).toEqual(['SMTP:ashley@contoso.com']);
  });

  it('does not validate cloud-only values, which are never written', () => {
    expect(desired(['SMTP:ashley@contoso.com', `SPO:${'x'.repeat(2000)}\n`])).toEqual(['SMTP:ashley@contoso.com']);
  });

  it('honours configured cloud-only types', () => {
    expect(desired(['SMTP:ashley@contoso.com', 'SIP:ashley@contoso.com'], [], undefined, { cloudOnlyTypes: ['sip'], preservedTypes: [] })).toEqual(['SMTP:ashley@contoso.com']);
  });

  it('keeps AD values of preserved types the cloud lacks', () => {
    const ad = ['SMTP:old@contoso.com', 'X500:/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=ashley', 'x400:C=US;P=Contoso;', 'smtp:gone@contoso.com'];
    expect(desired(['SMTP:ashley@contoso.com'], ad)).toEqual(['SMTP:ashley@contoso.com', ad[1], ad[2]]);
  });

  it('does not duplicate a preserved AD value the cloud already has in another case', () => {
    expect(desired(['SMTP:ashley@contoso.com', 'X500:/o=Contoso/cn=Ashley'], ['X500:/O=CONTOSO/CN=ASHLEY'])).toEqual(['SMTP:ashley@contoso.com', 'X500:/o=Contoso/cn=Ashley']);
  });

  it('honours configured preserved types and drops unpreserved AD-only values', () => {
    expect(desired(['SMTP:ashley@contoso.com'], ['X500:/o=a', 'EUM:123;phone-context=x'], undefined, { cloudOnlyTypes: [], preservedTypes: ['eum'] })).toEqual([
      'SMTP:ashley@contoso.com',
      'EUM:123;phone-context=x',
    ]);
  });

  it('passes LDAP-special characters and non-ASCII through literally', () => {
    const values = ['SMTP:ashley@contoso.com', 'smtp:müller.jürgen@beispiel.de', 'smtp:東京@例え.jp', 'X500:/o=A*B(C)\\D,E=F+G<H>I;J"K#L/cn=x'];
    expect(desired(values)).toEqual(values);
  });

  it('accepts WindowsEmailAddress equal to the primary in another case', () => {
    expect(desired(['SMTP:Ashley@Contoso.com'], [], 'ashley@CONTOSO.com')).toEqual(['SMTP:Ashley@Contoso.com']);
  });

  it('fails MissingPrimarySmtpAddress without an upper-case SMTP: value', () => {
    const f = failure(['smtp:ashley@contoso.com']);
    expect(f.code).toBe('MissingPrimarySmtpAddress');
    expect(f.errorCategory).toBe('NonServiceFailure');
  });

  it('fails MultiplePrimarySmtpAddresses naming both primaries', () => {
    const f = failure(['SMTP:ashley@contoso.com', 'SMTP:ashley.taylor@contoso.com']);
    expect(f.code).toBe('MultiplePrimarySmtpAddresses');
    expect(f.reason).toContain('SMTP:ashley.taylor@contoso.com');
  });

  it('fails PrimaryMismatch when WindowsEmailAddress differs or is empty', () => {
    expect(failure(['SMTP:ashley@contoso.com'], 'someone@contoso.com').code).toBe('PrimaryMismatch');
    const empty = failure(['SMTP:ashley@contoso.com'], '');
    expect(empty.code).toBe('PrimaryMismatch');
    expect(empty.reason).toContain('empty');
  });

  it('fails InvalidProxyAddress for a value without a type, naming it', () => {
    const f = failure(['SMTP:ashley@contoso.com', 'ashley2@contoso.com']);
    expect(f.code).toBe('InvalidProxyAddress');
    expect(f.reason).toContain("'ashley2@contoso.com'");
  });

  it('fails InvalidProxyAddress for an empty address or a bad type', () => {
    expect(failure(['SMTP:ashley@contoso.com', 'X500:']).code).toBe('InvalidProxyAddress');
    expect(failure(['SMTP:ashley@contoso.com', 'X-500:/o=a']).code).toBe('InvalidProxyAddress');
  });

  it('fails InvalidProxyAddress for SMTP values that are not local@domain', () => {
    for (const bad of ['smtp:ashley', 'smtp:ashley @contoso.com', 'smtp:a@b@c', 'smtp:a@', 'smtp:@b', 'smtp:a@b..c', 'SMTP:a@.b']) {
      expect(failure(['SMTP:ashley@contoso.com', bad]).code).toBe('InvalidProxyAddress');
    }
  });

  it('fails ValueTooLong over 1123 characters, with the value truncated in the reason', () => {
    const long = `smtp:${'a'.repeat(1109)}@contoso.com`;
    expect(long.length).toBe(1126);
    const f = failure(['SMTP:ashley@contoso.com', long]);
    expect(f.code).toBe('ValueTooLong');
    expect(f.reason).toContain('(1126 characters)');
    expect(f.reason.length).toBeLessThan(400);
    const exact = `smtp:${'a'.repeat(1106)}@contoso.com`;
    expect(exact.length).toBe(1123);
    expect(desired(['SMTP:ashley@contoso.com', exact])).toHaveLength(2);
  });

  it('fails InvalidCharacters for control characters, tab included', () => {
    for (const bad of ['smtp:a\tb@contoso.com', 'smtp:ab@contoso.com\n', 'SIP:a\u0000b', 'SIP:a\u0085b', 'SIP:a\uD800b']) {
      const f = failure(['SMTP:ashley@contoso.com', bad]);
      expect(f.code).toBe('InvalidCharacters');
    }
    expect(failure(['SMTP:ashley@contoso.com', 'SIP:a\tb']).reason).toContain('U+0009');
  });

  it('fails DuplicateValues for cloud values equal case-insensitively', () => {
    expect(failure(['SMTP:ashley@contoso.com', 'smtp:Ashley@Contoso.com']).code).toBe('DuplicateValues');
    expect(failure(['SMTP:ashley@contoso.com', 'smtp:a@x.com', 'smtp:a@x.com']).code).toBe('DuplicateValues');
  });

  it('validates before checking the primary, so the malformed value is reported', () => {
    expect(failure(['ashley@contoso.com']).code).toBe('InvalidProxyAddress');
  });
});

describe('proxyAddressChanges', () => {
  const apply = (current: string[], changes: ReturnType<typeof proxyAddressChanges>) => applyChanges({ proxyAddresses: current }, changes).proxyAddresses;

  it('is empty when nothing changes', () => {
    expect(proxyAddressChanges(['SMTP:a@x.com', 'smtp:b@x.com'], ['smtp:b@x.com', 'SMTP:a@x.com'])).toEqual([]);
  });

  it('ignores a case-only difference in the address', () => {
    expect(proxyAddressChanges(['SMTP:Ashley@Contoso.com'], ['SMTP:ashley@contoso.com'])).toEqual([]);
  });

  it('adds a new alias with a single value-level add', () => {
    expect(proxyAddressChanges(['SMTP:a@x.com'], ['SMTP:a@x.com', 'smtp:new@x.com'])).toEqual([{ operation: 'add', attribute: 'proxyAddresses', values: ['smtp:new@x.com'] }]);
  });

  it('removes a dropped alias with a single value-level delete of the exact AD value', () => {
    expect(proxyAddressChanges(['SMTP:a@x.com', 'smtp:Old@x.com'], ['SMTP:a@x.com'])).toEqual([{ operation: 'delete', attribute: 'proxyAddresses', values: ['smtp:Old@x.com'] }]);
  });

  it('promotes an alias to primary as deletes of the exact current values before adds of the new ones', () => {
    const current = ['SMTP:old@x.com', 'smtp:A@x.com'];
    const changes = proxyAddressChanges(current, ['smtp:old@x.com', 'SMTP:a@x.com']);
    expect(changes).toEqual([
      { operation: 'delete', attribute: 'proxyAddresses', values: ['SMTP:old@x.com', 'smtp:A@x.com'] },
      { operation: 'add', attribute: 'proxyAddresses', values: ['smtp:old@x.com', 'SMTP:a@x.com'] },
    ]);
    // The AD model matches case-insensitively: adds before deletes would fail, this order works.
    expect(apply(current, changes)).toEqual(['smtp:old@x.com', 'SMTP:a@x.com']);
    expect(() => apply(current, [...changes].reverse())).toThrow(/attributeOrValueExists/);
  });

  it('leaves unrelated values out of the modification, so concurrent on-prem edits survive', () => {
    const changes = proxyAddressChanges(['SMTP:a@x.com', 'smtp:b@x.com', 'X500:/o=keep'], ['SMTP:a@x.com', 'smtp:b@x.com', 'X500:/o=keep', 'smtp:c@x.com']);
    expect(changes.flatMap((c) => c.values)).toEqual(['smtp:c@x.com']);
    // Someone on-prem added smtp:d@x.com meanwhile: the value-level add keeps it.
    expect(apply(['SMTP:a@x.com', 'smtp:b@x.com', 'X500:/o=keep', 'smtp:d@x.com'], changes)).toContain('smtp:d@x.com');
  });

  it('fills an empty attribute with one add', () => {
    expect(proxyAddressChanges([], ['SMTP:a@x.com'])).toEqual([{ operation: 'add', attribute: 'proxyAddresses', values: ['SMTP:a@x.com'] }]);
  });
});

describe('proxyAddresses properties', () => {
  const address = fc.constantFrom('a@x.com', 'A@X.com', 'b@x.com', 'B@x.com', 'c@y.org', 'müller@x.de', 'MÜLLER@x.de');
  const secondary = fc.tuple(fc.constantFrom('smtp', 'SIP', 'sip', 'X500', 'X400', 'SPO'), address).map(([t, a]) => `${t}:${a}`);
  /** A valid AD state: no two values equal case-insensitively. */
  const adState = fc.uniqueArray(fc.oneof(secondary, address.map((a) => `SMTP:${a}`)), { selector: (v) => v.toLowerCase(), maxLength: 6 });
  const cloudList = fc.tuple(address, fc.uniqueArray(secondary, { selector: (v) => v.toLowerCase(), maxLength: 5 })).filter(([primary, rest]) => rest.every((v) => v.slice(v.indexOf(':') + 1).toLowerCase() !== primary.toLowerCase() || !v.toLowerCase().startsWith('smtp:')));

  it('AD ends with exactly one primary equal to WindowsEmailAddress, every preserved AD value, and no cloud-only value', () => {
    fc.assert(
      fc.property(adState, cloudList, (current, [primary, rest]) => {
        const result = desiredProxyAddresses({ emailAddresses: [`SMTP:${primary}`, ...rest], windowsEmailAddress: primary }, current, defaults);
        if (!result.ok) return; // Duplicates in the generated cloud list are refused; that rule has its own tests.
        const after = applyChanges({ proxyAddresses: current }, proxyAddressChanges(current, result.values)).proxyAddresses!;
        expect(after.filter(isPrimarySmtp).map((v) => v.slice(5).toLowerCase())).toEqual([primary.toLowerCase()]);
        for (const v of current.filter((v) => /^x[45]00:/i.test(v))) expect(after.map((a) => a.toLowerCase())).toContain(v.toLowerCase());
        expect(after.some((v) => /^spo:/i.test(v))).toBe(false);
        expect(new Set(after.map(proxyAddressKey))).toEqual(new Set(result.values.map(proxyAddressKey)));
        expect(proxyAddressChanges(after, result.values)).toEqual([]);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('valueLevelChanges', () => {
  /** The rule as its comment states it, computed the long way for every input. */
  function model(current: string[], desired: string[], keyOf: (v: string) => string) {
    const desiredKeys = new Set(desired.map(keyOf));
    const currentKeys = new Set(current.map(keyOf));
    const deletes = current.filter((v) => !desiredKeys.has(keyOf(v)));
    const adds: string[] = [];
    for (const v of desired) if (!currentKeys.has(keyOf(v)) && !adds.some((a) => keyOf(a) === keyOf(v))) adds.push(v);
    return [...(deletes.length ? [{ operation: 'delete', attribute: 'a', values: deletes }] : []), ...(adds.length ? [{ operation: 'add', attribute: 'a', values: adds }] : [])];
  }
  const value = fc.constantFrom('x', 'X', 'y', 'Y', 'z', 'smtp:a@x.com', 'SMTP:a@x.com', 'smtp:A@x.com');
  const keys = [(v: string) => v, (v: string) => v.toLowerCase(), proxyAddressKey];

  it('answers as the long way does, repeated values and permutations included', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 6 }), fc.array(value, { maxLength: 6 }), fc.integer({ min: 0, max: 2 }), (current, desired, k) => {
        const keyOf = keys[k]!;
        expect(valueLevelChanges('a', current, desired, keyOf)).toEqual(model(current, desired, keyOf));
        const shuffled = [...current].reverse();
        expect(valueLevelChanges('a', current, shuffled, keyOf)).toEqual(model(current, shuffled, keyOf));
      }),
      { numRuns: 1000, seed: 11 },
    );
  });

  it('writes nothing for the same values in another order, and still dedupes a repeated desired value', () => {
    expect(valueLevelChanges('a', ['x', 'y'], ['y', 'x'], (v) => v)).toEqual([]);
    expect(valueLevelChanges('a', ['x', 'y'], ['x', 'x'], (v) => v)).toEqual([{ operation: 'delete', attribute: 'a', values: ['y'] }]);
  });
});
