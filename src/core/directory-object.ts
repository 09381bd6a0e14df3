/** An AD user object as the engine sees it: identity, anchors, and the current catalogue values. */

/** Current values per attribute, keyed by the catalogue's LDAP name spelling; an absent attribute is `[]`. */
export type AttributeValues = Record<string, string[]>;

/** One AD object, read by the directory adapter. */
export interface DirectoryObject {
  distinguishedName: string;
  /** objectGUID, 16 bytes in AD byte order. */
  objectGuid: Buffer;
  /** objectSid as `S-1-5-21-…`, or null. */
  objectSid: string | null;
  /** mS-DS-ConsistencyGuid bytes, or null when empty. */
  consistencyGuid: Buffer | null;
  /** msDS-ExternalDirectoryObjectId (`User_<entra id>`), or null. */
  externalDirectoryObjectId: string | null;
  displayName: string | null;
  /** whenChanged (generalized time) and uSNChanged, for drift and dry-run proofs. */
  whenChanged: string | null;
  uSNChanged: string | null;
  /**
   * Values of every catalogue attribute as LDAP strings: integers in decimal, booleans
   * `TRUE`/`FALSE`, strings as stored (case preserved).
   */
  attributes: AttributeValues;
}

/**
 * The values of `ldapName` in `values` (`[]` when absent). Looks the exact spelling up first, then
 * case-insensitively, because LDAP attribute names are case-insensitive and a reader may spell
 * them as the server returned them.
 */
export function attributeValuesOf(values: AttributeValues, ldapName: string): string[] {
  const exact = values[ldapName];
  if (exact !== undefined) return exact;
  const lower = ldapName.toLowerCase();
  for (const [name, list] of Object.entries(values)) if (name.toLowerCase() === lower) return list;
  return [];
}
