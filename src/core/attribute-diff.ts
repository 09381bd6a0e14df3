/**
 * The diff: the LDAP modification that turns AD's current values into the desired ones, the
 * "Modified target attributes" rows the provisioning log shows, and a model of how AD applies a
 * modification (used by tests to prove the diff right, and by dry runs to show the outcome).
 */
import type { AttributeChange, ModifiedProperty } from './attribute-change.js';
import { catalogueAttribute, type CatalogueAttribute } from './attribute-catalogue.js';
import { attributeValuesOf, type AttributeValues } from './directory-object.js';
import { proxyAddressChanges, valueLevelChanges } from './proxy-addresses.js';
import { caseFold } from './text-values.js';

/** The modification for one object and what it amounts to. */
export interface AttributeDiff {
  /** Per attribute in `desired` order: a `replace`, or a `delete` then an `add`. Empty = nothing to write. */
  changes: AttributeChange[];
  /** One row per changed attribute; old and new values joined with `;`, null when absent. */
  modifiedProperties: ModifiedProperty[];
  /** Values added (a replace counts its new value). */
  valuesAdded: number;
  /** Values removed (a replace counts the value it overwrites). */
  valuesRemoved: number;
}

function requireCatalogued(name: string): CatalogueAttribute {
  const attribute = catalogueAttribute(name);
  // The guard of spec §2.5, first line: the diff never names anything outside the catalogue.
  if (!attribute) throw new Error(`Refusing to diff '${name}': it is not a catalogue attribute.`);
  return attribute;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

const joined = (values: readonly string[]): string | null => (values.length === 0 ? null : values.join(';'));

/**
 * The changes from `current` to `desired`, for exactly the attributes named in `desired`
 * (attributes only in `current` are not ours to touch in this set and are left alone).
 *
 * - Single-valued: `replace` with `[new]`, or `[]` to clear, when the values differ exactly — a
 *   case-only change of a string is a change.
 * - `proxyAddresses`: {@link proxyAddressChanges} (exact prefix, case-insensitive address).
 * - Other multi-valued strings: value-level, exact comparison; a case-only change becomes a delete
 *   of the old spelling before an add of the new one, because AD matches values
 *   case-insensitively and would refuse the add while the old spelling is present.
 *
 * Preconditions (the mapping guarantees them): `desired` names catalogue attributes only (else
 * this throws), single-valued attributes have at most one value, and no multi-valued list holds
 * two values equal case-insensitively.
 */
export function diffAttributes(current: AttributeValues, desired: AttributeValues): AttributeDiff {
  const diff: AttributeDiff = { changes: [], modifiedProperties: [], valuesAdded: 0, valuesRemoved: 0 };
  const done = new Set<string>();
  for (const name in desired) {
    const wanted = desired[name]!;
    const attribute = requireCatalogued(name);
    const ldapName = attribute.ldapName;
    if (done.has(ldapName)) throw new Error(`Attribute ${ldapName} is named twice in the desired values.`);
    done.add(ldapName);
    const now = attributeValuesOf(current, ldapName);

    let changes: AttributeChange[];
    let after: string[];
    if (!attribute.multiValued) {
      if (wanted.length > 1) throw new Error(`Single-valued ${ldapName} cannot take ${wanted.length} values.`);
      if (sameList(now, wanted)) continue;
      changes = [{ operation: 'replace', attribute: ldapName, values: [...wanted] }];
      after = [...wanted];
      diff.valuesRemoved += now.length;
      diff.valuesAdded += wanted.length;
    } else {
      changes = ldapName === 'proxyAddresses' ? proxyAddressChanges(now, wanted) : valueLevelChanges(ldapName, now, wanted, (v) => v);
      if (changes.length === 0) continue;
      const deleted = new Set(changes.filter((c) => c.operation === 'delete').flatMap((c) => c.values));
      const added = changes.filter((c) => c.operation === 'add').flatMap((c) => c.values);
      after = [...now.filter((v) => !deleted.has(v)), ...added];
      diff.valuesRemoved += deleted.size;
      diff.valuesAdded += added.length;
    }
    diff.changes.push(...changes);
    diff.modifiedProperties.push({ displayName: ldapName, oldValue: joined(now), newValue: joined(after) });
  }
  return diff;
}

/** How AD matches values of a syntax: Unicode strings case-insensitively, the rest exactly. */
function matchKey(attribute: CatalogueAttribute): (value: string) => string {
  return attribute.syntax === 'unicodeString' ? caseFold : (value) => value;
}

/** An LDAP result a real DC would answer, thrown by {@link applyChanges}. */
function ldapError(result: string, message: string): Error {
  return new Error(`${result}: ${message}`);
}

/**
 * A model of AD's modify semantics, for tests and dry-run previews: operations apply in order and
 * the whole modify is atomic (this returns a new value set, or throws without side effects).
 * `add` of a value already present (by AD's matching: case-insensitive for strings) throws
 * `attributeOrValueExists`; `delete` of a value not present throws `noSuchAttribute` and removes
 * the stored spelling of a matching value; `delete` with no values removes the attribute (`noSuchAttribute` when already absent);
 * more than one value in a single-valued attribute throws `constraintViolation`; an attribute
 * outside the catalogue throws `insufficientAccessRights` (the writer's guard).
 * Catalogue attributes come back under their catalogue spelling; absent = `[]`.
 */
export function applyChanges(current: AttributeValues, changes: readonly AttributeChange[]): AttributeValues {
  const result: AttributeValues = {};
  for (const [name, values] of Object.entries(current)) result[catalogueAttribute(name)?.ldapName ?? name] = [...values];

  for (const change of changes) {
    const attribute = catalogueAttribute(change.attribute);
    if (!attribute) throw ldapError('insufficientAccessRights', `${change.attribute} is not a catalogue attribute.`);
    const name = attribute.ldapName;
    const key = matchKey(attribute);
    let values = result[name] ?? [];
    const unique = (list: readonly string[]) => new Set(list.map(key)).size === list.length;

    switch (change.operation) {
      case 'replace':
        if (!unique(change.values)) throw ldapError('attributeOrValueExists', `replace of ${name} repeats a value.`);
        values = [...change.values];
        break;
      case 'add':
        if (change.values.length === 0) throw ldapError('protocolError', `add of ${name} without values.`);
        for (const value of change.values) {
          if (values.some((v) => key(v) === key(value))) throw ldapError('attributeOrValueExists', `${name} already holds ${value}.`);
          values = [...values, value];
        }
        break;
      case 'delete':
        if (change.values.length === 0) {
          if (values.length === 0) throw ldapError('noSuchAttribute', `${name} is already absent.`);
          values = [];
          break;
        }
        for (const value of change.values) {
          const index = values.findIndex((v) => key(v) === key(value));
          if (index < 0) throw ldapError('noSuchAttribute', `${name} does not hold ${value}.`);
          values = values.filter((_, i) => i !== index);
        }
        break;
    }
    if (!attribute.multiValued && values.length > 1) throw ldapError('constraintViolation', `single-valued ${name} would hold ${values.length} values.`);
    result[name] = values;
  }
  return result;
}
