/**
 * The emulated tenant's data model and its persistent store.
 *
 * One JSON document holds everything the emulator serves: Exchange Online mailboxes, Entra (Graph)
 * users, the app registration(s), the token-signing key and a monotonically increasing change clock.
 * The store keeps it in memory, keeps mailboxes sorted by `Guid` and Entra users by `id` (so paging
 * is keyset-based, finds its place by binary search and survives concurrent edits), and persists
 * it atomically (tmp file + rename), coalescing bursts of changes into one write.
 *
 * On top of the persisted objects it can serve a generated {@link Filler} population (benchmarks):
 * the readers below merge both in key order; the filler itself is never written.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EmulatorStateError } from './emulator-errors.js';
import type { Filler } from './filler.js';
import type { OpathValue } from './opath-filter.js';

/** Number of `CustomAttributeN` / `ExtensionCustomAttributeN` properties Exchange has. */
export const CUSTOM_ATTRIBUTE_COUNT = 15;
export const EXTENSION_CUSTOM_ATTRIBUTE_COUNT = 5;

/** The resource (audience) URIs of the two APIs, exactly as Microsoft issues them in `aud`. */
export const EXO_RESOURCE = 'https://outlook.office365.com';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** Mailbox recipient types the emulator models (the four that write back). */
export type RecipientTypeDetails = 'UserMailbox' | 'SharedMailbox' | 'RoomMailbox' | 'EquipmentMailbox';

/**
 * One Exchange Online mailbox. Property names are Exchange's own (PascalCase) so that projection
 * is a table lookup; the two timestamps are kept as integer microseconds since the Unix epoch
 * (safe integers, strictly increasing per change — see {@link ChangeClock}).
 */
export interface ExoMailbox {
  ExternalDirectoryObjectId: string;
  Guid: string;
  ExchangeGuid: string;
  Alias: string;
  DisplayName: string;
  Name: string;
  UserPrincipalName: string;
  PrimarySmtpAddress: string;
  WindowsEmailAddress: string;
  EmailAddresses: string[];
  HiddenFromAddressListsEnabled: boolean;
  /** `CustomAttribute1..15`, index 0 = CustomAttribute1; `""` when unset. */
  CustomAttributes: string[];
  /** `ExtensionCustomAttribute1..5`, index 0 = ExtensionCustomAttribute1; `[]` when unset. */
  ExtensionCustomAttributes: string[][];
  RecipientType: 'UserMailbox';
  RecipientTypeDetails: RecipientTypeDetails;
  IsDirSynced: boolean;
  IsExchangeCloudManaged: boolean;
  LegacyExchangeDN: string;
  WhenCreatedUs: number;
  WhenChangedUs: number;
  /** Value of the change clock's sequence at the last change (internal; not served). */
  changeSeq: number;
}

/** One Entra ID user as Microsoft Graph v1.0 serves it (the properties the engine reads, plus the default set). */
export interface GraphUser {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  department: string | null;
  userPrincipalName: string;
  mail: string | null;
  proxyAddresses: string[];
  businessPhones: string[];
  mobilePhone: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  accountEnabled: boolean;
  onPremisesImmutableId: string | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesDistinguishedName: string | null;
  onPremisesDomainName: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesUserPrincipalName: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  /** Change-clock sequence of the last change (drives `users/delta`; not served). */
  changeSeq: number;
}

/** A deleted Graph user, kept so that `users/delta` can report it as `@removed`. */
export interface GraphTombstone {
  id: string;
  changeSeq: number;
  deletedAtMs: number;
}

/** A registered certificate credential of an app. */
export interface AppCertificate {
  pem: string;
  /** base64url SHA-1 of the DER (JOSE `x5t`). */
  x5t: string;
  /** base64url SHA-256 of the DER (JOSE `x5t#S256`). */
  x5tS256: string;
}

/** An Entra app registration with its service principal's granted application roles. */
export interface AppRegistration {
  clientId: string;
  displayName: string;
  /** Client secret values (plain text: this is a throw-away lab). */
  clientSecrets: string[];
  certificates: AppCertificate[];
  /** Granted application roles per resource URI (`EXO_RESOURCE`, `GRAPH_RESOURCE`). */
  roles: Record<string, string[]>;
}

