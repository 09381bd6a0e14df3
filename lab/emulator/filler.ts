/**
 * Filler: a large synthetic population of dir-synced mailboxes and their Entra users, for
 * benchmarks that need a tenant of e.g. 1,000,000 mailboxes of which only the lab's own exist in AD.
 *
 * Nothing is stored per filler object. Object `g` (0 ≤ g < count) is a pure function of
 * `(seed, count, g)` and is built when a request reads it, so a million of them cost no memory, no
 * start-up time and never reach the state file. To page and look up without an index:
 *
 * - mailbox `Guid`s, Entra ids and `ExchangeGuid`s are *ordered* GUIDs: the first 32 bits grow
 *   with a rank (spread evenly over the key space, random within their slot), the rest is random.
 *   The mailbox Guid rank is `g` itself; the Entra id and ExchangeGuid ranks are two affine
 *   permutations of `g`, so the three orders are unrelated. A GUID decodes back to its rank in O(1)
 *   and keyset paging finds its place by binary search;
 * - every other identity (alias, name, UPN, SMTP addresses, LegacyExchangeDN) ends in the serial
 *   `g + 1`, so it decodes back too. Lab objects never take these forms: their aliases and
 *   addresses have no `.<serial>`, and their names are not `<first> <last> <serial>`.
 *
 * Edits (Set-Mailbox, control-API patches and deletions) are kept in memory on top of the
 * generated objects and are lost with the filler (a restart or the next `PUT /_emulator/filler`).
 */
import { LAB_DOMAIN, LAB_TENANT } from '../seed/lab-domain.js';
import { asciiFold } from '../seed/organisation.js';
import type { OpathValue } from './opath-filter.js';
import type { ExoMailbox, GraphTombstone, GraphUser, TenantStore } from './tenant-state.js';

/** Most filler objects the emulator generates (keeps ranks, RIDs and index arithmetic exact). */
export const FILLER_MAX = 10_000_000;
/** Seed used when a request does not name one. */
export const DEFAULT_FILLER_SEED = 1;
/** Filler SIDs are `<lab domain SID>-<FILLER_RID_BASE + g>`: far above any RID the lab allocates. */
export const FILLER_RID_BASE = 900_000_000;
/** OU of the filler users' on-prem DNs: in the lab domain, but never created in AD. */
export const FILLER_PARENT_DN = `OU=Regional Staff,OU=Contoso,${LAB_DOMAIN.baseDn}`;

/**
 * Mailbox properties (canonical names, as the OPATH accessor asks for them) whose value a filler
 * mailbox that was never edited has without being built: see {@link Filler.quickMailboxProperty}.
 */
export const FILLER_QUICK_PROPERTIES: ReadonlySet<string> = new Set([
  'RecipientType', 'RecipientTypeDetails', 'IsDirSynced', 'IsExchangeCloudManaged', 'HiddenFromAddressListsEnabled',
  'WhenChanged', 'WhenChangedUTC', 'WhenCreated', 'WhenCreatedUTC',
]);

/** What a caller asks for. */
export interface FillerSettings {
  /** Number of filler mailboxes (and Entra users); 0 removes them. */
  mailboxes: number;
  /** PRNG seed (32-bit unsigned); the same seed and count give the same objects. */
  seed?: number;
}

/** Everything a {@link Filler} is generated from. */
export interface FillerParameters {
  count: number;
  seed: number;
  /** For the `SPO:` proxy address. */
  tenantId: string;
  /** `S-1-5-21-a-b-c` of the lab domain. */
  domainSid: string;
  /** First of the `2 × count` change-clock ticks reserved for creating the filler. */
  firstSeq: number;
  firstUs: number;
  /** `onPremisesLastSyncDateTime` of every filler user. */
  syncTime: string;
}

