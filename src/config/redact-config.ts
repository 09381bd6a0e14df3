/**
 * The configuration as the console shows it: the file's content with defaults applied and every
 * inline secret (and secret hash) replaced. References to secrets (file paths, variable names)
 * stay: they tell an admin where a secret comes from without revealing it.
 */
import type { ConfigFile } from './config-schema.js';

/** Keys whose values are secrets or secret hashes. */
const SECRET_KEYS = new Set(['clientSecret', 'password', 'passwordHash', 'tokenHash']);

/** Shown instead of a secret. */
export const REDACTED = '[redacted]';

/** A deep copy of `source` with secrets replaced by {@link REDACTED}; pure. */
export function redactConfig(source: ConfigFile): unknown {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, SECRET_KEYS.has(key) && v !== undefined ? REDACTED : walk(v)]));
    }
    return value;
  };
  return walk(source);
}
