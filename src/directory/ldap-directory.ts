/**
 * The production directory adapter: on-prem AD over LDAPS (or StartTLS) with ldapts.
 *
 * One persistent bound connection, opened lazily on first use, to the first DC that answers
 * (failover in configured order). A full read of the domain's users also opens further
 * connections to that DC for its duration and reads slices of the users on each at once (see
 * {@link LdapDirectoryOptions.readConnections}). Every search is paged (Windows AD stops unpaged
 * searches at MaxPageSize; Samba does not, so only paging is portable). Binary anchors are matched with
 * filter objects carrying Buffers, never with escaped filter strings (ldapts' string parser
 * turns `\xx` escapes ≥ 0x80 into UTF-8). Writes go through the write guard and address the
 * object by `<GUID=…>`. The connection is typed {@link ReadModifyConnection}: there is no way
 * to add, delete or rename from here.
 */
import { AndFilter, Attribute, Change, EqualityFilter, GreaterThanEqualsFilter, LessThanEqualsFilter, NotFilter, OrFilter, PresenceFilter, type Entry, type Filter } from 'ldapts';
import type { AttributeSetName } from '../core/attribute-catalogue.js';
import type { AttributeChange } from '../core/attribute-change.js';
import type { DirectoryObject } from '../core/directory-object.js';
import { guidDn, sidBytes, sidToString } from './ad-binary.js';
import { BINARY_ATTRIBUTES, DIRECTORY_OBJECT_ATTRIBUTES, EXPLICIT_BUFFER_ATTRIBUTES, toDirectoryObject } from './directory-entry.js';
import {
  DirectoryConfigError, DirectoryError, DirectoryObjectGoneError, ldapResultCode, toDirectoryError, type DirectoryErrorContext,
} from './directory-errors.js';
import type { AnchorCandidates, AnchorQuery, DirectoryChangeMark, DirectoryIdentity, DirectoryPort, ListUsersOptions } from './directory-port.js';
import { connectFirstUsable, validateUrls, type ConnectOptions, type ReadModifyConnection } from './ldap-connector.js';
import { guardChanges } from './write-guard.js';
import { markBinaryAttributes } from './ldapts-binary-attributes.js';
import { mergeAsync } from '../async/merge-async.js';
import { readAhead } from '../async/read-ahead.js';
import { parseUsn, usnQuantileCuts, usnRanges, usnRangesAt, type UsnRange } from './usn-ranges.js';
import { MemoryReadPlanStore, type ReadPlanStore } from './read-plan-store.js';

/** Options of {@link LdapDirectory}. */
export interface LdapDirectoryOptions {
  /** `ldaps://…` or `ldap://…` (StartTLS), tried in order. */
  urls: string[];
  /** PEM CA bundle added to the default trust (verification is always on). */
  caPem?: string;
  /** UPN, `DOMAIN\name` or DN. */
  bindName: string;
  password: string;
  /** Domain naming context, e.g. `DC=contoso,DC=com`: where anchors are searched. */
  baseDn: string;
  /** The attribute set this configuration writes; the guard refuses everything else. */
  attributeSet: AttributeSetName;
  /** StartTLS for `ldap://` URLs (default true; false is refused). */
  startTls?: boolean;
  /** Entries per page (default 1000, AD's default MaxPageSize: fewer round trips for large reads). */
  pageSize?: number;
  /** Connect and per-operation timeout in ms (default 30 000). */
  timeoutMs?: number;
  /**
   * Connections a full read of the users runs on at once (1–8, default 2, as in the
   * configuration): the users are cut into slices by uSNCreated and each connection reads the
   * next slice left, so the DC serves the read on as many of its cores.
   * Incremental reads (`changedSince`) and every other operation use the one connection.
   */
  readConnections?: number;
  /**
   * Where the cuts of the next full read are kept: the uSNCreated quantiles the last full read of
   * the same DC found (default: kept for this adapter's lifetime only).
   */
  readPlans?: ReadPlanStore;
}

