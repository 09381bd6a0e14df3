/**
 * Scenario 2 — no-change reconcile. AD already holds every cloud value; a full cycle reads the
 * tenant and AD and writes nothing. Measured in one run, `runs` times each:
 * - engine: `exo-writeback sync` (a full cycle, process start included);
 * - reference: the larger of a raw paged `ldapsearch` of the same attributes over the domain, and a
 *   raw fetch of every emulator page (Get-Mailbox and Graph users) with the same `$select`.
 * Target: engine / reference ≤ 1.5. A second row sets the engine's cycle beside the machine's CPU
 * floor for it: all the CPU the cycle cost (engine, DC, bridge, emulator) spread over the cores.
 * A third measures the running service (`exo-writeback run`), whose full cycles also commit every
 * object's record and link to the state file, against the same reference and target, and how much
 * each of its cycles grows that file; a fourth sets it beside reading AD and then storing its
 * records with SQL alone. With `--baseline`, another build's engine runs `sync` in turns with this
 * one and further rows compare the two.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliLauncher, packageRoot } from '../../lab/package-root.js';
import type { LabFacts } from '../../lab/lab-facts.js';
import { baselineRow, inTurns } from '../baseline.js';
import { benchLab, labSizeFor } from '../bench-lab.js';
import { cpuFloor } from '../cpu-floor.js';
import { withLabCpu } from '../lab-cpu.js';
import { engineSync } from '../engine-run.js';
import { measure } from '../process-meter.js';
import { countLdifEntries, searchAllUsers } from '../reference/ldap-tools.js';
import { machine, type ResultRow, type ScenarioResult } from '../report.js';
import { serviceConfig, startService, type ServiceCycle } from '../service-process.js';
import { summarise } from '../statistics.js';
import type { ScenarioOptions } from './scenario.js';

export async function noChangeReconcile(options: ScenarioOptions): Promise<ScenarioResult> {
  const rows: ResultRow[] = [];
  const details: Record<string, unknown> = {};
  for (const inScope of options.sizes) {
    const lab = await benchLab(labSizeFor(inScope), options.log);
    const { facts } = lab;
    options.log('[setup] one sync so that AD holds every cloud value');
    await engineSync(facts);

    const engineMs: number[] = [];
    const ldapMs: number[] = [];
    const pagesMs: number[] = [];
    const rss: number[] = [];
    const engineDc: number[] = [];
    const baselineMs: number[] = [];
    const baselineRss: number[] = [];
    const ldapDc: number[] = [];
    // The engine's cycle split at the end of its AD read: the DC bounds the first part, the engine's CPU the second.
    const readMs: number[] = [];
    const afterReadMs: number[] = [];
    // CPU seconds each process spent on the engine's cycle, and the floor they set on this machine.
    const cpu = { engine: [] as number[], dc: [] as number[], bridge: [] as number[], emulator: [] as number[] };
    const floorS: number[] = [];
    let entries = 0;
    let fetched = { mailboxes: 0, users: 0 };
    let summary = null;
    for (let run = 1; run <= options.runs; run++) {
      const turns = await inTurns(run, options.baseline, async (launcher, which) => {
        options.log(`[${which === 'current' ? 'engine' : 'baseline engine'} ${run}/${options.runs}] exo-writeback sync with nothing to write`);
        const measured = await withLabCpu(facts.dir, () => engineSync(facts, launcher));
        if (measured.summary.updated !== 0) throw new Error(`the no-change cycle (${which}) updated ${measured.summary.updated} objects`);
        return measured;
      });
      const engine = turns.current;
      if (turns.baseline) {
        baselineMs.push(turns.baseline.wallMs);
        baselineRss.push(turns.baseline.peakRssMiB ?? NaN);
      }
      engineMs.push(engine.wallMs);
      engineDc.push(engine.dcCpuS);
      const parts = { engine: engine.cpuS ?? NaN, dc: engine.dcCpuS, bridge: engine.bridgeCpuS, emulator: engine.emulatorCpuS };
      for (const name of Object.keys(cpu) as Array<keyof typeof cpu>) cpu[name].push(parts[name]);
      const floor = cpuFloor(parts, availableParallelism());
      floorS.push(floor);
      rss.push(engine.peakRssMiB ?? NaN);
      summary = engine.summary;
      if (engine.summary.timings) {
        readMs.push(engine.summary.timings.directoryReadMs);
        afterReadMs.push(engine.summary.durationMs - engine.summary.timings.directoryReadMs);
      }

      options.log(`[reference ${run}/${options.runs}] paged ldapsearch of the same attributes`);
      const ldif = join(facts.dir, 'bench-search.ldif');
      const ldap = await withLabCpu(facts.dir, () => searchAllUsers(facts, ldif));
      entries = await countLdifEntries(ldif);
      ldapMs.push(ldap.wallMs);
      ldapDc.push(ldap.dcCpuS);

      options.log(`[reference ${run}/${options.runs}] raw fetch of every emulator page`);
      const pages = await measure(process.execPath, [join(packageRoot(), 'dist', 'bench', 'reference', 'fetch-emulator-pages.js'), join(facts.dir, 'lab.json')]);
      if (pages.exitCode !== 0) throw new Error(`page fetch failed: ${pages.stderr}`);
      fetched = JSON.parse(pages.stdout) as { mailboxes: number; users: number };
      pagesMs.push(pages.wallMs);
      const other = turns.baseline ? `, baseline ${(turns.baseline.wallMs / 1000).toFixed(2)} s` : '';
      options.log(`  engine ${(engine.wallMs / 1000).toFixed(2)} s${other}, ldapsearch ${(ldap.wallMs / 1000).toFixed(2)} s, pages ${(pages.wallMs / 1000).toFixed(2)} s`);
      details[`n${inScope}-run${run}`] = {
        engine: { wallMs: engine.wallMs, cpuS: engine.cpuS, dcCpuS: engine.dcCpuS, bridgeCpuS: engine.bridgeCpuS, emulatorCpuS: engine.emulatorCpuS, cpuFloorS: floor, peakRssMiB: engine.peakRssMiB, summary: engine.summary },
        ...(turns.baseline ? { baseline: { launcher: options.baseline, wallMs: turns.baseline.wallMs, dcCpuS: turns.baseline.dcCpuS, peakRssMiB: turns.baseline.peakRssMiB, summary: turns.baseline.summary } } : {}),
        ldapsearch: { wallMs: ldap.wallMs, dcCpuS: ldap.dcCpuS, entries }, emulatorPages: { wallMs: pages.wallMs, ...fetched } };
    }
    const e = summarise(engineMs);
    const l = summarise(ldapMs);
    const p = summarise(pagesMs);
    const reference = Math.max(l.median, p.median);
    const ratio = e.median / reference;
    rows.push({
      case: `${summary?.inScope ?? inScope} in scope, ${summary?.mailboxesRead ?? '?'} mailboxes`,
      engine: e.median / 1000, reference: reference / 1000, ratio, unit: 's', target: '≤ 1.5', met: ratio <= 1.5,
      notes: `median of ${options.runs}; DC CPU engine ${summarise(engineDc).median.toFixed(1)} s, ldapsearch ${summarise(ldapDc).median.toFixed(1)} s; ldapsearch ${(l.median / 1000).toFixed(2)} s for ${entries} entries, emulator pages ${(p.median / 1000).toFixed(2)} s for ${fetched.mailboxes} mailboxes + ${fetched.users} users; spread engine ${(e.spread * 100).toFixed(0)} %; ${readSplit(readMs, afterReadMs)}engine peak RSS ${Math.max(...rss)} MiB`,
    });
    const f = summarise(floorS);
    const med = (values: number[]) => summarise(values).median.toFixed(1);
    rows.push({
      case: `${summary?.inScope ?? inScope} in scope: CPU floor on ${availableParallelism()} cores`,
      engine: f.median, reference: reference / 1000, ratio: f.median / (reference / 1000), unit: 's', target: '—', met: null,
      notes: `the shortest engine cycle this machine allows for the CPU it cost (all its CPU spread over the cores; median of ${options.runs}): engine ${med(cpu.engine)} s, DC ${med(cpu.dc)} s, bridge ${med(cpu.bridge)} s, emulator ${med(cpu.emulator)} s of CPU; the engine's cycle took ${(e.median / 1000 / f.median).toFixed(2)} × this floor`,
    });
    options.log('[service] exo-writeback run: a first full cycle links every object, then full cycles forced with `exo-writeback restart`');
    const service = await serviceFullCycles(facts, options.runs);
    const s = summarise(service.forced.map((c) => c.durationMs));
    const perObjectKiB = summarise(service.grownBytes).median / 1024 / Math.max(1, service.forced[0]?.unchanged ?? 1);
    rows.push({
      case: `${summary?.inScope ?? inScope} in scope: the service's full cycle (a daily reconcile)`,
      engine: s.median / 1000, reference: reference / 1000, ratio: s.median / reference, unit: 's', target: '≤ 1.5', met: s.median / reference <= 1.5,
      notes: `median of ${options.runs} cycles of a running \`exo-writeback run\` (no process start; each object's record, link and cleared retry committed to the state file a page at a time); its first full cycle ${(service.first.durationMs / 1000).toFixed(2)} s; the state file grew ${(summarise(service.grownBytes).median / 1048576).toFixed(1)} MiB a cycle, ${perObjectKiB.toFixed(1)} KiB an in-scope object; the service's peak RSS ${service.peakRssMiB ?? 'n/a'} MiB`,
    });
    const inserts = summarise(service.rawInsertMs);
    const floor = l.median + inserts.median;
    rows.push({
      case: `${summary?.inScope ?? inScope} in scope: the service's full cycle against reading AD, then storing its records`,
      engine: s.median / 1000, reference: floor / 1000, ratio: s.median / floor, unit: 's', target: '—', met: null,
      notes: `reference: the paged ldapsearch (${(l.median / 1000).toFixed(2)} s) plus inserting the cycle's ${service.rawInsertRows} records again into the same state file with SQL alone, a page of 1,000 a transaction (${(inserts.median / 1000).toFixed(2)} s, median of ${options.runs}) — a floor for a cycle that must read the directory and keep a record per object`,
    });
    details[`n${inScope}-service`] = { first: service.first, forced: service.forced, stateFileGrowthBytes: service.grownBytes, peakRssMiB: service.peakRssMiB, rawInsertMs: service.rawInsertMs, rawInsertRows: service.rawInsertRows };
    if (options.baseline) {
      const name = `${summary?.inScope ?? inScope} in scope`;
      rows.push(baselineRow(name, engineMs, baselineMs, 's', options.baseline), baselineRow(`${name}: peak RSS`, rss, baselineRss, 'MiB', options.baseline));
    }
  }
  return { scenario: 'no-change-reconcile', startedAt: new Date().toISOString(), machine: machine(), rows, details };
}

/**
 * The service on the lab, as it runs in production: its first full cycle (which links every
 * object), then `runs` full cycles forced with `exo-writeback restart`, each what the daily
 * reconcile does. Reports those cycles and how much each grew the state file.
 */
