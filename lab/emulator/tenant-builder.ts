/**
 * Builds the emulated tenant from the lab organisation and the anchors the directory half read
 * back from AD, the way Entra Connect Sync and a finished mailbox migration would leave it.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { DirectoryAnchors } from '../seed/directory-anchors.js';
import { LAB_DOMAIN, LAB_TENANT } from '../seed/lab-domain.js';
import { cloudOnlyMailboxNames, type SeedMailbox, type SeedUser } from '../seed/organisation.js';
import { createRandom } from '../seed/random.js';
import { thumbprints } from '../pki/certificates.js';
import { EmulatorConfigError } from './emulator-errors.js';
import {
  CUSTOM_ATTRIBUTE_COUNT,
  ChangeClock,
  EXO_RESOURCE,
  EXTENSION_CUSTOM_ATTRIBUTE_COUNT,
  GRAPH_RESOURCE,
  newStateId,
  type AppRegistration,
  type ExoMailbox,
  type GraphUser,
  type RecipientTypeDetails,
  type TenantData,
} from './tenant-state.js';

/** Options of {@link buildTenantState}. */
export interface TenantBuildOptions {
  /** PEM of the app's client certificate (`lab/pki` app.pem); its thumbprints are registered. */
  appCertificatePem: string;
  /** App (client) id; random when absent. */
  clientId?: string;
  /** Client secret value; random (40 characters, like Entra's) when absent. */
  clientSecret?: string;
  /** Tenant id; default {@link LAB_TENANT}.tenantId. */
  tenantId?: string;
  /** Wall time the tenant is created at (WhenCreated, last sync time). Default now. */
  now?: Date;
  /**
   * The organisation's PRNG seed (as given to `buildOrganisation`). The cloud-only mailboxes' ids
   * are drawn from a stream derived from it, so they never repeat the organisation's ids.
   */
  seed?: number;
}

/** Application roles the lab app is granted. */
export const LAB_APP_ROLES: Record<string, string[]> = {
  [EXO_RESOURCE]: ['Exchange.ManageAsApp'],
  [GRAPH_RESOURCE]: ['User.Read.All'],
};

/**
 * Builds the tenant: a Graph user for every synced AD user (anchors from `anchors`, keyed by
 * `SeedUser.key`), an EXO mailbox for every seed mailbox, the cloud-only mailboxes, and one app
 * registration with a client secret and the lab certificate.
 *
 * @throws EmulatorConfigError when a synced user has no anchors.
 */
