/**
 * The caller's side of the commit worker: a worker thread with its own connection to the state
 * file, which commits batches of object results (see `commitThread` in sqlite-state-store.ts).
 *
 * Why a thread: a full cycle commits every in-scope object's record and link, ~60 µs of SQLite
 * and hashing per object on top of the cycle's own work (the worker's CPU in a 100k cycle: ~6 s),
 * while the core the DC leaves after the read has room (docs/performance.md). The
 * record is serialized on the caller's thread (only text crosses), the rest runs here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../package-root.js';
import type { PreparedObjectResult } from './sqlite-state-store.js';
import type { CommitObjectResult } from './state-store.js';
import {
  StateStoreBusy, StateStoreConflict, StateStoreCorrupt, StateStoreError, StateStoreNotFound, StateStoreUnavailable, StateStoreVersionTooNew,
} from './state-store-errors.js';

/** What the worker opens its connection with. */
export interface CommitWorkerData {
  path: string;
  busyTimeoutMs: number;
}

/** A batch to commit; `now` (epoch ms) is the caller's clock, which the worker's store reads. */
export interface CommitRequest {
  type: 'commit';
  id: number;
  batch: readonly PreparedObjectResult[];
  now: number;
}

/** The worker's answer to request `id`. */
export type CommitReply = { id: number; results: CommitObjectResult[] } | { id: number; error: WireError };

/** An error as it crosses threads: classes do not survive structured cloning, their fields do. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  fileVersion?: number;
  knownVersion?: number;
}

/** `error` made cloneable (worker side). */
export function errorToWire(error: unknown): WireError {
  if (error instanceof StateStoreVersionTooNew) {
    return { name: error.name, message: error.message, code: error.code, fileVersion: error.fileVersion, knownVersion: error.knownVersion };
  }
  if (error instanceof StateStoreError) return { name: error.name, message: error.message, code: (error as StateStoreError & { code: string }).code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The typed error `wire` describes (caller side): the same class and code as in the worker. */
export function errorFromWire(wire: WireError, path: string): Error {
  switch (wire.code) {
    case 'StateStoreConflict': return new StateStoreConflict(wire.message, path);
    case 'StateStoreNotFound': return new StateStoreNotFound(wire.message, path);
    case 'StateStoreBusy': return new StateStoreBusy(wire.message, path);
    case 'StateStoreCorrupt': return new StateStoreCorrupt(wire.message, path);
    case 'StateStoreUnavailable': return new StateStoreUnavailable(wire.message, path);
    case 'StateStoreTooNew': return new StateStoreVersionTooNew(path, wire.fileVersion ?? 0, wire.knownVersion ?? 0);
    default: {
      const error = new Error(wire.message);
      error.name = wire.name;
      return error;
    }
  }
}

/** The worker's script: its compiled sibling, also when the caller runs from TypeScript sources (tests). */
function workerScript(): URL {
  if (fileURLToPath(import.meta.url).endsWith('.js')) return new URL('./commit-worker-thread.js', import.meta.url);
  // Node runs no TypeScript in a worker thread: the tests use the build (`npm test` builds first).
  const built = join(packageRoot(), 'dist', 'src', 'store', 'commit-worker-thread.js');
  if (!existsSync(built)) throw new Error(`the state store's commit worker ${built} is not built: run npm run build`);
  return pathToFileURL(built);
}

/** Starts the worker at the first batch, and again after it died; keeps the process alive only while a batch is in flight. */
export class CommitWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (results: CommitObjectResult[]) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly path: string, private readonly busyTimeoutMs: number) {}

  /** Commits `batch` in one transaction on the worker's connection. */
  commit(batch: readonly PreparedObjectResult[], now: Date): Promise<CommitObjectResult[]> {
    if (this.closed) return Promise.reject(new StateStoreUnavailable(`state store ${this.path} is closed`, this.path));
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      const request: CommitRequest = { type: 'commit', id, batch, now: now.getTime() };
      worker.postMessage(request);
    });
  }

  /** Waits for the batches in flight, then stops the worker and its connection. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Requests are answered in order: the close is handled after every batch sent before it.
    worker.ref();
    worker.postMessage({ type: 'close' });
    await exited;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const data: CommitWorkerData = { path: this.path, busyTimeoutMs: this.busyTimeoutMs };
    const worker = new Worker(workerScript(), { workerData: data });
    worker.unref();
    worker.on('message', (reply: CommitReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0 && !this.closed) worker.unref();
      if ('error' in reply) waiting.reject(errorFromWire(reply.error, this.path));
      else waiting.resolve(reply.results);
    });
    worker.on('error', (error) => this.failAll(worker, error));
    worker.on('exit', (code) => this.failAll(worker, new Error(`exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  /** The worker died (or stopped): what it had not answered fails, and the next batch starts a new one. */
  private failAll(worker: Worker, cause: unknown): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const waiting of this.pending.values()) {
      waiting.reject(new StateStoreUnavailable(`state store ${this.path}: its commit worker stopped before answering (${cause instanceof Error ? cause.message : String(cause)}); a batch is one transaction, written whole or not at all`, this.path, { cause }));
    }
    this.pending.clear();
  }
}
