import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_CATALOGUE, catalogueAttribute, type CatalogueAttribute } from './attribute-catalogue.js';
import { applyChanges, diffAttributes } from './attribute-diff.js';
import type { AttributeValues } from './directory-object.js';
import { proxyAddressKey } from './proxy-addresses.js';
import { caseFold } from './text-values.js';

describe('diffAttributes: single-valued', () => {
  it('replaces a changed value and counts one removed, one added', () => {
    const diff = diffAttributes({ extensionAttribute1: ['old'] }, { extensionAttribute1: ['new'] });
    expect(diff.changes).toEqual([{ operation: 'replace', attribute: 'extensionAttribute1', values: ['new'] }]);
    expect(diff.modifiedProperties).toEqual([{ displayName: 'extensionAttribute1', oldValue: 'old', newValue: 'new' }]);
    expect([diff.valuesRemoved, diff.valuesAdded]).toEqual([1, 1]);
  });

  it('treats a case-only change of a single-valued string as a change', () => {
    expect(diffAttributes({ extensionAttribute2: ['Sales'] }, { extensionAttribute2: ['sales'] }).changes).toEqual([{ operation: 'replace', attribute: 'extensionAttribute2', values: ['sales'] }]);
  });

  it('clears with replace [] and shows the new value as null', () => {
    const diff = diffAttributes({ extensionAttribute3: ['x'] }, { extensionAttribute3: [] });
    expect(diff.changes).toEqual([{ operation: 'replace', attribute: 'extensionAttribute3', values: [] }]);
    expect(diff.modifiedProperties).toEqual([{ displayName: 'extensionAttribute3', oldValue: 'x', newValue: null }]);
    expect([diff.valuesRemoved, diff.valuesAdded]).toEqual([1, 0]);
  });

  it('sets an absent value, showing the old value as null', () => {
    const diff = diffAttributes({}, { mail: ['a@x.com'] });
    expect(diff.modifiedProperties).toEqual([{ displayName: 'mail', oldValue: null, newValue: 'a@x.com' }]);
    expect([diff.valuesRemoved, diff.valuesAdded]).toEqual([0, 1]);
  });

  it('does nothing when equal, or when absent and desired absent', () => {
    expect(diffAttributes({ mail: ['a@x.com'], extensionAttribute4: [] }, { mail: ['a@x.com'], extensionAttribute4: [] })).toEqual({ changes: [], modifiedProperties: [], valuesAdded: 0, valuesRemoved: 0 });
  });

  it('passes LDAP-special characters and non-ASCII through literally', () => {
    const value = 'a*b(c)\\d,e=f+g<h>i;j"k#l Müller 東京';
    expect(diffAttributes({}, { extensionAttribute5: [value] }).changes[0]!.values).toEqual([value]);
  });
});

describe('diffAttributes: multi-valued', () => {
  it('adds and deletes individual values, deletes first', () => {
    const diff = diffAttributes({ msExchExtensionCustomAttribute1: ['keep', 'drop'] }, { msExchExtensionCustomAttribute1: ['keep', 'new'] });
    expect(diff.changes).toEqual([
      { operation: 'delete', attribute: 'msExchExtensionCustomAttribute1', values: ['drop'] },
      { operation: 'add', attribute: 'msExchExtensionCustomAttribute1', values: ['new'] },
    ]);
    expect(diff.modifiedProperties).toEqual([{ displayName: 'msExchExtensionCustomAttribute1', oldValue: 'keep;drop', newValue: 'keep;new' }]);
    expect([diff.valuesRemoved, diff.valuesAdded]).toEqual([1, 1]);
  });

  it('expresses a case-only change as delete of the old spelling and add of the new', () => {
    const current = { msExchExtensionCustomAttribute2: ['Blue', 'green'] };
    const diff = diffAttributes(current, { msExchExtensionCustomAttribute2: ['blue', 'green'] });
    expect(diff.changes).toEqual([
      { operation: 'delete', attribute: 'msExchExtensionCustomAttribute2', values: ['Blue'] },
      { operation: 'add', attribute: 'msExchExtensionCustomAttribute2', values: ['blue'] },
    ]);
    expect(applyChanges(current, diff.changes).msExchExtensionCustomAttribute2).toEqual(['green', 'blue']);
  });

  it('diffs proxyAddresses with the proxy rules (address case ignored, prefix case not)', () => {
    const diff = diffAttributes({ proxyAddresses: ['SMTP:A@x.com', 'smtp:b@x.com'] }, { proxyAddresses: ['smtp:a@x.com', 'SMTP:B@x.com'] });
    expect(diff.changes).toEqual([
      { operation: 'delete', attribute: 'proxyAddresses', values: ['SMTP:A@x.com', 'smtp:b@x.com'] },
      { operation: 'add', attribute: 'proxyAddresses', values: ['smtp:a@x.com', 'SMTP:B@x.com'] },
    ]);
    expect(diffAttributes({ proxyAddresses: ['SMTP:A@X.COM'] }, { proxyAddresses: ['SMTP:a@x.com'] }).changes).toEqual([]);
  });

  it('ignores value order', () => {
    expect(diffAttributes({ msExchExtensionCustomAttribute3: ['a', 'b'] }, { msExchExtensionCustomAttribute3: ['b', 'a'] }).changes).toEqual([]);
  });
});

