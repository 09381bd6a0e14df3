import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProvisioningRecord, type ProvisioningRecord } from '../core/provisioning-record.js';
import fc from 'fast-check';
import { JsonlProvisioningLog, utf8Lines } from './jsonl-provisioning-log.js';

const record = (n: number): ProvisioningRecord =>
  buildProvisioningRecord({
    id: `record-${n}`, changeId: `change-${n}`, cycleId: 'cycle', jobId: 'job', activityDateTime: '2026-11-25T00:00:00.000Z', durationInMilliseconds: n,
    initiatedBy: { id: 'scheduler', displayName: 'scheduler', initiatorType: 'system' }, steps: [], source: { id: `user-${n}`, displayName: `Üser "${n}"\n` }, dryRun: false,
  });

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProvisioningRecord);

describe('JsonlProvisioningLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exo-jsonl-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates its folder and a 0600 file, and writes one record a line, in order', async () => {
    const log = new JsonlProvisioningLog(join(dir, 'logs', 'provisioning-log.jsonl'));
    await log.append([record(1), record(2)]);
    await log.append([]);
    await log.append([record(3)]);
    await log.close();
    const path = join(dir, 'logs', 'provisioning-log.jsonl');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await lines(path)).map((r) => r.id)).toEqual(['record-1', 'record-2', 'record-3']);
    expect((await lines(path))[0]).toEqual(record(1));
  });

  it('appends to what the file already holds', async () => {
    const path = join(dir, 'provisioning-log.jsonl');
    await writeFile(path, `${JSON.stringify(record(0))}\n`);
    const log = new JsonlProvisioningLog(path);
    await log.append([record(1)]);
    await log.close();
    expect((await lines(path)).map((r) => r.id)).toEqual(['record-0', 'record-1']);
  });

  it('writes records appended while a write is in flight together, in the order they came', async () => {
    const path = join(dir, 'provisioning-log.jsonl');
    const log = new JsonlProvisioningLog(path);
    const first = log.append([record(0)]);
    const rest = Array.from({ length: 200 }, (_, i) => log.append([record(i + 1)]));
    // One write for the first record's turn, one for everything appended behind it.
    expect(new Set([first, ...rest]).size).toBeLessThanOrEqual(2);
    await Promise.all([first, ...rest]);
    expect((await lines(path)).map((r) => r.durationInMilliseconds)).toEqual(Array.from({ length: 201 }, (_, i) => i));
    await log.close();
  });

  it('serializes a record when it is appended, so later changes to the object are not logged', async () => {
    const path = join(dir, 'provisioning-log.jsonl');
    const log = new JsonlProvisioningLog(path);
    const changing = record(1);
    const written = log.append([changing]);
    changing.sourceIdentity.displayName = 'changed after append';
    await written;
    await log.close();
    expect((await lines(path))[0]!.sourceIdentity.displayName).toBe('Üser "1"\n');
  });

  it('close waits for records appended but not yet written', async () => {
    const path = join(dir, 'provisioning-log.jsonl');
    const log = new JsonlProvisioningLog(path);
    void log.append([record(1)]);
    void log.append([record(2)]);
    await log.close();
    expect((await lines(path)).map((r) => r.id)).toEqual(['record-1', 'record-2']);
  });

  it('rejects the appends whose write failed, and close still resolves', async () => {
    await writeFile(join(dir, 'not-a-folder'), '');
    const log = new JsonlProvisioningLog(join(dir, 'not-a-folder', 'provisioning-log.jsonl'));
    await expect(log.append([record(1)])).rejects.toThrow(/ENOTDIR|EEXIST/);
    await expect(log.close()).resolves.toBeUndefined();
  });
});

describe('utf8Lines', () => {
  it('encodes the lines exactly as joining them and encoding the whole would', () => {
    expect(utf8Lines([])).toEqual(Buffer.alloc(0));
    expect(utf8Lines(['a\n', 'Müller 東京 😀\n', '\n']).toString('utf8')).toBe('a\nMüller 東京 😀\n\n');
    // Every line ends with its newline, as the log's do, so no surrogate pair spans two lines.
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }).map((line) => `${line}\n`)), (lines) => {
      expect(utf8Lines(lines).equals(Buffer.from(lines.join(''), 'utf8'))).toBe(true);
    }), { numRuns: 500 });
  });
});
