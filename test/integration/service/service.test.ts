/**
 * The long-running service against the lab: changes arrive within an interval, a mailbox
 * converted while it runs is written back by the next incremental cycle, the mass-change guard
 * stages, undo restores exactly, drift is found and repaired, and status/logs/drift report it.
 */
import type { Client } from 'ldapts';
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { buildProvisioningRecord } from '../../../src/core/provisioning-record.js';
import { SqliteStateStore } from '../../../src/store/sqlite-state-store.js';
import { adminLdap, exoSet, readUser } from '../../support/lab-engine.js';
import { eventually, serviceConfig, startService, type RunningService } from '../../support/lab-service.js';
import { runCli } from '../../support/run-cli.js';

const JURGEN = 'jurgen.muller@contoso.com';
const facts = inject('lab');
const jurgenId = buildOrganisation({ mailboxes: facts.mailboxes, ...(facts.seed !== undefined ? { seed: facts.seed } : {}) }).find((u) => u.key === 'jmueller')!.entraId;

describe('run', { timeout: 90_000 }, () => {
  let ldap: Client;
  let service: RunningService;

  beforeAll(async () => {
    ldap = await adminLdap();
    service = await startService();
    await eventually(async () => ((await service.engine.store().lastCycle('full', { outcome: 'success' })) ? true : undefined), 60_000, 'the initial full cycle');
  });
  afterAll(async () => {
    await service?.stop();
    await ldap?.unbind();
  });

  it('writes each kind of change to AD within 30 seconds, at the 15 s interval', { timeout: 180_000 }, async () => {
    const changes: Array<[string, Parameters<typeof exoSet>[1], () => Promise<boolean>]> = [
      ['custom attribute', { customAttribute: ['8=service run'] }, async () => (await readUser(ldap, 'jmueller', ['extensionAttribute8'])).extensionAttribute8[0] === 'service run'],
      ['alias', { addAlias: ['jm.service@contoso.com'] }, async () => (await readUser(ldap, 'jmueller', ['proxyAddresses'])).proxyAddresses.includes('smtp:jm.service@contoso.com')],
      ['extension custom attribute', { addExtensionCustomAttribute: ['4=svc'] }, async () => (await readUser(ldap, 'jmueller', ['msExchExtensionCustomAttribute4'])).msExchExtensionCustomAttribute4.includes('svc')],
      ['mailbox type', { type: 'Shared' }, async () => (await readUser(ldap, 'jmueller', ['msExchRecipientTypeDetails'])).msExchRecipientTypeDetails[0] === '34359738368'],
      ['restore', { type: 'Regular', customAttribute: ['8='], removeAlias: ['jm.service@contoso.com'], extensionCustomAttribute: ['4='] },
        async () => (await readUser(ldap, 'jmueller', ['msExchRecipientTypeDetails'])).msExchRecipientTypeDetails[0] === '2147483648'],
    ];
    for (const [what, change, arrived] of changes) {
      const started = Date.now();
      await exoSet(JURGEN, change);
      await eventually(async () => ((await arrived()) ? true : undefined), 30_000, `${what} in AD`);
      expect([what, Date.now() - started < 30_000]).toEqual([what, true]);
    }
  });

  it('writes back a mailbox converted to cloud-managed while it runs, in the next incremental cycle', async () => {
    const before = await readUser(ldap, 'reception', ['extensionAttribute10']);
    expect(before.extensionAttribute10).toEqual([]);
    await exoSet('reception', { cloudManaged: 'true' });
    await exoSet('reception', { customAttribute: ['10=converted'] });
    try {
      await eventually(async () => ((await readUser(ldap, 'reception', ['extensionAttribute10'])).extensionAttribute10[0] === 'converted' ? true : undefined), 30_000, 'the converted mailbox in AD');
      const cycle = await service.engine.store().lastCycle();
      expect(cycle?.kind).toBe('incremental');
    } finally {
      await exoSet('reception', { customAttribute: ['10='] });
      await eventually(async () => ((await readUser(ldap, 'reception', ['extensionAttribute10'])).extensionAttribute10.length === 0 ? true : undefined), 30_000, 'cleared');
      await exoSet('reception', { cloudManaged: 'false' });
    }
  });

  it('undoes a cycle exactly, byte for byte, and refuses an attribute changed since', async () => {
    const names = ['extensionAttribute14', 'extensionAttribute15', 'proxyAddresses'] as const;
    const original = await readUser(ldap, 'jmueller', names);
    await exoSet(JURGEN, { customAttribute: ['14=undo me', '15=and me'], addAlias: ['jm.undo@contoso.com'] });
    const cycleId = await eventually(async () => {
      const page = await service.engine.store().queryRecords({ user: 'jurgen', action: 'update', status: 'success', limit: 1, order: 'desc' });
      const record = page.records[0];
      return record?.modifiedProperties.some((p) => p.displayName === 'extensionAttribute14') ? record.cycleId : undefined;
    }, 30_000, 'the write to undo');
    await service.engine.requestControl('pause');
    try {
      // Someone changes one of the written attributes directly in AD: undo must leave it alone.
      const { dn } = await readUser(ldap, 'jmueller', ['cn']);
      await ldap.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'extensionAttribute15', values: ['edited on-prem'] }) })]);
      const result = await runCli(['undo', '--cycle', cycleId, '--json', '--config', service.configFile]);
      const undone = JSON.parse(result.stdout) as { objects: Array<{ restored: Array<{ attribute: string }>; refused: Array<{ attribute: string }> }> };
      expect(undone.objects).toHaveLength(1);
      expect(undone.objects[0]!.restored.map((r) => r.attribute).sort()).toEqual(['extensionAttribute14', 'proxyAddresses']);
      expect(undone.objects[0]!.refused.map((r) => r.attribute)).toEqual(['extensionAttribute15']);
      expect(result.code).toBe(1); // something was refused
      const after = await readUser(ldap, 'jmueller', names);
      expect(after.extensionAttribute14).toEqual(original.extensionAttribute14);
      expect([...after.proxyAddresses].sort()).toEqual([...original.proxyAddresses].sort());
      expect(after.extensionAttribute15).toEqual(['edited on-prem']);
    } finally {
      await exoSet(JURGEN, { customAttribute: ['14=', '15='], removeAlias: ['jm.undo@contoso.com'] });
      await service.engine.requestControl('resume');
    }
    await eventually(async () => ((await readUser(ldap, 'jmueller', ['extensionAttribute15'])).extensionAttribute15.length === 0 ? true : undefined), 30_000, 'cleanup');
  });

  it('reports a direct AD edit as drift and repairs it in the next full cycle', async () => {
    await exoSet(JURGEN, { customAttribute: ['13=cloud value'] });
    await eventually(async () => ((await readUser(ldap, 'jmueller', ['extensionAttribute13'])).extensionAttribute13[0] === 'cloud value' ? true : undefined), 30_000, 'cloud value in AD');
    // A full cycle first, so the link holds the values last applied.
    await service.engine.requestControl('restart');
    await eventually(async () => ((await service.engine.store().lastCycle('full', { outcome: 'success' }))?.startedAt.getTime() ?? 0) > Date.now() - 20_000 ? true : undefined, 30_000, 'a full cycle');
    const { dn } = await readUser(ldap, 'jmueller', ['cn']);
    await ldap.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'extensionAttribute13', values: ['edited in AD'] }) })]);
    await service.engine.requestControl('restart');
    const drift = await eventually(async () => {
      const found = await service.engine.store().listDrift({});
      return found.find((d) => d.attribute === 'extensionAttribute13' && d.adValue[0] === 'edited in AD');
    }, 30_000, 'drift');
    expect(drift).toMatchObject({ cloudValue: ['cloud value'], repaired: true });
    expect((await readUser(ldap, 'jmueller', ['extensionAttribute13'])).extensionAttribute13).toEqual(['cloud value']);

    const text = await runCli(['drift', '--config', service.configFile]);
    expect(text.stdout).toContain('extensionAttribute13: AD had "edited in AD", cloud "cloud value"');
    const csv = await runCli(['drift', '--csv', '--config', service.configFile]);
    expect(csv.stdout.split('\r\n')[0]).toBe('detectedAt,entraId,dn,attribute,adValue,cloudValue,whenChanged,repaired,cycleId');
    expect(csv.stdout).toContain(',extensionAttribute13,edited in AD,cloud value,');
    const json = JSON.parse((await runCli(['drift', '--json', '--config', service.configFile])).stdout) as Array<{ attribute: string }>;
    expect(json.some((d) => d.attribute === 'extensionAttribute13')).toBe(true);
    await exoSet(JURGEN, { customAttribute: ['13='] });
  });

  it('pauses and resumes on request, and status shows it', async () => {
    await runCli(['pause', '--config', service.configFile]);
    await eventually(async () => ((await service.engine.store().getServiceState())?.state === 'paused' ? true : undefined), 10_000, 'paused');
    const paused = await runCli(['status', '--config', service.configFile]);
    expect(paused.stdout).toMatch(/^Service\s+running, paused/m);
    await runCli(['resume', '--config', service.configFile]);
    await eventually(async () => ((await service.engine.store().getServiceState())?.state === 'active' ? true : undefined), 10_000, 'active');
    const status = JSON.parse((await runCli(['status', '--json', '--config', service.configFile])).stdout) as { process: string; state: string; quarantine: unknown; pendingApprovals: unknown[] };
    expect(status).toMatchObject({ process: 'running', state: 'active', quarantine: null, pendingApprovals: [] });
  });

  it('lists log records filtered by user, status and cycle, as text, JSON lines and CSV', async () => {
    const json = (await runCli(['logs', '--user', 'jurgen', '--status', 'success', '--json', '--config', service.configFile])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { sourceIdentity: { id: string }; provisioningStatusInfo: { status: string }; cycleId: string });
    expect(json.length).toBeGreaterThan(0);
    // Every record is Jürgen's (his writes, and the undo of one), and a success.
    expect(new Set(json.map((r) => `${r.sourceIdentity.id} ${r.provisioningStatusInfo.status}`))).toEqual(new Set([`${jurgenId} success`]));
    const cycle = json[0]!.cycleId;
    const byCycle = (await runCli(['logs', '--cycle', cycle, '--json', '--config', service.configFile])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { cycleId: string });
    expect(byCycle.every((r) => r.cycleId === cycle)).toBe(true);
    const csv = (await runCli(['logs', '--user', 'jurgen', '--limit', '3', '--csv', '--config', service.configFile])).stdout.split('\r\n');
    expect(csv[0]).toMatch(/^id,activityDateTime,/);
    expect(csv.filter((l) => l).length).toBe(4);
    const text = (await runCli(['logs', '--user', 'jurgen', '--limit', '2', '--config', service.configFile])).stdout;
    expect(text).toMatch(/^time \(UTC\)\s+identity\s+action\s+status/);
    expect(text).toMatch(/2 of \d+ record\(s\)/);
  });
});