describe('diffAttributes: guards', () => {
  it('touches only attributes named in desired', () => {
    expect(diffAttributes({ msExchHideFromAddressLists: ['TRUE'], mail: ['a@x.com'] }, { mail: ['a@x.com'] }).changes).toEqual([]);
  });

  it('finds current values under another spelling of the name', () => {
    expect(diffAttributes({ MAIL: ['a@x.com'] }, { mail: ['a@x.com'] }).changes).toEqual([]);
  });

  it('refuses an attribute outside the catalogue', () => {
    expect(() => diffAttributes({}, { displayName: ['Ashley'] })).toThrow(/not a catalogue attribute/);
  });

  it('refuses two values for a single-valued attribute', () => {
    expect(() => diffAttributes({}, { mail: ['a@x.com', 'b@x.com'] })).toThrow(/Single-valued/);
  });

  it('names changes with the catalogue spelling', () => {
    expect(diffAttributes({}, { MAIL: ['a@x.com'] }).changes[0]!.attribute).toBe('mail');
  });
});

describe('applyChanges (model of AD modify)', () => {
  it('matches string values case-insensitively on delete, removing the stored spelling', () => {
    expect(applyChanges({ proxyAddresses: ['SMTP:A@x.com', 'smtp:b@x.com'] }, [{ operation: 'delete', attribute: 'proxyAddresses', values: ['smtp:a@X.com'] }]).proxyAddresses).toEqual(['smtp:b@x.com']);
  });

  it('refuses to add a value already present in another case', () => {
    expect(() => applyChanges({ proxyAddresses: ['smtp:a@x.com'] }, [{ operation: 'add', attribute: 'proxyAddresses', values: ['SMTP:a@x.com'] }])).toThrow(/attributeOrValueExists/);
  });

  it('refuses to delete a value that is not there', () => {
    expect(() => applyChanges({ proxyAddresses: [] }, [{ operation: 'delete', attribute: 'proxyAddresses', values: ['smtp:a@x.com'] }])).toThrow(/noSuchAttribute/);
  });

  it('deletes a whole attribute with an empty delete', () => {
    expect(applyChanges({ msExchExtensionCustomAttribute1: ['a', 'b'] }, [{ operation: 'delete', attribute: 'msExchExtensionCustomAttribute1', values: [] }]).msExchExtensionCustomAttribute1).toEqual([]);
  });

  it('refuses a second value in a single-valued attribute', () => {
    expect(() => applyChanges({ mail: ['a@x.com'] }, [{ operation: 'add', attribute: 'mail', values: ['b@x.com'] }])).toThrow(/constraintViolation/);
  });

  it('refuses attributes outside the catalogue', () => {
    expect(() => applyChanges({}, [{ operation: 'replace', attribute: 'displayName', values: ['x'] }])).toThrow(/insufficientAccessRights/);
  });

  it('does not change its input', () => {
    const current = { mail: ['a@x.com'] };
    applyChanges(current, [{ operation: 'replace', attribute: 'mail', values: ['b@x.com'] }]);
    expect(current).toEqual({ mail: ['a@x.com'] });
  });
});

