/**
 * What the engine needs from its adapters, as small structural interfaces. The production
 * ExoClient, GraphClient and LdapDirectory satisfy them; so would any other adapter.
 */
import type { ExoRecord, GetMailboxQuery } from '../cloud/exo-client.js';
import type { GraphUserRecord } from '../cloud/graph-client.js';
import type { ProvisioningRecord } from '../core/provisioning-record.js';
import type { DirectoryPort } from '../directory/directory-port.js';

/** Exchange Online mailbox reads. */
export interface MailboxSource {
  getMailboxPages(query: GetMailboxQuery): AsyncGenerator<ExoRecord[]>;
  getMailbox(identity: string, select: readonly string[]): Promise<ExoRecord | null>;
}

/** Entra users with their on-premises anchors. */
export interface UserSource {
  listSyncedUserPages(): AsyncGenerator<GraphUserRecord[]>;
  getUser(id: string): Promise<GraphUserRecord | null>;
  /** The users with these ids (any sync state); ids without a user are left out. */
  getUsers(ids: readonly string[]): Promise<GraphUserRecord[]>;
}

/** Where provisioning log records go (a JSON-lines file now; the state store later). */
export interface ProvisioningLogSink {
  append(records: readonly ProvisioningRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** One AD domain the engine serves: its directory adapter and scope. */
export interface ServedDomain {
  name: string;
  baseDn: string;
  scopeOus: string[];
  directory: DirectoryPort;
}
