/**
 * Incremental reads (spec §7): an incremental cycle asks Exchange Online only for dir-synced
 * mailboxes whose `WhenChangedUTC` is after the watermark, minus an overlap window that absorbs
 * replication lag inside Exchange Online (a change stamped at t may become readable a little
 * later) and clock skew between this host and Exchange.
 */

/**
 * Default overlap: 5 minutes. Exchange Online's directory replicates within seconds to a few
 * minutes; mailboxes read twice cost nothing (the diff finds nothing to write), a missed change
 * waits for the daily reconcile. Keep it well above the host's clock skew.
 */
export const DEFAULT_INCREMENTAL_OVERLAP_MS = 5 * 60_000;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * `d` in UTC as the US-culture date literal OPATH filters document: `M/d/yyyy h:mm:ss AM|PM`,
 * e.g. `8/1/2026 2:00:00 PM` (month and day without leading zeros, 12-hour clock, midnight
 * `12:00:00 AM`). Seconds precision: milliseconds are dropped (rounded down, never up).
 * Throws RangeError for an invalid date or a year outside 1..9999.
 */
export function formatOpathDate(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Cannot format an invalid date.');
  const t = new Date(Math.floor(ms / 1000) * 1000);
  const year = t.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`Year ${year} is outside what an OPATH date can express.`);
  const hours = t.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const meridiem = hours < 12 ? 'AM' : 'PM';
  return `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${year} ${hour12}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())} ${meridiem}`;
}

/**
 * The `Get-Mailbox -Filter` of an incremental cycle: dir-synced mailboxes changed after
 * `watermark − overlapMs`, the instant rounded **down** to the second so nothing is missed:
 * `IsDirSynced -eq $true -and WhenChangedUTC -gt '8/1/2026 2:00:00 PM'`.
 * This is the filter's text as sent (a JSON parameter of the REST call); it needs no further quoting.
 * Throws RangeError for a negative or non-finite overlap.
 */
export function incrementalFilter(watermark: Date, overlapMs: number = DEFAULT_INCREMENTAL_OVERLAP_MS): string {
  if (!(Number.isFinite(overlapMs) && overlapMs >= 0)) throw new RangeError(`overlapMs must be ≥ 0, not ${overlapMs}.`);
  return `IsDirSynced -eq $true -and WhenChangedUTC -gt '${formatOpathDate(new Date(watermark.getTime() - overlapMs))}'`;
}
