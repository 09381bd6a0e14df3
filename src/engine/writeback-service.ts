/**
 * `exo-writeback run`: the long-running service. An initial full cycle, then incremental cycles
 * every interval, a full reconcile every `reconcileMs`; pause/resume/restart/approve/reject
 * requested through the state store (so the CLI can reach a running service); quarantine with
 * growing retry intervals on fatal conditions; a heartbeat for `status` and `/healthz`.
 */
import type { Logger } from 'pino';
import { ExoWritebackError } from '../errors/exo-writeback-error.js';
import { nextQuarantineAttempt, quarantineReasonForCycle, quarantineReasonForError } from '../core/safety/quarantine.js';
import type { MassChangeThresholds } from '../core/safety/mass-change-guard.js';
import type { ControlRequest, CycleKind, ServiceStateName, StateStore } from '../store/state-store.js';
import type { MailboxSource, UserSource } from './engine-ports.js';
import type { ProcessContext } from './process-mailbox.js';
import { DomainSnapshots } from './domain-snapshots.js';
import { runServiceCycle, watermarkKey, type ServiceCycleResult } from './service-cycle.js';
import type { HealthReport } from './health-report.js';
import type { ServiceMetrics } from './service-metrics.js';
import { recoverInterruptedWrites } from './write-recovery.js';

/** Settings of the loop. */
export interface ServiceSchedule {
  intervalMs: number;
  overlapMs: number;
  reconcileMs: number;
  /** Log records and drift reports older than this are pruned after each full or reconcile cycle. */
  retentionMs: number;
  thresholds: MassChangeThresholds;
}

/** Everything the service needs; built by {@link WritebackEngine}. */
export interface ServiceDeps {
  store: StateStore;
  mailboxes: MailboxSource;
  users: UserSource;
  context: Omit<ProcessContext, 'lookupUser' | 'cycleId' | 'dryRun' | 'writer'>;
  tenantId: string;
  schedule: ServiceSchedule;
  metrics: ServiceMetrics;
  logger: Logger;
  /** Called after every cycle (tests and the console watch this). */
  onCycle?: (result: ServiceCycleResult) => void;
}

/** The running service. `stop()` finishes the current object, commits, and resolves. */
export class WritebackService {
  private stopping = false;
  private wake: (() => void) | null = null;
  private state: ServiceStateName = 'active';
  private nextCycleAt: Date | null = null;
  private lastHeartbeat = new Date(0);
  private forceFull = false;
  /** AD as last read, kept between cycles so incremental cycles need only what changed. */
  private readonly snapshots: DomainSnapshots;

  constructor(private readonly deps: ServiceDeps) {
    this.snapshots = new DomainSnapshots(deps.context.domains);
  }

  /** Current state, for `/healthz`. */
  health(): HealthReport {
    const stale = Date.now() - this.lastHeartbeat.getTime() > Math.max(60_000, 3 * this.deps.schedule.intervalMs);
    return {
      state: this.state,
      healthy: !this.stopping && !stale && this.state !== 'quarantined',
      detail: { nextCycleAt: this.nextCycleAt?.toISOString() ?? null, heartbeatAt: this.lastHeartbeat.toISOString() },
    };
  }

  /** Asks the loop to end after the current object. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** Runs until {@link stop}. */
  async run(): Promise<void> {
    const { store, logger } = this.deps;
    const previous = await store.getServiceState();
    this.state = previous?.state === 'paused' ? 'paused' : 'active';
    let lastReconcile = (await store.lastCycle('reconcile', { outcome: 'success' }))?.startedAt ?? (await store.lastCycle('full', { outcome: 'success' }))?.startedAt ?? null;
    this.forceFull = !(await store.lastCycle('full', { outcome: 'success' })) && !lastReconcile;
    logger.info({ state: this.state, intervalMs: this.deps.schedule.intervalMs }, 'service started');

    while (!this.stopping) {
      await this.handleControls();
      if (this.stopping) break;
      const now = this.deps.context.now();
      const quarantine = await store.getQuarantine();
      const pending = await store.pendingApproval();
      if (quarantine && this.state !== 'paused') this.state = 'quarantined';
      // A quarantined service retries on its own schedule; a paused one waits for resume.
      const due = this.state !== 'paused' && pending.length === 0 && (!quarantine || quarantine.nextAttemptAt <= now);
      if (due) {
        const kind: CycleKind = this.forceFull ? 'full' : !lastReconcile || now.getTime() - lastReconcile.getTime() >= this.deps.schedule.reconcileMs ? 'reconcile' : 'incremental';
        const ok = await this.cycle(kind);
        if (ok && kind !== 'incremental') {
          lastReconcile = now;
          await this.prune(now);
        }
        if (ok) this.forceFull = false;
      }
      const quarantineNow = await store.getQuarantine();
      const wait = quarantineNow ? Math.max(1000, quarantineNow.nextAttemptAt.getTime() - Date.now()) : this.deps.schedule.intervalMs;
      this.nextCycleAt = new Date(Date.now() + wait);
      await this.heartbeat();
      await this.sleep(wait);
    }
    this.state = 'stopped';
    await store.setServiceState({ state: 'stopped', pid: process.pid, heartbeatAt: new Date(), nextCycleAt: null });
    logger.info('service stopped');
  }

  /** One cycle with quarantine handling; true when it succeeded (or staged). */
  private async cycle(kind: CycleKind, approvedStage?: string): Promise<boolean> {
    return (await this.runCycle(kind, approvedStage)) !== null;
  }