/** What `PUT /_emulator/filler` reports. */
export interface FillerSummary {
  mailboxes: number;
  seed: number;
}

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'Lucas', 'Mia', 'Mason',
  'Amelia', 'Ethan', 'Harper', 'Logan', 'Evelyn', 'Jacob', 'Abigail', 'Michael', 'Emily', 'Daniel', 'Ella', 'Henry',
  'Elizabeth', 'Jackson', 'Camila', 'Sebastian', 'Luna', 'Aiden', 'Sofia', 'Matthew', 'Avery', 'Samuel', 'Mila', 'David',
  'Aria', 'Joseph', 'Scarlett', 'Carter', 'Jürgen', 'Zoë', 'Björn', 'Renée', 'François', 'Chloé', 'Ingrid', 'Mateo',
  'Priya', 'Hiroshi', 'Fatima', 'Oluwaseun', 'Siobhan', 'Tomás', 'Anneke', 'Dmitri', 'Leilani', 'Rafael', 'Yara', 'Kwame'];
// ASCII-folded, at most 10 characters: `<initial><family>.<serial>` must fit a sAMAccountName (20).
const LAST = ['Smith', 'Johnson', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White',
  'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott',
  'Torres', 'Nguyen', 'Hill', 'Flores', 'Müller', "O'Brien", 'Østergaard', 'Dubois', 'Kowalski', 'Novak', 'Tanaka',
  'Okafor', 'Haddad', 'Lindqvist', 'Fischer', 'Rossi', 'Kim', 'Singh', 'Silva', 'Jansen', 'Costa', 'Ivanova'];
const DEPARTMENTS = ['Finance', 'Sales', 'Marketing', 'Engineering', 'Legal', 'HR', 'Operations', 'IT'];
const TITLES = ['Analyst', 'Manager', 'Engineer', 'Consultant', 'Specialist', 'Director', 'Assistant'];

/** Names as address local parts: ASCII-folded, lower case. */
const localPart = (text: string): string => asciiFold(text).toLowerCase();
const FIRST_LOCAL = FIRST.map(localPart);
const LAST_LOCAL = LAST.map(localPart);

// Independent random streams per object, so a GUID is computable without the rest.
const STREAM_MAILBOX_GUID = 1;
const STREAM_USER_ID = 2;
const STREAM_EXCHANGE_GUID = 3;
const STREAM_PROFILE = 4;
const STREAM_ANCHOR = 5;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXCHANGE_LABS_DN = '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=';
const ON_PREM_DN = `/o=${LAB_TENANT.exchangeOrganisation}/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=`;

/** The attributes a filler mailbox and its Entra user share. */
interface Profile {
  given: string;
  family: string;
  name: string;
  alias: string;
  upn: string;
  department: string;
  title: string;
  /** proxyAddresses as AD (and so Entra) holds them. */
  onPrem: string[];
  cloudLegacy: string;
  spo: string;
  costCentre: string | null;
  extension: string[] | null;
}

/**
 * A generated filler population plus the in-memory edits made to it. Indexes `g` run from 0 to
 * `count - 1`; the mailbox and the Entra user with the same `g` belong together.
 */
export class Filler {
  private readonly spread: number;
  private readonly userRanks: AffinePermutation;
  private readonly exchangeRanks: AffinePermutation;
  private readonly editedMailboxes = new Map<number, ExoMailbox>();
  private readonly editedUsers = new Map<number, GraphUser>();
  private readonly deleted = new Set<number>();
  private readonly tombstones: GraphTombstone[] = [];

  constructor(readonly params: FillerParameters) {
    if (!Number.isInteger(params.count) || params.count < 1 || params.count > FILLER_MAX) {
      throw new RangeError(`filler count must be 1..${FILLER_MAX}, not ${params.count}`);
    }
    this.spread = 4294967296 / params.count;
    this.userRanks = new AffinePermutation(params.count, 0.6180339887, mix(params.seed, 0, 11));
    this.exchangeRanks = new AffinePermutation(params.count, 0.7548776662, mix(params.seed, 0, 12));
  }

  /** Filler objects generated (deleted ones included). */
  get count(): number {
    return this.params.count;
  }

  /** Filler objects that still exist. */
  get live(): number {
    return this.params.count - this.deleted.size;
  }

  /** The mailbox `Guid` of `g`; also its rank in Guid order. */
  mailboxGuid(g: number): string {
    return this.orderedGuid(g, STREAM_MAILBOX_GUID);
  }

  /** Number of filler mailbox Guids ≤ `guid` (lower case), i.e. the first rank after it. */
  mailboxRankAfter(guid: string): number {
    return this.rankAfter(guid, STREAM_MAILBOX_GUID);
  }

