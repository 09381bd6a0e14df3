/**
 * The engine API the CLI (and later the console) is a thin shell over: builds the adapters from
 * the configuration once, and offers provision on demand, a full sync cycle and the pre-flight check.
 */
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { MAILBOX_SEARCH_SELECT, mailboxSearchFilter } from '../cloud/mailbox-search.js';
import { redactConfig } from '../config/redact-config.js';
import { guidToBytes } from '../core/guid.js';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';
import { runOnDemandCycle, type OnDemandResult } from './on-demand-cycle.js';
import { readServiceStatus, type ServiceStatus } from './service-status.js';
import type { RetryEvent } from '../cloud/authorized-request.js';
import { ExoClient } from '../cloud/exo-client.js';
import { GraphClient } from '../cloud/graph-client.js';
import { createHttpTransport, type HttpTransport } from '../cloud/http-transport.js';
import { TokenClient } from '../cloud/token-client.js';
import type { EngineConfig } from '../config/load-config.js';
import { LdapDirectory } from '../directory/ldap-directory.js';
import { JsonlProvisioningLog } from '../store/jsonl-provisioning-log.js';
import { SqliteStateStore } from '../store/sqlite-state-store.js';
import type { ReadPlanStore } from '../directory/read-plan-store.js';
import type { ControlKind, StateStore } from '../store/state-store.js';
import type { HealthReport } from './health-report.js';
import { createServiceLogger } from './service-logger.js';
import type { ServiceMetrics } from './service-metrics.js';
import { undo, type UndoResult, type UndoTarget } from './undo.js';
import { WritebackService } from './writeback-service.js';
import type { ProvisioningLogSink, ServedDomain } from './engine-ports.js';
import { runPreflightCheck, type CheckReport } from './preflight-check.js';
import type { Initiator, MailboxOutcome, ProcessContext } from './process-mailbox.js';
import { provisionOnDemand } from './provision-on-demand.js';
import { newRecordId } from './record-id.js';
import { runSyncCycle, type SyncSummary } from './sync-cycle.js';

/** The scheduler's identity in log records. */
export const SCHEDULER: Initiator = { id: 'scheduler', displayName: 'exo-writeback scheduler', initiatorType: 'system' };

/** A mailbox as the console's search lists it. */
export interface MailboxSummary {
  displayName: string;
  userPrincipalName: string;
  primarySmtpAddress: string;
  alias: string;
  entraId: string;
  recipientTypeDetails: string;
  isDirSynced: boolean;
  isExchangeCloudManaged: boolean;
}

/** No object linked to an identity: the service has not written or matched it yet. */
export class ObjectNotLinkedError extends ExoWritebackError {
  readonly code = 'ObjectNotLinked';
}

/**
 * What serves HTTP while the service runs (the console and API, `/healthz`, `/metrics`): started
 * after the service is built, closed when it stops. The engine knows it only by this shape.
 */
export type FrontEnd = (service: { health: () => HealthReport; metrics: ServiceMetrics; logger: Logger }) => Promise<{ url: string; close(): Promise<void> }>;

/** Options of {@link WritebackEngine.open}. */
export interface EngineOptions {
  /** Replaces the JSON-lines log (tests, the state store later). */
  log?: ProvisioningLogSink;
  now?: () => Date;
}

/** exo-writeback's engine for one configuration. */
export class WritebackEngine {
  private stateStore: StateStore | undefined;
  /** The service's logger once `runService` started; silent for one-off commands. */
  private logger: Logger = pino({ enabled: false });
  /** Receives cloud API retries (the service counts them in its metrics). */
  private retryListener: ((event: RetryEvent, api: 'exo' | 'graph') => void) | null = null;

  private constructor(
    readonly config: EngineConfig,
    private readonly transport: HttpTransport,
    private readonly tokens: TokenClient,
    private readonly exo: ExoClient,
    private readonly graph: GraphClient,
    private readonly domains: ServedDomain[],
    private readonly log: ProvisioningLogSink,
    private readonly now: () => Date,
  ) {}

