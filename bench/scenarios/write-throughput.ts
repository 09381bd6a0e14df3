/**
 * Scenario 1 — write throughput. N cloud-managed, in-scope mailboxes get a new CustomAttribute10
 * in the cloud. From the same seeded AD state, measured in one run, `runs` times each:
 * - reference: OpenLDAP's `ldapmodify` applying exactly those modifications from an LDIF over one
 *   connection, as the same service account;
 * - engine: `exo-writeback sync` (reads the tenant and AD, matches, diffs, writes the N objects).
 * Target: engine / reference ≤ 1.0.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seedDistinguishedNames } from '../../lab/directory/directory-seed.js';
import { benchLab, labSizeFor } from '../bench-lab.js';
import { mapConcurrent } from '../../src/async/concurrent-map.js';
import { emulatorAdmin } from '../emulator-admin.js';
import { withLabCpu } from '../lab-cpu.js';
import { engineSync } from '../engine-run.js';
import { ldapTool, searchAllUsers } from '../reference/ldap-tools.js';
import { machine, type ResultRow, type ScenarioResult } from '../report.js';
import { summarise } from '../statistics.js';
import type { ScenarioOptions } from './scenario.js';

export async function writeThroughput(options: ScenarioOptions): Promise<ScenarioResult> {
  const rows: ResultRow[] = [];
  const details: Record<string, unknown> = {};
  for (const objects of options.sizes) {
    const lab = await benchLab(labSizeFor(objects), options.log);
    const { facts } = lab;
    if (lab.writable.length < objects) throw new Error(`the lab has ${lab.writable.length} writable objects, fewer than ${objects}`);
    const targets = lab.writable.slice(0, objects);
    const value = `bench-${Date.now()}`;
    const dns = seedDistinguishedNames(lab.users);
    options.log(`[setup] CustomAttribute10 = ${value} on ${objects} mailboxes in the cloud`);
    await mapConcurrent(targets, { limit: 8 }, (u) => emulatorAdmin(facts, 'PATCH', `/exo/mailboxes/${u.entraId}`, { CustomAttribute10: value }));
    const ldifFile = join(facts.dir, 'bench-write.ldif');
    // DNs in base64 (`dn::`): LDIF needs it for non-ASCII names such as "Jürgen Müller".
    await writeFile(ldifFile, targets.map((u) => `dn:: ${Buffer.from(dns.get(u.key)!.dn).toString('base64')}\nchangetype: modify\nreplace: extensionAttribute10\nextensionAttribute10: ${value}\n-\n`).join('\n'));

    const engineMs: number[] = [];
    const referenceMs: number[] = [];
    const engineDc: number[] = [];
    const searchMs: number[] = [];
    const referenceDc: number[] = [];
    const rss: number[] = [];
    for (let run = 1; run <= options.runs; run++) {
      options.log(`[reference ${run}/${options.runs}] AD back to the seeded state; ldapmodify over one connection`);
      await lab.restoreSeeded();
      const reference = await withLabCpu(facts.dir, () => ldapTool(facts, 'ldapmodify', ['-f', ldifFile]));
      referenceMs.push(reference.wallMs);
      referenceDc.push(reference.dcCpuS);

      // What reading AD costs on its own (the engine must read before it can know what to write).
      const search = await withLabCpu(facts.dir, () => searchAllUsers(facts, join(facts.dir, 'bench-search.ldif')));
      searchMs.push(search.wallMs);

      options.log(`[engine ${run}/${options.runs}] AD back to the seeded state; exo-writeback sync`);
      await lab.restoreSeeded();
      const engine = await withLabCpu(facts.dir, () => engineSync(facts));
      // The seeded state also differs from the cloud in a few pending edits (the lab's ~10 %), so ≥ N.
      if (engine.summary.updated < objects) throw new Error(`the engine updated ${engine.summary.updated} objects, expected ≥ ${objects}`);
      engineMs.push(engine.wallMs);
      engineDc.push(engine.dcCpuS);
      rss.push(engine.peakRssMiB ?? NaN);
      details[`n${objects}-run${run}`] = { engine: { wallMs: engine.wallMs, dcCpuS: engine.dcCpuS, peakRssMiB: engine.peakRssMiB, summary: engine.summary }, ldapmodify: { wallMs: reference.wallMs, dcCpuS: reference.dcCpuS } };
      options.log(`  engine ${(engine.wallMs / 1000).toFixed(2)} s (updated ${engine.summary.updated}; DC CPU ${engine.dcCpuS.toFixed(1)} s), ldapmodify ${(reference.wallMs / 1000).toFixed(2)} s (DC CPU ${reference.dcCpuS.toFixed(1)} s)`);
    }
    const e = summarise(engineMs);
    const r = summarise(referenceMs);
    const ratio = e.median / r.median;
    const floor = r.median + summarise(searchMs).median;
    rows.push({
      case: `${objects} objects to update`,
      engine: e.median / 1000, reference: r.median / 1000, ratio, unit: 's', target: '≤ 1.0', met: ratio <= 1,
      notes: `median of ${options.runs}; read-then-write floor (ldapsearch + ldapmodify) ${(floor / 1000).toFixed(2)} s, engine / floor ${(e.median / floor).toFixed(2)}; DC CPU engine ${summarise(engineDc).median.toFixed(1)} s, ldapmodify ${summarise(referenceDc).median.toFixed(1)} s; spread engine ${(e.spread * 100).toFixed(0)} %, ldapmodify ${(r.spread * 100).toFixed(0)} %; engine read ${facts.mailboxes} mailboxes, peak RSS ${Math.max(...rss)} MiB; ${(objects / (r.median / 1000)).toFixed(0)} modifies/s by ldapmodify`,
    });
  }
  return { scenario: 'write-throughput', startedAt: new Date().toISOString(), machine: machine(), rows, details };
}
