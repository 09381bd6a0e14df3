/** The console API's backend: the engine API and its state store, nothing more. */
import type { CheckReport } from '../engine/preflight-check.js';
import type { WritebackEngine } from '../engine/writeback-engine.js';
import type { ConsoleBackend } from './console-api.js';

/** Adapts a {@link WritebackEngine} to what the API needs; remembers the latest check result. */
export function engineBackend(engine: WritebackEngine): ConsoleBackend {
  let latestCheck: Promise<{ checkedAt: string; report: CheckReport }> | null = null;
  const store = () => engine.store();
  return {
    status: () => engine.status(),
    cycles: (limit) => store().listCycles({ limit }),
    cycle: async (id) => {
      const cycle = await store().getCycle(id);
      return cycle ? { cycle, journal: await store().journalForCycle(id) } : null;
    },
    records: (query) => store().queryRecords(query),
    record: (id) => store().getRecord(id),
    searchMailboxes: (term) => engine.searchMailboxes(term),
    provision: (identity, options) => engine.provisionRecorded(identity, options),
    requestControl: (kind, args) => engine.requestControl(kind, args),
    staged: (cycleId) => store().getStaged(cycleId),
    drift: (query) => store().listDrift(query),
    resolveObjectGuid: (identity) => engine.resolveObjectGuid(identity),
    undo: (target, options) => engine.undo(target, options),
    effectiveConfig: () => engine.effectiveConfig(),
    check: (refresh) => {
      // One check at a time: a second caller waits for the one running.
      if (!latestCheck || refresh) {
        const started = new Date().toISOString();
        latestCheck = engine.check().then((report) => ({ checkedAt: started, report }));
        latestCheck.catch(() => (latestCheck = null));
      }
      return latestCheck;
    },
  };
}
