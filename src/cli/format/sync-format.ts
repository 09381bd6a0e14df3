/** Output of `sync` and `check`. */
import type { CheckReport } from '../../engine/preflight-check.js';
import type { SyncSummary } from '../../engine/sync-cycle.js';

/** One progress line (rewritten in place on a TTY). */
export function formatSyncProgress(summary: SyncSummary): string {
  const failed = Object.values(summary.failed).reduce<number>((a, b) => a + (b ?? 0), 0);
  return `read ${summary.mailboxesRead}  in scope ${summary.inScope}  updated ${summary.updated}  unchanged ${summary.unchanged}  failed ${failed}`;
}

/** The end-of-cycle summary. */
export function formatSyncSummary(summary: SyncSummary): string {
  const lines = [
    `Sync cycle ${summary.cycleId}${summary.dryRun ? ' (dry run: nothing was written)' : ''} finished in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  Mailboxes read        ${summary.mailboxesRead}`,
    `  In scope              ${summary.inScope}`,
    `  ${summary.dryRun ? 'Would update' : 'Updated'}${summary.dryRun ? '          ' : '               '}${summary.updated}`,
    `  Unchanged             ${summary.unchanged}`,
    `  Values added          ${summary.valuesAdded}`,
    `  Values removed        ${summary.valuesRemoved}`,
  ];
  const skipped = Object.entries(summary.skipped).filter(([reason]) => reason !== 'RedundantExport');
  if (skipped.length) {
    lines.push('  Skipped');
    for (const [reason, count] of skipped) lines.push(`    ${reason.padEnd(24)} ${count}`);
  }
  const failed = Object.entries(summary.failed);
  lines.push(failed.length ? '  Failed' : '  Failed                0');
  for (const [code, count] of failed) lines.push(`    ${code.padEnd(24)} ${count}`);
  return `${lines.join('\n')}\n`;
}

/** The pre-flight report, with delegation commands when rights are missing. */
export function formatCheckReport(report: CheckReport): string {
  const mark = { pass: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const lines = report.items.map((item) => `[${mark[item.status]}] ${item.name}: ${item.detail}`);
  for (const d of report.delegation) {
    lines.push('', `Missing write rights in ${d.domain}:`);
    for (const m of d.missing) lines.push(`  ${m.dn}: ${m.attributes.join(', ')}`);
    lines.push('', 'Grant exactly these (least privilege), then run check again:', ...d.commands.map((c) => `  ${c}`));
    if (d.powershell) lines.push('', 'Or with PowerShell (ActiveDirectory module):', ...d.powershell.split('\n').map((l) => `  ${l}`));
  }
  lines.push('', report.ok ? 'All checks passed.' : 'Some checks failed.');
  return `${lines.join('\n')}\n`;
}
