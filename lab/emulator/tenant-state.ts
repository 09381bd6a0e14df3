/**
 * The emulated tenant's data model and its persistent store.
 *
 * One JSON document holds everything the emulator serves: Exchange Online mailboxes, Entra (Graph)
 * users, the app registration(s), the token-signing key and a monotonically increasing change clock.
 * The store keeps it in memory, indexes mailboxes by `Guid` in a stable sort order (so paging is
 * keyset-based and survives concurrent edits), and persists it atomically (tmp file + rename),
 * coalescing bursts of changes into one write.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EmulatorStateError } from './emulator-errors.js';

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
  private byGuid = new Map<string, ExoMailbox>();
  private usersById = new Map<string, GraphUser>();
  private saveTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
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

  /** Every mailbox, sorted by `Guid` (the stable paging key). Do not mutate the array. */
  mailboxes(): readonly ExoMailbox[] {
    return this.sorted;
  }

  mailboxByGuid(guid: string): ExoMailbox | undefined {
    return this.byGuid.get(guid.toLowerCase());
  }

  /** Index of the first mailbox whose Guid sorts after `guid` (for keyset paging). */
  indexAfter(guid: string): number {
    const key = guid.toLowerCase();
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as ExoMailbox).Guid.toLowerCase() <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  graphUsers(): readonly GraphUser[] {
    return this.data.graphUsers;
  }

  graphUser(id: string): GraphUser | undefined {
    return this.usersById.get(id.toLowerCase());
  }

  app(clientId: string): AppRegistration | undefined {
    return this.data.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  /** Stamps a mailbox as changed now (WhenChanged, change sequence) and schedules a save. */
  touchMailbox(mailbox: ExoMailbox, nowMs: number): void {
    const { seq, us } = this.clock.tick(nowMs);
    mailbox.WhenChangedUs = us;
    mailbox.changeSeq = seq;
    this.changed();
  }

  /** Applies a partial update to a Graph user, bumping its change sequence. */
  updateGraphUser(id: string, patch: Partial<Omit<GraphUser, 'id' | 'changeSeq'>>, nowMs: number): GraphUser | undefined {
    const user = this.graphUser(id);
    if (!user) return undefined;
    Object.assign(user, patch);
    user.changeSeq = this.clock.tick(nowMs).seq;
    this.changed();
    return user;
  }

  /** Deletes a Graph user (leaving a tombstone for delta) and the mailbox joined to it, if any. */
  deleteGraphUser(id: string, nowMs: number): boolean {
    const user = this.graphUser(id);
    if (!user) return false;
    const { seq } = this.clock.tick(nowMs);
    this.data.graphUsers = this.data.graphUsers.filter((u) => u !== user);
    this.data.graphTombstones.push({ id: user.id, changeSeq: seq, deletedAtMs: nowMs });
    this.data.mailboxes = this.data.mailboxes.filter((m) => m.ExternalDirectoryObjectId.toLowerCase() !== user.id.toLowerCase());
    this.reindex();
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
    await this.save();
    if (this.saveError) {
      const error = this.saveError;
      this.saveError = null;
      throw new EmulatorStateError(`Cannot write emulator state ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private save(): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      // Serialise now (a consistent snapshot), write after any write already in flight.
      const text = serialise(this.data);
      this.saving = this.saving.then(() => writeAtomically(this.path, text)).catch((error: unknown) => {
        this.saveError = error;
        this.dirty = true;
      });
    }
    return this.saving;
  }

  private reindex(): void {
    this.sorted = [...this.data.mailboxes].sort((a, b) => compareKeys(a.Guid, b.Guid));
    this.byGuid = new Map(this.sorted.map((m) => [m.Guid.toLowerCase(), m]));
    this.usersById = new Map(this.data.graphUsers.map((u) => [u.id.toLowerCase(), u]));
  }
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