  /** Builds the adapters. Nothing connects until the first call. */
  static open(config: EngineConfig, options: EngineOptions = {}): WritebackEngine {
    const transport = createHttpTransport({ ca: config.tenant.caPem });
    const tokens = new TokenClient({
      loginBaseUrl: config.tenant.endpoints.login,
      tenantId: config.tenant.tenantId,
      clientId: config.tenant.clientId,
      credential: config.tenant.credential,
      transport,
    });
    const listeners: { current: WritebackEngine | null } = { current: null };
    const exo = new ExoClient({
      exoBaseUrl: config.tenant.endpoints.exchangeOnline, tenantId: config.tenant.tenantId, tokens, transport,
      onRetry: (event) => listeners.current?.retryListener?.(event, 'exo'),
    });
    const graph = new GraphClient({ graphBaseUrl: config.tenant.endpoints.graph, tokens, transport, onRetry: (event) => listeners.current?.retryListener?.(event, 'graph') });
    // How each DC's last full read was cut, kept in the state store so the next run's read is
    // balanced too; opened on first use, and a store that cannot be opened only costs balance.
    const readPlans: ReadPlanStore = {
      readPlan: async (key) => listeners.current!.store().readPlan(key),
      saveReadPlan: async (key, cuts) => listeners.current!.store().saveReadPlan(key, cuts),
    };
    const domains = config.domains.map((d): ServedDomain => ({
      name: d.name,
      baseDn: d.baseDn,
      scopeOus: d.scopeOus,
      directory: new LdapDirectory({
        urls: d.ldapUrls,
        caPem: d.caPem,
        bindName: d.bindName,
        password: d.password,
        baseDn: d.baseDn,
        attributeSet: config.attributeSet,
        startTls: d.startTls,
        timeoutMs: d.timeoutMs,
        readConnections: d.readConnections,
        readPlans,
      }),
    }));
    const engine = new WritebackEngine(config, transport, tokens, exo, graph, domains, options.log ?? new JsonlProvisioningLog(config.logFile), options.now ?? (() => new Date()));
    listeners.current = engine;
    return engine;
  }

  /** Provision on demand for one identity. */
  provision(identity: string, options: { dryRun?: boolean; initiatedBy?: Initiator } = {}): Promise<MailboxOutcome> {
    return provisionOnDemand({
      identity,
      mailboxes: this.exo,
      users: this.graph,
      log: this.log,
      context: this.context(options.dryRun ?? false, options.initiatedBy ?? localAdmin()),
    });
  }

