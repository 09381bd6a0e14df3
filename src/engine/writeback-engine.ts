/**
 * The engine API the CLI (and later the console) is a thin shell over: builds the adapters from
 * the configuration once, and offers provision on demand, a full sync cycle and the pre-flight check.
 */
import { randomUUID } from 'node:crypto';
import type { RetryEvent } from '../cloud/authorized-request.js';
import { ExoClient } from '../cloud/exo-client.js';
import { GraphClient } from '../cloud/graph-client.js';
import { createHttpTransport, type HttpTransport } from '../cloud/http-transport.js';
import { TokenClient } from '../cloud/token-client.js';
import type { EngineConfig } from '../config/load-config.js';
import { LdapDirectory } from '../directory/ldap-directory.js';
import { JsonlProvisioningLog } from '../store/jsonl-provisioning-log.js';
import { SqliteStateStore } from '../store/sqlite-state-store.js';
import type { ControlKind, StateStore } from '../store/state-store.js';
import type { Logger } from 'pino';
import { startHealthServer } from './health-server.js';
import { createServiceLogger } from './service-logger.js';
import { ServiceMetrics } from './service-metrics.js';
import { undo, type UndoResult, type UndoTarget } from './undo.js';
import { WritebackService } from './writeback-service.js';
import type { ProvisioningLogSink, ServedDomain } from './engine-ports.js';
import { runPreflightCheck, type CheckReport } from './preflight-check.js';
import type { Initiator, MailboxOutcome, ProcessContext } from './process-mailbox.js';
import { provisionOnDemand } from './provision-on-demand.js';
import { runSyncCycle, type SyncSummary } from './sync-cycle.js';

/** The scheduler's identity in log records. */
export const SCHEDULER: Initiator = { id: 'scheduler', displayName: 'exo-writeback scheduler', initiatorType: 'system' };

/** Options of {@link WritebackEngine.open}. */
export interface EngineOptions {
  /** Replaces the JSON-lines log (tests, the state store later). */
  log?: ProvisioningLogSink;
  now?: () => Date;
}

/** exo-writeback's engine for one configuration. */
export class WritebackEngine {
  private stateStore: StateStore | undefined;
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
    this.stateStore ??= SqliteStateStore.open({ path: this.config.service.stateFile });
    return this.stateStore;
  }

  /**
   * Runs the long-running service until SIGTERM/SIGINT (or `signal`): health and metrics on
   * loopback, structured logs, and a graceful stop that finishes the current object.
   */
  async runService(options: { logger?: Logger; signal?: AbortSignal; onListening?: (url: string) => void } = {}): Promise<void> {
    const logger = options.logger ?? createServiceLogger();
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
        thresholds: this.config.service.massChange,
      },
      metrics,
      logger,
    });
    this.retryListener = (event, api) => metrics.apiRetries.inc({ api, reason: event.reason });
    const server = await startHealthServer({ ...this.config.service.http, metrics, health: () => service.health() });
    const address = server.address();
    const url = typeof address === 'object' && address ? `http://${this.config.service.http.host}:${address.port}` : '';
    logger.info({ url }, 'health and metrics endpoint listening');
    options.onListening?.(url);
    const stop = () => service.stop();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      await service.run();
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      await new Promise<void>((resolve) => server.close(() => resolve()));
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
  undo(target: UndoTarget, options: { dryRun?: boolean } = {}): Promise<UndoResult> {
    return undo({
      store: this.store(), domains: this.domains, target, dryRun: options.dryRun ?? false,
      initiatedBy: localAdmin(), jobId: `exo-writeback.${this.config.tenant.tenantId}`, now: this.now,
    });
  }

  /** The pre-flight check; writes nothing. */
  check(): Promise<CheckReport> {
    return runPreflightCheck({ tokens: this.tokens, mailboxes: this.exo, users: this.graph, domains: this.domains, attributeSet: this.config.attributeSet });
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
    };
  }
}

/** The admin running a command by hand, as the log records it. */
function localAdmin(): Initiator {
  const user = process.env.SUDO_USER ?? process.env.USER ?? 'admin';
  return { id: user, displayName: `${user} (on-demand)`, initiatorType: 'user' };
}