/**
 * Slices per read connection when the DC's users have not been read before and the slices are
 * equal widths of its USN space: more slices even out users created unevenly over its USN
 * history (a connection that finishes early takes the next slice), at the cost of the DC
 * evaluating the user filter once more per slice. Once a full read has seen the users'
 * uSNCreated values, the next one has one slice per connection, cut at their quantiles.
 */
export const USN_SLICES_PER_CONNECTION = 2;

/** Counters of what the adapter sent, for logs and for tests that prove paging. */
export interface LdapDirectoryStats {
  connects: number;
  searches: number;
  /** Search result pages received (≥ searches; more when results span pages). */
  pages: number;
  modifies: number;
}

/** What a search asks for. */
interface SearchSpec {
  base: string;
  scope: 'base' | 'one' | 'sub';
  filter: Filter;
  attributes: string[];
  explicitBufferAttributes?: string[];
  /** Stop after this many entries (also sent as the size limit). */
  limit?: number;
}

/** `(objectCategory=person)(objectClass=user)`: user accounts, not computers (also objectClass=user). */
const USER_FILTERS: Filter[] = [
  new EqualityFilter({ attribute: 'objectCategory', value: 'person' }),
  new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
];

/** RFC 4532 "Who am I?" extended operation (AD answers `u:DOMAIN\name`). */
const WHO_AM_I_OID = '1.3.6.1.4.1.4203.1.11.3';

/** {@link DirectoryPort} over LDAP; see the module comment. */
export class LdapDirectory implements DirectoryPort {
  private readonly options: LdapDirectoryOptions;
  private readonly pageSize: number;
  private readonly timeoutMs: number;
  private readonly readConnections: number;
  private readonly readPlans: ReadPlanStore;
  private connection: { client: ReadModifyConnection; url: string } | null = null;
  /** One connect in flight at a time, shared by concurrent callers. */
  private connecting: Promise<{ client: ReadModifyConnection; url: string }> | null = null;
  private schemaDn: string | null = null;
  private readonly counters: LdapDirectoryStats = { connects: 0, searches: 0, pages: 0, modifies: 0 };

  constructor(options: LdapDirectoryOptions) {
    validateUrls(options.urls, options.startTls);
    if (!options.baseDn) throw new DirectoryConfigError('no base DN configured for the directory');
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new DirectoryConfigError(`page size must be 1–1000 (AD's MaxPageSize), got ${pageSize}`);
    this.options = { ...options, urls: [...options.urls] };
    this.pageSize = pageSize;
    const readConnections = options.readConnections ?? 2;
    if (!Number.isInteger(readConnections) || readConnections < 1 || readConnections > 8) throw new DirectoryConfigError(`read connections must be 1–8, got ${readConnections}`);
    this.readConnections = readConnections;
    this.readPlans = options.readPlans ?? new MemoryReadPlanStore();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    markBinaryAttributes(BINARY_ATTRIBUTES);
  }

  /**
   * The time limit each search asks of the DC, in whole seconds: as long as the engine itself waits
   * for an answer. Left unset, ldapts asks for 10 s, and the DC then fails the first page of a
   * large paged read (which evaluates the whole filter) with an operations error once it takes longer.
   */
  serverTimeLimit(): number {
    return Math.ceil(this.timeoutMs / 1000);
  }

  /** Counters since construction. */
  stats(): Readonly<LdapDirectoryStats> {
    return { ...this.counters };
  }

  /** The URL of the DC currently connected to, or null. */
  connectedUrl(): string | null {
    return this.connection?.url ?? null;
  }

  /** Connects and binds now (otherwise the first call does); throws the connect/bind error. */
  async connect(): Promise<void> {
    await this.bound();
  }

