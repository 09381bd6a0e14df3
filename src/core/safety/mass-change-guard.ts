/**
 * The mass-change guard (spec §7, a **Decision**): the analogue of Cloud Sync's accidental-deletes
 * threshold, for overwrites. When one cycle would update too many objects or remove too many
 * attribute values, the engine stages the planned changes, writes nothing, and waits for an admin
 * to `approve` or `reject` them.
 */
import type { AttributeChange } from '../attribute-change.js';

/**
 * Limits of one cycle. A cycle trips the guard when it would update **more than**
 * `maxObjectsUpdated` objects or remove **more than** `maxValuesRemoved` values (reaching a limit
 * exactly is allowed). A limit of `0` disables that check; both `0` disables the guard.
 */
export interface MassChangeThresholds {
  maxObjectsUpdated: number;
  maxValuesRemoved: number;
}

/**
 * Defaults: 500 objects, 1000 values.
 *
 * - **500 objects.** Normal change volume is small and spread out: an incremental cycle (every
 *   2 minutes) carries the handful of mailboxes admins and scripts touched since the last one, and
 *   even a busy day's reconcile repairs a few dozen. Hundreds of mailboxes changing inside one cycle
 *   is the signature of a bulk operation — an intended one costs one `approve`; a mistaken one
 *   (a `Set-Mailbox` loop that cleared or overwrote a custom attribute across the tenant, an email
 *   address policy gone wrong) is stopped before it reaches AD, where other systems (HR feeds,
 *   dynamic groups, transport rules) read these attributes. 500 stays above what small and
 *   mid-sized tenants ever change legitimately in one cycle and is a real stop for large ones.
 * - **1000 values removed.** Removal is what destroys information (a replace counts the value it
 *   overwrites, as the diff does). Below the object limit, a normal edit removes about one value per
 *   object, so more than 1000 removals means several values lost per object: typically proxy
 *   addresses stripped from many mailboxes, or a multi-valued extension attribute emptied — the
 *   classic hybrid outage (undeliverable replies to old addresses). It catches a destructive
 *   change concentrated on fewer objects than the object limit.
 *
 * Expect the very first cycle of a large tenant whose AD is stale to trip the guard: that is
 * intended — the admin reviews the first bulk write once.
 */
export const DEFAULT_MASS_CHANGE_THRESHOLDS: MassChangeThresholds = Object.freeze({ maxObjectsUpdated: 500, maxValuesRemoved: 1000 });

/** What the cycle would write to one object (the diff's counts; `valuesRemoved` counts overwritten values). */
export interface PlannedObjectChange {
  entraId: string;
  changes: AttributeChange[];
  valuesAdded: number;
  valuesRemoved: number;
}

/** The guard's verdict for a whole cycle. */
export type MassChangeVerdict =
  | { exceeded: false }
  | {
      exceeded: true;
      /** One sentence per limit exceeded, naming the count and the limit. */
      reasons: string[];
      /** Objects that would be updated (distinct Entra ids with at least one change). */
      objects: number;
      /** Values the cycle would remove, in total. */
      valuesRemoved: number;
    };

function requireLimit(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0 (0 disables the check), not ${value}.`);
}

/**
 * Evaluates the planned changes of one cycle (call it with the whole cycle's plan, before the
 * first write). Objects with no changes are not counted; an Entra id listed twice counts once.
 * Throws RangeError for a negative or fractional limit.
 */
export function evaluateMassChange(planned: readonly PlannedObjectChange[], thresholds: MassChangeThresholds): MassChangeVerdict {
  requireLimit('maxObjectsUpdated', thresholds.maxObjectsUpdated);
  requireLimit('maxValuesRemoved', thresholds.maxValuesRemoved);

  const updated = new Set<string>();
  let valuesRemoved = 0;
  for (const object of planned) {
    if (object.changes.length === 0) continue;
    updated.add(object.entraId.toLowerCase());
    valuesRemoved += Math.max(0, object.valuesRemoved);
  }
  const objects = updated.size;

  const reasons: string[] = [];
  const { maxObjectsUpdated, maxValuesRemoved } = thresholds;
  if (maxObjectsUpdated > 0 && objects > maxObjectsUpdated) {
    reasons.push(`The cycle would update ${objects} objects; the limit is ${maxObjectsUpdated} (maxObjectsUpdated).`);
  }
  if (maxValuesRemoved > 0 && valuesRemoved > maxValuesRemoved) {
    reasons.push(`The cycle would remove ${valuesRemoved} attribute values; the limit is ${maxValuesRemoved} (maxValuesRemoved).`);
  }
  return reasons.length === 0 ? { exceeded: false } : { exceeded: true, reasons, objects, valuesRemoved };
}
