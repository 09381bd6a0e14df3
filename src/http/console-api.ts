/**
 * The console's JSON API, `/api/v1/…` — the same operations as the CLI, over the engine API.
 * Documented in docs/api.md; the console itself uses nothing else.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { PROVISIONING_CSV_HEADER, recordToCsvRow, type ProvisioningRecord } from '../core/provisioning-record.js';
import type { CheckReport } from '../engine/preflight-check.js';
import type { Initiator } from '../engine/process-mailbox.js';
import type { OnDemandResult } from '../engine/on-demand-cycle.js';
import type { ServiceStatus } from '../engine/service-status.js';
import type { UndoResult, UndoTarget } from '../engine/undo.js';
import type { MailboxSummary } from '../engine/writeback-engine.js';
import type { ControlKind, Cycle, Drift, JournalEntry, RecordPage, RecordQuery, StagedCycleWithItems } from '../store/state-store.js';
import { ApiInvalidRequestError, ApiNotFoundError } from './http-errors.js';

/** What the API needs from the engine (WritebackEngine plus the running service provide it). */
export interface ConsoleBackend {
  status(): Promise<ServiceStatus>;
  cycles(limit: number): Promise<Cycle[]>;
  cycle(id: string): Promise<{ cycle: Cycle; journal: JournalEntry[] } | null>;
  records(query: RecordQuery): Promise<RecordPage>;
  record(id: string): Promise<ProvisioningRecord | null>;
  searchMailboxes(term: string): Promise<MailboxSummary[]>;
  provision(identity: string, options: { dryRun: boolean; initiatedBy: Initiator }): Promise<OnDemandResult>;
  requestControl(kind: ControlKind, args?: Record<string, string>): Promise<void>;
  staged(cycleId: string): Promise<StagedCycleWithItems | null>;
  drift(query: { since?: Date; limit?: number }): Promise<Drift[]>;
  /** Resolves an identity (UPN, SMTP, GUID…) to the linked AD object. */
  resolveObjectGuid(identity: string): Promise<Buffer>;
  undo(target: UndoTarget, options: { dryRun: boolean; initiatedBy: Initiator }): Promise<UndoResult>;
  effectiveConfig(): unknown;
  /** The latest check result (run now when there is none, or when `refresh`). */
  check(refresh: boolean): Promise<{ checkedAt: string; report: CheckReport }>;
}

/** Variables the auth middleware sets for the routes. */
export interface ApiVariables {
  /** Who is acting, for the provisioning log's `initiatedBy`. */
  initiator: Initiator;
}

