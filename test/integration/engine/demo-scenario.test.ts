/**
 * The demo of spec §5, as an admin runs it from the command line: Ashley Taylor is matched, and
 * after an alias is added in Exchange Online, `provision` shows it under Modified target
 * attributes and AD has it; Anthony Williams is skipped as NotInScope and his AD object is untouched.
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminLdap, exoSet, readUser } from '../../support/lab-engine.js';
import { runCli } from '../../support/run-cli.js';

const facts = inject('lab');
const config = ['--config', facts.engineConfigFile];

describe('demo scenario', () => {
  let ldap: Client;
  beforeAll(async () => {
    ldap = await adminLdap();
  });
  afterAll(async () => {
    await ldap.unbind();
  });

  it('matches Ashley Taylor and writes a new alias, showing it under Modified target attributes', async () => {
    const alias = `ashley.demo.${Date.now()}@contoso.com`;
    await exoSet('ashley.taylor@contoso.com', { addAlias: [alias] });

    const dry = await runCli(['provision', 'ashley.taylor@contoso.com', '--dry-run', ...config]);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('[dry run: nothing is written]');
    expect((await readUser(ldap, 'ataylor', ['proxyAddresses'])).proxyAddresses).not.toContain(`smtp:${alias}`);

    const result = await runCli(['provision', 'ashley.taylor@contoso.com', ...config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Match user between source and target system\s+Success/);
    expect(result.stdout).toMatch(/MatchedAnchor\s+immutableId/);
    const modified = result.stdout.slice(result.stdout.indexOf('Modified target attributes'));
    expect(modified).toMatch(/proxyAddresses/);
    expect(modified).toContain(`+ smtp:${alias}`);
    expect(result.stdout).toMatch(/Result: Success/);
    expect((await readUser(ldap, 'ataylor', ['proxyAddresses'])).proxyAddresses).toContain(`smtp:${alias}`);
    // Recorded in the state store as an undoable on-demand cycle, and visible in `logs`.
    const cycleId = /Recorded as on-demand cycle ([0-9a-f-]{36}); undo it with: exo-writeback undo --cycle \1/.exec(result.stdout)?.[1];
    expect(cycleId).toBeDefined();
    const logged = JSON.parse((await runCli(['logs', '--cycle', cycleId!, '--json', ...config])).stdout.trim()) as { sourceIdentity: { displayName: string }; modifiedProperties: unknown[] };
    expect([logged.sourceIdentity.displayName, logged.modifiedProperties.length]).toEqual(['Ashley Taylor', 1]);

    const again = await runCli(['provision', 'ataylor', '--json', ...config]);
    const record = JSON.parse(again.stdout) as { provisioningStatusInfo: { status: string }; provisioningSteps: Array<{ details: Record<string, string> }>; modifiedProperties: unknown[] };
    expect(record.provisioningStatusInfo.status).toBe('skipped');
    expect(record.modifiedProperties).toEqual([]);
    expect(record.provisioningSteps.at(-1)?.details.SkipReason).toBe('RedundantExport');
  });

  it('skips Anthony Williams with SkipReason NotInScope and leaves his AD object untouched', async () => {
    const before = await readUser(ldap, 'awilliams', ['uSNChanged', 'proxyAddresses', 'extensionAttribute1']);
    const result = await runCli(['provision', 'anthony.williams@contoso.com', ...config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Determine if user is in scope\s+Skipped/);
    expect(result.stdout).toContain('SkipReason');
    expect(result.stdout).toContain('NotInScope');
    const json = JSON.parse((await runCli(['provision', 'anthony.williams@contoso.com', '--json', ...config])).stdout) as {
      provisioningStatusInfo: { status: string };
      provisioningSteps: Array<{ name: string; details: Record<string, string> }>;
    };
    expect(json.provisioningStatusInfo.status).toBe('skipped');
    expect(json.provisioningSteps.find((s) => s.name === 'EntrySynchronizationScoping')?.details.SkipReason).toBe('NotInScope');
    expect(await readUser(ldap, 'awilliams', ['uSNChanged', 'proxyAddresses', 'extensionAttribute1'])).toEqual(before);
  });

  it('reports an unknown identity with its error code', async () => {
    const result = await runCli(['provision', 'nobody@contoso.com', ...config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error ExoObjectNotFound: /);
  });
});
