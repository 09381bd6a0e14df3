import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MASS_CHANGE_THRESHOLDS, evaluateMassChange, type PlannedObjectChange } from './mass-change-guard.js';

const change = (entraId: string, valuesRemoved = 1, valuesAdded = 1): PlannedObjectChange => ({
  entraId,
  changes: [{ operation: 'replace', attribute: 'extensionAttribute1', values: ['x'] }],
  valuesAdded,
  valuesRemoved,
});
const many = (n: number, removed = 1) => Array.from({ length: n }, (_, i) => change(`id-${i}`, removed));

describe('evaluateMassChange', () => {
  it('defaults to 500 objects and 1000 values', () => {
    expect(DEFAULT_MASS_CHANGE_THRESHOLDS).toEqual({ maxObjectsUpdated: 500, maxValuesRemoved: 1000 });
  });

  it('allows a cycle at exactly the limits', () => {
    expect(evaluateMassChange(many(500, 2), DEFAULT_MASS_CHANGE_THRESHOLDS)).toEqual({ exceeded: false });
  });

  it('trips on more objects than the limit, with a reason naming count and limit', () => {
    const verdict = evaluateMassChange(many(501, 0), DEFAULT_MASS_CHANGE_THRESHOLDS);
    expect(verdict).toEqual({ exceeded: true, objects: 501, valuesRemoved: 0, reasons: ['The cycle would update 501 objects; the limit is 500 (maxObjectsUpdated).'] });
  });

  it('trips on more removed values than the limit even with few objects (a cleared multi-valued attribute)', () => {
    const verdict = evaluateMassChange(many(100, 11), DEFAULT_MASS_CHANGE_THRESHOLDS);
    expect(verdict).toEqual({ exceeded: true, objects: 100, valuesRemoved: 1100, reasons: ['The cycle would remove 1100 attribute values; the limit is 1000 (maxValuesRemoved).'] });
  });

  it('gives both reasons when both limits are exceeded', () => {
    const verdict = evaluateMassChange(many(3, 5), { maxObjectsUpdated: 2, maxValuesRemoved: 10 });
    expect(verdict.exceeded && verdict.reasons).toHaveLength(2);
  });

  it('does not count objects without changes, and counts an Entra id once (case-insensitively)', () => {
    const planned = [change('A'), change('a'), { entraId: 'b', changes: [], valuesAdded: 0, valuesRemoved: 0 }, change('c')];
    expect(evaluateMassChange(planned, { maxObjectsUpdated: 2, maxValuesRemoved: 0 })).toEqual({ exceeded: false });
    expect(evaluateMassChange(planned, { maxObjectsUpdated: 1, maxValuesRemoved: 0 })).toMatchObject({ exceeded: true, objects: 2 });
  });

  it('treats 0 as "check disabled"', () => {
    expect(evaluateMassChange(many(10_000, 5), { maxObjectsUpdated: 0, maxValuesRemoved: 0 })).toEqual({ exceeded: false });
    expect(evaluateMassChange(many(10_000, 0), { maxObjectsUpdated: 0, maxValuesRemoved: 1 })).toEqual({ exceeded: false });
    expect(evaluateMassChange(many(2, 0), { maxObjectsUpdated: 1, maxValuesRemoved: 0 })).toMatchObject({ exceeded: true });
  });

  it('an empty cycle never trips', () => {
    expect(evaluateMassChange([], { maxObjectsUpdated: 1, maxValuesRemoved: 1 })).toEqual({ exceeded: false });
  });

  it.each([-1, 1.5, Number.NaN])('refuses the limit %s', (limit) => {
    expect(() => evaluateMassChange([], { maxObjectsUpdated: limit, maxValuesRemoved: 1 })).toThrow(RangeError);
    expect(() => evaluateMassChange([], { maxObjectsUpdated: 1, maxValuesRemoved: limit })).toThrow(RangeError);
  });

  it('property: exceeded exactly when an enabled limit is strictly passed', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { maxLength: 40 }), fc.nat(50), fc.nat(400), (removed, maxObjects, maxValues) => {
        const planned = removed.map((r, i) => change(`id-${i}`, r));
        const total = removed.reduce((a, b) => a + b, 0);
        const expected = (maxObjects > 0 && planned.length > maxObjects) || (maxValues > 0 && total > maxValues);
        const verdict = evaluateMassChange(planned, { maxObjectsUpdated: maxObjects, maxValuesRemoved: maxValues });
        expect(verdict.exceeded).toBe(expected);
        if (verdict.exceeded) expect([verdict.objects, verdict.valuesRemoved]).toEqual([planned.length, total]);
      }),
    );
  });
});