// ---- Properties ----

/** Strings that make diffs hard: case variants, LDAP specials, non-ASCII, spaces. */
const trickyString = fc.oneof(
  fc.constantFrom('Sales', 'sales', 'SALES', 'a*b(c)\\d', 'x,y=z+w', '<h>;"k"#l', 'Müller', 'MÜLLER', 'müller', '東京', '東京 本社', ' lead', 'trail ', 'ǅ', 'ǆ', 'Ǆ', 'İstanbul', 'ß'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', '*', '\\', ',', 'é', 'É', '字'), minLength: 1, maxLength: 4 }),
);

const proxyValue = fc
  .tuple(
    fc.constantFrom('SMTP', 'smtp', 'X500', 'x500', 'X400', 'SIP', 'sip'),
    fc.oneof(fc.constantFrom('a@x.com', 'A@X.com', 'b@x.com', 'B@x.COM', 'müller@beispiel.de', 'MÜLLER@beispiel.de', '/o=Org/ou=(X)/cn=R*\\,1', '/O=ORG/OU=(X)/CN=R*\\,1'), trickyString),
  )
  .map(([type, address]) => `${type}:${address}`);

/** A valid AD state of a multi-valued attribute: no two values equal case-insensitively. */
const multiValues = (value: fc.Arbitrary<string>) => fc.uniqueArray(value, { selector: caseFold, maxLength: 6 });

function valuesFor(attribute: CatalogueAttribute): fc.Arbitrary<string[]> {
  if (attribute.ldapName === 'proxyAddresses') return multiValues(proxyValue);
  if (attribute.multiValued) return multiValues(trickyString);
  const single = (value: fc.Arbitrary<string>) => fc.option(value, { nil: undefined }).map((v) => (v === undefined ? [] : [v]));
  switch (attribute.syntax) {
    case 'boolean':
      return single(fc.constantFrom('TRUE', 'FALSE'));
    case 'integer':
      return single(fc.constantFrom('-2147483642', '-1073741818', '-2147481850', '0'));
    case 'largeInteger':
      return single(fc.constantFrom('2147483648', '8589934592', '1', '4', '36', '100'));
    case 'unicodeString':
      return single(trickyString);
  }
}

/** AttributeValues over a random subset of the catalogue (absent keys and `[]` both mean absent). */
const attributeValues: fc.Arbitrary<AttributeValues> = fc.record(Object.fromEntries(ATTRIBUTE_CATALOGUE.map((a) => [a.ldapName, valuesFor(a)])), { requiredKeys: [] }) as fc.Arbitrary<AttributeValues>;

const RUNS = { numRuns: 600, seed: 20260824 };

/** What AD should end with: desired, except proxy values whose key AD already has keep AD's spelling. */
function expectedAfter(current: AttributeValues, desired: AttributeValues): AttributeValues {
  const expected: AttributeValues = {};
  for (const attribute of ATTRIBUTE_CATALOGUE) {
    const name = attribute.ldapName;
    const wanted = desired[name];
    if (wanted === undefined) {
      expected[name] = current[name] ?? [];
    } else if (name === 'proxyAddresses') {
      const have = new Map((current[name] ?? []).map((v) => [proxyAddressKey(v), v]));
      expected[name] = wanted.map((v) => have.get(proxyAddressKey(v)) ?? v);
    } else {
      expected[name] = wanted;
    }
  }
  return expected;
}

/** Absent = [], order-insensitive for multi-valued attributes. */
function normalise(values: AttributeValues): Record<string, string[]> {
  return Object.fromEntries(
    ATTRIBUTE_CATALOGUE.map((a) => {
      const list = [...(values[a.ldapName] ?? [])];
      return [a.ldapName, a.multiValued ? list.sort() : list];
    }),
  );
}

describe('diffAttributes properties', () => {
  it('applying the diff yields the desired values (AD keeps its spelling of a proxy address only where the address case alone differs)', () => {
    fc.assert(
      fc.property(attributeValues, attributeValues, (current, desired) => {
        const after = applyChanges(current, diffAttributes(current, desired).changes);
        expect(normalise(after)).toEqual(normalise(expectedAfter(current, desired)));
      }),
      RUNS,
    );
  });

  it('applying the diff yields exactly the desired values when no proxy address differs from AD only by address case', () => {
    const noAddressCaseOnly = fc.tuple(attributeValues, attributeValues).filter(([current, desired]) => {
      const have = new Set(current.proxyAddresses ?? []);
      const keys = new Set((current.proxyAddresses ?? []).map(proxyAddressKey));
      return (desired.proxyAddresses ?? []).every((v) => have.has(v) || !keys.has(proxyAddressKey(v)));
    });
    fc.assert(
      fc.property(noAddressCaseOnly, ([current, desired]) => {
        const after = applyChanges(current, diffAttributes(current, desired).changes);
        for (const [name, wanted] of Object.entries(desired)) {
          const got = after[name] ?? [];
          expect(catalogueAttribute(name)!.multiValued ? [...got].sort() : got).toEqual(catalogueAttribute(name)!.multiValued ? [...wanted].sort() : wanted);
        }
      }),
      RUNS,
    );
  });

  it('a second diff on the result is empty', () => {
    fc.assert(
      fc.property(attributeValues, attributeValues, (current, desired) => {
        const after = applyChanges(current, diffAttributes(current, desired).changes);
        expect(diffAttributes(after, desired)).toEqual({ changes: [], modifiedProperties: [], valuesAdded: 0, valuesRemoved: 0 });
      }),
      RUNS,
    );
  });

  it('never names an attribute outside the catalogue, nor one not desired', () => {
    fc.assert(
      fc.property(attributeValues, attributeValues, (current, desired) => {
        for (const change of diffAttributes(current, desired).changes) {
          expect(catalogueAttribute(change.attribute)?.ldapName).toBe(change.attribute);
          expect(Object.keys(desired)).toContain(change.attribute);
        }
      }),
      RUNS,
    );
  });

  it('never adds and deletes the exact same value, and puts deletes before adds', () => {
    fc.assert(
      fc.property(attributeValues, attributeValues, (current, desired) => {
        const changes = diffAttributes(current, desired).changes;
        for (const attribute of new Set(changes.map((c) => c.attribute))) {
          const mine = changes.filter((c) => c.attribute === attribute);
          const deleted = new Set(mine.filter((c) => c.operation === 'delete').flatMap((c) => c.values));
          expect(mine.filter((c) => c.operation === 'add').flatMap((c) => c.values).filter((v) => deleted.has(v))).toEqual([]);
          const ops = mine.map((c) => c.operation);
          expect(ops.join(',')).toMatch(/^(replace|delete|add|delete,add)$/);
        }
      }),
      RUNS,
    );
  });

  it('counts match the changes and the values before and after', () => {
    fc.assert(
      fc.property(attributeValues, attributeValues, (current, desired) => {
        const diff = diffAttributes(current, desired);
        let added = 0;
        let removed = 0;
        for (const c of diff.changes) {
          if (c.operation === 'add') added += c.values.length;
          if (c.operation === 'delete') removed += c.values.length;
          if (c.operation === 'replace') {
            added += c.values.length;
            removed += (current[c.attribute] ?? []).length;
          }
        }
        expect([diff.valuesAdded, diff.valuesRemoved]).toEqual([added, removed]);
        const after = applyChanges(current, diff.changes);
        const total = (v: AttributeValues) => ATTRIBUTE_CATALOGUE.reduce((n, a) => n + (v[a.ldapName] ?? []).length, 0);
        expect(total(after)).toBe(total(current) + added - removed);
        expect(diff.modifiedProperties.map((p) => p.displayName)).toEqual([...new Set(diff.changes.map((c) => c.attribute))]);
      }),
      RUNS,
    );
  });

  it('modifiedProperties show the values before and after, joined with ;', () => {
    fc.assert(
      fc.property(attributeValues, attributeValues, (current, desired) => {
        const diff = diffAttributes(current, desired);
        const after = applyChanges(current, diff.changes);
        for (const p of diff.modifiedProperties) {
          const join = (v: string[] | undefined) => (v && v.length > 0 ? v.join(';') : null);
          expect(p.oldValue).toBe(join(current[p.displayName]));
          expect(p.newValue).toBe(join(after[p.displayName]));
        }
      }),
      RUNS,
    );
  });
});
