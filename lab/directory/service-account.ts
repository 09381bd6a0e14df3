/**
 * The lab's OUs and the least-privilege service account the engine binds as, with write rights
 * on exactly the write-back attributes of user objects in the scoped OU (and below).
 */
import { AlreadyExistsError, Attribute, Change, type Client } from 'ldapts';
import { LabCommandFailedError } from '../lab-errors.js';
import { LAB_DOMAIN, LAB_OUS, SERVICE_ACCOUNT_NAME } from '../seed/lab-domain.js';
import { runCommand } from '../run-command.js';
import { sidToString, unicodePwd } from './ad-binary.js';
import { DELEGATED_ATTRIBUTES, DELEGATED_OBJECT_CLASS, delegationAces } from './delegation-acl.js';
import type { DirectoryPaths } from './directory-paths.js';
import { readSchemaIdGuids } from './ldap-connection.js';

/** The service account as the engine binds with it. */
export interface ServiceAccount {
  bindName: string;
  distinguishedName: string;
  sid: string;
}

/** UPN-form bind name of an account of the lab domain. */
export function bindNameOf(samAccountName: string): string {
  return `${samAccountName}@${LAB_DOMAIN.dnsName}`;
}

/** Distinguished name of the service account. */
export const SERVICE_ACCOUNT_DN = `CN=${SERVICE_ACCOUNT_NAME},${LAB_OUS.serviceAccounts}`;

/** Creates the lab's OUs (parents first); existing ones are kept. */
export async function ensureLabOus(client: Client): Promise<void> {
  for (const dn of [LAB_OUS.root, LAB_OUS.scoped, LAB_OUS.resources, LAB_OUS.outside, LAB_OUS.serviceAccounts]) {
    const ou = /^OU=([^,]+),/.exec(dn)?.[1] ?? dn;
    try {
      await client.add(dn, { objectClass: ['top', 'organizationalUnit'], ou });
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
}

/**
 * Creates (or re-passwords) the enabled service account in the Service Accounts OU and returns
 * its SID. The password never expires, so a long-lived demo lab keeps working.
 */
export async function ensureServiceAccount(client: Client, password: string): Promise<ServiceAccount> {
  const bindName = bindNameOf(SERVICE_ACCOUNT_NAME);
  try {
    await client.add(SERVICE_ACCOUNT_DN, [
      new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
      new Attribute({ type: 'cn', values: [SERVICE_ACCOUNT_NAME] }),
      new Attribute({ type: 'sAMAccountName', values: [SERVICE_ACCOUNT_NAME] }),
      new Attribute({ type: 'userPrincipalName', values: [bindName] }),
      new Attribute({ type: 'description', values: ['exo-writeback lab: writes Exchange attributes back (delegated)'] }),
      new Attribute({ type: 'unicodePwd', values: [unicodePwd(password)] }),
      // NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
      new Attribute({ type: 'userAccountControl', values: ['66048'] }),
    ]);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    await client.modify(SERVICE_ACCOUNT_DN, new Change({
      operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [unicodePwd(password)] }),
    }));
  }
  const { searchEntries } = await client.search(SERVICE_ACCOUNT_DN, {
    scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'],
  });
  const sid = searchEntries[0]?.objectSid;
  if (!Buffer.isBuffer(sid)) throw new LabCommandFailedError(`no objectSid on ${SERVICE_ACCOUNT_DN}`);
  return { bindName, distinguishedName: SERVICE_ACCOUNT_DN, sid: sidToString(sid) };
}

/**
 * Adds the write-property ACEs for {@link DELEGATED_ATTRIBUTES} on user objects to the scoped
 * OU's security descriptor (inherited by everything below it, e.g. Resources). Uses
 * `samba-tool dsacl set` on the DC's sam.ldb (it merges the ACEs into the existing DACL, as
 * `dsacls` would); the GUIDs come from the live schema, as Samba generates some of them.
 */
export async function delegateWriteback(client: Client, paths: DirectoryPaths, account: ServiceAccount): Promise<string[]> {
  const guids = await readSchemaIdGuids(client, [...DELEGATED_ATTRIBUTES, DELEGATED_OBJECT_CLASS]);
  const aces = delegationAces(guids, account.sid);
  await runCommand('samba-tool', ['dsacl', 'set', '-H', paths.samLdb, '-s', paths.smbConf,
    `--objectdn=${LAB_OUS.scoped}`, `--sddl=${aces.join('')}`]);
  // Check: every ACE is now on the OU (samba-tool prints the new descriptor as SDDL).
  const { stdout } = await runCommand('samba-tool', ['dsacl', 'get', '-H', paths.samLdb, '-s', paths.smbConf, `--objectdn=${LAB_OUS.scoped}`]);
  const sddl = stdout.toLowerCase();
  const absent = aces.filter((ace) => !sddl.includes(ace.toLowerCase()));
  if (absent.length > 0) throw new LabCommandFailedError(`delegation ACEs missing after dsacl set: ${absent.join(' ')}`);
  return aces;
}
