/**
 * `Set-Mailbox` through the InvokeCommand gateway, with the rules Exchange Online enforces:
 *
 * - On a directory-synchronized mailbox, identity attributes (DisplayName, Name, Alias, UPN, …)
 *   are always refused, and Exchange attributes are refused unless the mailbox is cloud-managed
 *   (`IsExchangeCloudManaged`, judged by its value *before* this call).
 * - Addresses are validated (form, accepted domain, one primary, no duplicates in the mailbox or
 *   in any other mailbox).
 * - A call that changes nothing leaves WhenChanged alone and returns Exchange's warning.
 * - Every real change stamps WhenChanged/WhenChangedUTC from the change clock (strictly increasing).
 * All parameters are validated before anything is applied, so a refused call changes nothing.
 */
import {
  bindParameters,
  booleanParameter,
  multiValuedParameter,
  stringParameter,
  type MultiValuedChange,
} from './cmdlet-parameters.js';
import { bindError, CmdletError, outOfWriteScope, validationError } from './exo-errors.js';
import type { ExoCommandContext } from './exo-invoke-command.js';
import { resolveMailbox } from './mailbox-identity.js';
import { CUSTOM_ATTRIBUTE_COUNT, EXTENSION_CUSTOM_ATTRIBUTE_COUNT, type ExoMailbox, type RecipientTypeDetails } from './tenant-state.js';

const CUSTOM = Array.from({ length: CUSTOM_ATTRIBUTE_COUNT }, (_, i) => `CustomAttribute${i + 1}`);
const EXTENSION = Array.from({ length: EXTENSION_CUSTOM_ATTRIBUTE_COUNT }, (_, i) => `ExtensionCustomAttribute${i + 1}`);

/** Attributes mastered on-premises for a synced object: never editable in the cloud. */
export const IDENTITY_PARAMETERS = ['DisplayName', 'Name', 'Alias', 'UserPrincipalName', 'MicrosoftOnlineServicesID', 'FirstName', 'LastName'] as const;

/** Exchange attributes: editable in the cloud only when the mailbox is cloud-managed (or cloud-only). */
export const EXCHANGE_PARAMETERS = [
  'EmailAddresses', 'PrimarySmtpAddress', 'WindowsEmailAddress', 'HiddenFromAddressListsEnabled', 'Type', ...CUSTOM, ...EXTENSION,
] as const;

/** Parameters the emulated Set-Mailbox accepts. */
export const SET_MAILBOX_PARAMETERS = ['Identity', 'IsExchangeCloudManaged', ...IDENTITY_PARAMETERS, ...EXCHANGE_PARAMETERS];

const TYPES: Record<string, RecipientTypeDetails> = { regular: 'UserMailbox', shared: 'SharedMailbox', room: 'RoomMailbox', equipment: 'EquipmentMailbox' };
const MAX_PROXY_LENGTH = 1123;
const MAX_CUSTOM_LENGTH = 1024;
const MAX_EXTENSION_VALUES = 1300;
const MAX_EXTENSION_LENGTH = 2048;
const SMTP_ADDRESS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Exchange's warning when a Set-* call leaves every property as it was. */
export function noChangeWarning(identity: string): string {
  return `The command completed successfully but no settings of '${identity}' have been modified.`;
}

