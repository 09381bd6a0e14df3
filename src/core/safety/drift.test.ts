import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDrift, hashAppliedValues } from './drift.js';

describe('detectDrift', () => {
  const applied = { extensionAttribute1: ['cloud'], mail: ['a@x.com'], msExchExtensionCustomAttribute1: ['a', 'b'], proxyAddresses: ['SMTP:a@x.com', 'smtp:b@x.com'] };

  it('reports an attribute edited in AD: differs from what was applied and from the cloud', () => {
    expect(detectDrift(applied, { ...applied, extensionAttribute1: ['edited on-prem'] }, applied)).toEqual([
      { attribute: 'extensionAttribute1', lastApplied: ['cloud'], adValue: ['edited on-prem'], cloudValue: ['cloud'] },
    ]);
  });

  it('reports an attribute cleared in AD (absent counts as empty)', () => {
    const { mail: _, ...current } = applied;
    expect(detectDrift(applied, current, applied)).toEqual([{ attribute: 'mail', lastApplied: ['a@x.com'], adValue: [], cloudValue: ['a@x.com'] }]);
  });

  it('no drift when nothing was ever applied (a first write)', () => {
    expect(detectDrift(null, { extensionAttribute1: ['anything'] }, { extensionAttribute1: ['cloud'] })).toEqual([]);
  });

  it('no drift when AD equals the cloud, even if it differs from what was applied', () => {
    expect(detectDrift(applied, { ...applied, extensionAttribute1: ['new cloud'] }, { ...applied, extensionAttribute1: ['new cloud'] })).toEqual([]);
  });

  it('no drift when only the cloud changed (AD still holds what was applied): an ordinary update', () => {
    expect(detectDrift(applied, applied, { ...applied, extensionAttribute1: ['new cloud'] })).toEqual([]);
  });

  it('judges only the in-scope (desired) attributes', () => {
    expect(detectDrift(applied, { ...applied, extensionAttribute9: ['edited'] }, applied)).toEqual([]);
  });

  it('does not judge an attribute that was never part of the applied values', () => {
    expect(detectDrift({ mail: ['a@x.com'] }, { mail: ['a@x.com'], extensionAttribute2: ['onprem'] }, { mail: ['a@x.com'], extensionAttribute2: [] })).toEqual([]);
    // …but an attribute applied as empty is judged.
    expect(detectDrift({ extensionAttribute2: [] }, { extensionAttribute2: ['onprem'] }, { extensionAttribute2: [] })).toHaveLength(1);
  });

  it('multi-valued: order is no change; an added or removed value is', () => {
    expect(detectDrift(applied, { ...applied, msExchExtensionCustomAttribute1: ['b', 'a'] }, applied)).toEqual([]);
    expect(detectDrift(applied, { ...applied, msExchExtensionCustomAttribute1: ['a', 'b', 'c'] }, applied)).toHaveLength(1);
    expect(detectDrift(applied, { ...applied, msExchExtensionCustomAttribute1: ['a', 'B'] }, applied)).toHaveLength(1);
  });

  it('proxyAddresses: an address case change is no drift, a primary change is', () => {
    expect(detectDrift(applied, { ...applied, proxyAddresses: ['smtp:B@X.com', 'SMTP:a@x.com'] }, applied)).toEqual([]);
    expect(detectDrift(applied, { ...applied, proxyAddresses: ['smtp:a@x.com', 'SMTP:b@x.com'] }, applied)).toEqual([
      { attribute: 'proxyAddresses', lastApplied: applied.proxyAddresses, adValue: ['smtp:a@x.com', 'SMTP:b@x.com'], cloudValue: applied.proxyAddresses },
    ]);
  });

  it('single-valued: a case-only edit is drift', () => {
    expect(detectDrift(applied, { ...applied, extensionAttribute1: ['Cloud'] }, applied)).toHaveLength(1);
  });

  it('matches attribute names case-insensitively and reports the catalogue spelling', () => {
    expect(detectDrift({ MAIL: ['a@x.com'] }, { mail: ['b@x.com'] }, { Mail: ['a@x.com'] })).toEqual([{ attribute: 'mail', lastApplied: ['a@x.com'], adValue: ['b@x.com'], cloudValue: ['a@x.com'] }]);
  });

  it('property: a finding exactly when AD differs from both, and never when AD equals the cloud', () => {
    const value = fc.option(fc.constantFrom('x', 'X', 'y'), { nil: undefined }).map((v) => (v === undefined ? [] : [v]));
    fc.assert(
      fc.property(value, value, value, (last, ad, cloud) => {
        const findings = detectDrift({ extensionAttribute3: last }, { extensionAttribute3: ad }, { extensionAttribute3: cloud });
        const differs = (a: string[], b: string[]) => a.join() !== b.join();
        expect(findings.length).toBe(differs(ad, cloud) && differs(ad, last) ? 1 : 0);
      }),
    );
  });
});

