/**
 * Exchange Online pages made ready for the pipeline: each mailbox's cloud-side scope decided once,
 * and the Entra users of the mailboxes still in scope looked up together, a page at a time
 * (`$filter=id in (…)`, 15 ids a request, 20 requests a `$batch`). A cycle holds the users of the
 * pages in flight only, so its memory follows the mailboxes it processes, not the tenant's synced
 * users (docs/performance.md).
 */
import type { ExoRecord } from '../cloud/exo-client.js';
import type { GraphUserRecord } from '../cloud/graph-client.js';
import type { SkipReason } from '../core/scoping.js';
import type { UserSource } from './engine-ports.js';
import { parseCloudMailbox } from '../core/cloud-mailbox.js';
import { cloudSideSkipOf, type ParsedMailbox } from './process-mailbox.js';

/** The Entra user with this id, or null when Graph has none. */
export type UserLookup = (id: string) => Promise<GraphUserRecord | null>;

/** A page of mailboxes, ready for the pipeline. */
export interface PreparedPage {
  mailboxes: readonly ExoRecord[];
  /**
   * Per mailbox (same order): the record read as a mailbox, once, for its scope and then its
   * pipeline; null for the cloud-side skips, which go no further (in a large tenant, most).
   */
  parsed: ReadonlyArray<ParsedMailbox | null>;
  /** Per mailbox (same order): why Exchange Online's own properties put it out of scope, or null (see {@link cloudSideSkip}). */
  cloudSkips: ReadonlyArray<SkipReason | null>;
  /** The users of this page's in-scope mailboxes; a failed lookup fails each mailbox that asks. */
  lookupUser: UserLookup;
}

/** Prepares one batch of mailboxes (a page, or a few mailboxes read on their own). */
export async function preparePage(mailboxes: readonly ExoRecord[], users: UserSource): Promise<PreparedPage> {
  const parsed: Array<ParsedMailbox | null> = mailboxes.map(parseCloudMailbox);
  const cloudSkips = parsed.map((mailbox, i) => {
    const reason = cloudSideSkipOf(mailbox!);
    if (reason !== null) parsed[i] = null;
    return reason;
  });
  const ids: string[] = [];
  mailboxes.forEach((mailbox, i) => {
    const id = mailbox.ExternalDirectoryObjectId;
    if (cloudSkips[i] === null && typeof id === 'string' && id !== '') ids.push(id);
  });
  return { mailboxes, parsed, cloudSkips, lookupUser: await lookupUsers(users, ids) };
}

/**
 * Prepares each page of `pages` in turn; `onLookup` hears how long each page's user lookup took
 * (it overlaps other work when the pages are read ahead).
 */
export async function* preparePages(pages: AsyncIterable<ExoRecord[]>, users: UserSource, onLookup?: (ms: number) => void): AsyncGenerator<PreparedPage> {
  for await (const page of pages) {
    const started = Date.now();
    const prepared = await preparePage(page, users);
    onLookup?.(Date.now() - started);
    yield prepared;
  }
}

/**
 * A lookup that answers for one mailbox only, with what `lookup` answered: what a planned object
 * keeps until it is applied, instead of its whole page's users.
 */
export async function keepOne(lookup: UserLookup, id: string): Promise<UserLookup> {
  const user = await lookup(id);
  const key = id.toLowerCase();
  return (asked) => Promise.resolve(asked.toLowerCase() === key ? user : null);
}

async function lookupUsers(users: UserSource, ids: readonly string[]): Promise<UserLookup> {
  if (ids.length === 0) return () => Promise.resolve(null);
  try {
    const found = await users.getUsers(ids);
    const byId = new Map(found.map((user) => [user.id.toLowerCase(), user]));
    return (id) => Promise.resolve(byId.get(id.toLowerCase()) ?? null);
  } catch (error) {
    // As when each mailbox read its user itself: the pipeline decides per object whether it is fatal.
    const reason = error instanceof Error ? error : new Error(String(error));
    return () => Promise.reject(reason);
  }
}
