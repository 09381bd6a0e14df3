import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../../lab/emulator/emulator-server.js';
import { syntheticAnchors } from '../../../lab/emulator/synthetic-anchors.js';
import { buildTenantState } from '../../../lab/emulator/tenant-builder.js';
import { TenantStore, type TenantData } from '../../../lab/emulator/tenant-state.js';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { CLIENT_ID, labPki, startTestEmulator } from './emulator-fixture.js';

describe('persistence', () => {
  it('keeps a Set-Mailbox that returned 200 across a restart, with the clock still increasing', async () => {
    const first = await startTestEmulator({ saveDelayMs: 60_000 });
    expect((await first.cmdlet('Set-Mailbox', { Identity: 'ataylor', CustomAttribute4: 'durable' })).status).toBe(200);
    const before = (await first.cmdlet('Get-Mailbox', { Identity: 'ataylor' }, 'WhenChangedUTC')).json.value?.[0]?.WhenChangedUTC as string;
    // The save is still waiting in its coalescing window: close() must write it.
    await first.close();
    const onDisk = JSON.parse(await readFile(first.statePath, 'utf8')) as TenantData;
    expect(onDisk.mailboxes.find((m) => m.Alias === 'ataylor')?.CustomAttributes[3]).toBe('durable');

    const second = await startTestEmulator({ dir: first.dir });
    try {
      expect(second.emulator.state.data.stateId).toBe(onDisk.stateId);
      const { json } = await second.cmdlet('Get-Mailbox', { Identity: 'ataylor' }, 'CustomAttribute4,WhenChangedUTC');
      expect(json.value?.[0]?.CustomAttribute4).toBe('durable');
      expect(json.value?.[0]?.WhenChangedUTC).toBe(before);
      expect((await second.cmdlet('Set-Mailbox', { Identity: 'ataylor', CustomAttribute4: 'again' })).status).toBe(200);
      const after = (await second.cmdlet('Get-Mailbox', { Identity: 'ataylor' }, 'WhenChangedUTC')).json.value?.[0]?.WhenChangedUTC as string;
      expect(after > before).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('accepts tokens issued before a restart (the signing key is persisted)', async () => {
    const first = await startTestEmulator();
    const token = await first.token('exo');
    await first.close();
    const second = await startTestEmulator({ dir: first.dir });
    try {
      const response = await second.invoke({ CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { Identity: 'ataylor' } } }, { token });
      expect(response.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('coalesces a burst of changes into few writes and flush() makes them durable', async () => {
    const t = await startTestEmulator({ saveDelayMs: 60_000 });
    try {
      for (let i = 0; i < 20; i++) expect((await t.cmdlet('Set-Mailbox', { Identity: 'mgarcia', CustomAttribute6: `v${i}` })).status).toBe(200);
      const stale = JSON.parse(await readFile(t.statePath, 'utf8')) as TenantData;
      expect(stale.mailboxes.find((m) => m.Alias === 'mgarcia')?.CustomAttributes[5]).toBe('');
      await t.emulator.flush();
      const fresh = JSON.parse(await readFile(t.statePath, 'utf8')) as TenantData;
      expect(fresh.mailboxes.find((m) => m.Alias === 'mgarcia')?.CustomAttributes[5]).toBe('v19');
    } finally {
      await t.close();
    }
  });

  it('refuses to start without state, and loads a written state file', async () => {
    const { appCertPem } = await labPki();
    await expect(startEmulator({ statePath: '/nonexistent/dir/tenant.json' })).rejects.toThrow(/No emulator state/);
    const users = buildOrganisation({ mailboxes: 12 });
    const data = buildTenantState(users, syntheticAnchors(users), { appCertificatePem: appCertPem, clientId: CLIENT_ID });
    const t = await startTestEmulator({ state: data });
    await t.close();
    const store = await TenantStore.open(t.statePath);
    expect(store.mailboxes().length).toBe(data.mailboxes.length);
  });

  it('copes with 20,000 mailboxes: filtered paging stays fast', async () => {
    const t = await startTestEmulator({ mailboxes: 20_000 });
    try {
      const body = { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited', Filter: 'IsDirSynced -eq $true' } } };
      let page = (await (await t.invoke(body, { select: 'Guid,EmailAddresses,CustomAttribute1' })).json()) as { value: unknown[]; '@odata.nextLink'?: string };
      let total = page.value.length;
      while (page['@odata.nextLink']) {
        page = (await (await t.invoke(body, { url: page['@odata.nextLink'] })).json()) as typeof page;
        total += page.value.length;
      }
      expect(total).toBe(20_000);
      expect((await t.cmdlet('Set-Mailbox', { Identity: 'ataylor', CustomAttribute1: 'big' })).status).toBe(200);
    } finally {
      await t.close();
    }
  }, 60_000);
});