describe('hashAppliedValues', () => {
  it('is sha256 hex and stable across attribute and value order', () => {
    const a = hashAppliedValues({ mail: ['a@x.com'], proxyAddresses: ['SMTP:a@x.com', 'smtp:b@x.com'], msExchExtensionCustomAttribute1: ['b', 'a'] });
    const b = hashAppliedValues({ msExchExtensionCustomAttribute1: ['a', 'b'], proxyAddresses: ['smtp:b@x.com', 'SMTP:a@x.com'], mail: ['a@x.com'] });
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  it('is a fixed value for fixed input (never changes between versions: stored hashes must stay valid)', () => {
    expect(hashAppliedValues({})).toBe('sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
    expect(hashAppliedValues({ proxyAddresses: ['smtp:B@x.com', 'SMTP:a@x.com'], Mail: ['a@x.com'], extensionAttribute1: [] })).toBe(
      'sha256:b7bd962e486932470773ef3083818171fe00828043dc4ef6be23763bbbd5eb84',
    );
  });

  it('follows the proxy key rules: address case does not matter, prefix case does', () => {
    const base = hashAppliedValues({ proxyAddresses: ['SMTP:a@x.com', 'smtp:b@x.com'] });
    expect(hashAppliedValues({ proxyAddresses: ['SMTP:A@X.COM', 'smtp:B@x.com'] })).toBe(base);
    expect(hashAppliedValues({ proxyAddresses: ['smtp:a@x.com', 'SMTP:b@x.com'] })).not.toBe(base);
  });

  it('is exact for other attributes, ignores empty/absent attributes and name spelling', () => {
    expect(hashAppliedValues({ extensionAttribute1: ['A'] })).not.toBe(hashAppliedValues({ extensionAttribute1: ['a'] }));
    expect(hashAppliedValues({ msExchExtensionCustomAttribute1: ['A'] })).not.toBe(hashAppliedValues({ msExchExtensionCustomAttribute1: ['a'] }));
    expect(hashAppliedValues({ mail: ['a@x'], extensionAttribute1: [] })).toBe(hashAppliedValues({ MAIL: ['a@x'] }));
  });

  it('cannot be fooled by values that contain separators', () => {
    expect(hashAppliedValues({ msExchExtensionCustomAttribute1: ['a,b'] })).not.toBe(hashAppliedValues({ msExchExtensionCustomAttribute1: ['a', 'b'] }));
    expect(hashAppliedValues({ extensionAttribute1: ['x'], extensionAttribute2: [] })).not.toBe(hashAppliedValues({ extensionAttribute2: ['x'] }));
  });

  it('throws when one attribute is named twice in different spellings', () => {
    expect(() => hashAppliedValues({ mail: ['a'], Mail: ['b'] })).toThrow(/twice/);
  });

  it('property: equal hashes exactly when detectDrift sees AD equal to the applied values', () => {
    const list = fc.shuffledSubarray(['SMTP:a@x.com', 'smtp:A@x.com', 'smtp:b@x.com', 'x500:/o=O']);
    fc.assert(
      fc.property(list, list, (a, b) => {
        const same = detectDrift({ proxyAddresses: a }, { proxyAddresses: b }, { proxyAddresses: ['SMTP:other@x.com'] }).length === 0;
        expect(hashAppliedValues({ proxyAddresses: a }) === hashAppliedValues({ proxyAddresses: b })).toBe(same);
      }),
    );
  });
});