async function serviceFullCycles(facts: LabFacts, runs: number): Promise<{ first: ServiceCycle; forced: ServiceCycle[]; grownBytes: number[]; peakRssMiB: number | null; rawInsertMs: number[]; rawInsertRows: number }> {
  // A long interval: no incremental cycle runs in between (a control request wakes it within 1 s).
  const configFile = await serviceConfig(facts, join(facts.dir, 'no-change-service'), 3600);
  const stateFile = join(facts.dir, 'no-change-service', 'state.db');
  const service = startService(configFile);
  let first: ServiceCycle;
  const forced: ServiceCycle[] = [];
  const grownBytes: number[] = [];
  let peakRssMiB: number | null = null;
  try {
    first = await service.cycleFinished('full');
    for (let run = 1; run <= runs; run++) {
      const before = stateFileBytes(stateFile);
      const finished = service.cycleFinished('full');
      const restart = await measure(process.execPath, [cliLauncher(), 'restart', '--config', configFile]);
      if (restart.exitCode !== 0) throw new Error(`exo-writeback restart exited ${restart.exitCode}: ${restart.stderr.slice(-2000)}`);
      const cycle = await finished;
      if (cycle.updated !== 0) throw new Error(`the service's no-change cycle updated ${cycle.updated} objects`);
      forced.push(cycle);
      grownBytes.push(stateFileBytes(stateFile) - before);
    }
    // Over the first and every forced cycle, both threads (the engine's and the commit worker's).
    peakRssMiB = await service.peakRssMiB();
  } finally {
    await service.stop();
  }
  // With the service stopped: each forced cycle's records inserted again, raw.
  const inserted = forced.map((cycle) => insertRecordsAgain(stateFile, cycle.cycleId));
  return { first, forced, grownBytes, peakRssMiB, rawInsertMs: inserted.map((i) => i.ms), rawInsertRows: inserted[0]?.rows ?? 0 };
}

