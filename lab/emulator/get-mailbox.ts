/**
 * `Get-Mailbox` through the InvokeCommand gateway: `Identity`, `Filter` (OPATH), `RecipientTypeDetails`,
 * `ResultSize` (default 1000 with Exchange's warning, a number, or `Unlimited`), keyset paging over
 * the mailboxes sorted by `Guid` (stable while other requests modify mailboxes), and the
 * replication-lag view of recently written mailboxes.
 */
import { bindError, CmdletError } from './exo-errors.js';
import type { ExoCommandContext } from './exo-invoke-command.js';
import { filterAccessor, filterSchema } from './mailbox-projection.js';
import { resolveMailbox } from './mailbox-identity.js';
import { FILLER_QUICK_PROPERTIES } from './filler.js';
import { compileOpath, OpathBindError, OpathSyntaxError, parseOpath, type OpathNode, type OpathPredicate, type OpathValue } from './opath-filter.js';
import { bindParameters, stringParameter } from './cmdlet-parameters.js';
import type { ExoMailbox } from './tenant-state.js';

/** Parameters the emulated Get-Mailbox accepts. */
export const GET_MAILBOX_PARAMETERS = ['Identity', 'Filter', 'RecipientTypeDetails', 'ResultSize'] as const;

/** Exchange's default result size when `ResultSize` is absent. */
export const DEFAULT_RESULT_SIZE = 1000;

/** The warning Exchange emits when the default result size cut the output short. */
export const DEFAULT_RESULT_SIZE_WARNING =
  'By default, only the first 1000 items are returned. Use the ResultSize parameter to specify the number of items returned. To return all items, specify "-ResultSize Unlimited". Be aware that, depending on the actual number of items, returning all items can take a long time and consume a large amount of memory. Also, we don\'t recommend storing the results in a variable. Instead, pipe the results to another task or script to perform batch changes.';

/** Recipient type names Exchange knows (a value outside this list is a bind error). */
const KNOWN_RECIPIENT_TYPES = new Set(
  ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox', 'LinkedMailbox', 'LinkedRoomMailbox', 'TeamMailbox',
    'DiscoveryMailbox', 'SchedulingMailbox', 'GroupMailbox', 'LegacyMailbox', 'AuditLogMailbox', 'AuxAuditLogMailbox',
    'SupervisoryReviewPolicyMailbox', 'ArbitrationMailbox', 'MonitoringMailbox', 'RemoteUserMailbox', 'MailUser'].map((t) => t.toLowerCase()),
);

/** Paging state carried in `$skiptoken`. */
export interface GetMailboxCursor {
  /** Guid of the last mailbox served. */
  after: string;
  /** Results still allowed by ResultSize; -1 = unlimited. */
  remaining: number;
  /** ResultSize was absent (the default-size warning applies). */
  defaulted: boolean;
}

/** One page of Get-Mailbox output. */
export interface GetMailboxPage {
  mailboxes: ExoMailbox[];
  next: GetMailboxCursor | null;
  warnings: string[];
}

