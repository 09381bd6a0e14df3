/**
 * The service account's delegation, as SDDL: which attributes it may write, on which objects.
 * Pure; {@link ./service-account.ts} applies it to the scoped OU.
 */
import { guidFromBytes } from './ad-binary.js';

/** Microsoft's standard write-back set (24 attributes). */
export const STANDARD_WRITEBACK_ATTRIBUTES = [
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
  ...Array.from({ length: 5 }, (_, i) => `msExchExtensionCustomAttribute${i + 1}`),
  'msExchRecipientTypeDetails',
  'msExchRecipientDisplayType',
  'proxyAddresses',
  'mail',
] as const;

/** Our opt-in extended set. */
export const EXTENDED_WRITEBACK_ATTRIBUTES = ['msExchHideFromAddressLists', 'msExchRemoteRecipientType'] as const;

/** Every attribute the lab's service account may write (standard + extended), nothing else. */
export const DELEGATED_ATTRIBUTES: readonly string[] = [...STANDARD_WRITEBACK_ATTRIBUTES, ...EXTENDED_WRITEBACK_ATTRIBUTES];

/** The object class the write rights apply to. */
export const DELEGATED_OBJECT_CLASS = 'user';

/**
 * One object-specific allow ACE, as `dsacls` would write it: write-property (WP) on one attribute,
 * inherit-only and container-inherit (CIIO) so it applies to `user` objects anywhere below the OU
 * (not the OU itself), for one trustee SID.
 */
export function writePropertyAce(attributeGuid: string, objectClassGuid: string, trusteeSid: string): string {
  return `(OA;CIIO;WP;${attributeGuid.toLowerCase()};${objectClassGuid.toLowerCase()};${trusteeSid})`;
}

/**
 * Builds the ACEs for all {@link DELEGATED_ATTRIBUTES} from their schemaIDGUIDs (as read from the
 * schema: Samba generates some of them). Throws when a GUID is missing, so no attribute is
 * silently left undelegated.
 */
export function delegationAces(schemaIdGuids: ReadonlyMap<string, Buffer>, trusteeSid: string): string[] {
  const classGuid = schemaIdGuids.get(DELEGATED_OBJECT_CLASS);
  if (!classGuid) throw new Error(`schemaIDGUID of class ${DELEGATED_OBJECT_CLASS} not found`);
  return DELEGATED_ATTRIBUTES.map((name) => {
    const guid = schemaIdGuids.get(name);
    if (!guid) throw new Error(`schemaIDGUID of attribute ${name} not found (is the Exchange schema applied?)`);
    return writePropertyAce(guidFromBytes(guid), guidFromBytes(classGuid), trusteeSid);
  });
}
