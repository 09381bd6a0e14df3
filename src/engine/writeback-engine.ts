/**
 * The engine API the CLI (and later the console) is a thin shell over: builds the adapters from
 * the configuration once, and offers provision on demand, a full sync cycle and the pre-flight check.
 */
import { randomUUID } from 'node:crypto';
import { ExoClient } from '../cloud/exo-client.js';
import { GraphClient } from '../cloud/graph-client.js';
import { createHttpTransport, type HttpTransport } from '../cloud/http-transport.js';
import { TokenClient } from '../cloud/token-client.js';
import type { EngineConfig } from '../config/load-config.js';
import { LdapDirectory } from '../directory/ldap-directory.js';
import { JsonlProvisioningLog } from '../store/jsonl-provisioning-log.js';
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
    const exo = new ExoClient({ exoBaseUrl: config.tenant.endpoints.exchangeOnline, tenantId: config.tenant.tenantId, tokens, transport });
    const graph = new GraphClient({ graphBaseUrl: config.tenant.endpoints.graph, tokens, transport });
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
    return new WritebackEngine(config, transport, tokens, exo, graph, domains, options.log ?? new JsonlProvisioningLog(config.logFile), options.now ?? (() => new Date()));
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

  /** The pre-flight check; writes nothing. */
  check(): Promise<CheckReport> {
    return runPreflightCheck({ tokens: this.tokens, mailboxes: this.exo, users: this.graph, domains: this.domains, attributeSet: this.config.attributeSet });
  }

  /** Closes connections and the log. */
  async close(): Promise<void> {
    await Promise.all(this.domains.map((d) => d.directory.close()));
    await this.log.close();
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