describe('mass-change guard', () => {
  let ldap: Client;
  let service: RunningService;
  const keys = ['ataylor', 'jmueller', 'mgarcia', 'finance'];
  const identities = ['ashley.taylor@contoso.com', JURGEN, 'maria.garcia@contoso.com', 'finance'];

  beforeAll(async () => {
    ldap = await adminLdap();
    service = await startService(await serviceConfig({ maxObjectsUpdated: 3 }));
    await eventually(async () => ((await service.engine.store().lastCycle())?.finishedAt ? true : undefined), 60_000, 'a first cycle');
    // Run on its own, this service's first full cycle is the lab's catch-up (the seeded AD differs
    // from the cloud in more objects than the limit), staged like any other: approve it, so the
    // test's own stagings are the only ones.
    const catchUp = (await service.engine.store().pendingApproval())[0];
    if (catchUp) {
      await runCli(['approve', catchUp.cycleId, '--config', service.configFile]);
      await eventually(async () => ((await service.engine.store().getStaged(catchUp.cycleId))?.appliedByCycleId ? true : undefined), 60_000, 'the catch-up applied');
    }
  });
  afterAll(async () => {
    for (const id of identities) await exoSet(id, { customAttribute: ['12='] });
    await service?.stop();
    await ldap?.unbind();
  });

  it('stages a cycle over the threshold, writes nothing until approved, and discards on reject', async () => {
    // First the staged one: four objects against a limit of three.
    const staged = await stageFour('guard-approve');
    for (const key of keys) expect((await readUser(ldap, key, ['extensionAttribute12'])).extensionAttribute12).not.toEqual(['guard-approve']);
    const status = await runCli(['status', '--config', service.configFile]);
    expect(status.stdout).toContain(`exo-writeback approve ${staged}`);
    await runCli(['approve', staged, '--config', service.configFile]);
    for (const key of keys) {
      await eventually(async () => ((await readUser(ldap, key, ['extensionAttribute12'])).extensionAttribute12[0] === 'guard-approve' ? true : undefined), 30_000, `${key} approved`);
    }

    const rejected = await stageFour('guard-reject');
    await runCli(['reject', rejected, '--config', service.configFile]);
    await eventually(async () => ((await service.engine.store().getStaged(rejected))?.status === 'rejected' ? true : undefined), 10_000, 'rejected');
    for (const key of keys) expect((await readUser(ldap, key, ['extensionAttribute12'])).extensionAttribute12).toEqual(['guard-approve']);
  });

  async function stageFour(value: string): Promise<string> {
    // Paused while the four change, so one cycle sees all four: a cycle that started in between
    // (the service runs one right after an approved cycle) would write some, under the threshold.
    await service.engine.requestControl('pause');
    await eventually(async () => ((await service.engine.store().getServiceState())?.state === 'paused' ? true : undefined), 10_000, 'paused');
    for (const id of identities) await exoSet(id, { customAttribute: [`12=${value}`] });
    await service.nudge();
    const pending = await eventually(async () => (await service.engine.store().pendingApproval())[0], 30_000, 'a staged cycle');
    expect(pending.objectCount).toBe(4);
    return pending.cycleId;
  }
});

