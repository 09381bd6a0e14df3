import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChanges } from '../attribute-diff.js';
import type { AttributeValues } from '../directory-object.js';
import { attributeValuesOf } from '../directory-object.js';
import { proxyAddressKey } from '../proxy-addresses.js';
import { caseFold } from '../text-values.js';
import { mergeJournal, planUndo, type JournalChange } from './undo-plan.js';
import { sameAttributeValues } from './value-equality.js';

const sorted = (values: readonly string[]) => [...values].sort();

describe('planUndo: examples', () => {
  it('restores a single-valued attribute that still holds what the engine wrote', () => {
    const plan = planUndo([{ attribute: 'extensionAttribute1', before: ['old'], after: ['new'] }], { extensionAttribute1: ['new'] });
    expect(plan).toEqual({
      changes: [{ operation: 'replace', attribute: 'extensionAttribute1', values: ['old'] }],
      restored: [{ attribute: 'extensionAttribute1', from: ['new'], to: ['old'] }],
      refused: [],
    });
  });

  it('clears an attribute the engine had set from empty, and re-sets one it cleared', () => {
    const plan = planUndo(
      [
        { attribute: 'extensionAttribute2', before: [], after: ['set'] },
        { attribute: 'mail', before: ['a@x.com'], after: [] },
      ],
      { extensionAttribute2: ['set'] },
    );
    expect(plan.changes).toEqual([
      { operation: 'replace', attribute: 'extensionAttribute2', values: [] },
      { operation: 'replace', attribute: 'mail', values: ['a@x.com'] },
    ]);
    expect(plan.refused).toEqual([]);
  });

  it('refuses (and leaves alone) an attribute changed since the write, naming both values', () => {
    const plan = planUndo([{ attribute: 'extensionAttribute1', before: ['old'], after: ['new'] }], { extensionAttribute1: ['edited'] });
    expect(plan.changes).toEqual([]);
    expect(plan.restored).toEqual([]);
    expect(plan.refused).toEqual([
      {
        attribute: 'extensionAttribute1',
        expected: ['new'],
        actual: ['edited'],
        reason: "AD now holds 'edited' for extensionAttribute1, not 'new' as the engine wrote: it was changed since, so undo leaves it alone.",
      },
    ]);
  });

  it('single-valued comparison is exact: a case-only edit since counts as a change', () => {
    expect(planUndo([{ attribute: 'extensionAttribute1', before: ['old'], after: ['New'] }], { extensionAttribute1: ['new'] }).refused).toHaveLength(1);
  });

  it('says so when AD already holds the before-values again', () => {
    const plan = planUndo([{ attribute: 'extensionAttribute1', before: ['old'], after: ['new'] }], { extensionAttribute1: ['old'] });
    expect(plan.refused[0]!.reason).toMatch(/already holds the before-values again/);
  });

  it('restores only the attributes still as written, and the rest of the object is untouched', () => {
    const current: AttributeValues = { extensionAttribute1: ['new1'], extensionAttribute2: ['edited'], extensionAttribute9: ['unrelated'] };
    const plan = planUndo(
      [
        { attribute: 'extensionAttribute1', before: ['old1'], after: ['new1'] },
        { attribute: 'extensionAttribute2', before: ['old2'], after: ['new2'] },
      ],
      current,
    );
    expect(plan.restored.map((r) => r.attribute)).toEqual(['extensionAttribute1']);
    expect(plan.refused.map((r) => r.attribute)).toEqual(['extensionAttribute2']);
    expect(applyChanges(current, plan.changes)).toEqual({ extensionAttribute1: ['old1'], extensionAttribute2: ['edited'], extensionAttribute9: ['unrelated'] });
  });

  it('multi-valued: compares as a set (order does not matter) and emits value-level changes only', () => {
    const journal = [{ attribute: 'msExchExtensionCustomAttribute1', before: ['a', 'b'], after: ['b', 'c'] }];
    const current = { msExchExtensionCustomAttribute1: ['c', 'b'] };
    const plan = planUndo(journal, current);
    expect(plan.changes).toEqual([
      { operation: 'delete', attribute: 'msExchExtensionCustomAttribute1', values: ['c'] },
      { operation: 'add', attribute: 'msExchExtensionCustomAttribute1', values: ['a'] },
    ]);
    expect(sorted(applyChanges(current, plan.changes).msExchExtensionCustomAttribute1!)).toEqual(['a', 'b']);
  });

  it('multi-valued other than proxyAddresses: exact values (a case-only edit since is a change)', () => {
    const plan = planUndo([{ attribute: 'msExchExtensionCustomAttribute1', before: [], after: ['Blue'] }], { msExchExtensionCustomAttribute1: ['blue'] });
    expect(plan.refused).toHaveLength(1);
  });

  it('multi-valued: a value added on-prem since the write means the set differs: refused', () => {
    const plan = planUndo([{ attribute: 'msExchExtensionCustomAttribute1', before: ['a'], after: ['b'] }], { msExchExtensionCustomAttribute1: ['b', 'onprem'] });
    expect(plan.refused).toHaveLength(1);
    expect(plan.changes).toEqual([]);
  });

  it('proxyAddresses: prefix compared exactly, address case-insensitively', () => {
    const journal = [{ attribute: 'proxyAddresses', before: ['SMTP:old@x.com', 'smtp:new@x.com'], after: ['smtp:old@x.com', 'SMTP:new@x.com'] }];
    // Same as written up to address case: restored, with a promotion/demotion as delete-then-add.
    const ok = planUndo(journal, { proxyAddresses: ['SMTP:NEW@x.com', 'smtp:old@x.com'] });
    expect(ok.refused).toEqual([]);
    expect(ok.changes).toEqual([
      { operation: 'delete', attribute: 'proxyAddresses', values: ['SMTP:NEW@x.com', 'smtp:old@x.com'] },
      { operation: 'add', attribute: 'proxyAddresses', values: ['SMTP:old@x.com', 'smtp:new@x.com'] },
    ]);
    // The primary moved since (prefix case differs): refused.
    const moved = planUndo(journal, { proxyAddresses: ['SMTP:old@x.com', 'smtp:new@x.com'] });
    expect(moved.refused).toHaveLength(1);
  });

  it('an attribute already at its before-values (a no-op journal row) needs no write and is in neither list', () => {
    const plan = planUndo([{ attribute: 'proxyAddresses', before: ['SMTP:a@x.com'], after: ['SMTP:A@x.com'] }], { proxyAddresses: ['SMTP:A@x.com'] });
    expect(plan).toEqual({ changes: [], restored: [], refused: [] });
  });

  it('looks AD values up case-insensitively and reports the catalogue spelling', () => {
    const plan = planUndo([{ attribute: 'EXTENSIONATTRIBUTE1', before: ['old'], after: ['new'] }], { extensionattribute1: ['new'] });
    expect(plan.restored).toEqual([{ attribute: 'extensionAttribute1', from: ['new'], to: ['old'] }]);
    expect(plan.changes[0]!.attribute).toBe('extensionAttribute1');
  });

  it('refuses a non-catalogue attribute and impossible before-values instead of writing them', () => {
    const plan = planUndo(
      [
        { attribute: 'targetAddress', before: ['SMTP:x@y'], after: [] },
        { attribute: 'extensionAttribute1', before: ['a', 'b'], after: ['c'] },
        { attribute: 'msExchExtensionCustomAttribute2', before: ['A', 'a'], after: ['c'] },
      ],
      { extensionAttribute1: ['c'], msExchExtensionCustomAttribute2: ['c'] },
    );
    expect(plan.changes).toEqual([]);
    expect(plan.refused.map((r) => r.reason)).toEqual([
      'targetAddress is not a catalogue attribute; the engine never writes it.',
      'The journal holds 2 before-values for single-valued extensionAttribute1; it cannot be restored.',
      "The journal's before-values of msExchExtensionCustomAttribute2 repeat a value (AD compares them case-insensitively); it cannot be restored.",
    ]);
  });

  it('throws when the journal names an attribute twice', () => {
    expect(() => planUndo([{ attribute: 'mail', before: [], after: ['a@x'] }, { attribute: 'Mail', before: [], after: ['b@x'] }], {})).toThrow(/mergeJournal/);
  });
});

