/** One LDAP modification of one attribute, as the diff emits it and the directory adapter applies it. */
export interface AttributeChange {
  operation: 'add' | 'delete' | 'replace';
  /** Catalogue LDAP name. */
  attribute: string;
  /** Values to add or delete; for `replace`, the complete new set (`[]` clears the attribute). */
  values: string[];
}

/** One row of "Modified target attributes" / `modifiedProperties`. */
export interface ModifiedProperty {
  displayName: string;
  /** Old value(s) joined with `;` as the Entra portal shows them; null when absent. */
  oldValue: string | null;
  newValue: string | null;
}
