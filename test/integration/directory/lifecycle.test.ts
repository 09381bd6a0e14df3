import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabResourceBusyError } from '../../../lab/lab-errors.js';
import {
  createDirectory, destroyDirectory, directoryStatus, resetDirectory, startDirectory, stopDirectory, type DirectoryFacts,
} from '../../../lab/directory/directory-lab.js';
import { probeBind } from '../../../lab/directory/samba-process.js';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { labDirectory } from './connect.js';

// A second, small lab beside the suite's lab: proves two DCs run at once (own network namespaces),
// that stop leaves nothing behind, and that start/reset keep or restore the data.
const LAB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.lab-test-directory-lifecycle');
const PORT = 6362;
const users = buildOrganisation({ mailboxes: 12 });

/** Processes whose command line mentions this lab dir (samba -s <dir>/…, socat …<dir>/run/…). */
function processesOfLab(): string[] {
  const result = spawnSync('pgrep', ['-a', '-f', LAB_DIR], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}
function netnsList(): string {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
}
function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').match(/\) [ZX] /);
  } catch {
    return false;
  }
}

async function expectStoppedCleanly(facts: DirectoryFacts): Promise<void> {
  expect(processesOfLab()).toEqual([]);
  for (const pid of [facts.pids.samba, ...facts.pids.socat]) expect(alive(pid), `pid ${pid}`).toBe(false);
  if (facts.netns) expect(netnsList()).not.toContain(facts.netns);
  expect((await directoryStatus(LAB_DIR)).running).toBe(false);
}

describe('directory lifecycle (second lab)', () => {
  afterAll(async () => {
    await destroyDirectory(LAB_DIR);
    expect(processesOfLab()).toEqual([]);
  });

  it('creates, stops leaving nothing, restarts with its data, refuses a busy port, and resets', { timeout: 240_000 }, async () => {
    const created = await createDirectory({ labDir: LAB_DIR, ldapsPort: PORT, users });
    expect(created.ldapUrl).toBe(`ldaps://127.0.0.1:${PORT}`);
    expect(created.anchors.size).toBe(users.length);

    // Both DCs answer at the same time, and they are different domains.
    const main = labDirectory();
    await probeBind(main.ldapUrl, readFileSync(main.caFile, 'utf8'), main.admin.bindName, main.admin.password);
    await probeBind(created.ldapUrl, readFileSync(created.caFile, 'utf8'), created.serviceAccount.bindName, created.serviceAccount.password);
    const status = await directoryStatus(LAB_DIR);
    expect(status).toMatchObject({ created: true, running: true, ldapUrl: created.ldapUrl, seededUsers: users.length });

    await stopDirectory(LAB_DIR);
    await expectStoppedCleanly(created);

    const restarted = await startDirectory(LAB_DIR);
    expect(restarted.ldapUrl).toBe(created.ldapUrl);
    expect(restarted.admin.password).toBe(created.admin.password);
    expect(restarted.anchors.get('ataylor')?.objectGuid).toEqual(created.anchors.get('ataylor')?.objectGuid);
    await stopDirectory(LAB_DIR);
    await expectStoppedCleanly(restarted);

    // The suite's lab holds its port: typed error, and nothing of ours left running.
    const mainPort = Number(new URL(main.ldapUrl).port);
    await expect(startDirectory(LAB_DIR, { ldapsPort: mainPort })).rejects.toBeInstanceOf(LabResourceBusyError);
    expect(processesOfLab()).toEqual([]);

    // Reset: pristine template + fresh seed (new objects, so new GUIDs), on the recorded port.
    const reset = await resetDirectory({ labDir: LAB_DIR, users });
    expect(reset.timingsMs.restoreTemplate).toBeDefined();
    expect(reset.timingsMs.provision).toBeUndefined();
    expect(reset.anchors.size).toBe(users.length);
    expect(reset.anchors.get('ataylor')?.objectGuid).not.toEqual(created.anchors.get('ataylor')?.objectGuid);
    await stopDirectory(LAB_DIR);
    await expectStoppedCleanly(reset);
  });
});