  /** The Entra id of user `g`. */
  userId(g: number): string {
    return this.orderedGuid(this.userIdRank(g), STREAM_USER_ID);
  }

  /** The rank of user `g` in id order. */
  userIdRank(g: number): number {
    return this.userRanks.forward(g);
  }

  /** The Entra id at `rank` in id order. */
  userIdAtRank(rank: number): string {
    return this.orderedGuid(rank, STREAM_USER_ID);
  }

  /** The `g` of the user at `rank` in id order. */
  userAtRank(rank: number): number {
    return this.userRanks.inverse(rank);
  }

  /** Number of filler Entra ids ≤ `id` (lower case), i.e. the first rank after it. */
  userRankAfter(id: string): number {
    return this.rankAfter(id, STREAM_USER_ID);
  }

  /** `g` of the live mailbox with this `Guid`, or -1. */
  indexOfMailboxGuid(guid: string): number {
    return this.ifLive(this.rankOf(guid.toLowerCase(), STREAM_MAILBOX_GUID));
  }

  /** `g` of the live user with this Entra id, or -1. */
  indexOfUserId(id: string): number {
    const rank = this.rankOf(id.toLowerCase(), STREAM_USER_ID);
    return rank < 0 ? -1 : this.ifLive(this.userRanks.inverse(rank));
  }

  /**
   * Every live `g` whose mailbox or user might answer to `identity` (a Guid, Entra id,
   * ExchangeGuid, alias, name, UPN, SMTP address or LegacyExchangeDN) as generated. A superset:
   * callers apply the exact match. Edited objects are not covered (see {@link editedMailboxIndexes}).
   */
  identityCandidates(identity: string): number[] {
    const key = identity.trim().toLowerCase().replace(/^smtp:/, '');
    const found = new Set<number>();
    if (GUID.test(key)) {
      found.add(this.rankOf(key, STREAM_MAILBOX_GUID));
      const user = this.rankOf(key, STREAM_USER_ID);
      if (user >= 0) found.add(this.userRanks.inverse(user));
      const exchange = this.rankOf(key, STREAM_EXCHANGE_GUID);
      if (exchange >= 0) found.add(this.exchangeRanks.inverse(exchange));
    }
    const serial = /(\d{1,9})\D*$/.exec(key.split('@')[0] ?? '');
    if (serial) found.add(Number(serial[1]) - 1);
    return [...found].filter((g) => g >= 0 && g < this.params.count && !this.deleted.has(g));
  }

  /** The mailbox `g` as it is now, or undefined when deleted. */
  mailbox(g: number): ExoMailbox | undefined {
    if (this.deleted.has(g)) return undefined;
    return this.editedMailboxes.get(g) ?? this.generateMailbox(g);
  }

  /** True when mailbox `g` exists and was never edited (its values are the generated ones). */
  isPristineMailbox(g: number): boolean {
    return !this.deleted.has(g) && !this.editedMailboxes.has(g);
  }

  /**
   * The generated value of one of the {@link FILLER_QUICK_PROPERTIES} of mailbox `g`, without
   * building it (undefined for any other property), as the OPATH accessor returns it: lets a filter
   * on these skip the mailboxes it rejects at a fraction of the cost. Must agree with `generateMailbox`.
   */
  quickMailboxProperty(g: number, property: string): OpathValue | undefined {
    switch (property) {
      case 'RecipientType':
      case 'RecipientTypeDetails':
        return 'UserMailbox';
      case 'IsDirSynced':
        return true;
      case 'IsExchangeCloudManaged':
      case 'HiddenFromAddressListsEnabled':
        return false;
      case 'WhenChanged':
      case 'WhenChangedUTC':
      case 'WhenCreated':
      case 'WhenCreatedUTC':
        return this.params.firstUs + 2 * g;
      default:
        return undefined;
    }
  }

  /** The Entra user `g` as it is now, or undefined when deleted. */
  user(g: number): GraphUser | undefined {
    if (this.deleted.has(g)) return undefined;
    return this.editedUsers.get(g) ?? this.generateUser(g);
  }

  /** Change sequence of user `g` without building it; -1 when deleted. */
  userChangeSeq(g: number): number {
    if (this.deleted.has(g)) return -1;
    return this.editedUsers.get(g)?.changeSeq ?? this.params.firstSeq + 2 * g + 1;
  }