  async findByAnchors(query: AnchorQuery): Promise<AnchorCandidates> {
    const users = (filter: Filter): Promise<DirectoryObject[]> => this.searchObjects(this.options.baseDn, new AndFilter({ filters: [...USER_FILTERS, filter] }));
    const byImmutableId = query.immutableId && query.immutableId.length > 0
      ? users(new OrFilter({ filters: [
        new EqualityFilter({ attribute: 'mS-DS-ConsistencyGuid', value: query.immutableId }),
        new EqualityFilter({ attribute: 'objectGUID', value: query.immutableId }),
      ] }))
      : Promise.resolve([]);
    const sid = query.sid ? sidBytes(query.sid) : null;
    const bySid = sid ? users(new EqualityFilter({ attribute: 'objectSid', value: sid })) : Promise.resolve([]);
    const byExternal = query.externalDirectoryObjectId
      ? users(new EqualityFilter({ attribute: 'msDS-ExternalDirectoryObjectId', value: query.externalDirectoryObjectId }))
      : Promise.resolve([]);
    const [a, b, c] = await Promise.all([byImmutableId, bySid, byExternal]);
    return { byImmutableId: a, bySid: b, byExternalDirectoryObjectId: c };
  }

  async *listUsers(options: ListUsersOptions = {}): AsyncIterable<DirectoryObject[]> {
    // Streamed page by page, so the caller holds what it keeps, not the whole result set; not
    // repeated after a drop (the pages already handed out cannot be taken back).
    const connection = await this.bound();
    if (options.changedSince) {
      const changed = new GreaterThanEqualsFilter({ attribute: 'uSNChanged', value: (BigInt(options.changedSince.usn) + 1n).toString() });
      yield* this.userPages(connection, new AndFilter({ filters: [...USER_FILTERS, changed] }));
      return;
    }
    const mark = this.readConnections > 1 ? await this.changeMarkOn(connection) : null;
    if (mark === null) {
      yield* this.userPages(connection, new AndFilter({ filters: USER_FILTERS }));
      return;
    }
    // Slices of one DC's USN space: USNs are per DC, so a user's uSNCreated on another DC could put
    // it in a slice read elsewhere, or in none. The slices cover every USN whatever the highest
    // is and whatever the kept cuts are: they set the balance, never which users are read.
    const planKey = JSON.stringify([mark.server, this.options.baseDn]);
    const learned = await this.learnedRanges(planKey);
    const slices = (learned ?? usnRanges(BigInt(mark.usn), this.readConnections * USN_SLICES_PER_CONNECTION)).map(usnRangeFilter);
    const created: bigint[] = [];
    const extra: Array<{ client: ReadModifyConnection; url: string }> = [];
    const openExtra = async () => {
      // A connection that cannot be opened, or that reached another DC (a DNS name can resolve to
      // several), leaves its slices to the others: the read goes on.
      const opened = await this.connectTo(connection.url).catch(() => null);
      if (!opened) return null;
      extra.push(opened);
      const reached = await this.changeMarkOn(opened).catch(() => null);
      return reached?.server === mark.server ? opened : null;
    };
    try {
      yield* mergeAsync([
        this.slicePages(() => Promise.resolve(connection), slices, created),
        ...Array.from({ length: this.readConnections - 1 }, () => this.slicePages(openExtra, slices, created)),
      ]);
      // Read to the end (not stopped early): every user's uSNCreated cuts the next read. Not
      // kept is no failure: the next read cuts equal widths again.
      const cuts = usnQuantileCuts(created, this.readConnections).map(String);
      await this.readPlans.saveReadPlan(planKey, cuts).catch(() => undefined);
    } finally {
      await Promise.all(extra.map((c) => c.client.unbind().catch(() => undefined)));
    }
  }

  /**
   * The slices kept for this DC from its last full read, one per connection; null when none are
   * kept, they were cut for another number of connections, or they do not parse.
   */
  private async learnedRanges(planKey: string): Promise<UsnRange[] | null> {
    const cuts = (await this.readPlans.readPlan(planKey).catch(() => null))?.map(parseUsn);
    if (!cuts || cuts.length !== this.readConnections - 1 || cuts.some((cut) => cut === null)) return null;
    try {
      return usnRangesAt(cuts as bigint[]);
    } catch {
      return null;
    }
  }

