/**
 * The directory port: everything the engine asks of on-prem AD, and nothing more. The production
 * adapter is {@link ./ldap-directory.ts}; the contract suite in
 * `test/integration/directory-adapter/` pins the behaviour every adapter must have.
 */
import type { AttributeChange } from '../core/attribute-change.js';
import type { DirectoryObject } from '../core/directory-object.js';

/** The anchors of one cloud user (spec §4); a null anchor is not searched. */
export interface AnchorQuery {
  /** `onPremisesImmutableId` decoded from base64 (the source anchor bytes). */
  immutableId: Buffer | null;
  /** `onPremisesSecurityIdentifier`, `S-1-5-21-…`. */
  sid: string | null;
  /** msDS-ExternalDirectoryObjectId as AD holds it (`User_<entra id>`). */
  externalDirectoryObjectId: string | null;
}

/** The objects each anchor matched, separately, so the engine can decide (none / one / several / conflict). */
export interface AnchorCandidates {
  byImmutableId: DirectoryObject[];
  bySid: DirectoryObject[];
  byExternalDirectoryObjectId: DirectoryObject[];
}

/**
 * Where a DC's change stream stood at one moment: its highest committed USN and which DC that
 * was (USNs are per DC, so a mark is only meaningful against the same one).
 */
export interface DirectoryChangeMark {
  /** The DC's `dsServiceName` (its NTDS Settings DN). */
  server: string;
  /** `highestCommittedUSN`, decimal. */
  usn: string;
}

/** Options of {@link DirectoryPort.listUsers}. */
export interface ListUsersOptions {
  /** Only users changed after this mark (uSNChanged greater than its USN; uSNChanged is indexed). */
  changedSince?: DirectoryChangeMark;
}

/** The bound account, as the directory sees it. */
export interface DirectoryIdentity {
  distinguishedName: string | null;
  sid: string | null;
  /** The name the adapter binds with (never the password). */
  bindName: string;
  /** `DOMAIN\\name` as the DC reports it ("Who am I?"), when it does; for delegation commands. */
  accountName?: string | null;
}

/** What the engine needs from AD. Every method may throw a `DirectoryError` subclass. */
export interface DirectoryPort {
  /** Objects matching each anchor separately: immutableId against mS-DS-ConsistencyGuid OR objectGUID; sid against objectSid; externalDirectoryObjectId against msDS-ExternalDirectoryObjectId. Searches the whole domain (base DN), users only. */
  findByAnchors(query: AnchorQuery): Promise<AnchorCandidates>;
  /**
   * Every user object ((objectCategory=person)(objectClass=user), the set {@link findByAnchors}
   * searches) under the base DN, with the same attributes, one page at a time: what a full cycle
   * indexes instead of searching once per mailbox. With `changedSince`, only those changed after
   * the mark — on the DC the mark came from; compare {@link changeMark} before and after to know.
   */
  listUsers(options?: ListUsersOptions): AsyncIterable<DirectoryObject[]>;
  /** The connected DC's change mark now; null when its rootDSE does not say (then nothing can be read incrementally). */
  changeMark(): Promise<DirectoryChangeMark | null>;
  /** Base search on `<GUID=…>`; null when gone. */
  readByGuid(objectGuid: Buffer): Promise<DirectoryObject | null>;
  /** ONE LDAP modify for this object with all changes, addressed by `<GUID=…>` (so a rename/move in between can't misdirect it). Guard: refuses (throws WriteRefusedError before sending anything) any attribute not in the catalogue, any attribute outside the configured attribute set, an empty change list is a no-op. Never add/delete/modDN: the class must have no code path that does. */
  modify(objectGuid: Buffer, changes: readonly AttributeChange[]): Promise<void>;
  /** Which of these attribute names the schema lacks. */
  missingSchemaAttributes(names: readonly string[]): Promise<string[]>;
  /** AD's constructed `allowedAttributesEffective` for one object: the attributes the bound account may write there (lower-case names). No write. */
  effectiveWritableAttributes(dn: string): Promise<Set<string>>;
  /** Up to `limit` user objects with a `mail` value under `baseDn` (for the pre-flight sample). */
  sampleUsers(baseDn: string, limit: number): Promise<DirectoryObject[]>;
  /** The bound account's own DN/SID (for messages and the delegation commands). */
  whoAmI(): Promise<DirectoryIdentity>;
  close(): Promise<void>;
}
