/**
 * The emulator's own control API under `/_emulator/…` — a prefix no Microsoft endpoint uses, so
 * the engine can never reach it by accident through a Microsoft base URL. Loopback only, no auth
 * (the server binds 127.0.0.1), and it never reveals secrets.
 *
 * | route | does |
 * |---|---|
 * | `GET /_emulator/health` | liveness: `{status:"ok", url, tenantId}` |
 * | `GET /_emulator/state` | counts, change clock, config, faults in force |
 * | `GET /_emulator/faults` · `POST` (a rule or an array) · `DELETE` (all) · `DELETE /_emulator/faults/{id}` | fault rules |
 * | `GET /_emulator/config` · `POST` (`exoMaxConcurrency`, `cloudManagedFilterable`) | run-time switches |
 * | `POST /_emulator/flush` | writes the state file now |
 * | `GET /_emulator/filler` · `PUT` (`{mailboxes, seed?}`) | generated filler mailboxes for benchmarks (memory only) |
 * | `PATCH /_emulator/graph/users/{id}` · `DELETE …` | edit / delete an Entra user (drives `users/delta`) |
 * | `PATCH /_emulator/exo/mailboxes/{Guid or ExternalDirectoryObjectId}` | raw mailbox edit bypassing Exchange's validation (bad-data tests) |
 */
import { performance } from 'node:perf_hooks';
import { applyFiller, DEFAULT_FILLER_SEED, FILLER_MAX } from './filler.js';
import { applyRawMailboxPatch } from './raw-mailbox-patch.js';
import { FaultRuleError, type FaultInjector, type FaultRule } from './faults.js';
import { jsonResponse, type EmulatorResponse } from './http-response.js';
import type { GraphUser, TenantStore } from './tenant-state.js';

/** Run-time switches shared with the server. */
export interface EmulatorRuntimeConfig {
  /** More concurrent EXO calls than this → the concurrency refusal. null = no cap. */
  exoMaxConcurrency: number | null;
  cloudManagedFilterable: boolean;
}

/** What the admin API operates on. */
export interface AdminContext {
  store: TenantStore;
  faults: FaultInjector;
  config: EmulatorRuntimeConfig;
  url: string;
  now: () => number;
  inFlightExo: () => number;
}

const GRAPH_EDITABLE: readonly (keyof GraphUser)[] = [
  'displayName', 'givenName', 'surname', 'jobTitle', 'department', 'userPrincipalName', 'mail', 'proxyAddresses', 'accountEnabled',
  'onPremisesImmutableId', 'onPremisesSecurityIdentifier', 'onPremisesDistinguishedName', 'onPremisesDomainName',
  'onPremisesSamAccountName', 'onPremisesUserPrincipalName', 'onPremisesSyncEnabled', 'onPremisesLastSyncDateTime',
];

