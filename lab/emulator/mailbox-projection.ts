/**
 * How a mailbox looks on the wire: the property table (name, type, getter), `$select`
 * projection with the OData/Exchange type annotations, and the OPATH filter schema.
 *
 * Annotation rules (wire-formats.md §2): collections get `P@odata.type: #Collection(String)`
 * before the value; GUIDs get `P@data.type: System.Guid` and `P@odata.type: #Guid`; DateTimes get
 * `P@data.type: System.DateTime` and 7 fractional digits; unset strings are `""`, unset
 * collections `[]`.
 */
import type { OpathSchema, OpathType, OpathValue } from './opath-filter.js';
import { CUSTOM_ATTRIBUTE_COUNT, EXTENSION_CUSTOM_ATTRIBUTE_COUNT, type ExoMailbox } from './tenant-state.js';

/** Wire types of mailbox properties. */
export type MailboxPropertyKind = 'string' | 'boolean' | 'guid' | 'strings' | 'datetime' | 'datetimeUtc';

/** One servable mailbox property. */
export interface MailboxProperty {
  name: string;
  kind: MailboxPropertyKind;
  get: (mailbox: ExoMailbox) => string | boolean | string[] | number;
  /** Whether Microsoft documents it as filterable (see {@link filterSchema}). */
  filterable: boolean;
}

/** Host name Exchange shows in DistinguishedName and error messages (a plausible EXO forest). */
export const EXO_DOMAIN_CONTROLLER = 'LABPR01A001DC01.LABPR01A001.PROD.OUTLOOK.COM';

const prop = (name: string, kind: MailboxPropertyKind, get: MailboxProperty['get'], filterable = true): MailboxProperty => ({
  name,
  kind,
  get,
  filterable,
});

/** Every property the emulator serves, in the order it serves them. */
export const MAILBOX_PROPERTIES: readonly MailboxProperty[] = [
  prop('ExternalDirectoryObjectId', 'string', (m) => m.ExternalDirectoryObjectId),
  prop('Identity', 'string', (m) => m.Name, false),
  prop('Id', 'string', (m) => m.Name, false),
  prop('Name', 'string', (m) => m.Name),
  prop('DisplayName', 'string', (m) => m.DisplayName),
  prop('Alias', 'string', (m) => m.Alias),
  prop('UserPrincipalName', 'string', (m) => m.UserPrincipalName),
  prop('PrimarySmtpAddress', 'string', (m) => m.PrimarySmtpAddress),
  prop('WindowsEmailAddress', 'string', (m) => m.WindowsEmailAddress),
  prop('EmailAddresses', 'strings', (m) => [...m.EmailAddresses]),
  prop('HiddenFromAddressListsEnabled', 'boolean', (m) => m.HiddenFromAddressListsEnabled),
  ...Array.from({ length: CUSTOM_ATTRIBUTE_COUNT }, (_, i) => prop(`CustomAttribute${i + 1}`, 'string', (m) => m.CustomAttributes[i] ?? '')),
  ...Array.from({ length: EXTENSION_CUSTOM_ATTRIBUTE_COUNT }, (_, i) =>
    prop(`ExtensionCustomAttribute${i + 1}`, 'strings', (m) => [...(m.ExtensionCustomAttributes[i] ?? [])]),
  ),
  prop('RecipientType', 'string', (m) => m.RecipientType),
  prop('RecipientTypeDetails', 'string', (m) => m.RecipientTypeDetails),
  prop('IsDirSynced', 'boolean', (m) => m.IsDirSynced),
  prop('IsExchangeCloudManaged', 'boolean', (m) => m.IsExchangeCloudManaged, false),
  prop('LegacyExchangeDN', 'string', (m) => m.LegacyExchangeDN),
  prop('DistinguishedName', 'string', (m) => `CN=${m.Alias},OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=LABPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`),
  prop('ExchangeGuid', 'guid', (m) => m.ExchangeGuid),
  prop('Guid', 'guid', (m) => m.Guid),
  prop('WhenChanged', 'datetime', (m) => m.WhenChangedUs),
  prop('WhenCreated', 'datetime', (m) => m.WhenCreatedUs),
  prop('WhenChangedUTC', 'datetimeUtc', (m) => m.WhenChangedUs),
  prop('WhenCreatedUTC', 'datetimeUtc', (m) => m.WhenCreatedUs),
];

const BY_NAME = new Map(MAILBOX_PROPERTIES.map((p) => [p.name.toLowerCase(), p]));

/** Looks a property up by name, case-insensitively. */
export function mailboxProperty(name: string): MailboxProperty | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Parses `$select` (comma-separated). Returns the properties, or the first unknown name. */
export function parseSelect(select: string | null): { properties: readonly MailboxProperty[] } | { unknown: string } {
  if (select === null || select.trim() === '') return { properties: MAILBOX_PROPERTIES };
  const properties: MailboxProperty[] = [];
  for (const raw of select.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const found = mailboxProperty(name);
    if (!found) return { unknown: name };
    if (!properties.includes(found)) properties.push(found);
  }
  return { properties };
}

