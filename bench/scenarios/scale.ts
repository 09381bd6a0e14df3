/**
 * Scenario 4 — scale. A tenant of T dir-synced mailboxes of which a tenth are cloud-managed and
 * in AD: the lab of T/10 mailboxes (its own, seeded into Samba) plus T·9/10 filler mailboxes the
 * emulator generates in memory (dir-synced, not cloud-managed, with their synced Entra users).
 * Measured: one full cycle (`exo-writeback sync`, process start included) — wall time and peak
 * RSS — at T = 10k, 100k, 1M, and how both grow. Targets: peak RSS ≤ 1 GB at 1M; growth linear.
 * With `--baseline`, another build's engine runs in turns with this one, and further rows compare.
 */
import { baselineRow, inTurns } from '../baseline.js';
import { benchLab } from '../bench-lab.js';
import { emulatorAdmin } from '../emulator-admin.js';
import { engineSync } from '../engine-run.js';
import { machine, type ResultRow, type ScenarioResult } from '../report.js';
import { summarise } from '../statistics.js';
import type { ScenarioOptions } from './scenario.js';

/** Peak RSS target at 1M mailboxes (MiB). */
const RSS_TARGET_MIB = 1024;

export async function scale(options: ScenarioOptions): Promise<ScenarioResult> {
  const points: Array<{
    tenant: number; inAd: number; wallMs: number; peakRssMiB: number; inScope: number; mailboxesRead: number; fillerMs: number;
    /** With `--baseline`: the rows comparing this size's runs with the baseline's, built when measured. */
    baselineRows: ResultRow[];
  }> = [];
  const details: Record<string, unknown> = {};
  for (const tenant of options.sizes) {
    // Same labs as the other scenarios: 1,140 / 11,400 / 114,000 mailboxes in AD (~88 % in scope).
    const inAd = Math.round(tenant * 0.114);
    const lab = await benchLab(inAd, options.log);
    const { facts } = lab;
    const filler = tenant - inAd;
    options.log(`[setup] ${filler} filler mailboxes in the emulator (tenant of ${tenant})`);
    const fillerStarted = Date.now();
    await emulatorAdmin(facts, 'PUT', '/filler', { mailboxes: filler });
    const fillerMs = Date.now() - fillerStarted;
    try {
      options.log('[setup] one sync so that AD holds every cloud value');
      await engineSync(facts);
      const wall: number[] = [];
      const rss: number[] = [];
      const baselineWall: number[] = [];
      const baselineRss: number[] = [];
      let last = null;
      for (let run = 1; run <= options.runs; run++) {
        const turns = await inTurns(run, options.baseline, (launcher, which) => {
          options.log(`[${which === 'current' ? 'engine' : 'baseline engine'} ${run}/${options.runs}] exo-writeback sync over ${tenant} mailboxes`);
          return engineSync(facts, launcher);
        });
        const engine = turns.current;
        if (turns.baseline) {
          baselineWall.push(turns.baseline.wallMs);
          baselineRss.push(turns.baseline.peakRssMiB ?? NaN);
          options.log(`  baseline ${(turns.baseline.wallMs / 1000).toFixed(1)} s, peak RSS ${turns.baseline.peakRssMiB} MiB`);
        }
        if (engine.summary.mailboxesRead !== tenant) options.log(`  note: read ${engine.summary.mailboxesRead} mailboxes`);
        wall.push(engine.wallMs);
        rss.push(engine.peakRssMiB ?? NaN);
        last = engine.summary;
        options.log(`  ${(engine.wallMs / 1000).toFixed(1)} s, peak RSS ${engine.peakRssMiB} MiB`);
      }
      const w = summarise(wall);
      const r = summarise(rss);
      const name = `${tenant.toLocaleString('en')} mailboxes`;
      const baselineRows = options.baseline
        ? [baselineRow(`${name}: full cycle`, wall, baselineWall, 's', options.baseline), baselineRow(`${name}: peak RSS`, rss, baselineRss, 'MiB', options.baseline)]
        : [];
      points.push({ tenant, inAd, wallMs: w.median, peakRssMiB: r.max, inScope: last?.inScope ?? 0, mailboxesRead: last?.mailboxesRead ?? 0, fillerMs, baselineRows });
      details[`t${tenant}`] = { wallMs: wall, peakRssMiB: rss, summary: last, fillerMs, ...(options.baseline ? { baseline: { launcher: options.baseline, wallMs: baselineWall, peakRssMiB: baselineRss } } : {}) };
    } finally {
      await emulatorAdmin(facts, 'PUT', '/filler', { mailboxes: 0 });
    }
  }
  const rows: ResultRow[] = [];
  const first = points[0];
  for (const point of points) {
    // Linear growth: time per mailbox (and RSS beyond a fixed base) stays flat; shown relative to the smallest size.
    const perMailboxUs = (point.wallMs * 1000) / point.mailboxesRead;
    const basePerMailbox = first ? (first.wallMs * 1000) / first.mailboxesRead : perMailboxUs;
    rows.push({
      case: `${point.tenant.toLocaleString('en')} mailboxes (${point.inScope.toLocaleString('en')} in scope): full cycle`,
      engine: point.wallMs / 1000, reference: (first ? first.wallMs / 1000 : 0) * (point.mailboxesRead / (first?.mailboxesRead ?? point.mailboxesRead)), ratio: perMailboxUs / basePerMailbox, unit: 's', target: 'linear (ratio ≤ 1)', met: perMailboxUs <= basePerMailbox * 1.1,
      notes: `${perMailboxUs.toFixed(1)} µs per mailbox read; reference = the smallest size's time scaled linearly`,
    });
    rows.push({
      case: `${point.tenant.toLocaleString('en')} mailboxes: peak RSS`,
      engine: point.peakRssMiB, reference: RSS_TARGET_MIB, ratio: point.peakRssMiB / RSS_TARGET_MIB, unit: 'MiB', target: '≤ 1024 MiB', met: point.peakRssMiB <= RSS_TARGET_MIB,
      notes: `filler generated in ${(point.fillerMs / 1000).toFixed(1)} s`,
    });
    rows.push(...point.baselineRows);
  }
  return { scenario: 'scale', startedAt: new Date().toISOString(), machine: machine(), rows, details };
}
