/**
 * Writes the lab organisation into AD as remote mailboxes (what an on-prem Exchange hybrid leaves
 * behind after migration) and reads back the anchors Entra Connect would sync.
 */
import { Attribute, Change, type Client } from 'ldapts';
import { LabCommandFailedError } from '../lab-errors.js';
import type { DirectoryAnchors } from '../seed/directory-anchors.js';
import { LAB_OUS, LAB_TENANT } from '../seed/lab-domain.js';
import type { MailboxKind, SeedUser } from '../seed/organisation.js';
import { escapeDnValue, guidToBytes, sidToString, unicodePwd } from './ad-binary.js';
import { withLdap, type LdapTarget } from './ldap-connection.js';

/** On-prem msExchRecipientTypeDetails of each remote mailbox kind (LargeInteger, as strings). */
export const REMOTE_RECIPIENT_TYPE_DETAILS: Record<MailboxKind, string> = {
  UserMailbox: '2147483648',
  RoomMailbox: '8589934592',
  EquipmentMailbox: '17179869184',
  SharedMailbox: '34359738368',
};

/** msExchRecipientDisplayType (Integer, signed) of each kind; `aclable` sets bit 0x40000000. */
export function recipientDisplayType(kind: MailboxKind, aclable: boolean): number {
  switch (kind) {
    case 'UserMailbox':
    case 'SharedMailbox':
      return aclable ? -1073741818 : -2147483642;
    case 'RoomMailbox':
      return -2147481850;
    case 'EquipmentMailbox':
      return -2147481594;
  }
}

/** msExchRemoteRecipientType of each kind (4 = migrated, plus room 0x20 / equipment 0x40 / shared 0x60). */
export const REMOTE_RECIPIENT_TYPE: Record<MailboxKind, number> = {
  UserMailbox: 4,
  RoomMailbox: 36,
  EquipmentMailbox: 68,
  SharedMailbox: 100,
};

/** userAccountControl flags used by the seed. */
export const UAC = { normal: 512, disabled: 514, passwordNotRequired: 544 } as const;

/**
 * userAccountControl: people are enabled (512, with a password); shared/room/equipment accounts
 * stay disabled (514), as Exchange creates them. An enabled account seeded without a password
 * gets PASSWD_NOTREQD (544): still enabled, as AD refuses 512 with an empty password.
 */
export function userAccountControlOf(user: SeedUser, hasPassword = true): number {
  const kind = user.mailbox?.kind;
  if (kind === 'SharedMailbox' || kind === 'RoomMailbox' || kind === 'EquipmentMailbox') return UAC.disabled;
  return hasPassword ? UAC.normal : UAC.passwordNotRequired;
}

/**
 * Distinguished names of the seeded users. `cn` must be unique within its OU, and the organisation
 * model can repeat a display name (two "Olivia Smith"s); the second and later get `cn = "<cn> (<key>)"`,
 * the way admins disambiguate. Keys are unique, so the result is deterministic and collision-free.
 */
export function seedDistinguishedNames(users: readonly SeedUser[]): Map<string, { dn: string; cn: string }> {
  const taken = new Set<string>();
  const out = new Map<string, { dn: string; cn: string }>();
  for (const user of users) {
    let cn = user.cn;
    if (taken.has(`${cn},${user.parentDn}`.toLowerCase())) cn = `${user.cn} (${user.key})`;
    taken.add(`${cn},${user.parentDn}`.toLowerCase());
    out.set(user.key, { dn: `CN=${escapeDnValue(cn)},${user.parentDn}`, cn });
  }
  return out;
}

/**
 * The LDAP attributes of one seeded user (pure). `password` is set for enabled accounts only;
 * null seeds an enabled account without one (see {@link userAccountControlOf}).
 */
export function seedAttributes(user: SeedUser, cn: string, password: string | null): Attribute[] {
  const attrs: Record<string, (string | Buffer)[]> = {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    cn: [cn],
    sAMAccountName: [user.key],
    userPrincipalName: [user.userPrincipalName],
    displayName: [user.displayName],
  };
  if (user.givenName) attrs.givenName = [user.givenName];
  if (user.sn) attrs.sn = [user.sn];
  if (user.department) attrs.department = [user.department];
  if (user.title) attrs.title = [user.title];
  if (user.syncedToEntra && user.hasExternalDirectoryObjectId) attrs['msDS-ExternalDirectoryObjectId'] = [`User_${user.entraId}`];

  const mailbox = user.mailbox;
  if (mailbox) {
    attrs.mail = [mailbox.primarySmtpAddress];
    attrs.mailNickname = [mailbox.alias];
    attrs.proxyAddresses = [...mailbox.onPremProxyAddresses];
    attrs.targetAddress = [`SMTP:${mailbox.alias}@${LAB_TENANT.routingDomain}`];
    attrs.legacyExchangeDN = [mailbox.onPremLegacyExchangeDn];
    attrs.msExchRecipientTypeDetails = [REMOTE_RECIPIENT_TYPE_DETAILS[mailbox.kind]];
    attrs.msExchRecipientDisplayType = [String(recipientDisplayType(mailbox.kind, mailbox.aclableDisplayType))];
    attrs.msExchRemoteRecipientType = [String(REMOTE_RECIPIENT_TYPE[mailbox.kind])];
    for (const [n, value] of Object.entries(mailbox.onPremCustomAttributes)) attrs[`extensionAttribute${n}`] = [value];
    for (const [n, values] of Object.entries(mailbox.extensionCustomAttributes)) {
      if (values.length > 0) attrs[`msExchExtensionCustomAttribute${n}`] = [...values];
    }
    if (mailbox.hiddenFromAddressLists) attrs.msExchHideFromAddressLists = ['TRUE'];
    attrs.msExchMailboxGuid = [guidToBytes(mailbox.exchangeGuid)];
  }
  const uac = userAccountControlOf(user, password !== null);
  // Enabled accounts need a password in the same add (AD refuses 512 without one).
  if (uac === UAC.normal && password !== null) attrs.unicodePwd = [unicodePwd(password)];
  attrs.userAccountControl = [String(uac)];

  return Object.entries(attrs).map(([type, values]) =>
    new Attribute({ type, values: values.every((v) => Buffer.isBuffer(v)) ? values : values.map(String) }));
}

