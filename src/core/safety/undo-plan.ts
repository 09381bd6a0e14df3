/**
 * Undo (spec §7, a **Decision**): every write journals the before- and after-values of each
 * attribute it changed; undo writes the before-values back — but only where AD still holds what
 * the engine wrote. An attribute changed since (by an admin, a script, a later cycle) is refused
 * and reported, never overwritten.
 */
import type { AttributeChange } from '../attribute-change.js';
import { catalogueAttribute } from '../attribute-catalogue.js';
import { diffAttributes } from '../attribute-diff.js';
import { attributeValuesOf, type AttributeValues } from '../directory-object.js';
import { caseFold } from '../text-values.js';
import { sameAttributeValues } from './value-equality.js';

/** One attribute of one object as the journal stores it: the values before and after the write. */
export interface JournalChange {
  attribute: string;
  before: string[];
  after: string[];
}

/** What an undo of one object will do. */
export interface UndoPlan {
  /** The LDAP modification to send (one modify for the object); empty = nothing to write. */
  changes: AttributeChange[];
  /** Attributes that will be put back: `from` = AD now, `to` = the journal's before-values. Journal these for the undo itself. */
  restored: Array<{ attribute: string; from: string[]; to: string[] }>;
  /** Attributes left alone: `expected` = what the engine wrote, `actual` = AD now. */
  refused: Array<{ attribute: string; expected: string[]; actual: string[]; reason: string }>;
}

const show = (values: readonly string[]): string => (values.length === 0 ? '(empty)' : values.map((v) => `'${v}'`).join(', '));

/** Why the journal's before-values cannot be written, or null when they can. */
function invalidBefore(ldapName: string, multiValued: boolean, before: readonly string[]): string | null {
  if (!multiValued && before.length > 1) return `The journal holds ${before.length} before-values for single-valued ${ldapName}; it cannot be restored.`;
  if (multiValued && new Set(before.map(caseFold)).size !== before.length) {
    return `The journal's before-values of ${ldapName} repeat a value (AD compares them case-insensitively); it cannot be restored.`;
  }
  return null;
}

/**
 * Plans the undo of one object's journal entry (or of several merged with {@link mergeJournal})
 * against the object's `current` AD values.
 *
 * For each journaled attribute:
 * - AD still holds what the engine wrote (`after`, compared by {@link sameAttributeValues}:
 *   single-valued exactly, proxyAddresses as sets by exact prefix and case-insensitive address,
 *   other multi-valued as exact sets) → restored, with the minimal value-level modification from
 *   AD's current values to `before` ({@link diffAttributes}), so applying `changes` leaves exactly
 *   the before-values (for proxyAddresses: up to the address case of values kept untouched, which
 *   the diff does not rewrite). An attribute already at its before-values needs no write and is in
 *   neither list.
 * - AD holds something else → refused, untouched, with a reason (also when AD happens to hold the
 *   before-values again: someone else reverted it).
 * - The attribute is not in the catalogue, or the before-values cannot be stored (two values for a
 *   single-valued attribute, case-insensitive duplicates) → refused: a bug or a tampered journal.
 *
 * Throws when the journal names an attribute twice (merge entries first).
 */
export function planUndo(journal: readonly JournalChange[], current: AttributeValues): UndoPlan {
  const plan: UndoPlan = { changes: [], restored: [], refused: [] };
  const seen = new Set<string>();
  for (const entry of journal) {
    const lower = entry.attribute.toLowerCase();
    if (seen.has(lower)) throw new Error(`The journal names ${entry.attribute} twice; merge the entries with mergeJournal first.`);
    seen.add(lower);

    const catalogued = catalogueAttribute(entry.attribute);
    const actual = [...attributeValuesOf(current, catalogued?.ldapName ?? entry.attribute)];
    const refuse = (reason: string) => plan.refused.push({ attribute: catalogued?.ldapName ?? entry.attribute, expected: [...entry.after], actual, reason });

    if (!catalogued) {
      refuse(`${entry.attribute} is not a catalogue attribute; the engine never writes it.`);
      continue;
    }
    const name = catalogued.ldapName;
    const invalid = invalidBefore(name, catalogued.multiValued, entry.before);
    if (invalid) {
      refuse(invalid);
      continue;
    }
    if (!sameAttributeValues(name, actual, entry.after)) {
      const already = sameAttributeValues(name, actual, entry.before) ? ' (it already holds the before-values again)' : '';
      refuse(`AD now holds ${show(actual)} for ${name}, not ${show(entry.after)} as the engine wrote: it was changed since${already}, so undo leaves it alone.`);
      continue;
    }
    const diff = diffAttributes({ [name]: actual }, { [name]: entry.before });
    if (diff.changes.length === 0) continue;
    plan.changes.push(...diff.changes);
    plan.restored.push({ attribute: name, from: actual, to: [...entry.before] });
  }
  return plan;
}

/**
 * Composes several journal entries of **one object** into one list for {@link planUndo}, given
 * newest first (`undo --object` across cycles). Per attribute: `before` = the oldest entry's
 * before-values (what AD held before the first of these writes), `after` = the newest entry's
 * after-values (what the engine wrote last). Intermediate states are deliberately not checked: a
 * change made by someone else between two of the engine's writes was overwritten by the later
 * write already, and the undo goes back to the state before the oldest write. Attributes come out
 * in order of first appearance from oldest to newest entry; names match case-insensitively and
 * take the catalogue spelling.
 */
export function mergeJournal(entriesNewestFirst: readonly (readonly JournalChange[])[]): JournalChange[] {
  const merged = new Map<string, JournalChange>();
  for (let i = entriesNewestFirst.length - 1; i >= 0; i--) {
    for (const change of entriesNewestFirst[i]!) {
      const name = catalogueAttribute(change.attribute)?.ldapName ?? change.attribute;
      const key = name.toLowerCase();
      const earlier = merged.get(key);
      if (earlier) earlier.after = [...change.after];
      else merged.set(key, { attribute: name, before: [...change.before], after: [...change.after] });
    }
  }
  return [...merged.values()];
}
