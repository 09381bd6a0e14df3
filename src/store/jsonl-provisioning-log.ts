/**
 * Provisioning log as a JSON-lines file: one immutable record per line, appended. The default
 * sink until the state store takes over; easy to ship to a SIEM or grep.
 *
 * Records are serialized the moment they are appended, and lines appended while a write is in
 * flight go out together in the next one. So a cycle can hand each record over as soon as its
 * object is done and drop it: a record lives for microseconds instead of until its page is
 * written, which spares the garbage collector copying a page of records it cannot free
 * (docs/performance.md).
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { recordToJsonLine, type ProvisioningRecord } from '../core/provisioning-record.js';
import type { ProvisioningLogSink } from '../engine/engine-ports.js';

/** Appends records to `path` (created with mode 0600 with its folder when missing). */
export class JsonlProvisioningLog implements ProvisioningLogSink {
  private handle: Promise<FileHandle> | null = null;
  /** Lines waiting for the next write, and the write that will take them once the current one ends. */
  private pending: string[] = [];
  private next: Promise<void> | null = null;
  /** The last write started (settled or not), so writes stay in order. */
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Resolves once the records are written; rejects with the write's error. */
  append(records: readonly ProvisioningRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    for (const record of records) this.pending.push(`${recordToJsonLine(record)}\n`);
    this.next ??= this.writeNext();
    return this.next;
  }

  async close(): Promise<void> {
    await (this.next ?? this.writing).catch(() => undefined);
    // A file that never opened has nothing to close (the appends were refused with the reason).
    const handle = await this.handle?.catch(() => null);
    this.handle = null;
    await handle?.close();
  }

  /** Waits for the write in flight, then writes every line appended until then. */
  private writeNext(): Promise<void> {
    const write = this.writing.catch(() => undefined).then(async () => {
      const lines = this.pending;
      this.pending = [];
      this.next = null;
      this.handle ??= mkdir(dirname(this.path), { recursive: true }).then(() => open(this.path, 'a', 0o600));
      await (await this.handle).appendFile(utf8Lines(lines));
    });
    this.writing = write;
    return write;
  }
}

/**
 * The lines as one UTF-8 buffer, each encoded straight into its place: joining them first would
 * copy every byte of a page's records (megabytes) once more.
 */
export function utf8Lines(lines: readonly string[]): Buffer {
  let size = 0;
  for (const line of lines) size += Buffer.byteLength(line, 'utf8');
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const line of lines) at += out.write(line, at, 'utf8');
  return at === size ? out : out.subarray(0, at);
}
