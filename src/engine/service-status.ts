/** What `exo-writeback status` reports, read from the state store (the service need not run). */
import type { Cycle, Quarantine, RetryState, StagedCycle, StateStore } from '../store/state-store.js';

/** The service as the store knows it. */
export interface ServiceStatus {
  /** `running` needs a fresh heartbeat; a stale one means the process is gone. */
  process: 'running' | 'not running';
  state: 'active' | 'paused' | 'quarantined' | 'stopped' | 'never started';
  pid: number | null;
  heartbeatAt: string | null;
  nextCycleAt: string | null;
  lastCycle: Cycle | null;
  lastSuccessfulCycle: Cycle | null;
  quarantine: Quarantine | null;
  pendingApprovals: StagedCycle[];
  failingObjects: RetryState[];
}

/** Reads the status. A heartbeat older than `staleMs` means the service is not running. */
export async function readServiceStatus(store: StateStore, staleMs: number, now = new Date()): Promise<ServiceStatus> {
  const [state, cycles, quarantine, pendingApprovals, failingObjects] = await Promise.all([
    store.getServiceState(), store.listCycles({ limit: 20 }), store.getQuarantine(), store.pendingApproval(), store.listFailing({ minFailures: 1 }),
  ]);
  const fresh = state !== null && state.state !== 'stopped' && now.getTime() - state.heartbeatAt.getTime() <= staleMs;
  return {
    process: fresh ? 'running' : 'not running',
    state: state?.state ?? 'never started',
    pid: state?.pid ?? null,
    heartbeatAt: state?.heartbeatAt.toISOString() ?? null,
    nextCycleAt: fresh ? (state?.nextCycleAt?.toISOString() ?? null) : null,
    lastCycle: cycles[0] ?? null,
    lastSuccessfulCycle: cycles.find((c) => c.outcome === 'success') ?? null,
    quarantine,
    pendingApprovals,
    failingObjects,
  };
}