/** The persisted document. */
export interface TenantData {
  version: 1;
  /** Random id of this state; link and delta tokens from another state are rejected. */
  stateId: string;
  tenantId: string;
  initialDomain: string;
  /** Domains Exchange accepts in SMTP addresses. */
  acceptedDomains: string[];
  createdAt: string;
  apps: AppRegistration[];
  mailboxes: ExoMailbox[];
  graphUsers: GraphUser[];
  graphTombstones: GraphTombstone[];
  clock: { lastUs: number; seq: number };
  /** PKCS#8 PEM of the RSA key that signs issued access tokens. */
  signingKeyPem: string;
  /** base64 HMAC key for opaque paging/delta tokens. */
  linkKey: string;
}

/**
 * The change clock: a sequence number and a microsecond timestamp that are both strictly
 * increasing across every change, even many changes within one millisecond, and across restarts
 * (both are persisted). Exchange serves 7 fractional digits; the 7th is always 0 here.
 */
export class ChangeClock {
  constructor(private readonly state: { lastUs: number; seq: number }) {}

  /** Returns the next `(seq, us)` pair for a change happening at wall time `nowMs`. */
  tick(nowMs: number): { seq: number; us: number } {
    this.state.lastUs = Math.max(Math.floor(nowMs) * 1000, this.state.lastUs + 1);
    this.state.seq += 1;
    return { seq: this.state.seq, us: this.state.lastUs };
  }

  /**
   * Reserves `n` consecutive ticks for a bulk creation at wall time `nowMs`, ending at `nowMs` when
   * the clock allows (else right after the last tick); returns the first `(seq, us)`.
   */
  reserve(n: number, nowMs: number): { seq: number; us: number } {
    const us = Math.max(Math.floor(nowMs) * 1000 - (n - 1), this.state.lastUs + 1);
    const seq = this.state.seq + 1;
    this.state.lastUs = us + n - 1;
    this.state.seq += n;
    return { seq, us };
  }

  /** The sequence number of the last change. */
  get seq(): number {
    return this.state.seq;
  }
}

/** Options of {@link TenantStore}. */
export interface TenantStoreOptions {
  /** Coalescing window for writes after a change, in ms. Default 200. */
  saveDelayMs?: number;
}

/**
 * In-memory tenant with persistence. Mutate only through the methods that end in
 * {@link TenantStore.changed}, so the change clock and the save schedule stay right.
 */
export class TenantStore {
  readonly clock: ChangeClock;
  private sorted: ExoMailbox[] = [];
  private sortedUsers: GraphUser[] = [];
  private byGuid = new Map<string, ExoMailbox>();
  private usersById = new Map<string, GraphUser>();
  private fillerSet: Filler | null = null;
  /** State id while a filler change is in force (memory only: a restart drops the filler). */
  private fillerStateId: string | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private writing = false;
  private saveError: unknown = null;

  private constructor(
    readonly data: TenantData,
    readonly path: string,
    private readonly options: TenantStoreOptions,
  ) {
    this.clock = new ChangeClock(data.clock);
    this.reindex();
  }