  /**
   * One connection's share of a sliced read: it takes the next slice left until none is. Each
   * user's uSNCreated goes to `created`.
   */
  private async *slicePages(open: () => Promise<{ client: ReadModifyConnection; url: string } | null>, slices: Filter[][], created: bigint[]): AsyncGenerator<DirectoryObject[]> {
    const connection = await open();
    if (!connection) return;
    for (let slice = slices.shift(); slice !== undefined; slice = slices.shift()) {
      yield* this.userPages(connection, new AndFilter({ filters: [...USER_FILTERS, ...slice] }), created);
    }
  }

  /**
   * One paged search of users on `connection`, its pages converted and handed out as they come;
   * with `created`, uSNCreated is read too and each user's goes there.
   */
  private async *userPages(connection: { client: ReadModifyConnection; url: string }, filter: Filter, created?: bigint[]): AsyncGenerator<DirectoryObject[]> {
    const context = { operation: 'search', target: this.options.baseDn };
    this.counters.searches++;
    try {
      const pages = connection.client.searchPaginated(this.options.baseDn, {
        scope: 'sub', filter, attributes: created ? [...DIRECTORY_OBJECT_ATTRIBUTES, 'uSNCreated'] : [...DIRECTORY_OBJECT_ATTRIBUTES],
        explicitBufferAttributes: EXPLICIT_BUFFER_ATTRIBUTES, paged: { pageSize: this.pageSize }, timeLimit: this.serverTimeLimit(),
      });
      // The next page is requested before this one is converted and handed out, so the DC
      // works on it meanwhile instead of waiting for the engine.
      for await (const page of readAhead(pages, 2)) {
        this.counters.pages++;
        // A slice of the USN space may hold no users at all: its empty page is not handed out.
        if (page.searchEntries.length === 0) continue;
        if (created) for (const entry of page.searchEntries) pushUsnCreated(created, entry);
        yield page.searchEntries.map(toDirectoryObject);
      }
    } catch (error) {
      if (!connection.client.isConnected) {
        this.forget(connection);
        throw toDirectoryError(error, { ...context, url: connection.url });
      }
      throw mapError(error, { ...context, url: connection.url });
    }
  }

  /** {@link changeMark} of the DC `connection` reached: which one it is, and the USN a sliced read is cut by. */
  private async changeMarkOn(connection: { client: ReadModifyConnection; url: string }): Promise<DirectoryChangeMark | null> {
    try {
      return changeMarkOf(await this.rootDseOn(connection.client, CHANGE_MARK_ATTRIBUTES));
    } catch (error) {
      throw mapError(error, { operation: 'search', target: '(rootDSE)', url: connection.url });
    }
  }

  async changeMark(): Promise<DirectoryChangeMark | null> {
    return changeMarkOf(await this.rootDse(CHANGE_MARK_ATTRIBUTES));
  }

  async readByGuid(objectGuid: Buffer): Promise<DirectoryObject | null> {
    const target = guidDn(objectGuid);
    try {
      const [object] = await this.searchObjects(target, new PresenceFilter({ attribute: 'objectClass' }), 'base');
      return object ?? null;
    } catch (error) {
      if (error instanceof DirectoryObjectGoneError) return null;
      throw error;
    }
  }

  async modify(objectGuid: Buffer, changes: readonly AttributeChange[]): Promise<void> {
    const target = guidDn(objectGuid);
    // The guard runs before any connection is touched: a refused write sends nothing.
    const safe = guardChanges(changes, this.options.attributeSet, target);
    if (safe.length === 0) return;
    const ldapChanges = safe.map((change) => new Change({
      operation: change.operation,
      modification: new Attribute({ type: change.attribute, values: change.values }),
    }));
    const context = { operation: 'modify', target, attributes: [...new Set(safe.map((c) => c.attribute))] };
    // Not retried after a drop: the DC may have applied it, and value-level add/delete are not idempotent.
    await this.run(context, false, async (client) => {
      this.counters.modifies++;
      await client.modify(target, ldapChanges);
    });
  }