/** Serialises one mailbox with the given properties, annotations included, in table order. */
export function projectMailbox(mailbox: ExoMailbox, properties: readonly MailboxProperty[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const wanted = new Set(properties);
  for (const p of MAILBOX_PROPERTIES) {
    if (!wanted.has(p)) continue;
    const value = p.get(mailbox);
    switch (p.kind) {
      case 'strings':
        out[`${p.name}@odata.type`] = '#Collection(String)';
        break;
      case 'guid':
        out[`${p.name}@data.type`] = 'System.Guid';
        out[`${p.name}@odata.type`] = '#Guid';
        break;
      case 'datetime':
      case 'datetimeUtc':
        out[`${p.name}@data.type`] = 'System.DateTime';
        out[p.name] = formatExchangeDate(value as number, p.kind === 'datetimeUtc');
        continue;
      default:
        break;
    }
    out[p.name] = value;
  }
  return out;
}

/**
 * The same serialisation as `JSON.stringify(projectMailbox(mailbox, properties))`, built as text
 * (a projected object with ~70 computed keys is slow to build and to stringify: this is what a
 * Get-Mailbox page over a big tenant spends its time on). Compile once per request.
 */
export function mailboxJsonProjector(properties: readonly MailboxProperty[]): (mailbox: ExoMailbox) => string {
  const wanted = new Set(properties);
  const parts: { prefix: string; property: MailboxProperty }[] = [];
  for (const p of MAILBOX_PROPERTIES) {
    if (!wanted.has(p)) continue;
    const key = JSON.stringify(p.name);
    const annotation = (suffix: string) => JSON.stringify(`${p.name}${suffix}`);
    const prefix = {
      strings: `${annotation('@odata.type')}:"#Collection(String)",${key}:`,
      guid: `${annotation('@data.type')}:"System.Guid",${annotation('@odata.type')}:"#Guid",${key}:`,
      datetime: `${annotation('@data.type')}:"System.DateTime",${key}:`,
      datetimeUtc: `${annotation('@data.type')}:"System.DateTime",${key}:`,
      string: `${key}:`,
      boolean: `${key}:`,
    }[p.kind];
    parts.push({ prefix, property: p });
  }
  return (mailbox) => {
    const out: string[] = [];
    for (const { prefix, property } of parts) {
      const value = property.get(mailbox);
      let text: string;
      if (typeof value === 'string') text = jsonString(value);
      else if (typeof value === 'boolean') text = value ? 'true' : 'false';
      else if (typeof value === 'number') text = `"${formatExchangeDate(value, property.kind === 'datetimeUtc')}"`;
      else text = `[${value.map(jsonString).join(',')}]`;
      out.push(`${prefix}${text}`);
    }
    return `{${out.join(',')}}`;
  };
}

/** A JSON string literal; the common case (nothing to escape) without JSON.stringify's call overhead. */
function jsonString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /["\\\u0000-\u001f\ud800-\udfff]/.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * Formats microseconds since the epoch as Exchange does: 7 fractional digits, `Z` for the UTC
 * properties and `+00:00` for the local-time ones (the emulated server runs in UTC).
 */
export function formatExchangeDate(us: number, utc: boolean): string {
  const ms = Math.floor(us / 1000);
  const seconds = new Date(ms).toISOString().slice(0, 19);
  const fraction = `${String(us % 1_000_000).padStart(6, '0')}0`;
  return `${seconds}.${fraction}${utc ? 'Z' : '+00:00'}`;
}

/**
 * The OPATH schema of Get-Mailbox. `IsExchangeCloudManaged` is only included when
 * `cloudManagedFilterable` is set: Microsoft's filterable-properties list does not contain it.
 */
export function filterSchema(cloudManagedFilterable: boolean): OpathSchema {
  const schema = new Map<string, { name: string; type: OpathType }>();
  for (const p of MAILBOX_PROPERTIES) {
    if (!p.filterable && !(cloudManagedFilterable && p.name === 'IsExchangeCloudManaged')) continue;
    const type: OpathType =
      p.kind === 'datetime' || p.kind === 'datetimeUtc' ? 'datetime' : p.kind === 'strings' ? 'strings' : p.kind === 'boolean' ? 'boolean' : p.kind === 'guid' ? 'guid' : 'string';
    schema.set(p.name.toLowerCase(), { name: p.name, type });
  }
  return schema;
}

/** Accessor over a mailbox for the OPATH evaluator (canonical property names). */
export function filterAccessor(mailbox: ExoMailbox): (property: string) => OpathValue {
  return (name) => {
    const p = BY_NAME.get(name.toLowerCase());
    return p ? p.get(mailbox) : null;
  };
}
