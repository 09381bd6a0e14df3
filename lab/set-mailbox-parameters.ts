/**
 * Turns `lab exo set-mailbox` options into the `Set-Mailbox` parameters PowerShell would send
 * through the InvokeCommand gateway. Pure, so it is unit-tested without a tenant.
 */
import { LabInvalidOptionError } from './lab-errors.js';

/** Options as the CLI collects them. Repeatable options are arrays. */
export interface SetMailboxOptions {
  addAlias?: string[];
  removeAlias?: string[];
  emailAddresses?: string;
  primary?: string;
  windowsEmailAddress?: string;
  customAttribute?: string[];
  extensionCustomAttribute?: string[];
  addExtensionCustomAttribute?: string[];
  removeExtensionCustomAttribute?: string[];
  type?: string;
  hidden?: string;
  cloudManaged?: string;
  param?: string[];
}

const HASHTABLE = '#Exchange.GenericHashTable';
const TYPES = ['Regular', 'Shared', 'Room', 'Equipment'];

/** Builds the parameter object; throws {@link LabInvalidOptionError} naming the bad option. */
export function buildSetMailboxParameters(options: SetMailboxOptions): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  const add = (options.addAlias ?? []).map(asSecondary);
  const remove = (options.removeAlias ?? []).map(asSecondary);
  if (options.emailAddresses !== undefined) {
    if (add.length || remove.length) throw new LabInvalidOptionError('--email-addresses replaces the whole list; do not combine it with --add-alias/--remove-alias');
    parameters.EmailAddresses = splitList(options.emailAddresses);
  } else if (add.length || remove.length) {
    parameters.EmailAddresses = { '@odata.type': HASHTABLE, ...(add.length ? { Add: add } : {}), ...(remove.length ? { Remove: remove } : {}) };
  }
  if (options.primary !== undefined) parameters.PrimarySmtpAddress = options.primary;
  if (options.windowsEmailAddress !== undefined) parameters.WindowsEmailAddress = options.windowsEmailAddress;

  for (const entry of options.customAttribute ?? []) {
    const [index, value] = indexed(entry, '--custom-attribute', 15);
    parameters[`CustomAttribute${index}`] = value;
  }
  const extAdd = new Map<number, string[]>();
  const extRemove = new Map<number, string[]>();
  for (const entry of options.extensionCustomAttribute ?? []) {
    const [index, value] = indexed(entry, '--extension-custom-attribute', 5);
    parameters[`ExtensionCustomAttribute${index}`] = splitList(value);
  }
  for (const [list, target, flag] of [
    [options.addExtensionCustomAttribute, extAdd, '--add-extension-custom-attribute'],
    [options.removeExtensionCustomAttribute, extRemove, '--remove-extension-custom-attribute'],
  ] as const) {
    for (const entry of list ?? []) {
      const [index, value] = indexed(entry, flag, 5);
      target.set(index, [...(target.get(index) ?? []), value]);
    }
  }
  for (const index of new Set([...extAdd.keys(), ...extRemove.keys()])) {
    const name = `ExtensionCustomAttribute${index}`;
    if (name in parameters) throw new LabInvalidOptionError(`${name} is both replaced and changed with add/remove`);
    parameters[name] = {
      '@odata.type': HASHTABLE,
      ...(extAdd.has(index) ? { Add: extAdd.get(index) } : {}),
      ...(extRemove.has(index) ? { Remove: extRemove.get(index) } : {}),
    };
  }
  if (options.type !== undefined) {
    const type = TYPES.find((t) => t.toLowerCase() === options.type?.toLowerCase());
    if (!type) throw new LabInvalidOptionError(`--type must be one of ${TYPES.join(', ')}, got '${options.type}'`);
    parameters.Type = type;
  }
  if (options.hidden !== undefined) parameters.HiddenFromAddressListsEnabled = bool(options.hidden, '--hidden');
  if (options.cloudManaged !== undefined) parameters.IsExchangeCloudManaged = bool(options.cloudManaged, '--cloud-managed');
  for (const entry of options.param ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new LabInvalidOptionError(`--param takes Name=<JSON value>, got '${entry}'`);
    const raw = entry.slice(eq + 1);
    try {
      parameters[entry.slice(0, eq)] = JSON.parse(raw) as unknown;
    } catch {
      parameters[entry.slice(0, eq)] = raw;
    }
  }
  if (Object.keys(parameters).length === 0) throw new LabInvalidOptionError('nothing to change: give at least one option (see --help)');
  return parameters;
}

/** `alias@x` → `smtp:alias@x`; an explicit `TYPE:` prefix is kept as given. */
function asSecondary(address: string): string {
  return /^[A-Za-z0-9]+:/.test(address) ? address : `smtp:${address}`;
}

function splitList(value: string): string[] {
  return value === '' ? [] : value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
}

function indexed(entry: string, flag: string, max: number): [number, string] {
  const match = /^(\d+)=(.*)$/s.exec(entry);
  const index = Number(match?.[1]);
  if (!match || !Number.isInteger(index) || index < 1 || index > max) {
    throw new LabInvalidOptionError(`${flag} takes N=value with N from 1 to ${max}, got '${entry}'`);
  }
  return [index, match[2] ?? ''];
}

function bool(value: string, flag: string): boolean {
  if (/^(true|\$true|yes|1)$/i.test(value)) return true;
  if (/^(false|\$false|no|0)$/i.test(value)) return false;
  throw new LabInvalidOptionError(`${flag} takes true or false, got '${value}'`);
}