  async missingSchemaAttributes(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const schemaDn = await this.schemaNamingContext();
    const found = new Set<string>();
    // A bounded OR per request keeps filters small whatever the caller passes.
    for (let i = 0; i < names.length; i += 50) {
      const chunk = names.slice(i, i + 50);
      const entries = await this.search({
        base: schemaDn, scope: 'one', attributes: ['lDAPDisplayName'],
        filter: new AndFilter({ filters: [
          new EqualityFilter({ attribute: 'objectClass', value: 'attributeSchema' }),
          new OrFilter({ filters: chunk.map((name) => new EqualityFilter({ attribute: 'lDAPDisplayName', value: name })) }),
        ] }),
      });
      for (const entry of entries) for (const value of stringValues(entry, 'lDAPDisplayName')) found.add(value.toLowerCase());
    }
    return names.filter((name) => !found.has(name.toLowerCase()));
  }

  async effectiveWritableAttributes(dn: string): Promise<Set<string>> {
    const [entry] = await this.search({ base: dn, scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes: ['allowedAttributesEffective'] });
    return new Set(entry ? stringValues(entry, 'allowedAttributesEffective').map((v) => v.toLowerCase()) : []);
  }

  async sampleUsers(baseDn: string, limit: number): Promise<DirectoryObject[]> {
    if (limit <= 0) return [];
    return this.searchObjects(baseDn, new AndFilter({ filters: [...USER_FILTERS, new PresenceFilter({ attribute: 'mail' })] }), 'sub', limit);
  }

  async whoAmI(): Promise<DirectoryIdentity> {
    const bindName = this.options.bindName;
    const { filter, accountName } = await this.identityFilter();
    const entries = filter ? await this.search({
      base: filter.base, scope: filter.base === this.options.baseDn ? 'sub' : 'base', filter: filter.filter,
      attributes: ['objectSid', 'sAMAccountName'], explicitBufferAttributes: EXPLICIT_BUFFER_ATTRIBUTES, limit: 2,
    }).catch((error: unknown) => {
      if (error instanceof DirectoryObjectGoneError) return [];
      throw error;
    }) : [];
    const entry = entries.length === 1 ? entries[0] : undefined;
    const sid = entry ? bufferValue(entry, 'objectSid') : null;
    const sam = entry ? stringValues(entry, 'sAMAccountName')[0] : undefined;
    // Samba lacks "Who am I?": build DOMAIN\name from the domain's NetBIOS name instead.
    const netbios = !accountName && sam ? await this.netbiosDomainName() : null;
    return {
      distinguishedName: entry?.dn ?? null, sid: sid ? sidToString(sid) : null, bindName,
      accountName: accountName ?? (netbios && sam ? `${netbios}\\${sam}` : null),
    };
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.connecting = null;
    await connection?.client.unbind().catch(() => undefined);
  }

  /**
   * How to find the bound account: the DC's "Who am I?" answer (`u:DOMAIN\\name` on AD, `dn:…`
   * elsewhere), else the bind name's own form (UPN, `DOMAIN\\name` or DN).
   */
  private async identityFilter(): Promise<{ filter: { base: string; filter: Filter } | null; accountName: string | null }> {
    let authzId = '';
    try {
      const { value } = await this.run({ operation: 'whoami' }, true, (client) => client.exop(WHO_AM_I_OID));
      authzId = typeof value === 'string' ? value : '';
    } catch (error) {
      // A DC without the extended operation answers with an LDAP code: fall back to the bind name.
      if (!(error instanceof DirectoryError) || error.resultCode === null) throw error;
    }
    const base = this.options.baseDn;
    const name = this.options.bindName;
    const account = authzId.startsWith('u:') && authzId.includes('\\') ? authzId.slice(2) : name.includes('\\') ? name : null;
    const anything = new PresenceFilter({ attribute: 'objectClass' });
    if (authzId.startsWith('dn:')) return { filter: { base: authzId.slice(3), filter: anything }, accountName: account };
    if (account) {
      const sam = account.slice(account.indexOf('\\') + 1);
      return { filter: { base, filter: new EqualityFilter({ attribute: 'sAMAccountName', value: sam }) }, accountName: account };
    }
    if (name.includes('@')) return { filter: { base, filter: new EqualityFilter({ attribute: 'userPrincipalName', value: name }) }, accountName: null };
    if (name.includes('=')) return { filter: { base: name, filter: anything }, accountName: null };
    return { filter: null, accountName: null };
  }