export function buildTenantState(users: SeedUser[], anchors: Map<string, DirectoryAnchors>, options: TenantBuildOptions): TenantData {
  const nowMs = (options.now ?? new Date()).getTime();
  const clockState = { lastUs: 0, seq: 0 };
  const clock = new ChangeClock(clockState);
  const syncTime = isoSeconds(nowMs);
  const mailboxes: ExoMailbox[] = [];
  const graphUsers: GraphUser[] = [];

  for (const user of users) {
    if (!user.syncedToEntra) continue;
    const anchor = anchors.get(user.key);
    if (!anchor) throw new EmulatorConfigError(`No directory anchors for synced user '${user.key}'`);
    if (anchor.objectGuid.length !== 16) throw new EmulatorConfigError(`objectGUID of '${user.key}' is not 16 bytes`);
    const immutable = anchor.consistencyGuid ?? anchor.objectGuid;
    graphUsers.push({
      id: user.entraId,
      displayName: user.displayName,
      givenName: user.givenName,
      surname: user.sn,
      jobTitle: user.title,
      department: user.department,
      userPrincipalName: user.userPrincipalName,
      mail: user.mailbox?.primarySmtpAddress ?? null,
      // Entra holds what Connect Sync exported from AD.
      proxyAddresses: user.mailbox ? [...user.mailbox.onPremProxyAddresses] : [],
      businessPhones: [],
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      accountEnabled: true,
      onPremisesImmutableId: immutable.toString('base64'),
      onPremisesSecurityIdentifier: anchor.objectSid,
      onPremisesDistinguishedName: anchor.distinguishedName,
      onPremisesDomainName: LAB_DOMAIN.dnsName,
      onPremisesSamAccountName: user.key,
      onPremisesUserPrincipalName: user.userPrincipalName,
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: syncTime,
      changeSeq: clock.tick(nowMs).seq,
    });
    if (user.mailbox) mailboxes.push(mailboxFromSeed(user, user.mailbox, clock, nowMs));
  }

  const random = createRandom((options.seed ?? 20260515) ^ 0x5eedc10d);
  for (const name of cloudOnlyMailboxNames()) {
    const shared = /helpdesk/i.test(name);
    const alias = shared ? name.toLowerCase().replace(/[^a-z0-9]+/g, '') : name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
    const primary = `${alias}@${LAB_TENANT.mailDomain}`;
    const id = random.uuid();
    const emailAddresses = [`SMTP:${primary}`, `smtp:${alias}@${LAB_TENANT.initialDomain}`, `SPO:SPO_${random.uuid()}@SPO_${LAB_TENANT.tenantId}`];
    const stamp = clock.tick(nowMs);
    mailboxes.push({
      ExternalDirectoryObjectId: id,
      Guid: random.uuid(),
      ExchangeGuid: random.uuid(),
      Alias: alias,
      DisplayName: name,
      Name: name,
      UserPrincipalName: `${alias}@${LAB_TENANT.mailDomain}`,
      PrimarySmtpAddress: primary,
      WindowsEmailAddress: primary,
      EmailAddresses: emailAddresses,
      HiddenFromAddressListsEnabled: false,
      CustomAttributes: Array.from({ length: CUSTOM_ATTRIBUTE_COUNT }, () => ''),
      ExtensionCustomAttributes: Array.from({ length: EXTENSION_CUSTOM_ATTRIBUTE_COUNT }, () => []),
      RecipientType: 'UserMailbox',
      RecipientTypeDetails: shared ? 'SharedMailbox' : 'UserMailbox',
      IsDirSynced: false,
      IsExchangeCloudManaged: false,
      LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${random.hex(32)}-${alias}`,
      WhenCreatedUs: stamp.us,
      WhenChangedUs: stamp.us,
      changeSeq: stamp.seq,
    });
    const [given, family] = shared ? [null, null] : name.split(' ');
    graphUsers.push({
      id,
      displayName: name,
      givenName: given ?? null,
      surname: family ?? null,
      jobTitle: null,
      department: null,
      userPrincipalName: `${alias}@${LAB_TENANT.mailDomain}`,
      mail: primary,
      proxyAddresses: emailAddresses.filter((a) => /^smtp:/i.test(a)),
      businessPhones: [],
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      accountEnabled: !shared,
      onPremisesImmutableId: null,
      onPremisesSecurityIdentifier: null,
      onPremisesDistinguishedName: null,
      onPremisesDomainName: null,
      onPremisesSamAccountName: null,
      onPremisesUserPrincipalName: null,
      onPremisesSyncEnabled: null,
      onPremisesLastSyncDateTime: null,
      changeSeq: clock.tick(nowMs).seq,
    });
  }

  assertUnique(mailboxes.map((m) => m.Guid), 'mailbox Guid');
  assertUnique(mailboxes.map((m) => m.ExternalDirectoryObjectId), 'ExternalDirectoryObjectId');
  assertUnique(graphUsers.map((u) => u.id), 'Entra user id');

  const prints = thumbprints(options.appCertificatePem);
  const app: AppRegistration = {
    clientId: options.clientId ?? randomUUID(),
    displayName: 'exo-writeback lab',
    clientSecrets: [options.clientSecret ?? randomBytes(30).toString('base64url')],
    certificates: [{ pem: options.appCertificatePem, x5t: prints.x5t, x5tS256: prints.x5tS256 }],
    roles: structuredClone(LAB_APP_ROLES),
  };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  return {
    version: 1,
    stateId: newStateId(),
    tenantId: options.tenantId ?? LAB_TENANT.tenantId,
    initialDomain: LAB_TENANT.initialDomain,
    acceptedDomains: [LAB_TENANT.mailDomain, LAB_TENANT.initialDomain, LAB_TENANT.routingDomain],
    createdAt: new Date(nowMs).toISOString(),
    apps: [app],
    mailboxes,
    graphUsers,
    graphTombstones: [],
    clock: clockState,
    signingKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    linkKey: randomBytes(32).toString('base64'),
  };
}

function mailboxFromSeed(user: SeedUser, mailbox: SeedMailbox, clock: ChangeClock, nowMs: number): ExoMailbox {
  const stamp = clock.tick(nowMs);
  return {
    ExternalDirectoryObjectId: user.entraId,
    Guid: mailbox.exoGuid,
    ExchangeGuid: mailbox.exchangeGuid,
    Alias: mailbox.alias,
    DisplayName: user.displayName,
    Name: user.cn,
    UserPrincipalName: user.userPrincipalName,
    PrimarySmtpAddress: mailbox.primarySmtpAddress,
    WindowsEmailAddress: mailbox.primarySmtpAddress,
    EmailAddresses: [...mailbox.cloudEmailAddresses],
    HiddenFromAddressListsEnabled: mailbox.hiddenFromAddressLists,
    CustomAttributes: Array.from({ length: CUSTOM_ATTRIBUTE_COUNT }, (_, i) => mailbox.cloudCustomAttributes[i + 1] ?? ''),
    ExtensionCustomAttributes: Array.from({ length: EXTENSION_CUSTOM_ATTRIBUTE_COUNT }, (_, i) => [...(mailbox.extensionCustomAttributes[i + 1] ?? [])]),
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: mailbox.kind satisfies RecipientTypeDetails,
    IsDirSynced: true,
    IsExchangeCloudManaged: mailbox.cloudManaged,
    LegacyExchangeDN: mailbox.cloudLegacyExchangeDn,
    WhenCreatedUs: stamp.us,
    WhenChangedUs: stamp.us,
    changeSeq: stamp.seq,
  };
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function assertUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) throw new EmulatorConfigError(`Duplicate ${what} '${value}' in the built tenant`);
    seen.add(key);
  }
}