describe('mergeJournal', () => {
  it('takes the oldest before and the newest after per attribute', () => {
    const newest: JournalChange[] = [{ attribute: 'extensionAttribute1', before: ['b'], after: ['c'] }];
    const middle: JournalChange[] = [{ attribute: 'mail', before: ['m0'], after: ['m1'] }];
    const oldest: JournalChange[] = [
      { attribute: 'extensionAttribute1', before: ['a'], after: ['b'] },
      { attribute: 'proxyAddresses', before: ['SMTP:p@x'], after: ['SMTP:q@x'] },
    ];
    expect(mergeJournal([newest, middle, oldest])).toEqual([
      { attribute: 'extensionAttribute1', before: ['a'], after: ['c'] },
      { attribute: 'proxyAddresses', before: ['SMTP:p@x'], after: ['SMTP:q@x'] },
      { attribute: 'mail', before: ['m0'], after: ['m1'] },
    ]);
  });

  it('matches names case-insensitively and copies the arrays', () => {
    const entry = { attribute: 'EXTENSIONATTRIBUTE1', before: ['a'], after: ['b'] };
    const merged = mergeJournal([[{ attribute: 'extensionAttribute1', before: ['b'], after: ['c'] }], [entry]]);
    expect(merged).toEqual([{ attribute: 'extensionAttribute1', before: ['a'], after: ['c'] }]);
    merged[0]!.before.push('mutated');
    expect(entry.before).toEqual(['a']);
  });

  it('undoing merged entries across cycles goes back to the state before the oldest write', () => {
    const entries = [
      [{ attribute: 'extensionAttribute1', before: ['b'], after: ['c'] }],
      [{ attribute: 'extensionAttribute1', before: ['a'], after: ['b'] }],
    ];
    expect(applyChanges({ extensionAttribute1: ['c'] }, planUndo(mergeJournal(entries), { extensionAttribute1: ['c'] }).changes)).toEqual({ extensionAttribute1: ['a'] });
    expect(mergeJournal([])).toEqual([]);
  });
});

