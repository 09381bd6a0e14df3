/**
 * Recipient type values of on-prem remote mailboxes (spec §2.3): what AD should say about a
 * mailbox whose Exchange Online `RecipientTypeDetails` is known. All values are the decimal LDAP
 * strings AD stores; 64-bit values are computed with BigInt so nothing is rounded.
 */

interface RemoteType {
  /** msExchRecipientTypeDetails of the remote form. */
  typeDetails: bigint;
  /** msExchRecipientDisplayType, non-ACL-able form, as a signed 32-bit number. */
  displayType: number;
  /** Type bits of msExchRemoteRecipientType (0x20 room, 0x40 equipment, 0x60 shared). */
  remoteTypeBits: bigint;
}

const REMOTE_TYPES: ReadonlyMap<string, RemoteType> = new Map([
  ['usermailbox', { typeDetails: 0x80000000n, displayType: -2147483642, remoteTypeBits: 0x00n }],
  ['roommailbox', { typeDetails: 0x200000000n, displayType: -2147481850, remoteTypeBits: 0x20n }],
  ['equipmentmailbox', { typeDetails: 0x400000000n, displayType: -2147481594, remoteTypeBits: 0x40n }],
  ['sharedmailbox', { typeDetails: 0x800000000n, displayType: -2147483642, remoteTypeBits: 0x60n }],
]);

/** The Exchange Online types in scope; anything else is skipped as `UnsupportedRecipientType`. */
export const SUPPORTED_RECIPIENT_TYPES: readonly string[] = ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox'];

/** The display-type bit that marks the ACL-able form (Exchange's "ACL-able synced mailbox user"). */
export const ACLABLE_DISPLAY_TYPE_BIT = 0x40000000;

/** msExchRemoteRecipientType bits that encode the type; 0x80 (retired TeamMailbox) is cleared too. */
const REMOTE_TYPE_MASK = 0xe0n;

/** msExchRemoteRecipientType low flags used when AD has none: 4 = Migrated. */
const DEFAULT_REMOTE_FLAGS = 0x4n;

function remoteType(exo: string): RemoteType | undefined {
  return REMOTE_TYPES.get(exo.toLowerCase());
}

/** Parses an LDAP integer string strictly; null when absent or not an integer. */
function parseInteger(value: string | null): bigint | null {
  if (value === null || !/^-?\d+$/.test(value.trim())) return null;
  return BigInt(value.trim());
}

/** True when `exo` is one of the four supported `RecipientTypeDetails` (case-insensitive). */
export function isSupportedRecipientType(exo: string): boolean {
  return remoteType(exo) !== undefined;
}

/** msExchRecipientTypeDetails of the remote form of `exo`, e.g. `UserMailbox` → `2147483648`; null when unsupported. */
export function remoteRecipientTypeDetails(exo: string): string | null {
  return remoteType(exo)?.typeDetails.toString() ?? null;
}

function requireType(exo: string): RemoteType {
  const type = remoteType(exo);
  // Scoping skips unsupported types before any mapping, so reaching this is a bug.
  if (!type) throw new RangeError(`Unsupported RecipientTypeDetails '${exo}': scope the mailbox before mapping it.`);
  return type;
}

/**
 * msExchRecipientDisplayType for `exo` (signed 32-bit decimal). When AD's current value has the
 * ACL-able bit 0x40000000, the result has it too (user/shared: -2147483642 ↔ -1073741818), so a
 * type change never silently drops ACL-ability. Throws for an unsupported type (scope first).
 */
export function remoteDisplayType(exo: string, currentAdValue: string | null): string {
  const base = requireType(exo).displayType;
  const current = parseInteger(currentAdValue);
  const aclable = current !== null && (current & BigInt(ACLABLE_DISPLAY_TYPE_BIT)) !== 0n;
  // `| 0` keeps the result a signed 32-bit integer, as AD stores it.
  return String(aclable ? (base | ACLABLE_DISPLAY_TYPE_BIT) | 0 : base);
}

/**
 * msExchRemoteRecipientType for `exo` (extended set): AD's current value with its type bits
 * (0x20 room, 0x40 equipment, 0x60 shared, 0x80 retired team) replaced and every other bit kept —
 * in particular 1 (provisioned in the cloud) vs 4 (migrated), which only on-prem knows. When AD
 * has no (integer) value, the flags default to 4 (Migrated): user 4, room 36, equipment 68,
 * shared 100. Throws for an unsupported type (scope first).
 */
export function remoteRecipientType(exo: string, currentAdValue: string | null): string {
  const bits = requireType(exo).remoteTypeBits;
  const current = parseInteger(currentAdValue);
  const flags = current === null ? DEFAULT_REMOTE_FLAGS : current & ~REMOTE_TYPE_MASK;
  return (flags | bits).toString();
}
