/**
 * Drift (spec §7): during a full reconcile, an in-scope attribute whose AD value differs both from
 * what the engine last applied and from the cloud was edited directly in AD. The engine reports it
 * and then restores the cloud value (the ordinary diff does the restoring).
 */
import { createHash } from 'node:crypto';
import { catalogueAttribute } from '../attribute-catalogue.js';
import { attributeValuesOf, type AttributeValues } from '../directory-object.js';
import { compareCodeUnits, comparisonKeys, sameAttributeValues } from './value-equality.js';

/** One attribute edited directly in AD. */
export interface DriftFinding {
  attribute: string;
  /** What the engine last brought AD to. */
  lastApplied: string[];
  /** What AD holds now. */
  adValue: string[];
  /** What the cloud says it should hold (the desired value the reconcile will write). */
  cloudValue: string[];
}

const has = (values: AttributeValues, name: string): boolean => {
  const lower = name.toLowerCase();
  return Object.keys(values).some((k) => k.toLowerCase() === lower);
};

/**
 * The drift findings of one object, in `desired` order. Judged for each attribute of `desired`
 * (the in-scope attributes), with the comparison rules of {@link sameAttributeValues}:
 *
 * - `lastApplied` null (the engine never applied anything to this object): no judgment, `[]` —
 *   the coming write is a first write, not a repair.
 * - AD equals the desired value: never drift, even when it differs from `lastApplied` (someone
 *   made AD right, or the cloud moved to what AD already held).
 * - AD differs from the desired value and from `lastApplied`: drift.
 * - AD differs from the desired value but equals `lastApplied`: the cloud changed — an ordinary update.
 * - An attribute that `lastApplied` does not name at all (it came into scope since, e.g. the
 *   attribute set was extended): no judgment. So `lastApplied` must be the **complete** desired
 *   values the engine last brought AD to — every managed attribute, unchanged and empty ones as
 *   `[]` included — not only the attributes it had to write.
 */
export function detectDrift(lastApplied: AttributeValues | null, current: AttributeValues, desired: AttributeValues): DriftFinding[] {
  if (lastApplied === null) return [];
  const findings: DriftFinding[] = [];
  for (const [attribute, cloudValue] of Object.entries(desired)) {
    const name = catalogueAttribute(attribute)?.ldapName ?? attribute;
    if (!has(lastApplied, name)) continue;
    const adValue = attributeValuesOf(current, name);
    if (sameAttributeValues(name, adValue, cloudValue)) continue;
    const applied = attributeValuesOf(lastApplied, name);
    if (sameAttributeValues(name, adValue, applied)) continue;
    findings.push({ attribute: name, lastApplied: [...applied], adValue: [...adValue], cloudValue: [...cloudValue] });
  }
  return findings;
}

/**
 * A stable fingerprint of applied values, for the link table's "last applied values hash":
 * `sha256:` + hex. Equal hashes ⟺ equal values under {@link sameAttributeValues}: attribute names
 * are case-folded and sorted; multi-valued values are de-duplicated and sorted as comparison keys
 * (proxyAddresses by exact prefix and case-folded address, others exactly), single-valued values
 * kept exactly; sorting is by code unit (locale-free). An absent attribute and `[]` hash alike, so
 * `hashAppliedValues(current restricted to the managed attributes)` equal to the stored hash
 * proves AD still holds what was applied (no drift possible; skip the per-attribute check).
 */
export function hashAppliedValues(values: AttributeValues): string {
  const entries = Object.entries(values)
    .map(([attribute, list]) => {
      const name = catalogueAttribute(attribute)?.ldapName ?? attribute;
      return [name.toLowerCase(), comparisonKeys(name, list)] as const;
    })
    .filter(([, keys]) => keys.length > 0)
    .sort(([a], [b]) => compareCodeUnits(a, b));
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]![0] === entries[i - 1]![0]) throw new Error(`Attribute ${entries[i]![0]} is named twice in the values to hash.`);
  }
  return `sha256:${createHash('sha256').update(JSON.stringify(entries), 'utf8').digest('hex')}`;
}
