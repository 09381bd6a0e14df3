/**
 * The admin console in real Chromium (Debian's package, driven by playwright-core) against a
 * running service on the lab: provision on demand, the provisioning logs and their detail tabs,
 * Pause/Resume, cycles, configuration, and undo with its confirmation. Each page's screenshot is
 * written to docs/screenshots/ (the README shows one).
 */
import { join } from 'node:path';
import type { Client } from 'ldapts';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, ensureChromiumInstalled } from '../../../lab/browser/chromium-install.js';
import { packageRoot } from '../../../lab/package-root.js';
import { adminLdap, exoSet, readUser } from '../../support/lab-engine.js';
import { eventually, serviceConfig, startService, type RunningService } from '../../support/lab-service.js';

const ASHLEY = 'ashley.taylor@contoso.com';
const NEW_ALIAS = 'ashley.console@contoso.com';
const SHOTS = join(packageRoot(), 'docs', 'screenshots');

describe('admin console in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;
  let service: RunningService;
  let ldap: Client;
  /** The on-demand cycle that wrote Ashley's alias (undone at the end). */
  let provisionCycle = '';
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const open = async (hash: string) => {
    await page.goto(`${service.consoleUrl}/#/${hash}`);
    await page.locator('main h1').first().waitFor();
  };

  beforeAll(async () => {
    const executablePath = await ensureChromiumInstalled();
    ldap = await adminLdap();
    // An hour between cycles: only the initial full cycle runs, so what the console does is all that writes.
    const configFile = await serviceConfig({ edit: (config) => { (config.service as { intervalSeconds: number }).intervalSeconds = 3600; } });
    service = await startService(configFile);
    await eventually(async () => ((await service.engine.store().lastCycle('full', { outcome: 'success' })) ? true : undefined), 60_000, 'the initial full cycle');
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await exoSet(ASHLEY, { removeAlias: [NEW_ALIAS] }).catch(() => undefined);
    await ldap?.unbind();
  });

  it('provisions Ashley Taylor after an alias was added: the alias is under Modified target attributes, and AD has it', async () => {
    await exoSet(ASHLEY, { addAlias: [NEW_ALIAS] });
    expect((await readUser(ldap, 'ataylor', ['proxyAddresses'])).proxyAddresses).not.toContain(`smtp:${NEW_ALIAS}`);
    await open('provision');
    await page.getByRole('searchbox', { name: 'Search users' }).fill('ashley');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('[data-upn="ashley.taylor@contoso.com"]').click();
    await page.getByTestId('provision').click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-status')).toBe('success');
    const cards = page.locator('[data-step]');
    const steps: Array<string | null> = [];
    for (let i = 0; i < (await cards.count()); i++) steps.push(await cards.nth(i).getAttribute('data-step'));
    expect(steps).toEqual(['import', 'scoping', 'matching', 'export']);
    const row = page.getByTestId('modified-attributes').locator('tr', { hasText: 'proxyAddresses' });
    expect(await row.locator('td').nth(2).textContent()).toContain(`smtp:${NEW_ALIAS}`);
    expect(await row.locator('td').nth(1).textContent()).not.toContain(`smtp:${NEW_ALIAS}`);
    await shot('provision-on-demand');
    expect((await readUser(ldap, 'ataylor', ['proxyAddresses'])).proxyAddresses).toContain(`smtp:${NEW_ALIAS}`);
    provisionCycle = (await service.engine.store().lastCycle('on-demand'))!.id;
    expect((await service.engine.store().journalForCycle(provisionCycle)).map((e) => e.after.proxyAddresses?.includes(`smtp:${NEW_ALIAS}`))).toEqual([true]);
  });

  it('shows NotInScope for Anthony Williams', async () => {
    await open('provision/anthony');
    await page.locator('[data-upn="anthony.williams@contoso.com"]').click();
    await page.getByTestId('dry-run').click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-skip-reason')).toBe('NotInScope');
    expect(await verdict.textContent()).toBe('Skipped: NotInScope');
    expect(await page.locator('[data-step="scoping"]').getAttribute('class')).toContain('skipped');
  });

  it('filters the logs table by status and opens the detail tabs', async () => {
    const skipped = await service.engine.store().queryRecords({ status: 'skipped' });
    await open('logs');
    await page.getByLabel('Status').selectOption('skipped');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('log-total').filter({ hasText: `${skipped.total} records` }).waitFor();
    const statuses = await page.getByTestId('log-table').locator('tbody tr td:nth-child(4)').allTextContents();
    expect(statuses.length).toBe(Math.min(25, skipped.total));
    expect(new Set(statuses)).toEqual(new Set(['skipped']));
    expect(page.url()).toContain('status=skipped');
    await shot('provisioning-logs');

    await page.getByTestId(`record-${skipped.records[0]!.id}`).click();
    const panel = page.getByTestId('tab-panel');
    await panel.locator('[data-step]').first().waitFor();
    await page.getByRole('tab', { name: 'Troubleshooting & Recommendations' }).click();
    expect(await panel.textContent()).toContain(`Skip reason: ${skipped.records[0]!.provisioningStatusInfo.skipReason}`);
    await page.getByRole('tab', { name: 'Modified properties' }).click();
    await panel.getByTestId('modified-attributes').waitFor();
    await page.getByRole('tab', { name: 'Summary' }).click();
    expect(await panel.textContent()).toContain(skipped.records[0]!.id);
    await page.getByRole('tab', { name: 'Steps' }).click();
    await panel.locator('[data-step="import"]').waitFor();
    await shot('provisioning-log-detail');
  });

  it('pauses, then resumes, and the state shown follows', async () => {
    await open('overview');
    const state = page.getByTestId('service-state');
    await state.filter({ hasText: 'Active' }).waitFor();
    await page.getByTestId('service-pause').click();
    await state.filter({ hasText: 'Paused' }).waitFor({ timeout: 20_000 });
    expect((await service.engine.store().getServiceState())?.state).toBe('paused');
    await page.getByTestId('service-resume').click();
    await state.filter({ hasText: 'Active' }).waitFor({ timeout: 20_000 });
    expect((await service.engine.store().getServiceState())?.state).toBe('active');
    await shot('overview');
  });

  it('shows cycle history and the redacted configuration with the latest check', async () => {
    await open('cycles');
    expect(await page.getByTestId('cycle-table').locator('tbody tr').count()).toBe((await service.engine.store().listCycles({ limit: 200 })).length);
    await shot('cycles');
    await open('config');
    await page.getByTestId('check-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('check-result').textContent()).toContain('All checks passed');
    const config = await page.getByTestId('effective-config').textContent();
    expect(config).toContain('"intervalSeconds": 3600');
    expect(config).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
    await shot('configuration');
  });

  it('undoes the on-demand cycle after a confirmation that shows exactly what will be restored', async () => {
    await open(`drift?undoCycle=${provisionCycle}`);
    await page.getByRole('button', { name: 'Preview undo…' }).click();
    const dialog = page.getByTestId('undo-confirm');
    await dialog.waitFor();
    const restoreRow = dialog.locator('tr', { hasText: 'proxyAddresses' });
    expect(await restoreRow.locator('td').nth(1).textContent()).toContain(`smtp:${NEW_ALIAS}`);
    expect(await restoreRow.locator('td').nth(2).textContent()).not.toContain(`smtp:${NEW_ALIAS}`);
    await shot('drift-and-undo');
    await dialog.getByTestId('undo-execute').click();
    await page.getByTestId('undo-preview').getByText('Undo done').waitFor();
    expect((await readUser(ldap, 'ataylor', ['proxyAddresses'])).proxyAddresses).not.toContain(`smtp:${NEW_ALIAS}`);
    expect(pageErrors).toEqual([]);
  });
});
