/**
 * The commit worker's thread (see commit-worker.ts): opens its own connection to the state file
 * and commits each batch it is sent in one transaction, answering in the order it was asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorToWire, type CommitReply, type CommitRequest, type CommitWorkerData } from './commit-worker.js';
import { SqliteStateStore } from './sqlite-state-store.js';

const port = parentPort;
if (!port) throw new Error('commit-worker-thread runs as a worker thread only');
const { path, busyTimeoutMs } = workerData as CommitWorkerData;

// The store reads the caller's clock of the batch it commits (resolved intents, link times).
let now = 0;
let store: SqliteStateStore | null = null;
let openError: unknown = null;
try {
  store = SqliteStateStore.open({ path, busyTimeoutMs, clock: () => new Date(now) });
} catch (error) {
  // Answered to every batch, as the error of committing it.
  openError = error;
}

port.on('message', (request: CommitRequest | { type: 'close' }) => {
  if (request.type === 'close') {
    // Closing the port ends the thread, whether or not the store had opened (or closes cleanly).
    const closing = store ? store.close() : Promise.resolve();
    void closing.catch(() => undefined).finally(() => port.close());
    return;
  }
  now = request.now;
  let reply: CommitReply;
  try {
    if (!store) throw openError;
    reply = { id: request.id, results: store.commitPrepared(request.batch) };
  } catch (error) {
    reply = { id: request.id, error: errorToWire(error) };
  }
  port.postMessage(reply);
});
