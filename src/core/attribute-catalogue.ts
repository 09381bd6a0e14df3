/**
 * The attribute catalogue: every AD attribute exo-writeback may ever write, with its Exchange
 * Online source, AD syntax, multiplicity and limits (spec §2). Nothing outside this list is
 * ever written; the LDAP adapter's guard refuses it even if a mapping bug asked for it.
 */

/** `standard` = Microsoft's 24 (the default); `extended` adds two opt-in attributes (spec §2.4). */
export type AttributeSetName = 'standard' | 'extended';

/** AD syntaxes of catalogue attributes. */
export type AdSyntax =
  /** 2.5.5.12 Unicode string. */
  | 'unicodeString'
  /** 2.5.5.16 Large integer (64-bit). */
  | 'largeInteger'
  /** 2.5.5.9 Integer (32-bit signed). */
  | 'integer'
  /** 2.5.5.8 Boolean, written as `TRUE`/`FALSE`. */
  | 'boolean';

/** One writable attribute. */
export interface CatalogueAttribute {
  /** LDAP display name, as AD spells it. */
  ldapName: string;
  /** Exchange Online property it comes from (`Get-Mailbox`), or a description when derived. */
  exoSource: string;
  syntax: AdSyntax;
  multiValued: boolean;
  /** Longest value AD accepts, in characters (strings only). */
  maxLength?: number;
  /** Most values EXO allows (multi-valued only). */
  maxValues?: number;
  /** The smallest set that includes it. */
  set: AttributeSetName;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Every attribute the engine can write, standard set first. */
export const ATTRIBUTE_CATALOGUE: readonly CatalogueAttribute[] = [
  ...range(15).map((i): CatalogueAttribute => ({
    // extensionAttribute11 is 2048 characters in the Exchange schema, the others 1024.
    ldapName: `extensionAttribute${i}`, exoSource: `CustomAttribute${i}`, syntax: 'unicodeString', multiValued: false, maxLength: i === 11 ? 2048 : 1024, set: 'standard',
  })),
  ...range(5).map((i): CatalogueAttribute => ({
    ldapName: `msExchExtensionCustomAttribute${i}`, exoSource: `ExtensionCustomAttribute${i}`, syntax: 'unicodeString', multiValued: true, maxLength: 2048, maxValues: 1300, set: 'standard',
  })),
  { ldapName: 'msExchRecipientTypeDetails', exoSource: 'RecipientTypeDetails', syntax: 'largeInteger', multiValued: false, set: 'standard' },
  { ldapName: 'msExchRecipientDisplayType', exoSource: 'RecipientTypeDetails (derived)', syntax: 'integer', multiValued: false, set: 'standard' },
  { ldapName: 'proxyAddresses', exoSource: 'EmailAddresses + WindowsEmailAddress', syntax: 'unicodeString', multiValued: true, maxLength: 1123, set: 'standard' },
  { ldapName: 'mail', exoSource: 'WindowsEmailAddress', syntax: 'unicodeString', multiValued: false, maxLength: 256, set: 'standard' },
  { ldapName: 'msExchHideFromAddressLists', exoSource: 'HiddenFromAddressListsEnabled', syntax: 'boolean', multiValued: false, set: 'extended' },
  { ldapName: 'msExchRemoteRecipientType', exoSource: 'RecipientTypeDetails (derived, keeps flags 1/4)', syntax: 'largeInteger', multiValued: false, set: 'extended' },
];

/** The attributes a configuration with `set` writes. */
export function attributesOf(set: AttributeSetName): readonly CatalogueAttribute[] {
  return set === 'extended' ? ATTRIBUTE_CATALOGUE : STANDARD_ATTRIBUTES;
}

const STANDARD_ATTRIBUTES: readonly CatalogueAttribute[] = Object.freeze(ATTRIBUTE_CATALOGUE.filter((a) => a.set === 'standard'));

const BY_LOWER_NAME = new Map(ATTRIBUTE_CATALOGUE.map((a) => [a.ldapName.toLowerCase(), a]));

/** The catalogue entry of an LDAP attribute name (case-insensitive, as LDAP names are), or undefined. */
export function catalogueAttribute(ldapName: string): CatalogueAttribute | undefined {
  return BY_LOWER_NAME.get(ldapName.toLowerCase());
}

/** Exchange Online properties the engine reads (`$select`), for every attribute set. */
export const EXO_MAILBOX_PROPERTIES: readonly string[] = [
  'ExternalDirectoryObjectId', 'Guid', 'ExchangeGuid', 'Alias', 'DisplayName', 'UserPrincipalName',
  'PrimarySmtpAddress', 'WindowsEmailAddress', 'EmailAddresses', 'RecipientTypeDetails',
  'IsDirSynced', 'IsExchangeCloudManaged', 'HiddenFromAddressListsEnabled', 'WhenChangedUTC',
  ...range(15).map((i) => `CustomAttribute${i}`),
  ...range(5).map((i) => `ExtensionCustomAttribute${i}`),
];