  /** The change sequences of the generated (unedited) users: `[first, last]`. */
  get generatedUserSeqs(): [number, number] {
    return [this.params.firstSeq + 1, this.params.firstSeq + 2 * this.params.count - 1];
  }

  /** Keeps an edited mailbox (the object Set-Mailbox or a patch changed) in place of the generated one. */
  keepMailbox(g: number, mailbox: ExoMailbox): void {
    this.editedMailboxes.set(g, mailbox);
  }

  /** Keeps an edited Entra user in place of the generated one. */
  keepUser(g: number, user: GraphUser): void {
    this.editedUsers.set(g, user);
  }

  /** Deletes user `g` and its mailbox, leaving a tombstone for `users/delta`. */
  delete(g: number, changeSeq: number, nowMs: number): void {
    this.tombstones.push({ id: this.userId(g), changeSeq, deletedAtMs: nowMs });
    this.deleted.add(g);
    this.editedMailboxes.delete(g);
    this.editedUsers.delete(g);
  }

  /** Indexes of edited mailboxes (their identities may no longer decode to them). */
  editedMailboxIndexes(): Iterable<number> {
    return this.editedMailboxes.keys();
  }

  /** Indexes of edited Entra users. */
  editedUserIndexes(): Iterable<number> {
    return this.editedUsers.keys();
  }

  /** Tombstones of deleted filler users. */
  deletions(): readonly GraphTombstone[] {
    return this.tombstones;
  }

  private ifLive(g: number): number {
    return g >= 0 && !this.deleted.has(g) ? g : -1;
  }

  private generateMailbox(g: number): ExoMailbox {
    const p = this.profile(g);
    const stamp = this.params.firstUs + 2 * g;
    // CUSTOM_ATTRIBUTE_COUNT (15) and EXTENSION_CUSTOM_ATTRIBUTE_COUNT (5) entries, as literals (speed).
    // CustomAttribute2 = department, CustomAttribute7 = cost centre, ExtensionCustomAttribute1 = access tags.
    const custom = ['', p.department, '', '', '', '', p.costCentre ?? '', '', '', '', '', '', '', '', ''];
    const extension: string[][] = [p.extension ?? [], [], [], [], []];
    return {
      ExternalDirectoryObjectId: this.userId(g),
      Guid: this.mailboxGuid(g),
      ExchangeGuid: this.orderedGuid(this.exchangeRanks.forward(g), STREAM_EXCHANGE_GUID),
      Alias: p.alias,
      DisplayName: `${p.given} ${p.family}`,
      Name: p.name,
      UserPrincipalName: p.upn,
      PrimarySmtpAddress: p.upn,
      WindowsEmailAddress: p.upn,
      // Exchange holds what AD synced plus its own cloud-only addresses.
      EmailAddresses: [...p.onPrem, `SPO:SPO_${p.spo}@SPO_${this.params.tenantId}`],
      HiddenFromAddressListsEnabled: false,
      CustomAttributes: custom,
      ExtensionCustomAttributes: extension,
      RecipientType: 'UserMailbox',
      RecipientTypeDetails: 'UserMailbox',
      IsDirSynced: true,
      IsExchangeCloudManaged: false,
      LegacyExchangeDN: p.cloudLegacy,
      WhenCreatedUs: stamp,
      WhenChangedUs: stamp,
      changeSeq: this.params.firstSeq + 2 * g,
    };
  }

  private generateUser(g: number): GraphUser {
    const p = this.profile(g);
    return {
      id: this.userId(g),
      displayName: `${p.given} ${p.family}`,
      givenName: p.given,
      surname: p.family,
      jobTitle: p.title,
      department: p.department,
      userPrincipalName: p.upn,
      mail: p.upn,
      proxyAddresses: p.onPrem,
      businessPhones: [],
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      accountEnabled: true,
      onPremisesImmutableId: immutableId(this.params.seed, g),
      onPremisesSecurityIdentifier: `${this.params.domainSid}-${FILLER_RID_BASE + g}`,
      onPremisesDistinguishedName: `CN=${p.name.replace(/([,\\#+<>;"=])/g, '\\$1')},${FILLER_PARENT_DN}`,
      onPremisesDomainName: LAB_DOMAIN.dnsName,
      onPremisesSamAccountName: p.alias,
      onPremisesUserPrincipalName: p.upn,
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: this.params.syncTime,
      changeSeq: this.params.firstSeq + 2 * g + 1,
    };
  }