  /** One full cycle over the tenant. */
  sync(options: { dryRun?: boolean; onProgress?: (summary: SyncSummary) => void } = {}): Promise<SyncSummary> {
    return runSyncCycle({
      mailboxes: this.exo,
      users: this.graph,
      log: this.log,
      context: this.context(options.dryRun ?? false, SCHEDULER),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  /** The state store (opened on first use; shared with a running service through SQLite's locking). */
  store(): StateStore {
    // Batches of object results commit on a worker thread: only the service's cycles commit them.
    this.stateStore ??= SqliteStateStore.open({ path: this.config.service.stateFile, commitThread: 'worker' });
    return this.stateStore;
  }

  /**
   * Runs the long-running service until SIGTERM/SIGINT (or `signal`): structured logs, the
   * `frontEnd` (the console, its API, health and metrics — see `src/http/serve-console.ts`)
   * while it runs, and a graceful stop that finishes the current object.
   */
  async runService(options: { logger?: Logger; signal?: AbortSignal; onListening?: (url: string) => void; frontEnd?: FrontEnd } = {}): Promise<void> {
    const logger = options.logger ?? createServiceLogger();
    this.logger = logger;
    // Loaded here: Prometheus' client is the service's alone, and one-off commands start faster without it.
    const { ServiceMetrics } = await import('./service-metrics.js');
    const metrics = new ServiceMetrics();
    const domains = this.domains.map((d) => ({ ...d, directory: metrics.instrument(d.directory) }));
    const service = new WritebackService({
      store: this.store(),
      mailboxes: this.exo,
      users: this.graph,
      context: { ...this.context(false, SCHEDULER), domains },
      tenantId: this.config.tenant.tenantId,
      schedule: {
        intervalMs: this.config.service.intervalMs,
        overlapMs: this.config.service.overlapMs,
        reconcileMs: this.config.service.reconcileMs,
        retentionMs: this.config.service.retentionMs,
        thresholds: this.config.service.massChange,
      },
      metrics,
      logger,
    });
    this.retryListener = (event, api) => metrics.apiRetries.inc({ api, reason: event.reason });
    const server = options.frontEnd ? await options.frontEnd({ health: () => service.health(), metrics, logger }) : null;
    if (server) {
      logger.info({ url: server.url }, 'console, API, health and metrics listening');
      options.onListening?.(server.url);
    }
    const stop = () => service.stop();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      await service.run();
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      await server?.close();
    }
  }

  /** Leaves a control request (pause, resume, restart, approve, reject) for the running service. */
  async requestControl(kind: ControlKind, args: Record<string, string> = {}): Promise<void> {
    await this.store().requestControl(kind, args);
  }

  /** The Entra object id of a mailbox identity (UPN, SMTP, alias, GUID), or null. */
  async entraIdOf(identity: string): Promise<string | null> {
    const mailbox = await this.exo.getMailbox(identity, ['ExternalDirectoryObjectId']);
    return typeof mailbox?.ExternalDirectoryObjectId === 'string' ? mailbox.ExternalDirectoryObjectId : null;
  }

  /** Undo a cycle or an object from the journal. */
  undo(target: UndoTarget, options: { dryRun?: boolean; initiatedBy?: Initiator } = {}): Promise<UndoResult> {
    return undo({
      store: this.store(), domains: this.domains, target, dryRun: options.dryRun ?? false,
      initiatedBy: options.initiatedBy ?? localAdmin(), jobId: `exo-writeback.${this.config.tenant.tenantId}`, now: this.now,
    });
  }

  /** The pre-flight check; writes nothing. */
  check(): Promise<CheckReport> {
    return runPreflightCheck({ tokens: this.tokens, mailboxes: this.exo, users: this.graph, domains: this.domains, attributeSet: this.config.attributeSet });
  }

  /** The service's status as the state store knows it (the service need not run in this process). */
  status(): Promise<ServiceStatus> {
    return readServiceStatus(this.store(), this.staleAfterMs());
  }

  /** A heartbeat older than three intervals (at least a minute) means the service is gone. */
  staleAfterMs(): number {
    return Math.max(60_000, 3 * this.config.service.intervalMs);
  }

  /** Mailboxes whose display name, alias, UPN or SMTP address starts with `term` (at most `limit`). */
  async searchMailboxes(term: string, limit = 20): Promise<MailboxSummary[]> {
    const found: MailboxSummary[] = [];
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    for await (const page of this.exo.getMailboxPages({ filter: mailboxSearchFilter(term), select: MAILBOX_SEARCH_SELECT })) {
      for (const m of page) {
        found.push({
          displayName: text(m.DisplayName), userPrincipalName: text(m.UserPrincipalName), primarySmtpAddress: text(m.PrimarySmtpAddress), alias: text(m.Alias),
          entraId: text(m.ExternalDirectoryObjectId), recipientTypeDetails: text(m.RecipientTypeDetails), isDirSynced: m.IsDirSynced === true, isExchangeCloudManaged: m.IsExchangeCloudManaged === true,
        });
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  /**
   * Provision on demand recorded in the state store, as the console does it: an `on-demand`
   * cycle, the write journaled (undoable), the record in the provisioning logs.
   */
  provisionRecorded(identity: string, options: { dryRun?: boolean; initiatedBy?: Initiator } = {}): Promise<OnDemandResult> {
    const { initiatedBy: _ignored, ...context } = this.context(false, SCHEDULER);
    return runOnDemandCycle(identity, { store: this.store(), mailboxes: this.exo, users: this.graph, context, logger: this.logger }, {
      dryRun: options.dryRun ?? false, initiatedBy: options.initiatedBy ?? localAdmin(),
    });
  }

  /** objectGUID of an identity: a GUID (objectGUID or Entra id, through the link table) or any mailbox identity. */
  async resolveObjectGuid(identity: string): Promise<Buffer> {
    const store = this.store();
    if (guidToBytes(identity)) {
      const byGuid = await store.getLinkByGuid(identity);
      if (byGuid) return guidToBytes(byGuid.objectGuid)!;
      const byEntra = await store.getLink(identity);
      if (byEntra) return guidToBytes(byEntra.objectGuid)!;
    }
    const entraId = await this.entraIdOf(identity);
    const link = entraId ? await store.getLink(entraId) : null;
    if (!link) throw new ObjectNotLinkedError(`no object linked to '${identity}': the service has not written or matched it yet`);
    return guidToBytes(link.objectGuid)!;
  }

  /** The effective configuration (defaults applied) with every secret redacted. */
  effectiveConfig(): unknown {
    return redactConfig(this.config.source);
  }

  /** Closes connections, the log and the state store. */
  async close(): Promise<void> {
    await Promise.all(this.domains.map((d) => d.directory.close()));
    await this.log.close();
    await this.stateStore?.close();
    this.transport.close();
  }

  private context(dryRun: boolean, initiatedBy: Initiator): Omit<ProcessContext, 'lookupUser'> {
    return {
      domains: this.domains,
      mapping: { attributeSet: this.config.attributeSet, cloudOnlyProxyTypes: this.config.proxyAddresses.cloudOnlyTypes, preservedProxyTypes: this.config.proxyAddresses.preservedTypes },
      dryRun,
      cycleId: randomUUID(),
      jobId: `exo-writeback.${this.config.tenant.tenantId}`,
      initiatedBy,
      now: this.now,
      newId: randomUUID,
      newRecordId,
    };
  }
}

/** The account running this process, as the log records it; `via` says how (`on-demand`, `console`). */
export function localInitiator(via: string): Initiator {
  const user = process.env.SUDO_USER ?? process.env.USER ?? 'admin';
  return { id: user, displayName: `${user} (${via})`, initiatorType: 'user' };
}

/** The admin running a command by hand. */
function localAdmin(): Initiator {
  return localInitiator('on-demand');
}