  /** The domain's NetBIOS name, from its crossRef in the Partitions container; null when unreadable. */
  private async netbiosDomainName(): Promise<string | null> {
    const rootDse = await this.rootDse(['configurationNamingContext']);
    const configuration = rootDse ? stringValues(rootDse, 'configurationNamingContext')[0] : undefined;
    if (!configuration) return null;
    const [crossRef] = await this.search({
      base: `CN=Partitions,${configuration}`, scope: 'one', attributes: ['nETBIOSName'],
      filter: new AndFilter({ filters: [
        new EqualityFilter({ attribute: 'objectClass', value: 'crossRef' }),
        new EqualityFilter({ attribute: 'nCName', value: this.options.baseDn }),
      ] }),
    });
    return crossRef ? stringValues(crossRef, 'nETBIOSName')[0] ?? null : null;
  }

  private async schemaNamingContext(): Promise<string> {
    if (this.schemaDn) return this.schemaDn;
    const rootDse = await this.rootDse(['schemaNamingContext']);
    const dn = rootDse ? stringValues(rootDse, 'schemaNamingContext')[0] : undefined;
    this.schemaDn = dn ?? `CN=Schema,CN=Configuration,${this.options.baseDn}`;
    return this.schemaDn;
  }

  /** The DC's rootDSE with these attributes (undefined when it answers with none). */
  private rootDse(attributes: string[]): Promise<Entry | undefined> {
    // Reads are safe to repeat after a dropped connection.
    return this.run({ operation: 'search', target: '(rootDSE)' }, true, (client) => this.rootDseOn(client, attributes));
  }

  private async rootDseOn(client: ReadModifyConnection, attributes: string[]): Promise<Entry | undefined> {
    const [entry] = await this.searchOn(client, { base: '', scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes });
    return entry;
  }

  private searchObjects(base: string, filter: Filter, scope: 'base' | 'sub' = 'sub', limit?: number): Promise<DirectoryObject[]> {
    return this.search({ base, scope, filter, attributes: [...DIRECTORY_OBJECT_ATTRIBUTES], explicitBufferAttributes: EXPLICIT_BUFFER_ATTRIBUTES, limit })
      .then((entries) => entries.map(toDirectoryObject));
  }

  /** A paged search; continuation references (e.g. to the Configuration NC) are ignored, not chased. */
  private search(spec: SearchSpec): Promise<Entry[]> {
    const context = { operation: 'search', target: spec.base || '(rootDSE)' };
    // Reads are safe to repeat after a dropped connection.
    return this.run(context, true, (client) => this.searchOn(client, spec));
  }

  /** The paged search itself, on `client`; failures are the caller's to map. */
  private async searchOn(client: ReadModifyConnection, spec: SearchSpec): Promise<Entry[]> {
    this.counters.searches++;
    const entries: Entry[] = [];
    const pages = client.searchPaginated(spec.base, {
      scope: spec.scope, filter: spec.filter, attributes: spec.attributes,
      explicitBufferAttributes: spec.explicitBufferAttributes ?? [],
      paged: { pageSize: spec.limit ? Math.min(this.pageSize, spec.limit) : this.pageSize }, timeLimit: this.serverTimeLimit(),
      ...(spec.limit ? { sizeLimit: spec.limit } : {}),
    });
    for await (const page of pages) {
      this.counters.pages++;
      entries.push(...page.searchEntries);
      if (spec.limit && entries.length >= spec.limit) break;
    }
    return spec.limit ? entries.slice(0, spec.limit) : entries;
  }