  private profile(g: number): Profile {
    const r = new Words(this.params.seed, g, STREAM_PROFILE);
    const first = r.below(FIRST.length);
    const last = r.below(LAST.length);
    const serial = g + 1;
    const alias = `${(FIRST_LOCAL[first] as string)[0] ?? 'x'}${LAST_LOCAL[last] as string}.${serial}`;
    const upn = `${FIRST_LOCAL[first] as string}.${LAST_LOCAL[last] as string}.${serial}@${LAB_TENANT.mailDomain}`;
    const given = FIRST[first] as string;
    const family = LAST[last] as string;
    const cloudLegacy = `${EXCHANGE_LABS_DN}${r.hex32()}-${alias}`;
    // The same shape as the seeded mailboxes: primary, routing address, the on-prem X500, sometimes
    // a secondary, SIP, and the cloud legacyExchangeDN stamped back by hybrid configuration.
    const onPrem = [`SMTP:${upn}`, `smtp:${alias}@${LAB_TENANT.routingDomain}`, `X500:${ON_PREM_DN}${alias}`];
    if (r.chance(0.5)) onPrem.push(`smtp:${alias}@${LAB_TENANT.mailDomain}`);
    onPrem.push(`SIP:${upn}`, `X500:${cloudLegacy}`);
    const department = DEPARTMENTS[r.below(DEPARTMENTS.length)] as string;
    const title = TITLES[r.below(TITLES.length)] as string;
    const costCentre = r.chance(0.4) ? `CC-${1000 + r.below(9000)}` : null;
    const extension = r.chance(0.2) ? ['badge-reader', 'vpn'] : null;
    const spo = r.uuid();
    return {
      given,
      family,
      name: `${given} ${family} ${serial}`,
      alias,
      upn,
      department,
      title,
      onPrem,
      cloudLegacy,
      spo,
      costCentre,
      extension,
    };
  }

  /** A v4-shaped GUID whose first 32 bits grow strictly with `rank` (0 ≤ rank < count). */
  private orderedGuid(rank: number, stream: number): string {
    const r = new Words(this.params.seed, rank, stream);
    // Somewhere in the first half of the rank's slot: at least spread/2 ≥ 214 apart, so strictly increasing.
    const head = Math.floor((rank + r.uint32() / 8589934592) * this.spread);
    const b = r.uint32();
    const c = r.uint32();
    const d = r.uint32();
    return guidOf(head, b, c, d);
  }

  /** The rank whose ordered GUID is exactly `guid` (lower case), or -1. */
  private rankOf(guid: string, stream: number): number {
    if (!GUID.test(guid)) return -1;
    const estimate = Math.floor(parseInt(guid.slice(0, 8), 16) / this.spread);
    for (const rank of [estimate, estimate + 1, estimate - 1]) {
      if (rank >= 0 && rank < this.params.count && this.orderedGuid(rank, stream) === guid) return rank;
    }
    return -1;
  }