// ---- property tests ----

interface Kind {
  attribute: string;
  /** Distinct candidate values (distinct by the attribute's comparison key). */
  pool: string[];
  single: boolean;
}

const PROXY_POOL = (() => {
  const seen = new Set<string>();
  const pool: string[] = [];
  for (const type of ['SMTP', 'smtp', 'X500', 'sip']) {
    for (const address of ['a@x.com', 'B@x.com', 'c@Y.org', 'ü@x.com', '/o=Org/cn=d']) {
      const value = `${type}:${address}`;
      if (!seen.has(proxyAddressKey(value))) pool.push(value);
      seen.add(proxyAddressKey(value));
    }
  }
  return pool;
})();

const KINDS: Kind[] = [
  { attribute: 'extensionAttribute1', pool: ['Sales', 'sales', 'x;y', 'Müller', ''], single: true },
  { attribute: 'msExchRecipientTypeDetails', pool: ['2147483648', '8589934592', '34359738368'], single: true },
  { attribute: 'msExchExtensionCustomAttribute1', pool: ['Blue', 'blue', 'green', 'GREEN', 'red', 'a*b(c)'], single: false },
  { attribute: 'proxyAddresses', pool: PROXY_POOL, single: false },
];

/** A list AD could hold: at most one value for single-valued, no case-insensitive repeats otherwise. */
function valuesOf(kind: Kind): fc.Arbitrary<string[]> {
  if (kind.single) return fc.option(fc.constantFrom(...kind.pool.filter((v) => v !== '')), { nil: undefined }).map((v) => (v === undefined ? [] : [v]));
  return fc.shuffledSubarray(kind.pool).map((list) => {
    const seen = new Set<string>();
    return list.filter((v) => !seen.has(caseFold(v)) && seen.add(caseFold(v)));
  });
}