  /** Loads the state file at `path`. */
  static async open(path: string, options: TenantStoreOptions = {}): Promise<TenantStore> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new EmulatorStateError(`Cannot read emulator state ${path}: ${(error as Error).message}`, { cause: error });
    }
    let data: TenantData;
    try {
      data = JSON.parse(text) as TenantData;
    } catch (error) {
      throw new EmulatorStateError(`Emulator state ${path} is not valid JSON`, { cause: error });
    }
    if (data.version !== 1 || !Array.isArray(data.mailboxes) || !Array.isArray(data.graphUsers)) {
      throw new EmulatorStateError(`Emulator state ${path} has an unknown format (version ${String(data.version)})`);
    }
    return new TenantStore(data, path, options);
  }

  /** Creates a store from fresh data and writes it to `path` at once. */
  static async create(path: string, data: TenantData, options: TenantStoreOptions = {}): Promise<TenantStore> {
    const store = new TenantStore(data, path, options);
    await writeTenantData(path, data);
    return store;
  }

  /**
   * The id of the tenant's current state, which paging and delta tokens carry. The persisted one,
   * unless the filler was changed since the start: then a fresh one held in memory.
   */
  get stateId(): string {
    return this.fillerStateId ?? this.data.stateId;
  }

  /** The filler in force, if any. */
  get filler(): Filler | null {
    return this.fillerSet;
  }

  /** Installs (or with null removes) the filler; the tenant gets a new state id either way. */
  setFiller(filler: Filler | null): void {
    this.fillerSet = filler;
    this.fillerStateId = newStateId();
    // No save for the clock ticks the filler reserved (a save of a large tenant stalls the server
    // for seconds): they end at the wall time of the call (just after it, after a burst), so stamps
    // after a restart, which drops the filler, still increase; the next change saves them anyway.
  }

  /** The persisted mailboxes, sorted by `Guid` (the filler is not included). Do not mutate the array. */
  mailboxes(): readonly ExoMailbox[] {
    return this.sorted;
  }

  /** Number of mailboxes, filler included. */
  mailboxCount(): number {
    return this.sorted.length + (this.fillerSet?.live ?? 0);
  }

  /**
   * Every mailbox (filler included) whose Guid sorts after `guid` (all when null), in Guid order.
   * `prefilter`, when given, is asked first about each filler mailbox that was never edited, with
   * `peek` answering only the `FILLER_QUICK_PROPERTIES` (undefined for others); false skips the
   * mailbox without building it. Give it only a test that reads nothing else.
   */
  *mailboxesAfter(guid: string | null, prefilter?: (peek: (property: string) => OpathValue | undefined) => boolean): Generator<ExoMailbox, void, undefined> {
    const sorted = this.sorted;
    let i = guid === null ? 0 : this.indexAfter(guid);
    const filler = this.fillerSet;
    if (!filler) {
      for (; i < sorted.length; i++) yield sorted[i] as ExoMailbox;
      return;
    }
    let rank = guid === null ? 0 : filler.mailboxRankAfter(guid.toLowerCase());
    let fillerKey = rank < filler.count ? filler.mailboxGuid(rank) : null;
    while (i < sorted.length || fillerKey !== null) {
      const real = sorted[i];
      if (real && (fillerKey === null || real.Guid.toLowerCase() < fillerKey)) {
        i++;
        yield real;
        continue;
      }
      const g = rank;
      rank++;
      fillerKey = rank < filler.count ? filler.mailboxGuid(rank) : null;
      if (prefilter && filler.isPristineMailbox(g) && !prefilter((property) => filler.quickMailboxProperty(g, property))) continue;
      const mailbox = filler.mailbox(g);
      if (mailbox) yield mailbox;
    }
  }

  /**
   * Every mailbox that may answer to one of `identities` (Exchange `-Identity` values or SMTP
   * addresses): all persisted mailboxes, and the filler mailboxes whose generated identities decode
   * to them or that were edited. A superset: callers apply the exact match.
   */
  *mailboxCandidates(identities: readonly string[]): Generator<ExoMailbox, void, undefined> {
    yield* this.sorted;
    const filler = this.fillerSet;
    if (!filler) return;
    const indexes = new Set<number>(filler.editedMailboxIndexes());
    for (const identity of identities) for (const g of filler.identityCandidates(identity)) indexes.add(g);
    for (const g of indexes) {
      const mailbox = filler.mailbox(g);
      if (mailbox) yield mailbox;
    }
  }

  mailboxByGuid(guid: string): ExoMailbox | undefined {
    const found = this.byGuid.get(guid.toLowerCase());
    if (found || !this.fillerSet) return found;
    const g = this.fillerSet.indexOfMailboxGuid(guid);
    return g < 0 ? undefined : this.fillerSet.mailbox(g);
  }

  /** The mailbox joined to Entra user `id`, filler included. */
  mailboxByExternalId(id: string): ExoMailbox | undefined {
    const key = id.toLowerCase();
    const found = this.sorted.find((m) => m.ExternalDirectoryObjectId.toLowerCase() === key);
    if (found || !this.fillerSet) return found;
    const g = this.fillerSet.indexOfUserId(key);
    return g < 0 ? undefined : this.fillerSet.mailbox(g);
  }

  /** Index of the first persisted mailbox whose Guid sorts after `guid` (for keyset paging). */
  indexAfter(guid: string): number {
    return indexAfter(this.sorted, guid.toLowerCase(), (m) => m.Guid);
  }

  /** The persisted Entra users (the filler is not included). Do not mutate the array. */
  graphUsers(): readonly GraphUser[] {
    return this.data.graphUsers;
  }

  /** Number of Entra users, filler included. */
  graphUserCount(): number {
    return this.sortedUsers.length + (this.fillerSet?.live ?? 0);
  }

  /**
   * Every Entra user (filler included) whose id sorts after `id` (all when null), in id order;
   * with `changed`, only those whose change sequence lies in `(changed.after, changed.upTo]`
   * (decided without building filler users, so a small delta round over a huge tenant is cheap).
   */
  *graphUsersAfter(id: string | null, changed?: { after: number; upTo: number }): Generator<GraphUser, void, undefined> {
    const wanted = (seq: number) => !changed || (seq > changed.after && seq <= changed.upTo);
    const sorted = this.sortedUsers;
    let i = id === null ? 0 : indexAfter(sorted, id.toLowerCase(), (u) => u.id);
    const nextReal = (): GraphUser | undefined => {
      while (i < sorted.length && !wanted((sorted[i] as GraphUser).changeSeq)) i++;
      return sorted[i];
    };
    const filler = this.fillerSet;
    if (!filler) {
      for (let user = nextReal(); user; user = nextReal()) {
        i++;
        yield user;
      }
      return;
    }
    const nextRank = fillerRanks(filler, id === null ? 0 : filler.userRankAfter(id.toLowerCase()), changed);
    let rank = nextRank();
    let fillerKey = rank < filler.count ? filler.userIdAtRank(rank) : null;
    for (let real = nextReal(); real || fillerKey !== null; real = nextReal()) {
      if (real && (fillerKey === null || real.id.toLowerCase() < fillerKey)) {
        i++;
        yield real;
        continue;
      }
      const user = filler.user(filler.userAtRank(rank));
      rank = nextRank();
      fillerKey = rank < filler.count ? filler.userIdAtRank(rank) : null;
      if (user) yield user;
    }
  }

  /** Tombstones of deleted Entra users, filler included. */
  graphTombstones(): readonly GraphTombstone[] {
    const filler = this.fillerSet?.deletions() ?? [];
    return filler.length ? [...this.data.graphTombstones, ...filler] : this.data.graphTombstones;
  }

  graphUser(id: string): GraphUser | undefined {
    const found = this.usersById.get(id.toLowerCase());
    if (found || !this.fillerSet) return found;
    const g = this.fillerSet.indexOfUserId(id);
    return g < 0 ? undefined : this.fillerSet.user(g);
  }

  /** The Entra user with this UPN (case-insensitive), filler included. */
  graphUserByUpn(upn: string): GraphUser | undefined {
    const key = upn.toLowerCase();
    const found = this.data.graphUsers.find((u) => u.userPrincipalName.toLowerCase() === key);
    const filler = this.fillerSet;
    if (found || !filler) return found;
    const indexes = new Set<number>([...filler.identityCandidates(key), ...filler.editedUserIndexes()]);
    for (const g of indexes) {
      const user = filler.user(g);
      if (user?.userPrincipalName.toLowerCase() === key) return user;
    }
    return undefined;
  }

  app(clientId: string): AppRegistration | undefined {
    return this.data.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  /** Stamps a mailbox as changed now (WhenChanged, change sequence) and schedules a save. */
  touchMailbox(mailbox: ExoMailbox, nowMs: number): void {
    const { seq, us } = this.clock.tick(nowMs);
    mailbox.WhenChangedUs = us;
    mailbox.changeSeq = seq;
    // A filler mailbox lives on as the edited object (in memory only).
    if (this.fillerSet && this.byGuid.get(mailbox.Guid.toLowerCase()) !== mailbox) {
      const g = this.fillerSet.indexOfMailboxGuid(mailbox.Guid);
      if (g >= 0) this.fillerSet.keepMailbox(g, mailbox);
    }
    this.changed();
  }

  /** Applies a partial update to a Graph user, bumping its change sequence. */
  updateGraphUser(id: string, patch: Partial<Omit<GraphUser, 'id' | 'changeSeq'>>, nowMs: number): GraphUser | undefined {
    const user = this.graphUser(id);
    if (!user) return undefined;
    Object.assign(user, patch);
    user.changeSeq = this.clock.tick(nowMs).seq;
    if (this.fillerSet && this.usersById.get(user.id.toLowerCase()) !== user) this.fillerSet.keepUser(this.fillerSet.indexOfUserId(user.id), user);
    this.changed();
    return user;
  }

  /** Deletes a Graph user (leaving a tombstone for delta) and the mailbox joined to it, if any. */
  deleteGraphUser(id: string, nowMs: number): boolean {
    const user = this.graphUser(id);
    if (!user) return false;
    const { seq } = this.clock.tick(nowMs);
    if (this.usersById.get(user.id.toLowerCase()) !== user) {
      // A filler user: deleted in memory, with its mailbox.
      this.fillerSet?.delete(this.fillerSet.indexOfUserId(user.id), seq, nowMs);
      this.changed();
      return true;
    }
    const key = user.id.toLowerCase();
    this.data.graphUsers = this.data.graphUsers.filter((u) => u !== user);
    this.data.graphTombstones.push({ id: user.id, changeSeq: seq, deletedAtMs: nowMs });
    this.data.mailboxes = this.data.mailboxes.filter((m) => m.ExternalDirectoryObjectId.toLowerCase() !== key);
    // Keep the sorted indexes by removal (no re-sort).
    this.sortedUsers = this.sortedUsers.filter((u) => u !== user);
    this.usersById.delete(key);
    this.sorted = this.sorted.filter((m) => {
      if (m.ExternalDirectoryObjectId.toLowerCase() !== key) return true;
      this.byGuid.delete(m.Guid.toLowerCase());
      return false;
    });
    this.changed();
    return true;
  }

  /** Marks the state dirty and schedules a coalesced save. */
  changed(): void {
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, this.options.saveDelayMs ?? 200);
    // A pending save must not keep a test process alive; close()/flush() persist explicitly.
    this.saveTimer.unref();
  }

  /** Writes pending changes now and waits until every write issued so far is on disk. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    // A write in flight may predate the last changes: wait for it, then write those.
    do await this.save();
    while ((this.dirty || this.writing) && !this.saveError);
    if (this.saveError) {
      const error = this.saveError;
      this.saveError = null;
      throw new EmulatorStateError(`Cannot write emulator state ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private save(): Promise<void> {
    // One write at a time, serialised when it starts: with a large tenant and a stream of edits,
    // serialising at every change while a write is in flight queued copies of the state until
    // the heap ran out. Changes made during a write are saved by the next one.
    if (this.dirty && !this.writing) {
      this.dirty = false;
      this.writing = true;
      const text = serialise(this.data);
      this.saving = writeAtomically(this.path, text).catch((error: unknown) => {
        this.saveError = error;
        this.dirty = true;
      }).finally(() => {
        this.writing = false;
        if (this.dirty && !this.saveError) this.changed();
      });
    }
    return this.saving;
  }

  private reindex(): void {
    this.sorted = [...this.data.mailboxes].sort((a, b) => compareKeys(a.Guid, b.Guid));
    this.byGuid = new Map(this.sorted.map((m) => [m.Guid.toLowerCase(), m]));
    this.sortedUsers = [...this.data.graphUsers].sort((a, b) => compareKeys(a.id, b.id));
    this.usersById = new Map(this.data.graphUsers.map((u) => [u.id.toLowerCase(), u]));
  }
}

/** Index of the first item of `sorted` whose key (lower-cased) sorts after `key` (lower case). */
function indexAfter<T>(sorted: readonly T[], key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(sorted[mid] as T).toLowerCase() <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Iterator over the filler's user ranks from `start` on, skipping deleted users and, with
 * `changed`, users changed outside the window. When the window misses the creation ticks only the
 * edited users can qualify, so only they are visited.
 */
function fillerRanks(filler: Filler, start: number, changed?: { after: number; upTo: number }): () => number {
  const wanted = (seq: number) => seq >= 0 && (!changed || (seq > changed.after && seq <= changed.upTo));
  const [first, last] = filler.generatedUserSeqs;
  if (changed && (changed.upTo < first || changed.after >= last)) {
    const ranks = [...filler.editedUserIndexes()].map((g) => filler.userIdRank(g)).filter((r) => r >= start).sort((a, b) => a - b);
    let next = 0;
    return () => {
      while (next < ranks.length) {
        const rank = ranks[next++] as number;
        if (wanted(filler.userChangeSeq(filler.userAtRank(rank)))) return rank;
      }
      return filler.count;
    };
  }
  let rank = start;
  return () => {
    while (rank < filler.count && !wanted(filler.userChangeSeq(filler.userAtRank(rank)))) rank++;
    return rank < filler.count ? rank++ : filler.count;
  };
}

/** Writes tenant data to `path` atomically (used to hand a built state to a spawned emulator). */
export async function writeTenantData(path: string, data: TenantData): Promise<void> {
  await writeAtomically(path, serialise(data));
}

/** Creates a fresh random state id. */
export function newStateId(): string {
  return randomUUID();
}

function compareKeys(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function serialise(data: TenantData): string {
  return JSON.stringify(data);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  // The file holds the app secret and the signing key: owner-only.
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

