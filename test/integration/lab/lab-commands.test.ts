/**
 * The `lab` commands as a user runs them, against the test suite's running lab: idempotent `up`,
 * `status`, and admin changes made through the emulator's REST gateway with a real token.
 */
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

const facts = inject('lab');
const dirArgs = ['--dir', facts.dir];
const ASHLEY = 'ashley.taylor@contoso.com';

describe('lab up / status', () => {
  it('reports an already running lab instead of creating another', async () => {
    const result = await runCli(['lab', 'up', ...dirArgs]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('already running');
  });

  it('shows both halves running and the tenant as seeded', async () => {
    const result = await runCli(['lab', 'status', '--json', ...dirArgs]);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as {
      directory: { running: boolean; ldapUrl: string };
      emulator: { running: boolean };
      tenant: { mailboxes: number; dirSynced: number; cloudManaged: number; graphUsers: number };
      demoUsers: Array<{ displayName: string; cloudManaged: boolean }>;
    };
    expect(status.directory).toMatchObject({ running: true, ldapUrl: facts.directory.ldapUrl });
    expect(status.emulator.running).toBe(true);
    expect(status.tenant.dirSynced).toBe(facts.mailboxes);
    expect(status.tenant.mailboxes).toBeGreaterThan(facts.mailboxes); // plus cloud-only mailboxes
    expect(status.tenant.graphUsers).toBe(facts.mailboxes);
    expect(status.tenant.cloudManaged).toBeGreaterThan(0);
    expect(status.tenant.cloudManaged).toBeLessThan(facts.mailboxes);
    expect(status.demoUsers).toEqual([
      { displayName: 'Ashley Taylor', userPrincipalName: ASHLEY, cloudManaged: true },
      { displayName: 'Anthony Williams', userPrincipalName: 'anthony.williams@contoso.com', cloudManaged: false },
    ]);
  });

  it('prints the status for people too, naming the demo users', async () => {
    const result = await runCli(['lab', 'status', ...dirArgs]);
    expect(result.stdout).toMatch(/AD domain controller\s+running/);
    expect(result.stdout).toMatch(/Ashley Taylor.*cloud-managed/);
    expect(result.stdout).toMatch(/Anthony Williams.*NotInScope/);
  });
});

describe('lab exo', () => {
  it('adds and removes an alias through Set-Mailbox, like PowerShell would', async () => {
    const alias = `lab-cli-${Date.now()}@contoso.com`;
    const added = await runCli(['lab', 'exo', 'set-mailbox', ASHLEY, '--add-alias', alias, '--json', ...dirArgs]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const mailbox = JSON.parse(added.stdout) as { EmailAddresses: string[]; WhenChangedUTC: string };
    expect(mailbox.EmailAddresses).toContain(`smtp:${alias}`);

    const shown = await runCli(['lab', 'exo', 'get-mailbox', ASHLEY, '--json', ...dirArgs]);
    expect((JSON.parse(shown.stdout) as { EmailAddresses: string[] }).EmailAddresses).toContain(`smtp:${alias}`);

    const removed = await runCli(['lab', 'exo', 'set-mailbox', ASHLEY, '--remove-alias', alias, '--json', ...dirArgs]);
    const after = JSON.parse(removed.stdout) as { EmailAddresses: string[]; WhenChangedUTC: string };
    expect(after.EmailAddresses).not.toContain(`smtp:${alias}`);
    expect(after.WhenChangedUTC > mailbox.WhenChangedUTC).toBe(true);
  });

  it('refuses Exchange attribute changes on a mailbox that is not cloud-managed', async () => {
    const result = await runCli(['lab', 'exo', 'set-mailbox', 'anthony.williams@contoso.com', '--custom-attribute', '1=Finance', ...dirArgs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error ExoCommandFailed: /);
  });

  it('reports an unknown mailbox with its error code', async () => {
    const result = await runCli(['lab', 'exo', 'get-mailbox', 'nobody@contoso.com', ...dirArgs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error LabNotFound: no mailbox 'nobody@contoso.com'/);
  });

  it('rejects a malformed option before calling the tenant', async () => {
    const result = await runCli(['lab', 'exo', 'set-mailbox', ASHLEY, '--custom-attribute', '99=x', ...dirArgs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error LabInvalidOption: --custom-attribute takes N=value with N from 1 to 15/);
  });
});