/** Runs Set-Mailbox. Returns the warnings to report. @throws CmdletError */
export function setMailbox(rawParameters: unknown, ctx: ExoCommandContext): string[] {
  const params = bindParameters(rawParameters, SET_MAILBOX_PARAMETERS);
  if (!params.has('Identity')) {
    throw new CmdletError(400, 'MissingMandatoryParameter', 'System.Management.Automation.ParameterBindingException',
      "Cannot process command because of one or more missing mandatory parameters: Identity.");
  }
  const identity = stringParameter('Identity', params.get('Identity')) ?? '';
  const mailbox = resolveMailbox(ctx.store.mailboxCandidates([identity]), identity);
  const nowMs = ctx.now();

  if (mailbox.IsDirSynced) {
    for (const name of IDENTITY_PARAMETERS) if (params.has(name)) throw outOfWriteScope(mailbox.Name, name);
    if (!mailbox.IsExchangeCloudManaged) {
      for (const name of EXCHANGE_PARAMETERS) if (params.has(name)) throw outOfWriteScope(mailbox.Name, name);
    }
  }
  if (params.has('EmailAddresses') && (params.has('PrimarySmtpAddress') || params.has('WindowsEmailAddress'))) {
    throw validationError('The EmailAddresses and PrimarySmtpAddress (or WindowsEmailAddress) parameters can\'t be used together.', 'Microsoft.Exchange.Configuration.Tasks.RecipientTaskException');
  }

  // Work on a copy; apply only when everything validated.
  const next: ExoMailbox = structuredClone(mailbox);
  let graphNames: { givenName?: string | null; surname?: string | null } | null = null;

  if (params.has('DisplayName')) next.DisplayName = requiredString('DisplayName', params.get('DisplayName'), 256);
  if (params.has('Name')) next.Name = requiredString('Name', params.get('Name'), 64);
  if (params.has('Alias')) {
    const alias = requiredString('Alias', params.get('Alias'), 64);
    if (!/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/.test(alias)) throw validationError(`The alias "${alias}" contains characters that aren't allowed.`);
    next.Alias = alias;
  }
  for (const name of ['UserPrincipalName', 'MicrosoftOnlineServicesID'] as const) {
    if (params.has(name)) {
      const upn = requiredString(name, params.get(name), 1024);
      if (!SMTP_ADDRESS.test(upn)) throw validationError(`"${upn}" isn't a valid user principal name.`);
      next.UserPrincipalName = upn;
    }
  }
  if (params.has('FirstName') || params.has('LastName')) {
    graphNames = {};
    if (params.has('FirstName')) graphNames.givenName = stringParameter('FirstName', params.get('FirstName'), true);
    if (params.has('LastName')) graphNames.surname = stringParameter('LastName', params.get('LastName'), true);
  }

  if (params.has('EmailAddresses')) {
    next.EmailAddresses = applyEmailAddresses(mailbox.EmailAddresses, multiValuedParameter('EmailAddresses', params.get('EmailAddresses')));
  }
  for (const name of ['PrimarySmtpAddress', 'WindowsEmailAddress'] as const) {
    if (params.has(name)) next.EmailAddresses = promotePrimary(next.EmailAddresses, requiredString(name, params.get(name), MAX_PROXY_LENGTH));
  }
  validateAddresses(next.EmailAddresses, ctx.store.data.acceptedDomains);
  const primary = (next.EmailAddresses.find((a) => a.startsWith('SMTP:')) as string).slice(5);
  next.PrimarySmtpAddress = primary;
  next.WindowsEmailAddress = primary;
  checkUniqueAcrossMailboxes(mailbox, next.EmailAddresses, ctx);

  CUSTOM.forEach((name, i) => {
    if (!params.has(name)) return;
    const value = stringParameter(name, params.get(name), true) ?? '';
    if (value.length > MAX_CUSTOM_LENGTH) throw validationError(`The length of the property is too long. The maximum length is ${MAX_CUSTOM_LENGTH} and the length of the value provided is ${value.length}.`);
    next.CustomAttributes[i] = value;
  });
  EXTENSION.forEach((name, i) => {
    if (!params.has(name)) return;
    next.ExtensionCustomAttributes[i] = applyMultiValued(name, mailbox.ExtensionCustomAttributes[i] ?? [], multiValuedParameter(name, params.get(name)));
  });
  if (params.has('HiddenFromAddressListsEnabled')) next.HiddenFromAddressListsEnabled = booleanParameter('HiddenFromAddressListsEnabled', params.get('HiddenFromAddressListsEnabled'));
  if (params.has('Type')) {
    const raw = stringParameter('Type', params.get('Type')) ?? '';
    const type = TYPES[raw.toLowerCase()];
    if (!type) throw bindError('Type', `Cannot convert value "${raw}" to type "Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType". Valid values: Regular, Room, Equipment, Shared.`);
    next.RecipientTypeDetails = type;
  }
  if (params.has('IsExchangeCloudManaged')) next.IsExchangeCloudManaged = booleanParameter('IsExchangeCloudManaged', params.get('IsExchangeCloudManaged'));

  const changed = JSON.stringify(next) !== JSON.stringify(mailbox);
  if (graphNames) {
    const user = ctx.store.graphUser(mailbox.ExternalDirectoryObjectId);
    if (user) ctx.store.updateGraphUser(user.id, graphNames, nowMs);
  }
  if (!changed) return graphNames ? [] : [noChangeWarning(identity)];

  const lagMs = ctx.faults.replicationLagMs('exo');
  if (lagMs > 0) ctx.lag.record(mailbox.Guid, structuredClone(mailbox), nowMs + lagMs, nowMs);
  Object.assign(mailbox, next);
  ctx.store.touchMailbox(mailbox, nowMs);
  return [];
}

function requiredString(name: string, value: unknown, max: number): string {
  const text = stringParameter(name, value) ?? '';
  if (text.trim() === '') throw validationError(`The value of property '${name}' can't be empty.`);
  if (text.length > max) throw validationError(`The length of the property is too long. The maximum length is ${max} and the length of the value provided is ${text.length}.`);
  return text;
}

/** `TYPE:address` → [type, address]; a value without a prefix is an SMTP secondary. */
function splitProxy(value: string): [string, string] {
  const m = /^([A-Za-z0-9]{1,9}):(.*)$/s.exec(value);
  return m ? [m[1] as string, m[2] as string] : ['smtp', value];
}

function proxyKey(value: string): string {
  const [type, address] = splitProxy(value);
  return `${type.toLowerCase()}:${address.toLowerCase()}`;
}

