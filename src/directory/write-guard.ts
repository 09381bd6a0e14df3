/**
 * The write guard (spec §2.5): the last line of defence between a mapping bug and AD. It
 * checks every change before anything is sent and refuses the whole modify if one change is
 * outside the catalogue or outside the configured attribute set. It cannot be configured away.
 */
import { attributesOf, catalogueAttribute, type AttributeSetName } from '../core/attribute-catalogue.js';
import type { AttributeChange } from '../core/attribute-change.js';
import { WriteRefusedError } from './directory-errors.js';

const OPERATIONS = new Set(['add', 'delete', 'replace']);

/**
 * Returns the changes with attribute names in the catalogue's spelling, or throws
 * {@link WriteRefusedError} naming the first offending attribute. `target` names the object
 * in the message (`<GUID=…>`).
 */
export function guardChanges(changes: readonly AttributeChange[], attributeSet: AttributeSetName, target: string): AttributeChange[] {
  const allowed = new Set(attributesOf(attributeSet).map((a) => a.ldapName));
  return changes.map((change) => {
    // Runtime checks on purpose: callers may be untyped (config, journals), and types lie.
    const name = typeof change?.attribute === 'string' ? change.attribute : String(change?.attribute);
    const entry = catalogueAttribute(name);
    if (!entry) {
      throw new WriteRefusedError(`refused to write ${name} on ${target}: not a write-back attribute (only the attribute catalogue may be written; identity attributes, targetAddress, legacyExchangeDN … never are)`, target, name);
    }
    if (!allowed.has(entry.ldapName)) {
      throw new WriteRefusedError(`refused to write ${entry.ldapName} on ${target}: it belongs to the ${entry.set} attribute set, and this configuration writes the ${attributeSet} set`, target, entry.ldapName);
    }
    if (!OPERATIONS.has(change.operation)) {
      throw new WriteRefusedError(`refused to write ${entry.ldapName} on ${target}: unknown operation ${String(change.operation)}`, target, entry.ldapName);
    }
    if (!Array.isArray(change.values) || !change.values.every((v) => typeof v === 'string')) {
      throw new WriteRefusedError(`refused to write ${entry.ldapName} on ${target}: values must be a list of strings`, target, entry.ldapName);
    }
    if (change.operation === 'add' && change.values.length === 0) {
      throw new WriteRefusedError(`refused to write ${entry.ldapName} on ${target}: an add needs at least one value`, target, entry.ldapName);
    }
    return { operation: change.operation, attribute: entry.ldapName, values: [...change.values] };
  });
}