/** The same values AD might report for what the engine wrote: shuffled, and for proxyAddresses possibly another address case. */
function sameAs(kind: Kind, values: string[]): fc.Arbitrary<string[]> {
  if (kind.single) return fc.constant(values);
  const recased = kind.attribute === 'proxyAddresses'
    ? fc.tuple(...values.map((v) => fc.boolean().map((upper) => (upper ? v.slice(0, v.indexOf(':') + 1) + v.slice(v.indexOf(':') + 1).toUpperCase() : v))))
    : fc.constant(values);
  return recased.chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));
}

const journalRow = (kind: Kind) => fc.record({ before: valuesOf(kind), after: valuesOf(kind) });

describe('planUndo: properties', () => {
  it('where AD still holds what was written, applying the plan restores exactly the before-values', () => {
    fc.assert(
      fc.property(
        fc.tuple(...KINDS.map((kind) => journalRow(kind).chain((row) => sameAs(kind, row.after).map((current) => ({ kind, ...row, current }))))),
        (rows) => {
          const journal = rows.map((r) => ({ attribute: r.kind.attribute, before: r.before, after: r.after }));
          const current: AttributeValues = Object.fromEntries(rows.map((r) => [r.kind.attribute, r.current]));
          const plan = planUndo(journal, current);
          expect(plan.refused).toEqual([]);
          const result = applyChanges(current, plan.changes);
          for (const r of rows) {
            const now = attributeValuesOf(result, r.kind.attribute);
            expect(sameAttributeValues(r.kind.attribute, now, r.before)).toBe(true);
            // Byte-exact whenever AD held the written values byte-exactly.
            if (r.current.every((v) => r.after.includes(v))) expect(sorted(now)).toEqual(sorted(r.before));
          }
          // Minimal: an attribute already at its before-values gets no operation.
          for (const r of rows) {
            const touched = plan.changes.some((c) => c.attribute === r.kind.attribute);
            expect(touched).toBe(!sameAttributeValues(r.kind.attribute, r.current, r.before));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('where AD differs from what was written, the attribute is refused and left exactly as it is', () => {
    fc.assert(
      fc.property(
        fc.tuple(...KINDS.map((kind) => fc.record({ kind: fc.constant(kind), before: valuesOf(kind), after: valuesOf(kind), current: valuesOf(kind), asWritten: fc.boolean() }))),
        (rows) => {
          const journal = rows.map((r) => ({ attribute: r.kind.attribute, before: r.before, after: r.after }));
          const current: AttributeValues = Object.fromEntries(rows.map((r) => [r.kind.attribute, r.asWritten ? r.after : r.current]));
          const plan = planUndo(journal, current);
          const result = applyChanges(current, plan.changes);
          for (const r of rows) {
            const ad = r.asWritten ? r.after : r.current;
            const changedSince = !sameAttributeValues(r.kind.attribute, ad, r.after);
            const refused = plan.refused.find((x) => x.attribute === r.kind.attribute);
            if (changedSince) {
              expect(refused).toEqual({ attribute: r.kind.attribute, expected: r.after, actual: ad, reason: expect.any(String) as string });
              expect(attributeValuesOf(result, r.kind.attribute)).toEqual(ad);
              expect(plan.changes.some((c) => c.attribute === r.kind.attribute)).toBe(false);
            } else {
              expect(refused).toBeUndefined();
              expect(sameAttributeValues(r.kind.attribute, attributeValuesOf(result, r.kind.attribute), r.before)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('restored rows are exactly the attributes that change, from AD now to the before-values', () => {
    fc.assert(
      fc.property(fc.tuple(...KINDS.map((kind) => fc.record({ kind: fc.constant(kind), before: valuesOf(kind), after: valuesOf(kind) }))), (rows) => {
        const journal = rows.map((r) => ({ attribute: r.kind.attribute, before: r.before, after: r.after }));
        const current: AttributeValues = Object.fromEntries(rows.map((r) => [r.kind.attribute, r.after]));
        const plan = planUndo(journal, current);
        const changed = new Set(plan.changes.map((c) => c.attribute));
        expect(plan.restored.map((r) => r.attribute).sort()).toEqual([...changed].sort());
        for (const row of plan.restored) {
          const r = rows.find((x) => x.kind.attribute === row.attribute)!;
          expect(row).toEqual({ attribute: r.kind.attribute, from: r.after, to: r.before });
        }
      }),
    );
  });
});
