/**
 * The directory half of the `check` command: can we bind over verified TLS, does the schema
 * have the attributes, and may the account write them on the users in scope — proved with AD's
 * constructed `allowedAttributesEffective`, so nothing is written. Returns structured results
 * (the CLI prints them) and, when rights are missing, the delegation commands that fix it.
 */
import { attributesOf, type AttributeSetName } from '../core/attribute-catalogue.js';
import { delegationCommands } from './delegation-commands.js';
import { DirectoryObjectGoneError } from './directory-errors.js';
import type { DirectoryPort } from './directory-port.js';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';

/** One line of the check report. */
export interface DirectoryCheck {
  name: string;
  status: 'pass' | 'fail' | 'warn';
  detail: string;
}

/** Everything {@link checkDirectory} found. */
export interface DirectoryCheckResult {
  checks: DirectoryCheck[];
  /** Sampled users on which the account lacks write rights, and which attributes. */
  missingRights: Array<{ dn: string; attributes: string[] }>;
  /** Attributes of the set the schema lacks. */
  missingSchema: string[];
  /** `dsacls` commands granting the missing rights on the affected OUs; empty when nothing is missing. */
  delegationCommands: string[];
  /** The same delegation as one PowerShell script; null when nothing is missing. */
  delegationScript: string | null;
}

/** What to check. */
export interface DirectoryCheckOptions {
  attributeSet: AttributeSetName;
  /** OUs the configuration serves (the domain's base DN when it has no OU scoping). */
  scopeOus: string[];
  /** Users sampled per OU (users with a `mail` value). */
  sampleSize: number;
}

function describe(error: unknown): string {
  if (error instanceof ExoWritebackError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs the directory checks; see the module comment. Throws only on programming errors. */
export async function checkDirectory(port: DirectoryPort, options: DirectoryCheckOptions): Promise<DirectoryCheckResult> {
  const checks: DirectoryCheck[] = [];
  const result: DirectoryCheckResult = { checks, missingRights: [], missingSchema: [], delegationCommands: [], delegationScript: null };
  const wanted = attributesOf(options.attributeSet).map((a) => a.ldapName);

  // 1. Connect, TLS and bind happen on the first call.
  let account: string | null = null;
  try {
    const me = await port.whoAmI();
    account = me.accountName ?? (me.bindName.includes('=') ? null : me.bindName);
    checks.push({ name: 'LDAP bind and TLS', status: 'pass', detail: `bound as ${me.bindName}${me.distinguishedName ? ` (${me.distinguishedName}${me.sid ? `, ${me.sid}` : ''})` : ''} over verified TLS` });
  } catch (error) {
    checks.push({ name: 'LDAP bind and TLS', status: 'fail', detail: describe(error) });
    return result;
  }

  // 2. Schema.
  try {
    result.missingSchema = await port.missingSchemaAttributes(wanted);
    checks.push(result.missingSchema.length === 0
      ? { name: 'Schema has the attributes', status: 'pass', detail: `all ${wanted.length} attributes of the ${options.attributeSet} set exist` }
      : { name: 'Schema has the attributes', status: 'fail', detail: `the schema lacks ${result.missingSchema.join(', ')} (extend the schema with the Exchange attributes)` });
  } catch (error) {
    checks.push({ name: 'Schema has the attributes', status: 'fail', detail: describe(error) });
  }
  // Attributes the schema lacks cannot be delegated; they are reported once, above.
  const lacking = new Set(result.missingSchema.map((a) => a.toLowerCase()));
  const checkable = wanted.filter((a) => !lacking.has(a.toLowerCase()));

  // 3. Effective write rights on a sample of users per OU.
  const ousMissing = new Map<string, Set<string>>();
  for (const ou of options.scopeOus) {
    const name = `Write rights in ${ou}`;
    try {
      const users = await port.sampleUsers(ou, options.sampleSize);
      if (users.length === 0) {
        checks.push({ name, status: 'warn', detail: 'no user with a mail address found here to check rights on' });
        continue;
      }
      let short = 0;
      for (const user of users) {
        const writable = await port.effectiveWritableAttributes(user.distinguishedName);
        const missing = checkable.filter((a) => !writable.has(a.toLowerCase()));
        if (missing.length === 0) continue;
        short++;
        result.missingRights.push({ dn: user.distinguishedName, attributes: missing });
        const set = ousMissing.get(ou) ?? new Set<string>();
        missing.forEach((a) => set.add(a));
        ousMissing.set(ou, set);
      }
      const missingHere = [...(ousMissing.get(ou) ?? [])];
      checks.push(short === 0
        ? { name, status: 'pass', detail: `the account may write all ${checkable.length} attributes on the ${users.length} sampled user(s)` }
        : { name, status: 'fail', detail: `the account may not write ${missingHere.join(', ')} on ${short} of ${users.length} sampled user(s)` });
    } catch (error) {
      const detail = error instanceof DirectoryObjectGoneError ? `the OU does not exist (${error.message})` : describe(error);
      checks.push({ name, status: 'fail', detail });
    }
  }

  if (ousMissing.size > 0) {
    const attributes = checkable.filter((a) => [...ousMissing.values()].some((set) => set.has(a)));
    const commands = delegationCommands({ ous: [...ousMissing.keys()], account: account ?? '<DOMAIN>\\<service account>', attributes });
    result.delegationCommands = commands.dsacls;
    result.delegationScript = commands.powershell;
  }
  return result;
}
