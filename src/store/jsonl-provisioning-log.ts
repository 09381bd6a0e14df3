/**
 * Provisioning log as a JSON-lines file: one immutable record per line, appended. The default
 * sink until the state store takes over; easy to ship to a SIEM or grep.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProvisioningRecord } from '../core/provisioning-record.js';
import type { ProvisioningLogSink } from '../engine/engine-ports.js';

/** Appends records to `path` (created with mode 0600 with its folder when missing). */
export class JsonlProvisioningLog implements ProvisioningLogSink {
  private handle: Promise<FileHandle> | null = null;

  constructor(readonly path: string) {}

  async append(records: readonly ProvisioningRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.handle ??= mkdir(dirname(this.path), { recursive: true }).then(() => open(this.path, 'a', 0o600));
    await (await this.handle).appendFile(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  async close(): Promise<void> {
    if (this.handle) await (await this.handle).close();
    this.handle = null;
  }
}
