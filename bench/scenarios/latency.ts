/**
 * Scenario 3 — latency. `exo-writeback run` is active against the 10k lab; changes are made in the
 * emulator at random times (uniform over a window of several intervals) and the time until each
 * is visible in AD is measured by reading the object every 100 ms. Run at the default interval
 * and at 15 s. Target: p95 ≤ interval + 10 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { parse, stringify } from 'yaml';
import { cliLauncher } from '../../lab/package-root.js';
import { DEFAULT_INTERVAL_SECONDS } from '../../src/config/config-schema.js';
import { seedDistinguishedNames } from '../../lab/directory/directory-seed.js';
import { LdapDirectory } from '../../src/directory/ldap-directory.js';
import { benchLab, labSizeFor } from '../bench-lab.js';
import { emulatorAdmin } from '../emulator-admin.js';
import { engineSync } from '../engine-run.js';
import { machine, type ResultRow, type ScenarioResult } from '../report.js';
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
      const runDir = join(facts.dir, `latency-${intervalSeconds}s`);
      await rm(runDir, { recursive: true, force: true });
      await mkdir(runDir, { recursive: true });
      const config = parse(await readFile(facts.engineConfigFile, 'utf8')) as Record<string, Record<string, unknown>>;
      config.service = { ...config.service, intervalSeconds, stateFile: join(runDir, 'state.db'), http: { host: '127.0.0.1', port: 0 } };
      config.log = { file: join(runDir, 'provisioning-log.jsonl') };
      const configFile = join(runDir, 'exo-writeback.yaml');
      await writeFile(configFile, stringify(config), { mode: 0o600 });

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

/** The running service, watched through its JSON log lines. */
function startService(configFile: string) {
  const child: ChildProcess = spawn(process.execPath, [cliLauncher(), 'run', '--config', configFile, '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const cycles: Array<{ kind: string; durationMs: number; updated: number }> = [];
  const waiters: Array<{ kind: string; resolve: () => void }> = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the service exited (${code}): ${stderr}`))));
  exited.catch(() => undefined);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: { msg?: string; kind?: string; durationMs?: number; updated?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (entry.msg !== 'cycle finished' || !entry.kind) return;
    cycles.push({ kind: entry.kind, durationMs: entry.durationMs ?? NaN, updated: entry.updated ?? 0 });
    for (const waiter of waiters.splice(0).filter((w) => w.kind === entry.kind)) waiter.resolve();
  });
  return {
    cycles: () => cycles,
    cycleFinished: (kind: string) => Promise.race([new Promise<void>((resolve) => waiters.push({ kind, resolve })), exited]),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

function pick<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