/** Handles `/_emulator/…`. */
export async function handleAdminRequest(method: string, path: string, body: Buffer, ctx: AdminContext): Promise<EmulatorResponse> {
  const segments = path.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const route = `${method} /${segments.join('/')}`;
  const parse = (): unknown => {
    try {
      return body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return undefined;
    }
  };
  const bad = (message: string) => jsonResponse(400, { error: message });

  switch (true) {
    case route === 'GET /health':
      return jsonResponse(200, { status: 'ok', url: ctx.url, tenantId: ctx.store.data.tenantId });
    case route === 'GET /state':
      return jsonResponse(200, {
        stateId: ctx.store.stateId,
        tenantId: ctx.store.data.tenantId,
        mailboxes: ctx.store.mailboxCount(),
        graphUsers: ctx.store.graphUserCount(),
        filler: fillerInfo(ctx),
        changeSeq: ctx.store.clock.seq,
        inFlightExo: ctx.inFlightExo(),
        config: ctx.config,
        faults: ctx.faults.list(),
      });
    case route === 'GET /faults':
      return jsonResponse(200, { rules: ctx.faults.list() });
    case route === 'POST /faults': {
      const rules = parse();
      if (rules === undefined) return bad('body is not JSON');
      try {
        return jsonResponse(201, { rules: ctx.faults.add(rules as FaultRule | FaultRule[]) });
      } catch (error) {
        if (error instanceof FaultRuleError) return bad(error.message);
        throw error;
      }
    }
    case route === 'DELETE /faults':
      ctx.faults.clear();
      return { status: 204 };
    case method === 'DELETE' && segments[0] === 'faults' && segments.length === 2:
      return ctx.faults.remove(segments[1] as string) ? { status: 204 } : jsonResponse(404, { error: 'no such rule' });
    case route === 'GET /config':
      return jsonResponse(200, ctx.config);
    case route === 'POST /config': {
      const patch = parse() as Partial<EmulatorRuntimeConfig> | undefined;
      if (!patch || typeof patch !== 'object') return bad('body must be a JSON object');
      if ('exoMaxConcurrency' in patch) {
        const v = patch.exoMaxConcurrency;
        if (v !== null && !(Number.isInteger(v) && (v as number) > 0)) return bad('exoMaxConcurrency must be a positive integer or null');
        ctx.config.exoMaxConcurrency = v ?? null;
      }
      if ('cloudManagedFilterable' in patch) {
        if (typeof patch.cloudManagedFilterable !== 'boolean') return bad('cloudManagedFilterable must be a boolean');
        ctx.config.cloudManagedFilterable = patch.cloudManagedFilterable;
      }
      return jsonResponse(200, ctx.config);
    }
    case route === 'GET /filler':
      return jsonResponse(200, fillerInfo(ctx));
    case route === 'PUT /filler': {
      const settings = parse() as { mailboxes?: unknown; seed?: unknown } | undefined;
      if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return bad('body must be a JSON object');
      const unknown = Object.keys(settings).filter((k) => k !== 'mailboxes' && k !== 'seed');
      if (unknown.length) return bad(`unknown settings: ${unknown.join(', ')}`);
      const { mailboxes, seed } = settings;
      if (typeof mailboxes !== 'number' || !Number.isInteger(mailboxes) || mailboxes < 0 || mailboxes > FILLER_MAX) {
        return bad(`mailboxes must be an integer 0..${FILLER_MAX}`);
      }
      if (seed !== undefined && !(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
        return bad('seed must be an integer 0..4294967295');
      }
      const started = performance.now();
      applyFiller(ctx.store, { mailboxes, ...(seed !== undefined ? { seed } : {}) }, ctx.now());
      const elapsedMs = Math.round((performance.now() - started) * 10) / 10;
      return jsonResponse(200, { ...fillerInfo(ctx), elapsedMs });
    }
    case route === 'POST /flush':
      await ctx.store.flush();
      return { status: 204 };
    case segments[0] === 'graph' && segments[1] === 'users' && segments.length === 3 && method === 'PATCH': {
      const patch = parse();
      if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return bad('body must be a JSON object');
      const unknown = Object.keys(patch).filter((k) => !GRAPH_EDITABLE.includes(k as keyof GraphUser));
      if (unknown.length) return bad(`not editable: ${unknown.join(', ')}`);
      const user = ctx.store.updateGraphUser(segments[2] as string, patch, ctx.now());
      return user ? jsonResponse(200, { id: user.id }) : jsonResponse(404, { error: 'no such user' });
    }
    case segments[0] === 'graph' && segments[1] === 'users' && segments.length === 3 && method === 'DELETE':
      return ctx.store.deleteGraphUser(segments[2] as string, ctx.now()) ? { status: 204 } : jsonResponse(404, { error: 'no such user' });
    case segments[0] === 'exo' && segments[1] === 'mailboxes' && segments.length === 3 && method === 'PATCH': {
      const patch = parse();
      if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return bad('body must be a JSON object');
      const id = segments[2] as string;
      const mailbox = ctx.store.mailboxByGuid(id) ?? ctx.store.mailboxByExternalId(id);
      if (!mailbox) return jsonResponse(404, { error: 'no such mailbox' });
      const problem = applyRawMailboxPatch(mailbox, patch as Record<string, unknown>);
      if (problem) return bad(problem);
      ctx.store.touchMailbox(mailbox, ctx.now());
      return jsonResponse(200, { Guid: mailbox.Guid });
    }
    default:
      return jsonResponse(404, { error: `no admin route ${route}` });
  }
}

/** The filler in force and the tenant's totals (filler included). */
function fillerInfo(ctx: AdminContext) {
  const filler = ctx.store.filler;
  return {
    mailboxes: filler?.count ?? 0,
    seed: filler?.params.seed ?? DEFAULT_FILLER_SEED,
    live: filler?.live ?? 0,
    totalMailboxes: ctx.store.mailboxCount(),
    totalGraphUsers: ctx.store.graphUserCount(),
    stateId: ctx.store.stateId,
    persisted: false,
  };
}