/** Runs Get-Mailbox for one page. @throws CmdletError */
export function getMailbox(rawParameters: unknown, cursor: GetMailboxCursor | null, pageSize: number, ctx: ExoCommandContext): GetMailboxPage {
  const params = bindParameters(rawParameters, GET_MAILBOX_PARAMETERS);
  const nowMs = ctx.now();
  const view = (m: ExoMailbox): ExoMailbox => ctx.lag.view(m.Guid, m, nowMs);

  const identity = params.has('Identity') ? stringParameter('Identity', params.get('Identity')) : null;
  const resultSize = parseResultSize(params.get('ResultSize'));
  const types = parseRecipientTypes(params.get('RecipientTypeDetails'));
  const filter = params.has('Filter') ? compileFilter(params.get('Filter'), ctx.config.cloudManagedFilterable) : null;
  const predicate = filter?.predicate ?? null;
  if (identity !== null && predicate) {
    throw new CmdletError(400, 'AmbiguousParameterSet', 'System.Management.Automation.ParameterBindingException', 'Parameter set cannot be resolved using the specified named parameters.');
  }

  const matches = (m: ExoMailbox): boolean =>
    (types === null || types.has(m.RecipientTypeDetails.toLowerCase())) && (predicate === null || predicate(filterAccessor(m)));

  if (identity !== null) {
    const mailbox = resolveMailbox(viewed(ctx.store.mailboxCandidates([identity]), view), identity);
    return { mailboxes: matches(mailbox) ? [mailbox] : [], next: null, warnings: [] };
  }

  let remaining = cursor ? cursor.remaining : resultSize ?? DEFAULT_RESULT_SIZE;
  const defaulted = cursor ? cursor.defaulted : resultSize === undefined;
  const limit = remaining === -1 ? pageSize : Math.min(pageSize, remaining);
  const out: ExoMailbox[] = [];
  // Filter only until the page is full, then on until one more match says whether anything is left.
  let more = false;
  // A test on cheap properties only can reject filler mailboxes before they are generated.
  const prefilter = (types !== null || predicate !== null) && (filter === null || [...filter.properties].every((p) => FILLER_QUICK_PROPERTIES.has(p)))
    ? (peek: (property: string) => OpathValue | undefined) =>
      (types === null || types.has(String(peek('RecipientTypeDetails')).toLowerCase())) && (predicate === null || predicate((p) => peek(p) ?? null))
    : undefined;
  for (const stored of ctx.store.mailboxesAfter(cursor ? cursor.after : null, prefilter)) {
    const mailbox = view(stored);
    if (!matches(mailbox)) continue;
    if (out.length === limit) {
      more = true;
      break;
    }
    out.push(mailbox);
  }
  if (remaining !== -1) remaining -= out.length;
  const warnings: string[] = [];
  let next: GetMailboxCursor | null = null;
  const last = out[out.length - 1];
  if (more && last) {
    if (remaining === 0) {
      if (defaulted) warnings.push(DEFAULT_RESULT_SIZE_WARNING);
    } else {
      next = { after: last.Guid, remaining, defaulted };
    }
  }
  return { mailboxes: out, next, warnings };
}

function* viewed(mailboxes: Iterable<ExoMailbox>, view: (m: ExoMailbox) => ExoMailbox): Generator<ExoMailbox, void, undefined> {
  for (const m of mailboxes) yield view(m);
}

function parseResultSize(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^unlimited$/i.test(value.trim())) return -1;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw bindError('ResultSize', `Cannot convert value "${JSON.stringify(value)}" to type "Microsoft.Exchange.Data.Unlimited\`1[System.UInt32]". Use a positive number or "Unlimited".`);
  }
  return n;
}

function parseRecipientTypes(value: unknown): Set<string> | null {
  if (value === undefined || value === null) return null;
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!list) throw bindError('RecipientTypeDetails', 'Expected a recipient type or an array of them.');
  const types = new Set<string>();
  for (const item of list) {
    const name = typeof item === 'string' ? item.trim().toLowerCase() : '';
    if (!KNOWN_RECIPIENT_TYPES.has(name)) {
      throw bindError('RecipientTypeDetails', `Cannot convert value "${String(item)}" to type "Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails".`);
    }
    types.add(name);
  }
  return types;
}

/** A compiled `-Filter` and the (canonical) properties it reads. */
interface CompiledFilter {
  predicate: OpathPredicate;
  properties: Set<string>;
}

function compileFilter(value: unknown, cloudManagedFilterable: boolean): CompiledFilter {
  const text = stringParameter('Filter', value) ?? '';
  const schema = filterSchema(cloudManagedFilterable);
  try {
    const predicate = compileOpath(text, schema);
    const properties = new Set<string>();
    const collect = (node: OpathNode): void => {
      if (node.type === 'compare') properties.add(schema.get(node.property.toLowerCase())?.name ?? node.property);
      else if (node.type === 'not') collect(node.operand);
      else {
        collect(node.left);
        collect(node.right);
      }
    };
    collect(parseOpath(text));
    return { predicate, properties };
  } catch (error) {
    if (error instanceof OpathSyntaxError || error instanceof OpathBindError) {
      throw new CmdletError(400, 'ParameterBindingFailed', 'System.Management.Automation.ParameterBindingException',
        `Cannot bind parameter 'Filter' to the target. Exception setting "Filter": "${error.message}"`);
    }
    throw error;
  }
}