  private rankAfter(key: string, stream: number): number {
    let lo = 0;
    let hi = this.params.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.orderedGuid(mid, stream) <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Generates the filler `settings` ask for and installs it in `store` (replacing any filler and its
 * edits), reserving the change-clock ticks of its creation. `mailboxes: 0` removes the filler.
 * Any change gives the tenant a new state id, so paging and delta links from before are refused.
 */
export function applyFiller(store: TenantStore, settings: FillerSettings, nowMs: number): FillerSummary {
  const seed = (settings.seed ?? DEFAULT_FILLER_SEED) >>> 0;
  if (settings.mailboxes === 0) {
    if (store.filler) store.setFiller(null);
    return { mailboxes: 0, seed };
  }
  const count = settings.mailboxes;
  if (!Number.isInteger(count) || count < 0 || count > FILLER_MAX) throw new RangeError(`filler count must be 0..${FILLER_MAX}, not ${count}`);
  const { seq, us } = store.clock.reserve(2 * count, nowMs);
  const filler = new Filler({
    count,
    seed,
    tenantId: store.data.tenantId,
    domainSid: labDomainSid(store.graphUsers(), seed),
    firstSeq: seq,
    firstUs: us,
    syncTime: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
  });
  store.setFiller(filler);
  return { mailboxes: count, seed };
}

/** The lab domain's SID, read off a synced user; a seed-derived one when the tenant has none. */
function labDomainSid(users: readonly GraphUser[], seed: number): string {
  for (const user of users) {
    const m = /^(S-1-5-21-\d+-\d+-\d+)-\d+$/.exec(user.onPremisesSecurityIdentifier ?? '');
    if (m) return m[1] as string;
  }
  return `S-1-5-21-${mix(seed, 1, 13)}-${mix(seed, 2, 13)}-${mix(seed, 3, 13)}`;
}

/** A bijection of 0..n-1: `x ↦ (a·x + b) mod n` with `a` coprime to `n` (products stay below 2^53). */
class AffinePermutation {
  private readonly a: number;
  private readonly b: number;
  private readonly aInverse: number;

  constructor(
    private readonly n: number,
    fraction: number,
    offset: number,
  ) {
    let a = Math.max(1, Math.round(n * fraction));
    while (gcd(a, n) !== 1) a = a + 1 >= n ? 1 : a + 1;
    this.a = a % n;
    this.b = offset % n;
    this.aInverse = modularInverse(this.a, n);
  }

  forward(x: number): number {
    return (this.a * x + this.b) % this.n;
  }

  inverse(y: number): number {
    return (this.aInverse * ((y - this.b + this.n) % this.n)) % this.n;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function modularInverse(a: number, n: number): number {
  if (n === 1) return 0;
  let [r0, r1] = [n, a];
  let [t0, t1] = [0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % n) + n) % n;
}

/** A random 16-byte source anchor (objectGUID / mS-DS-ConsistencyGuid), base64 as Entra shows it. */
function immutableId(seed: number, g: number): string {
  const r = new Words(seed, g, STREAM_ANCHOR);
  const bytes = Buffer.allocUnsafe(16);
  for (let i = 0; i < 16; i += 4) bytes.writeUInt32BE(r.uint32(), i);
  return bytes.toString('base64');
}

/** murmur3's 32-bit finaliser. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(seed: number, index: number, stream: number): number {
  return fmix32(Math.imul(index, 0x9e3779b1) ^ fmix32((seed ^ Math.imul(stream, 0x85ebca77)) >>> 0));
}

/** A small mulberry32 stream per `(seed, index, stream)`. */
class Words {
  private state: number;

  constructor(seed: number, index: number, stream: number) {
    this.state = mix(seed, index, stream);
  }

  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  below(n: number): number {
    return this.uint32() % n;
  }

  chance(p: number): boolean {
    return this.uint32() < p * 4294967296;
  }

  hex32(): string {
    return `${hex8(this.uint32())}${hex8(this.uint32())}${hex8(this.uint32())}${hex8(this.uint32())}`;
  }

  uuid(): string {
    return guidOf(this.uint32(), this.uint32(), this.uint32(), this.uint32());
  }
}

// Table-driven hex: Number#toString(16) dominated generation time.
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const NIBBLE_HEX = '0123456789abcdef';

/** 8 hex digits of a 32-bit unsigned value. */
function hex8(w: number): string {
  return `${BYTE_HEX[w >>> 24] as string}${BYTE_HEX[(w >>> 16) & 255] as string}${BYTE_HEX[(w >>> 8) & 255] as string}${BYTE_HEX[w & 255] as string}`;
}

/** 4 hex digits of the low 16 bits. */
function hex4(w: number): string {
  return `${BYTE_HEX[(w >>> 8) & 255] as string}${BYTE_HEX[w & 255] as string}`;
}

/** 3 hex digits of the low 12 bits. */
function hex3(w: number): string {
  return `${NIBBLE_HEX[(w >>> 8) & 15] as string}${BYTE_HEX[w & 255] as string}`;
}

/** A v4-shaped GUID from four random words, with the first word as given. */
function guidOf(a: number, b: number, c: number, d: number): string {
  return `${hex8(a)}-${hex4(b >>> 16)}-4${hex3(b)}-${'89ab'[c >>> 30] as string}${hex3(c >>> 16)}-${hex4(c)}${hex8(d)}`;
}