/** Options of {@link seedDirectory}. */
export interface SeedOptions {
  /** Password of every enabled seeded account. */
  userPassword: string;
  /**
   * How many users (in seed order; the organisation lists its fixed demo users first) get a real
   * password. Samba hashes each password (Kerberos keys, ~27 ms) inside its write lock, so
   * passwords dominate large seeds: 20,000 take ~9 min with, ~1.5 min without. Default: all.
   */
  passwordLimit?: number;
  /** Operations kept in flight on the one connection (pipelining hides round trips). Default 8. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** Filled with milliseconds per phase (`seed.add`, `seed.readBack`, `seed.consistencyGuid`). */
  timingsMs?: Record<string, number>;
}

/**
 * Adds every user over one LDAPS connection, stamps mS-DS-ConsistencyGuid = objectGUID for users
 * anchored on it, and returns the anchors of every seeded user by key.
 */
export async function seedDirectory(target: LdapTarget, users: readonly SeedUser[], options: SeedOptions): Promise<Map<string, DirectoryAnchors>> {
  const names = seedDistinguishedNames(users);
  return withLdap(target, async (client) => {
    const timings = options.timingsMs ?? {};
    let phaseStart = Date.now();
    const phase = (name: string) => {
      timings[name] = Date.now() - phaseStart;
      phaseStart = Date.now();
    };
    let done = 0;
    const withPassword = new Set(users.slice(0, options.passwordLimit ?? users.length).map((u) => u.key));
    await runPool(users, options.concurrency ?? 8, async (user) => {
      const { dn, cn } = names.get(user.key)!;
      await client.add(dn, seedAttributes(user, cn, withPassword.has(user.key) ? options.userPassword : null));
      if (++done % 500 === 0) options.onProgress?.(done, users.length);
    });

    phase('seed.add');
    const anchors = await readAnchorsWith(client);
    phase('seed.readBack');
    const wantsConsistency = users.filter((u) => u.sourceAnchor === 'consistencyGuid');
    await runPool(wantsConsistency, options.concurrency ?? 8, async (user) => {
      const anchor = anchors.get(user.key);
      if (!anchor) return;
      await client.modify(anchor.distinguishedName, new Change({
        operation: 'replace', modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [anchor.objectGuid] }),
      }));
      anchor.consistencyGuid = Buffer.from(anchor.objectGuid);
    });
    phase('seed.consistencyGuid');

    const result = new Map<string, DirectoryAnchors>();
    const missing: string[] = [];
    for (const user of users) {
      const anchor = anchors.get(user.key);
      if (anchor) result.set(user.key, anchor);
      else missing.push(user.key);
    }
    if (missing.length > 0) throw new LabCommandFailedError(`seeded users not found on read-back: ${missing.slice(0, 10).join(', ')}`);
    return result;
  });
}

/**
 * Reads the anchors (DN, objectGUID, objectSid, mS-DS-ConsistencyGuid) of every user below the
 * lab's root OU, by sAMAccountName, with a paged search (service accounts excluded).
 */
export async function readDirectoryAnchors(target: LdapTarget): Promise<Map<string, DirectoryAnchors>> {
  return withLdap(target, (client) => readAnchorsWith(client));
}

async function readAnchorsWith(client: Client): Promise<Map<string, DirectoryAnchors>> {
  const anchors = new Map<string, DirectoryAnchors>();
  const serviceOu = `,${LAB_OUS.serviceAccounts}`.toLowerCase();
  for await (const page of client.searchPaginated(LAB_OUS.root, {
    scope: 'sub',
    filter: '(&(objectCategory=person)(objectClass=user))',
    attributes: ['sAMAccountName', 'objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid'],
    explicitBufferAttributes: ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid'],
    paged: { pageSize: 500 },
    // No time limit of our asking (ldapts asks for 10 s): on a large, cold database the first page alone can take longer.
    timeLimit: 0,
  })) {
    for (const entry of page.searchEntries) {
      if (entry.dn.toLowerCase().endsWith(serviceOu)) continue;
      const { objectGUID, objectSid } = entry;
      const consistency = entry['mS-DS-ConsistencyGuid'];
      if (!Buffer.isBuffer(objectGUID) || !Buffer.isBuffer(objectSid)) {
        throw new LabCommandFailedError(`${entry.dn} has no objectGUID/objectSid`);
      }
      anchors.set(String(entry.sAMAccountName), {
        distinguishedName: entry.dn,
        objectGuid: objectGUID,
        objectSid: sidToString(objectSid),
        consistencyGuid: Buffer.isBuffer(consistency) ? consistency : null,
      });
    }
  }
  return anchors;
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure rejects (after in-flight work settles). */
export async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