/**
 * Inserts the records of `cycleId` once more into the state file (new ids, same columns), with
 * SQL alone, in transactions of 1,000 as the service commits them, on the store's settings (WAL,
 * `synchronous=FULL`): each row's body looked up by its hash, as the store does, then the row.
 * Only the writes are timed; the rows are read a page at a time in between.
 */
function insertRecordsAgain(path: string, cycleId: string): { ms: number; rows: number } {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    type Row = { seq: number; id: string; activity_at: number; status: string; action: string; dry_run: number; subject_id: number; hash: Buffer | null; body_id: number; envelope: string };
    const page = db.prepare(`SELECT r.seq, r.id, r.activity_at, r.status, r.action, r.dry_run, r.subject_id, b.hash, r.body_id, r.envelope
      FROM provisioning_records r JOIN record_bodies b ON b.id = r.body_id WHERE r.cycle_id = ? AND r.seq > ? ORDER BY r.seq LIMIT 1000`);
    const body = db.prepare('SELECT id FROM record_bodies WHERE hash = ?').pluck();
    const insert = db.prepare('INSERT INTO provisioning_records (id, cycle_id, activity_at, status, action, dry_run, subject_id, body_id, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const again = `${cycleId}-again`;
    const write = db.transaction((rows: Row[]) => {
      for (const r of rows) {
        const bodyId = r.hash === null ? r.body_id : (body.get(r.hash) as number);
        insert.run(`${r.id}-again`, again, r.activity_at, r.status, r.action, r.dry_run, r.subject_id, bodyId, r.envelope);
      }
    });
    let ms = 0;
    let count = 0;
    for (let after = 0; ;) {
      const rows = page.all(cycleId, after) as Row[];
      if (rows.length === 0) break;
      const started = performance.now();
      write.immediate(rows);
      ms += performance.now() - started;
      count += rows.length;
      after = rows[rows.length - 1]!.seq;
    }
    return { ms, rows: count };
  } finally {
    db.close();
  }
}

/** The state file's size as SQLite counts it (its pages, including those still in the WAL). */
function stateFileBytes(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  } finally {
    db.close();
  }
}

/** "engine cycle: AD read a s, after it b s; " (medians), or nothing when the engine reported no timings. */
function readSplit(readMs: number[], afterReadMs: number[]): string {
  if (readMs.length === 0) return '';
  return `engine cycle: AD read ${(summarise(readMs).median / 1000).toFixed(2)} s, after it ${(summarise(afterReadMs).median / 1000).toFixed(2)} s; `;
}