  /**
   * Runs one operation on the bound connection and maps failures. A connection found dropped
   * before the operation is re-opened silently; one that drops during it is re-opened and the
   * operation repeated once, when `repeatable`.
   */
  private async run<T>(context: DirectoryErrorContext, repeatable: boolean, operation: (client: ReadModifyConnection) => Promise<T>): Promise<T> {
    let connection = await this.bound();
    try {
      return await operation(connection.client);
    } catch (error) {
      const dropped = ldapResultCode(error) === null && !(error instanceof DirectoryError) && !connection.client.isConnected;
      if (!dropped) throw mapError(error, { ...context, url: connection.url });
      this.forget(connection);
      if (!repeatable) throw toDirectoryError(error, { ...context, url: connection.url });
      connection = await this.bound();
      try {
        return await operation(connection.client);
      } catch (second) {
        if (!connection.client.isConnected) this.forget(connection);
        throw mapError(second, { ...context, url: connection.url });
      }
    }
  }

  private forget(connection: { client: ReadModifyConnection }): void {
    if (this.connection === connection) this.connection = null;
    void connection.client.unbind().catch(() => undefined);
  }

  /** A further bound connection to `url` (no failover: it must reach the same DC); the caller unbinds it. */
  private async connectTo(url: string): Promise<{ client: ReadModifyConnection; url: string }> {
    const connection = await connectFirstUsable(this.connectOptions([url]));
    this.counters.connects++;
    return connection;
  }

  private connectOptions(urls: string[]): ConnectOptions {
    return {
      urls, bindName: this.options.bindName, password: this.options.password,
      timeoutMs: this.timeoutMs, ...(this.options.caPem ? { caPem: this.options.caPem } : {}),
      ...(this.options.startTls !== undefined ? { startTls: this.options.startTls } : {}),
    };
  }

  /** The bound connection, connecting (with failover) when there is none or it dropped. */
  private async bound(): Promise<{ client: ReadModifyConnection; url: string }> {
    if (this.connection?.client.isBound) return this.connection;
    if (this.connection) this.forget(this.connection);
    this.connecting ??= connectFirstUsable(this.connectOptions(this.options.urls)).then((connection) => {
      this.counters.connects++;
      this.connection = connection;
      return connection;
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}

/** Maps an operation failure; programming errors (not LDAP, connection intact) pass through untouched. */
function mapError(error: unknown, context: DirectoryErrorContext): unknown {
  if (error instanceof DirectoryError || ldapResultCode(error) !== null) return toDirectoryError(error, context);
  return error;
}

/** The rootDSE attributes of a {@link DirectoryChangeMark}. */
const CHANGE_MARK_ATTRIBUTES = ['highestCommittedUSN', 'dsServiceName'];

/** The change mark a rootDSE entry gives, or null when it does not say. */
function changeMarkOf(rootDse: Entry | undefined): DirectoryChangeMark | null {
  const usn = rootDse ? stringValues(rootDse, 'highestCommittedUSN')[0] : undefined;
  const server = rootDse ? stringValues(rootDse, 'dsServiceName')[0] : undefined;
  return usn && /^\d+$/.test(usn) && server ? { server, usn } : null;
}

/** The filter terms of a uSNCreated slice (none for the whole range). */
function usnRangeFilter(range: UsnRange): Filter[] {
  const terms: Filter[] = [];
  // "above" as the complement of <=: LDAP has no strict >, and the two terms then split exactly.
  if (range.after !== null) terms.push(new NotFilter({ filter: new LessThanEqualsFilter({ attribute: 'uSNCreated', value: range.after.toString() }) }));
  if (range.upTo !== null) terms.push(new LessThanEqualsFilter({ attribute: 'uSNCreated', value: range.upTo.toString() }));
  return terms;
}

/** Adds the entry's uSNCreated to `created` (an entry without a readable one only costs balance). */
function pushUsnCreated(created: bigint[], entry: Entry): void {
  const value = entry.uSNCreated ?? entryValue(entry, 'uSNCreated');
  const usn = parseUsn(Array.isArray(value) ? value[0] : value);
  if (usn !== null) created.push(usn);
}

function entryValue(entry: Entry, name: string): Entry[string] | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : entry[key];
}

function stringValues(entry: Entry, name: string): string[] {
  const value = entryValue(entry, name);
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

function bufferValue(entry: Entry, name: string): Buffer | null {
  const value = entryValue(entry, name);
  const first = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(first) ? first : null;
}
