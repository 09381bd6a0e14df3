/**
 * The lab's organisation: a deterministic description of every person, shared mailbox and
 * resource, from which both halves of the lab are built (the AD seed and the emulated tenant),
 * so that they agree the way a real hybrid organisation does after mailbox migration.
 *
 * Pure: no I/O. The same `size` and `seed` always produce the same organisation.
 */
import { LAB_OUS, LAB_TENANT } from './lab-domain.js';
import { createRandom, type Random } from './random.js';

/** EXO recipient types the lab creates (the four that write back). */
export type MailboxKind = 'UserMailbox' | 'SharedMailbox' | 'RoomMailbox' | 'EquipmentMailbox';

/** One AD user object of the lab, and its mailbox if it has one. */
export interface SeedUser {
  /** Stable key, also the sAMAccountName (≤ 20 chars). */
  key: string;
  /** Entra object id (Graph `id`, EXO `ExternalDirectoryObjectId`); fixed here so AD can carry it. */
  entraId: string;
  /** OU the object lives in (its parent DN). */
  parentDn: string;
  /** `cn` / RDN value. */
  cn: string;
  givenName: string | null;
  sn: string | null;
  displayName: string;
  userPrincipalName: string;
  department: string | null;
  title: string | null;
  /** Entra Connect syncs this user (false for AD-only accounts: no Entra user, no mailbox). */
  syncedToEntra: boolean;
  /**
   * Which anchor Entra Connect uses: `consistencyGuid` (modern default; AD gets
   * mS-DS-ConsistencyGuid = objectGUID bytes) or `objectGuid` (legacy installs; the attribute stays empty).
   */
  sourceAnchor: 'consistencyGuid' | 'objectGuid';
  /** Classic hybrid writeback stamped `msDS-ExternalDirectoryObjectId = User_<entraId>`. */
  hasExternalDirectoryObjectId: boolean;
  mailbox: SeedMailbox | null;
}

/** A remote mailbox as on-prem AD and Exchange Online hold it. */
export interface SeedMailbox {
  kind: MailboxKind;
  alias: string;
  primarySmtpAddress: string;
  /** legacyExchangeDN the mailbox had on-prem before migration (kept as an X500 proxy). */
  onPremLegacyExchangeDn: string;
  /** legacyExchangeDN of the mailbox in Exchange Online. */
  cloudLegacyExchangeDn: string;
  /** proxyAddresses as AD holds them now. */
  onPremProxyAddresses: string[];
  /** EmailAddresses as Exchange Online holds them now (AD's plus cloud-only SPO/SIP values). */
  cloudEmailAddresses: string[];
  /** extensionAttributeN in AD now (index 1..15); absent means unset. */
  onPremCustomAttributes: Record<number, string>;
  /** CustomAttributeN in EXO now; equals AD unless a cloud edit is pending write-back. */
  cloudCustomAttributes: Record<number, string>;
  /** msExchExtensionCustomAttributeN (index 1..5), the same on both sides at seed time. */
  extensionCustomAttributes: Record<number, string[]>;
  hiddenFromAddressLists: boolean;
  /** `IsExchangeCloudManaged` in EXO (the source of authority was moved to the cloud). */
  cloudManaged: boolean;
  /** AD keeps the ACL-able form of msExchRecipientDisplayType (bit 0x40000000). */
  aclableDisplayType: boolean;
  exchangeGuid: string;
  /** EXO mailbox object `Guid`. */
  exoGuid: string;
}

/** Options of {@link buildOrganisation}. */
export interface OrganisationOptions {
  /** Number of mailbox-enabled objects to create (the fixed demo objects included). Default 50. */
  mailboxes?: number;
  /** PRNG seed; change it to get a different but still reproducible organisation. */
  seed?: number;
  /**
   * Share (0–1) of generated mailboxes that are cloud-managed. Default: 60 % in the scoped OU,
   * 50 % outside it. The benchmarks use 1 so that the in-scope count is known from the size.
   */
  cloudManagedShare?: number;
}

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'Lucas',
  'Mia', 'Mason', 'Amelia', 'Ethan', 'Harper', 'Logan', 'Evelyn', 'Jacob', 'Abigail', 'Michael', 'Emily',
  'Daniel', 'Ella', 'Henry', 'Elizabeth', 'Jackson', 'Camila', 'Sebastian', 'Luna', 'Aiden', 'Sofia',
  'Matthew', 'Avery', 'Samuel', 'Mila', 'David', 'Aria', 'Joseph', 'Scarlett', 'Carter', 'Jürgen', 'Zoë',
  'Björn', 'Renée', 'François', 'Chloé'];
const LAST = ['Smith', 'Johnson', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Müller', "O'Brien",
  'Østergaard', 'Dubois'];