const STATUSES = ['success', 'skipped', 'failure', 'warning'] as const;
const recordFilters = z.object({
  user: z.string().max(256).optional(),
  status: z.enum(STATUSES).optional(),
  action: z.enum(['update', 'other']).optional(),
  cycleId: z.string().max(64).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
const recordsQuery = recordFilters.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const exportQuery = recordFilters.extend({ format: z.enum(['json', 'csv']).default('json') });
const provisionBody = z.object({ identity: z.string().trim().min(1).max(512), dryRun: z.boolean().default(false) }).strict();
const undoBody = z
  .object({ cycleId: z.string().min(1).max(64).optional(), object: z.string().trim().min(1).max(512).optional(), dryRun: z.boolean().default(true) })
  .strict()
  .refine((b) => b.cycleId || b.object, 'give cycleId, object, or both');

/** Parses with a schema; a failure names the field. */
function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiInvalidRequestError(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return result.data;
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ApiInvalidRequestError('the body must be JSON');
  }
}

function toRecordQuery(q: z.infer<typeof recordFilters>): RecordQuery {
  return {
    ...(q.user ? { user: q.user } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.cycleId ? { cycleId: q.cycleId } : {}),
    ...(q.since ? { since: new Date(q.since) } : {}),
    ...(q.until ? { until: new Date(q.until) } : {}),
  };
}

/** The `/api/v1` routes over `backend`. Authentication and CSRF are checked before these run. */
export function consoleApi(backend: ConsoleBackend): Hono<{ Variables: ApiVariables }> {
  const api = new Hono<{ Variables: ApiVariables }>();

  api.get('/status', async (c) => c.json(await backend.status()));

  api.get('/cycles', async (c) => {
    const { limit } = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), c.req.query());
    return c.json({ cycles: await backend.cycles(limit) });
  });
  api.get('/cycles/:id', async (c) => {
    const found = await backend.cycle(c.req.param('id'));
    if (!found) throw new ApiNotFoundError(`no cycle ${c.req.param('id')}`);
    return c.json(found);
  });

  api.get('/records', async (c) => {
    const q = parse(recordsQuery, c.req.query());
    return c.json(await backend.records({ ...toRecordQuery(q), limit: q.limit, offset: q.offset, order: 'desc' }));
  });
  api.get('/records/export', async (c) => {
    const q = parse(exportQuery, c.req.query());
    const records: ProvisioningRecord[] = [];
    // Page through the filter: an export is the whole filtered log, not the page on screen.
    for (let offset = 0; ; offset += 500) {
      const page = await backend.records({ ...toRecordQuery(q), limit: 500, offset, order: 'desc' });
      records.push(...page.records);
      if (page.records.length < 500) break;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (q.format === 'csv') {
      c.header('content-disposition', `attachment; filename="provisioning-logs-${stamp}.csv"`);
      return c.body(`${[PROVISIONING_CSV_HEADER, ...records.map(recordToCsvRow)].join('\r\n')}\r\n`, 200, { 'content-type': 'text/csv; charset=utf-8' });
    }
    c.header('content-disposition', `attachment; filename="provisioning-logs-${stamp}.json"`);
    return c.json(records);
  });
  api.get('/records/:id', async (c) => {
    const record = await backend.record(c.req.param('id'));
    if (!record) throw new ApiNotFoundError(`no provisioning record ${c.req.param('id')}`);
    return c.json(record);
  });

  api.get('/mailboxes', async (c) => {
    const { search } = parse(z.object({ search: z.string().min(1, 'type part of a name, alias, UPN or address') }), c.req.query());
    return c.json({ mailboxes: await backend.searchMailboxes(search) });
  });

  api.post('/provision', async (c) => {
    const body = parse(provisionBody, await jsonBody(c));
    const result = await backend.provision(body.identity, { dryRun: body.dryRun, initiatedBy: c.get('initiator') });
    return c.json({ cycleId: result.cycleId, outcome: result.outcome.kind, record: result.outcome.record });
  });

  for (const kind of ['pause', 'resume', 'restart'] as const) {
    api.post(`/service/${kind}`, async (c) => {
      await backend.requestControl(kind);
      return c.json({ requested: kind }, 202);
    });
  }
  api.get('/approvals/:cycleId', async (c) => {
    const staged = await backend.staged(c.req.param('cycleId'));
    if (!staged) throw new ApiNotFoundError(`no staged cycle ${c.req.param('cycleId')}`);
    return c.json(staged);
  });
  for (const decision of ['approve', 'reject'] as const) {
    api.post(`/approvals/:cycleId/${decision}`, async (c) => {
      const cycleId = c.req.param('cycleId');
      const staged = await backend.staged(cycleId);
      if (!staged || staged.status !== 'pending') throw new ApiNotFoundError(`no pending staged cycle ${cycleId}`);
      await backend.requestControl(decision, { cycleId });
      return c.json({ requested: decision, cycleId }, 202);
    });
  }

  api.get('/drift', async (c) => {
    const { since, limit } = parse(z.object({ since: z.iso.datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }), c.req.query());
    return c.json({ drift: await backend.drift({ ...(since ? { since: new Date(since) } : {}), limit }) });
  });

  api.post('/undo', async (c) => {
    const body = parse(undoBody, await jsonBody(c));
    const target: UndoTarget = body.object
      ? { objectGuid: await backend.resolveObjectGuid(body.object), ...(body.cycleId ? { cycleId: body.cycleId } : {}) }
      : { cycleId: body.cycleId! };
    return c.json(await backend.undo(target, { dryRun: body.dryRun, initiatedBy: c.get('initiator') }));
  });

  api.get('/config', (c) => c.json(backend.effectiveConfig()));
  api.get('/check', async (c) => c.json(await backend.check(false)));
  api.post('/check', async (c) => c.json(await backend.check(true)));

  return api;
}
