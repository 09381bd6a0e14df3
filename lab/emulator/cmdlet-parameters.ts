/**
 * Binding of InvokeCommand `Parameters` to a cmdlet's declared parameters, the way PowerShell
 * binds them: names case-insensitive, unknown names refused, values converted per type.
 */
import { bindError, unknownParameter } from './exo-errors.js';

/** Parameters after binding: canonical name → raw JSON value. */
export type BoundParameters = Map<string, unknown>;

/** Binds `raw` against the declared `names`. @throws CmdletError for an unknown parameter. */
export function bindParameters(raw: unknown, names: readonly string[]): BoundParameters {
  if (raw === undefined || raw === null) return new Map();
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bindError('Parameters', 'Parameters must be a JSON object.');
  const canonical = new Map(names.map((n) => [n.toLowerCase(), n]));
  const bound: BoundParameters = new Map();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // OData annotations on parameters (e.g. "EmailAddresses@odata.type") are metadata, not parameters.
    if (key.includes('@')) continue;
    const name = canonical.get(key.toLowerCase());
    if (!name) throw unknownParameter(key);
    bound.set(name, value);
  }
  return bound;
}

/** A string parameter (`null` allowed when `nullable`). */
export function stringParameter(name: string, value: unknown, nullable = false): string | null {
  if (value === null && nullable) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw bindError(name, `Cannot convert the value to type "System.String".`);
}

/** A boolean parameter: JSON booleans, or the strings True/False/$true/$false. */
export function booleanParameter(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^\$?(true|false)$/i.test(value)) return /true/i.test(value);
  throw bindError(name, `Cannot convert value "${String(value)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`);
}

/** A multi-valued change: a whole new list, or a `#Exchange.GenericHashTable` with Add/Remove. */
export type MultiValuedChange = { replace: string[] } | { add: string[]; remove: string[] };

/** Reads a multi-valued parameter (`[..]`, a single string, null, or `{"Add":…, "Remove":…}`). */
export function multiValuedParameter(name: string, value: unknown): MultiValuedChange {
  if (value === null) return { replace: [] };
  if (typeof value === 'string') return { replace: [value] };
  if (Array.isArray(value)) return { replace: value.map((v) => stringItem(name, v)) };
  if (typeof value === 'object') {
    const add: string[] = [];
    const remove: string[] = [];
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key.startsWith('@')) continue;
      const target = /^add$/i.test(key) ? add : /^remove$/i.test(key) ? remove : null;
      if (!target) throw bindError(name, `The hash table key '${key}' isn't valid. Valid keys are 'Add' and 'Remove'.`);
      const items = Array.isArray(item) ? item : [item];
      target.push(...items.map((v) => stringItem(name, v)));
    }
    return { add, remove };
  }
  throw bindError(name, `Cannot convert the value to a multi-valued property.`);
}

function stringItem(name: string, value: unknown): string {
  if (typeof value !== 'string') throw bindError(name, `Cannot convert the value "${String(value)}" to type "System.String".`);
  return value;
}