const DEPARTMENTS = ['Finance', 'Sales', 'Marketing', 'Engineering', 'Legal', 'HR', 'Operations', 'IT'];
const TITLES = ['Analyst', 'Manager', 'Engineer', 'Consultant', 'Specialist', 'Director', 'Assistant'];

/**
 * Builds the lab organisation. Always contains the demo users Ashley Taylor (cloud-managed) and
 * Anthony Williams (not converted), shared/room/equipment mailboxes, users outside the scoped OU,
 * a few AD-only accounts, and a realistic mix for the rest.
 */
export function buildOrganisation(options: OrganisationOptions = {}): SeedUser[] {
  const total = Math.max(options.mailboxes ?? 50, FIXED.length);
  const random = createRandom(options.seed ?? 20260515);
  const usedKeys = new Set<string>();
  const users: SeedUser[] = FIXED.map((spec) => fromSpec(spec, random, usedKeys));

  for (let i = users.length; i < total; i++) {
    const given = random.pick(FIRST);
    const family = random.pick(LAST);
    const roll = random.next();
    // Mix: ~80 % in the scoped OU (60 % of those converted), ~12 % outside it, ~8 % shared mailboxes.
    const kind: MailboxKind = roll < 0.08 ? 'SharedMailbox' : 'UserMailbox';
    const outside = kind === 'UserMailbox' && roll > 0.88;
    users.push(
      fromSpec(
        {
          given: kind === 'SharedMailbox' ? null : given,
          family: kind === 'SharedMailbox' ? null : family,
          display: kind === 'SharedMailbox' ? `${random.pick(DEPARTMENTS)} Team ${i}` : `${given} ${family}`,
          kind,
          parentDn: outside ? LAB_OUS.outside : kind === 'SharedMailbox' ? LAB_OUS.resources : LAB_OUS.scoped,
          cloudManaged: random.next() < (options.cloudManagedShare ?? (outside ? 0.5 : 0.6)),
        },
        random,
        usedKeys,
      ),
    );
  }
  // AD-only accounts: never synced, no mailbox (kept out of the mailbox count).
  for (const name of ['Backup Operator', 'Print Service']) {
    users.push(fromSpec({ given: null, family: null, display: name, kind: null, parentDn: LAB_OUS.outside, cloudManaged: false }, random, usedKeys));
  }
  return users;
}

/** Mailboxes that only exist in the cloud (not dir-synced), created by the emulator alone. */
export function cloudOnlyMailboxNames(): string[] {
  return ['Cloud Helpdesk', 'Nora Cloudonly'];
}

interface PersonSpec {
  key?: string;
  given: string | null;
  family: string | null;
  display: string;
  kind: MailboxKind | null;
  parentDn: string;
  cloudManaged: boolean;
  /** Force a cloud-side edit pending write-back. */
  pendingCloudEdit?: boolean;
  aclable?: boolean;
}

const FIXED: PersonSpec[] = [
  { key: 'ataylor', given: 'Ashley', family: 'Taylor', display: 'Ashley Taylor', kind: 'UserMailbox', parentDn: LAB_OUS.scoped, cloudManaged: true, pendingCloudEdit: false },
  { key: 'awilliams', given: 'Anthony', family: 'Williams', display: 'Anthony Williams', kind: 'UserMailbox', parentDn: LAB_OUS.scoped, cloudManaged: false, pendingCloudEdit: false },
  { key: 'mgarcia', given: 'Maria', family: 'Garcia', display: 'Maria Garcia', kind: 'UserMailbox', parentDn: LAB_OUS.scoped, cloudManaged: true, pendingCloudEdit: true, aclable: true },
  { key: 'jmueller', given: 'Jürgen', family: 'Müller', display: 'Jürgen Müller', kind: 'UserMailbox', parentDn: LAB_OUS.scoped, cloudManaged: true },
  { key: 'kokafor', given: 'Kemi', family: 'Okafor', display: 'Kemi Okafor', kind: 'UserMailbox', parentDn: LAB_OUS.outside, cloudManaged: true },
  { key: 'finance', given: null, family: null, display: 'Finance Shared', kind: 'SharedMailbox', parentDn: LAB_OUS.resources, cloudManaged: true },
  { key: 'reception', given: null, family: null, display: 'Reception', kind: 'SharedMailbox', parentDn: LAB_OUS.resources, cloudManaged: false },
  { key: 'room-oslo', given: null, family: null, display: 'Conference Room Oslo', kind: 'RoomMailbox', parentDn: LAB_OUS.resources, cloudManaged: true },
  { key: 'room-lima', given: null, family: null, display: 'Conference Room Lima', kind: 'RoomMailbox', parentDn: LAB_OUS.resources, cloudManaged: false },
  { key: 'projector1', given: null, family: null, display: 'Projector 1', kind: 'EquipmentMailbox', parentDn: LAB_OUS.resources, cloudManaged: true },
];

