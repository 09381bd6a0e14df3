/**
 * Scenario 3 — latency. `exo-writeback run` is active against the 10k lab; changes are made in the
 * emulator at random times (uniform over a window of several intervals) and the time until each
 * is visible in AD is measured by reading the object every 100 ms. Run at the default interval
 * and at 15 s. Target: p95 ≤ interval + 10 s.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_INTERVAL_SECONDS } from '../../src/config/config-schema.js';
import { seedDistinguishedNames } from '../../lab/directory/directory-seed.js';
import { LdapDirectory } from '../../src/directory/ldap-directory.js';
import { benchLab, labSizeFor } from '../bench-lab.js';
import { emulatorAdmin } from '../emulator-admin.js';
import { engineSync } from '../engine-run.js';
import { machine, type ResultRow, type ScenarioResult } from '../report.js';
import { serviceConfig, startService } from '../service-process.js';
import { quantile } from '../statistics.js';
import type { ScenarioOptions } from './scenario.js';

/** Changes per interval setting, and the window (in intervals) they are spread over. */
const CHANGES = 40;
const WINDOW_INTERVALS = 3;
const POLL_MS = 100;
/** The lab the service runs against (in-scope mailboxes). */
const LAB_IN_SCOPE = 10_000;

export async function latency(options: ScenarioOptions): Promise<ScenarioResult> {
  const lab = await benchLab(labSizeFor(LAB_IN_SCOPE), options.log);
  const { facts } = lab;
  options.log('[setup] one sync so that AD holds every cloud value (the service starts converged)');
  await engineSync(facts);
  const rows: ResultRow[] = [];
  const details: Record<string, unknown> = {};
  const password = (await readFile(join(facts.dir, 'secrets', 'service-account.password'), 'utf8')).trim();
  const directory = new LdapDirectory({ urls: [facts.directory.ldapUrl], caPem: await readFile(facts.directory.caFile, 'utf8'), bindName: facts.directory.serviceAccount.bindName, password, baseDn: facts.directory.baseDn, attributeSet: 'standard' });
  // objectGUID of each lab user, by DN (the seed knows DNs; the poll reads by GUID).
  const guidByDn = new Map<string, Buffer>();
  for await (const page of directory.listUsers()) for (const object of page) guidByDn.set(object.distinguishedName.toLowerCase(), object.objectGuid);
  const seededDns = seedDistinguishedNames(lab.users);
  const dns = new Map(lab.writable.map((u) => [u.entraId, guidByDn.get(seededDns.get(u.key)!.dn.toLowerCase())]));
  try {
    for (const intervalSeconds of options.sizes) {
      const configFile = await serviceConfig(facts, join(facts.dir, `latency-${intervalSeconds}s`), intervalSeconds);

      options.log(`[service] exo-writeback run, interval ${intervalSeconds} s; waiting for its first full cycle`);
      const service = startService(configFile);
      try {
        await service.cycleFinished('full');
        const windowMs = WINDOW_INTERVALS * intervalSeconds * 1000;
        const chosen = pick(lab.writable, CHANGES);
        options.log(`[changes] ${CHANGES} changes at random times over ${windowMs / 1000} s`);
        const latencies = await Promise.all(chosen.map(async (user, i) => {
          await delay(Math.random() * windowMs);
          const value = `latency-${intervalSeconds}-${i}-${Date.now()}`;
          const guid = dns.get(user.entraId);
          if (!guid) throw new Error(`no objectGUID for ${user.entraId}`);
          const changedAt = Date.now();
          await emulatorAdmin(facts, 'PATCH', `/exo/mailboxes/${user.entraId}`, { CustomAttribute10: value });
          // Measured, not waited for: the read is the observation, 100 ms its resolution.
          for (;;) {
            const object = await directory.readByGuid(guid);
            if (object?.attributes.extensionAttribute10?.[0] === value) return Date.now() - changedAt;
            if (Date.now() - changedAt > 10 * intervalSeconds * 1000 + 120_000) throw new Error(`change ${i} not in AD after ${(Date.now() - changedAt) / 1000} s`);
            await delay(POLL_MS);
          }
        }));
        const p50 = quantile(latencies, 0.5) / 1000;
        const p95 = quantile(latencies, 0.95) / 1000;
        const target = intervalSeconds + 10;
        rows.push({
          case: `interval ${intervalSeconds} s${intervalSeconds === DEFAULT_INTERVAL_SECONDS ? ' (default)' : ''}: p95 (p50 ${p50.toFixed(1)} s)`,
          engine: p95, reference: target, ratio: p95 / target, unit: 's', target: `p95 ≤ ${target} s`, met: p95 <= target,
          notes: `${CHANGES} changes over ${windowMs / 1000} s; max ${(Math.max(...latencies) / 1000).toFixed(1)} s; cycles ${service.cycles().map((c) => `${c.kind} ${c.durationMs} ms`).slice(0, 12).join(', ')}`,
        });
        details[`interval${intervalSeconds}`] = { latenciesMs: latencies, cycles: service.cycles() };
      } finally {
        await service.stop();
      }
    }
  } finally {
    await directory.close();
  }
  return { scenario: 'latency', startedAt: new Date().toISOString(), machine: machine(), rows, details };
}

function pick<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
