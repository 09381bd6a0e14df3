/**
 * Matching a cloud user to its AD object (spec §4, a **Decision**): by anchors only, in a fixed
 * order, and only when exactly one object answers. Never by names or addresses — those are
 * reused and edited, anchors are not.
 */
import type { CloudUser } from './cloud-user.js';
import type { DirectoryObject } from './directory-object.js';
import { guidToString } from './guid.js';
import { objectFailure, type ObjectFailure } from './object-failure.js';

// Re-exported: callers that show a match need the GUID's string form next to the match itself.
export { guidToString } from './guid.js';

/** The anchors of one Entra user, ready for LDAP filters. */
export interface CloudAnchors {
  /** onPremisesImmutableId decoded: 16 bytes to look up in mS-DS-ConsistencyGuid and objectGUID. */
  immutableId: Buffer | null;
  /** onPremisesSecurityIdentifier (`S-1-5-21-…`). */
  sid: string | null;
  /** `User_<entra id>`, as classic hybrid writeback stamps msDS-ExternalDirectoryObjectId. */
  externalDirectoryObjectId: string;
}

/**
 * The user's anchors. An onPremisesImmutableId that is not the base64 of exactly 16 bytes, or a
 * SID not of the form `S-1-…`, fails with `InvalidAnchor`: matching on a wrong anchor is worse
 * than not matching.
 */
export function cloudAnchors(user: CloudUser): CloudAnchors | { failure: ObjectFailure } {
  let immutableId: Buffer | null = null;
  const encoded = user.onPremisesImmutableId;
  if (encoded !== null && encoded !== '') {
    // Buffer.from(…, 'base64') ignores junk, so check the alphabet and padding first.
    const wellFormed = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && encoded.length % 4 === 0;
    const bytes = wellFormed ? Buffer.from(encoded, 'base64') : null;
    if (!bytes || bytes.length !== 16) {
      return {
        failure: objectFailure(
          'InvalidAnchor',
          `onPremisesImmutableId '${encoded}' of user ${user.id} is not the base64 of a 16-byte GUID${bytes ? ` (it decodes to ${bytes.length} bytes)` : ''}.`,
        ),
      };
    }
    immutableId = bytes;
  }
  let sid: string | null = null;
  const rawSid = user.onPremisesSecurityIdentifier;
  if (rawSid !== null && rawSid !== '') {
    if (!/^S-1-\d+(-\d+)+$/i.test(rawSid)) {
      return { failure: objectFailure('InvalidAnchor', `onPremisesSecurityIdentifier '${rawSid}' of user ${user.id} is not a SID (S-1-…).`) };
    }
    sid = `S${rawSid.slice(1)}`;
  }
  return { immutableId, sid, externalDirectoryObjectId: `User_${user.id}` };
}

/** AD objects found per anchor, as the directory adapter returns them. */
export interface AnchorCandidates {
  /** Objects whose mS-DS-ConsistencyGuid or objectGUID equals the immutable id (both kinds here). */
  byImmutableId: DirectoryObject[];
  bySid: DirectoryObject[];
  byExternalDirectoryObjectId: DirectoryObject[];
}

/** Which anchor decided the match. */
export type MatchAnchor = 'immutableId' | 'sid' | 'externalDirectoryObjectId';

/** The outcome of matching. */
export type MatchResult = { ok: true; object: DirectoryObject; anchor: MatchAnchor; details: string } | { ok: false; failure: ObjectFailure };

const ANCHOR_ORDER: readonly { anchor: MatchAnchor; key: keyof AnchorCandidates; label: string }[] = [
  { anchor: 'immutableId', key: 'byImmutableId', label: 'immutable id' },
  { anchor: 'sid', key: 'bySid', label: 'objectSid' },
  { anchor: 'externalDirectoryObjectId', key: 'byExternalDirectoryObjectId', label: 'msDS-ExternalDirectoryObjectId' },
];

/** Distinct objects by objectGUID (the adapter may find one object by two filters). */
function distinct(objects: readonly DirectoryObject[]): DirectoryObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => {
    const key = o.objectGuid.toString('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const describe = (o: DirectoryObject) => `${o.distinguishedName} (objectGUID ${guidToString(o.objectGuid)})`;

/**
 * Decides the match: the first anchor kind (immutable id, then objectSid, then
 * msDS-ExternalDirectoryObjectId) with candidates decides. Several distinct objects (by
 * objectGUID) → `DuplicateTargetEntries`; one object, but another anchor kind found a different
 * object → `AnchorConflict`; no candidates at all → `NoMatchingTarget`. Pass `anchors` to have
 * the details say whether the immutable id matched mS-DS-ConsistencyGuid or objectGUID.
 */
export function decideMatch(candidates: AnchorCandidates, anchors?: CloudAnchors): MatchResult {
  const decider = ANCHOR_ORDER.find((a) => candidates[a.key].length > 0);
  if (!decider) {
    return { ok: false, failure: objectFailure('NoMatchingTarget', 'No AD object carries any of the user\'s anchors (immutable id, objectSid, msDS-ExternalDirectoryObjectId).') };
  }
  const found = distinct(candidates[decider.key]);
  if (found.length > 1) {
    return {
      ok: false,
      failure: objectFailure('DuplicateTargetEntries', `${found.length} AD objects match the ${decider.label}: ${found.map(describe).join('; ')}.`),
    };
  }
  const object = found[0]!;
  for (const other of ANCHOR_ORDER) {
    if (other === decider) continue;
    const conflicting = distinct(candidates[other.key]).filter((o) => !o.objectGuid.equals(object.objectGuid));
    if (conflicting.length > 0) {
      return {
        ok: false,
        failure: objectFailure(
          'AnchorConflict',
          `The ${decider.label} matches ${describe(object)}, but the ${other.label} matches ${conflicting.map(describe).join('; ')}.`,
        ),
      };
    }
  }
  let label = decider.label;
  if (decider.anchor === 'immutableId' && anchors?.immutableId) {
    label = object.consistencyGuid?.equals(anchors.immutableId) ? 'immutable id = mS-DS-ConsistencyGuid' : object.objectGuid.equals(anchors.immutableId) ? 'immutable id = objectGUID' : label;
  }
  return { ok: true, object, anchor: decider.anchor, details: `Matched by ${label}: ${describe(object)}` };
}