function fromSpec(spec: PersonSpec, random: Random, usedKeys: Set<string>): SeedUser {
  const key = uniqueKey(spec.key ?? baseKey(spec), usedKeys);
  const entraId = random.uuid();
  const local = spec.given && spec.family ? `${asciiFold(spec.given)}.${asciiFold(spec.family)}`.toLowerCase() : key;
  const localUnique = spec.key || !spec.given ? local : `${local}${key.match(/\d+$/)?.[0] ?? ''}`;
  const upn = `${localUnique}@${LAB_TENANT.mailDomain}`;
  const isPerson = spec.given !== null;
  const user: SeedUser = {
    key,
    entraId,
    parentDn: spec.parentDn,
    cn: spec.display,
    givenName: spec.given,
    sn: spec.family,
    displayName: spec.display,
    userPrincipalName: upn,
    department: isPerson ? random.pick(DEPARTMENTS) : null,
    title: isPerson ? random.pick(TITLES) : null,
    syncedToEntra: spec.kind !== null,
    sourceAnchor: random.next() < 0.1 && spec.key === undefined ? 'objectGuid' : 'consistencyGuid',
    hasExternalDirectoryObjectId: random.next() < 0.3,
    mailbox: null,
  };
  if (spec.kind) user.mailbox = buildMailbox(spec, key, upn, random);
  return user;
}

function buildMailbox(spec: PersonSpec, alias: string, primary: string, random: Random): SeedMailbox {
  const org = LAB_TENANT.exchangeOrganisation;
  const onPremLegacy = `/o=${org}/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${alias}`;
  const cloudLegacy = `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${random.hex(32)}-${alias}`;
  const onPrem = [
    `SMTP:${primary}`,
    `smtp:${alias}@${LAB_TENANT.routingDomain}`,
    `X500:${onPremLegacy}`,
  ];
  if (spec.kind === 'UserMailbox' && random.next() < 0.5) onPrem.push(`smtp:${alias}@${LAB_TENANT.mailDomain}`);
  if (spec.kind === 'UserMailbox') onPrem.push(`SIP:${primary}`);
  // Addresses are unique case-insensitively; the first form (the primary's) wins.
  const seen = new Set<string>();
  const uniqueOnPrem = onPrem.filter((v) => !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()));
  const cloud = [...uniqueOnPrem, `X500:${cloudLegacy}`, `SPO:SPO_${random.uuid()}@SPO_${LAB_TENANT.tenantId}`];
  // The cloud's own legacyExchangeDN is stamped on-prem as X500 by hybrid configuration.
  uniqueOnPrem.push(`X500:${cloudLegacy}`);

  const custom: Record<number, string> = {};
  if (spec.given) custom[2] = random.pick(DEPARTMENTS);
  if (random.next() < 0.4) custom[7] = `CC-${1000 + Math.floor(random.next() * 9000)}`;
  const cloudCustom = { ...custom };
  const pending = spec.pendingCloudEdit ?? (spec.cloudManaged && random.next() < 0.1);
  if (pending) cloudCustom[5] = `Edited in Exchange Online`;

  const ext: Record<number, string[]> = {};
  if (random.next() < 0.2) ext[1] = ['badge-reader', 'vpn'];

  return {
    kind: spec.kind!,
    alias,
    primarySmtpAddress: primary,
    onPremLegacyExchangeDn: onPremLegacy,
    cloudLegacyExchangeDn: cloudLegacy,
    onPremProxyAddresses: uniqueOnPrem,
    cloudEmailAddresses: cloud,
    onPremCustomAttributes: custom,
    cloudCustomAttributes: cloudCustom,
    extensionCustomAttributes: ext,
    hiddenFromAddressLists: spec.kind === 'EquipmentMailbox',
    cloudManaged: spec.cloudManaged,
    aclableDisplayType: spec.aclable ?? random.next() < 0.1,
    exchangeGuid: random.uuid(),
    exoGuid: random.uuid(),
  };
}

function baseKey(spec: PersonSpec): string {
  if (spec.given && spec.family) return `${asciiFold(spec.given)[0]}${asciiFold(spec.family)}`.toLowerCase().slice(0, 16);
  return asciiFold(spec.display).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 16);
}

function uniqueKey(base: string, used: Set<string>): string {
  let key = base;
  for (let n = 2; used.has(key); n++) key = `${base.slice(0, 20 - String(n).length)}${n}`;
  used.add(key);
  return key;
}

/** ASCII folding for address local parts (ü → u, ø → o, apostrophes dropped). */
export function asciiFold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/[^A-Za-z0-9]/g, '');
}