function applyEmailAddresses(current: string[], change: MultiValuedChange): string[] {
  if ('replace' in change) return change.replace.map(normaliseProxy);
  let list = [...current];
  for (const value of change.remove) {
    const key = proxyKey(value);
    const found = list.find((a) => proxyKey(a) === key);
    if (found?.startsWith('SMTP:')) throw validationError(`The primary SMTP address "${found.slice(5)}" can't be removed. Set another address as the primary address first.`);
    list = list.filter((a) => proxyKey(a) !== key);
  }
  for (const raw of change.add) {
    const value = normaliseProxy(raw);
    const key = proxyKey(value);
    if (value.startsWith('SMTP:')) {
      // A new upper-case primary demotes the old one.
      list = list.filter((a) => proxyKey(a) !== key).map((a) => (a.startsWith('SMTP:') ? `smtp:${a.slice(5)}` : a));
      list.unshift(value);
    } else if (!list.some((a) => proxyKey(a) === key)) {
      list.push(value);
    }
  }
  return list;
}

function normaliseProxy(value: string): string {
  const [type, address] = splitProxy(value);
  return /^[^:]*:/.test(value) ? `${type}:${address}` : `smtp:${address}`;
}

function promotePrimary(list: string[], address: string): string[] {
  const target = `smtp:${address.replace(/^smtp:/i, '').toLowerCase()}`;
  const bare = address.replace(/^smtp:/i, '');
  const rest = list.filter((a) => proxyKey(a) !== target).map((a) => (a.startsWith('SMTP:') ? `smtp:${a.slice(5)}` : a));
  return [`SMTP:${bare}`, ...rest];
}

function validateAddresses(list: string[], acceptedDomains: string[]): void {
  const seen = new Set<string>();
  let primaries = 0;
  for (const value of list) {
    const [type, address] = splitProxy(value);
    if (address === '' || value.length > MAX_PROXY_LENGTH || hasControlCharacter(value)) {
      throw validationError(`The proxy address "${value}" is invalid.`);
    }
    const key = proxyKey(value);
    if (seen.has(key)) throw validationError(`The email address "${address}" is already present in this object's proxy addresses.`);
    seen.add(key);
    if (type.toLowerCase() === 'smtp') {
      if (type === 'SMTP') primaries++;
      else if (type !== 'smtp') throw validationError(`The proxy address prefix "${type}" must be "SMTP" (primary) or "smtp" (secondary).`);
      if (!SMTP_ADDRESS.test(address)) {
        throw validationError(`The email address "${address}" isn't correct. Please use this format: user name, the @ sign, followed by the domain name. For example, tonysmith@contoso.com or tony.smith@contoso.com.`);
      }
      const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
      if (!acceptedDomains.some((d) => d.toLowerCase() === domain)) {
        throw validationError(`The domain "${domain}" of the email address "${address}" isn't an accepted domain for your organization.`);
      }
    } else if (type.toLowerCase() === 'x500' && !address.startsWith('/')) {
      throw validationError(`The proxy address "${value}" is invalid. An X500 address must start with "/".`);
    }
  }
  if (primaries !== 1) {
    throw validationError(primaries === 0
      ? 'The email address list must contain exactly one primary SMTP address (prefix "SMTP:"); none was given.'
      : 'The email address list must contain exactly one primary SMTP address (prefix "SMTP:"); several were given.');
  }
}

function checkUniqueAcrossMailboxes(mailbox: ExoMailbox, list: string[], ctx: ExoCommandContext): void {
  const own = new Set(mailbox.EmailAddresses.map(proxyKey));
  const added = list.filter((a) => !own.has(proxyKey(a)) && /^smtp:/i.test(a));
  if (added.length === 0) return;
  const wanted = new Map(added.map((a) => [proxyKey(a), a]));
  for (const other of ctx.store.mailboxCandidates(added)) {
    // By Guid: a filler mailbox may come back as a freshly generated object.
    if (other === mailbox || other.Guid === mailbox.Guid) continue;
    for (const address of other.EmailAddresses) {
      const clash = wanted.get(proxyKey(address));
      if (clash) {
        throw validationError(`The proxy address "${clash}" is already being used by the proxy addresses or LegacyExchangeDN of "${other.Name}". Please choose another proxy address.`,
          'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException');
      }
    }
  }
}

function applyMultiValued(name: string, current: string[], change: MultiValuedChange): string[] {
  let list: string[];
  if ('replace' in change) {
    list = [...change.replace];
  } else {
    const removes = new Set(change.remove.map((v) => v.toLowerCase()));
    list = current.filter((v) => !removes.has(v.toLowerCase()));
    for (const v of change.add) if (!list.some((x) => x.toLowerCase() === v.toLowerCase())) list.push(v);
  }
  const seen = new Set<string>();
  for (const v of list) {
    if (v.length > MAX_EXTENSION_LENGTH) throw validationError(`A value of ${name} is longer than ${MAX_EXTENSION_LENGTH} characters.`);
    if (seen.has(v.toLowerCase())) throw validationError(`The value "${v}" is already present in the collection ${name}.`);
    seen.add(v.toLowerCase());
  }
  if (list.length > MAX_EXTENSION_VALUES) throw validationError(`${name} can hold at most ${MAX_EXTENSION_VALUES} values.`);
  return list;
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20) return true;
  return false;
}
