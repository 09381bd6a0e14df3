/**
 * When two value lists of one attribute count as "the same" for the safety rules (undo, drift and
 * the applied-values hash). One definition, so the three never disagree:
 *
 * - single-valued attributes: exact (a case-only change of a string is a change, as in the diff);
 * - `proxyAddresses`: as sets under {@link proxyAddressKey} (exact `TYPE:` prefix, case-insensitive
 *   address), the rule the diff uses, so a difference the diff would never write is no difference;
 * - other multi-valued attributes: as sets of exact values (order never matters in LDAP).
 *
 * Attributes outside the catalogue are compared like "other multi-valued" ones.
 */
import { catalogueAttribute } from '../attribute-catalogue.js';
import { proxyAddressKey } from '../proxy-addresses.js';

const exact = (value: string): string => value;

/** The comparison key of one value of `attribute` (see the module comment). */
export function valueKeyOf(attribute: string): (value: string) => string {
  return attribute.toLowerCase() === 'proxyaddresses' ? proxyAddressKey : exact;
}

/** True when `attribute` is a catalogue attribute that holds at most one value. */
export function isSingleValued(attribute: string): boolean {
  const entry = catalogueAttribute(attribute);
  return entry !== undefined && !entry.multiValued;
}

/** The values of `attribute` as sorted, de-duplicated comparison keys (code-unit order, locale-free). */
export function comparisonKeys(attribute: string, values: readonly string[]): string[] {
  if (isSingleValued(attribute)) return [...values];
  const key = valueKeyOf(attribute);
  return [...new Set(values.map(key))].sort(compareCodeUnits);
}

/** Whether `a` and `b` are the same values of `attribute` under the rules of the module comment. */
export function sameAttributeValues(attribute: string, a: readonly string[], b: readonly string[]): boolean {
  const ka = comparisonKeys(attribute, a);
  const kb = comparisonKeys(attribute, b);
  return ka.length === kb.length && ka.every((v, i) => v === kb[i]);
}

/** Plain UTF-16 code-unit order: stable across machines and locales, unlike `localeCompare`. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
