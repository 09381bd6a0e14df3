/** An Entra ID user as Graph serves it, with the on-premises anchors the engine matches on. */

/** The Graph values the engine uses (`GRAPH_ANCHOR_PROPERTIES`). */
export interface CloudUser {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
  /** base64 of the source anchor bytes (mS-DS-ConsistencyGuid, or objectGUID when that is empty). */
  onPremisesImmutableId: string | null;
  /** objectSid, `S-1-5-21-…`. */
  onPremisesSecurityIdentifier: string | null;
  /** A hint only: it may be stale after a move. */
  onPremisesDistinguishedName: string | null;
  onPremisesDomainName: string | null;
  onPremisesSyncEnabled: boolean | null;
}

/** Reads a Graph user record; unknown or absent properties become null. */
export function parseCloudUser(record: Record<string, unknown>): CloudUser {
  const str = (name: string): string | null => (typeof record[name] === 'string' ? record[name] : null);
  return {
    id: String(record.id),
    displayName: str('displayName'),
    userPrincipalName: str('userPrincipalName'),
    onPremisesImmutableId: str('onPremisesImmutableId'),
    onPremisesSecurityIdentifier: str('onPremisesSecurityIdentifier'),
    onPremisesDistinguishedName: str('onPremisesDistinguishedName'),
    onPremisesDomainName: str('onPremisesDomainName'),
    onPremisesSyncEnabled: typeof record.onPremisesSyncEnabled === 'boolean' ? record.onPremisesSyncEnabled : null,
  };
}