  /** One cycle with quarantine handling; its result, or null when it failed. */
  private async runCycle(kind: CycleKind, approvedStage?: string): Promise<ServiceCycleResult | null> {
    const { store, logger } = this.deps;
    try {
      // Settles writes a crash or a lost connection left unknown, and closes the cycles they interrupted.
      await recoverInterruptedWrites(this.deps);
      const result = await runServiceCycle(kind, { ...this.deps, overlapMs: this.deps.schedule.overlapMs, thresholds: this.deps.schedule.thresholds, stopping: () => this.stopping, snapshots: this.snapshots }, approvedStage ? { approvedStage } : {});
      logger.info({ kind, outcome: result.outcome, ...result.summary }, 'cycle finished');
      const accessDenied = result.summary.failed.AccessDenied ?? 0;
      const reason = quarantineReasonForCycle({ attempted: result.summary.updated + accessDenied, accessDenied });
      if (reason) {
        await this.quarantine(reason, 'AccessDenied');
        return null;
      }
      if (await store.getQuarantine()) {
        await store.liftQuarantine();
        logger.info('quarantine lifted: the cycle succeeded');
      }
      if (this.state === 'quarantined') this.state = 'active';
      this.deps.onCycle?.(result);
      return result;
    } catch (error) {
      const code = error instanceof ExoWritebackError ? error.code : 'Unexpected';
      const resultCode = (error as { resultCode?: unknown }).resultCode;
      // Anything not classified is still a reason to stop and retry later, under its own name.
      const reason = quarantineReasonForError(code, typeof resultCode === 'number' ? resultCode : null) ?? 'UnexpectedError';
      logger.error({ kind, code, err: error instanceof Error ? error.message : String(error) }, 'cycle failed');
      await this.quarantine(reason, code);
      return null;
    }
  }

  /** Keeps the state file bounded: a daily prune after the reconcile, never of the undo journal. */
  private async prune(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - this.deps.schedule.retentionMs);
    try {
      const pruned = await this.deps.store.pruneRecords(cutoff);
      this.deps.logger.info({ cutoff: cutoff.toISOString(), ...pruned }, 'pruned old records');
    } catch (error) {
      // Housekeeping must not stop writeback; the next reconcile tries again.
      this.deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'pruning old records failed');
    }
  }

  private async quarantine(reason: string, code: string): Promise<void> {
    const current = await this.deps.store.getQuarantine();
    const next = nextQuarantineAttempt((current?.attempts ?? 0) + 1, this.deps.context.now());
    await this.deps.store.enterQuarantine(reason, code, next);
    this.state = 'quarantined';
    this.deps.logger.warn({ reason, code, nextAttemptAt: next.toISOString() }, 'quarantined');
  }

  /** Applies control requests the CLI left in the store. */
  private async handleControls(): Promise<void> {
    for (const request of await this.deps.store.takePendingControls()) await this.control(request);
  }

  private async control(request: ControlRequest): Promise<void> {
    const { store, logger } = this.deps;
    logger.info({ control: request.kind, args: request.args }, 'control request');
    switch (request.kind) {
      case 'pause':
        this.state = 'paused';
        break;
      case 'resume':
        this.state = (await store.getQuarantine()) ? 'quarantined' : 'active';
        break;
      case 'restart':
        await store.resetForRestart();
        this.forceFull = true;
        this.state = 'active';
        break;
      case 'approve': {
        const cycleId = String(request.args.cycleId ?? (await store.pendingApproval())[0]?.cycleId ?? '');
        if (!cycleId) break;
        await store.resolveStaged(cycleId, 'approved');
        // Approval re-reads everything (a full cycle, so nothing staged is missed) and writes without the guard.
        const result = await this.runCycle('full', cycleId);
        if (result?.outcome === 'success') await store.markStagedApplied(cycleId, result.cycleId);
        break;
      }
      case 'reject': {
        const cycleId = String(request.args.cycleId ?? (await store.pendingApproval())[0]?.cycleId ?? '');
        if (!cycleId) break;
        await store.resolveStaged(cycleId, 'rejected');
        // Move the watermark past the rejected plan (and the overlap window) so incremental cycles
        // do not stage it again; the next full reconcile proposes whatever still differs.
        const now = this.deps.context.now();
        const marker = await store.startCycle({ kind: 'incremental', dryRun: false, startedAt: now });
        await store.commitCycle({
          cycleId: marker, outcome: 'success', counts: { rejectedStage: 1 },
          watermark: { key: watermarkKey(this.deps.tenantId), value: new Date(now.getTime() + this.deps.schedule.overlapMs).toISOString() },
        });
        break;
      }
    }
    this.deps.metrics.setState(this.state);
    await this.heartbeat();
  }

  private async heartbeat(): Promise<void> {
    this.lastHeartbeat = new Date();
    this.deps.metrics.setState(this.state);
    await this.deps.store.setServiceState({ state: this.state, pid: process.pid, heartbeatAt: this.lastHeartbeat, nextCycleAt: this.nextCycleAt });
  }

  /** Waits `ms`, polling for control requests every second, or until stopped. */
  private async sleep(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(1000, until - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      const controls = await this.deps.store.takePendingControls();
      if (controls.length) {
        for (const request of controls) await this.control(request);
        if (this.state === 'active') return;
      }
    }
  }
}
