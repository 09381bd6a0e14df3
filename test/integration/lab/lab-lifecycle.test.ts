/**
 * A second, small lab beside the test suite's one: `up` creates it, `down` leaves no process
 * behind, and `up` again restarts it with its data. Also proves two labs run side by side.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../lab/package-root.js';
import { runCli } from '../../support/run-cli.js';

const dir = join(packageRoot(), '.lab-test-lifecycle');
const dirArgs = ['--dir', dir];

interface StatusJson {
  directory: { running: boolean; pids: number[] };
  emulator: { running: boolean; pid: number | null };
  demoUsers: Array<{ displayName: string }>;
}

async function status(): Promise<StatusJson> {
  return JSON.parse((await runCli(['lab', 'status', '--json', ...dirArgs])).stdout) as StatusJson;
}

/** Running, not merely a zombie waiting for a parent outside our control to reap it. */
function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

describe('lab lifecycle', { timeout: 300_000 }, () => {
  afterAll(async () => {
    await runCli(['lab', 'down', ...dirArgs]);
    await rm(dir, { recursive: true, force: true });
  });

  it('comes up beside the running test lab, goes down leaving no process, and comes back with its data', async () => {
    const up = await runCli(['lab', 'up', '--mailboxes', '12', '--ldaps-port', '6364', '--emulator-port', '5446', ...dirArgs]);
    expect(up.stderr + up.stdout).toContain('Lab is up');
    expect(up.code).toBe(0);

    const running = await status();
    expect(running.directory.running).toBe(true);
    expect(running.emulator.running).toBe(true);
    // Samba forks workers that rename themselves; they share the group samba leads (setsid).
    const sambaPid = running.directory.pids[0]!;
    const sambaGroup = execFileSync('pgrep', ['-g', String(sambaPid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
    expect(sambaGroup.length).toBeGreaterThan(1);
    const pids = [...running.directory.pids, ...sambaGroup, running.emulator.pid!];
    expect(pids.every(alive)).toBe(true);

    const down = await runCli(['lab', 'down', ...dirArgs]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('tenant emulator');
    expect(down.stdout).toContain('AD domain controller');
    expect(pids.filter(alive)).toEqual([]);
    const leftovers = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(dir));
    expect(leftovers).toEqual([]);
    const stopped = await status();
    expect(stopped.directory.running).toBe(false);
    expect(stopped.emulator.running).toBe(false);

    const again = await runCli(['lab', 'up', ...dirArgs]);
    expect(again.code).toBe(0);
    const restarted = await status();
    expect(restarted.directory.running && restarted.emulator.running).toBe(true);
    expect(restarted.demoUsers.map((u) => u.displayName)).toEqual(['Ashley Taylor', 'Anthony Williams']);
    const mailbox = await runCli(['lab', 'exo', 'get-mailbox', 'ashley.taylor@contoso.com', '--json', ...dirArgs]);
    expect(mailbox.code).toBe(0);
  });
});
