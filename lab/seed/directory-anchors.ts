/** What Entra Connect would read from one AD object: the anchors that tie a cloud user to it. */
export interface DirectoryAnchors {
  distinguishedName: string;
  /** objectGUID, 16 bytes in AD byte order. */
  objectGuid: Buffer;
  /** objectSid in string form, `S-1-5-21-…`. */
  objectSid: string;
  /** mS-DS-ConsistencyGuid bytes, or null when the attribute is empty. */
  consistencyGuid: Buffer | null;
}