describe('run housekeeping', () => {
  it('prunes log records older than service.retentionDays after a full cycle, and keeps the cycles and journal', async () => {
    const configFile = await serviceConfig();
    const config = await loadConfig(configFile);
    const longAgo = new Date(Date.now() - 100 * 86_400_000);
    const seeded = SqliteStateStore.open({ path: config.service.stateFile });
    await seeded.startCycle({ kind: 'full', dryRun: false, id: 'cycle-100-days-ago', startedAt: longAgo });
    await seeded.append([buildProvisioningRecord({
      id: 'record-100-days-ago', activityDateTime: longAgo, cycleId: 'cycle-100-days-ago', changeId: 'change-100-days-ago', jobId: 'exo-writeback.test',
      durationInMilliseconds: 1, initiatedBy: { id: 'scheduler', displayName: 'Scheduler', initiatorType: 'system' },
      steps: [], source: { id: jurgenId, displayName: 'Jürgen Müller' }, dryRun: false,
    })]);
    expect((await seeded.queryRecords({ cycleId: 'cycle-100-days-ago' })).total).toBe(1);
    await seeded.close();

    const service = await startService(configFile);
    try {
      await eventually(async () => ((await service.engine.store().lastCycle('full', { outcome: 'success' })) ? true : undefined), 60_000, 'the initial full cycle');
      await eventually(() => Promise.resolve(service.logLines.some((l) => l.includes('pruned old records')) ? true : undefined), 10_000, 'the prune after the full cycle');
      const store = service.engine.store();
      expect((await store.queryRecords({ cycleId: 'cycle-100-days-ago' })).total).toBe(0);
      expect((await store.queryRecords({ user: 'jurgen' })).total).toBeGreaterThan(0);
      expect(await store.getCycle('cycle-100-days-ago')).not.toBeNull();
    } finally {
      await service.stop();
    }
  });
});
