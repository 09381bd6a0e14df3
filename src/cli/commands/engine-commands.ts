/** `provision`, `sync` and `check`: thin shells over {@link WritebackEngine}. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { failedCount, type SyncSummary } from '../../engine/sync-cycle.js';
import { WritebackEngine } from '../../engine/writeback-engine.js';
import { formatProvisioningRecord } from '../format/provision-format.js';
import { formatCheckReport, formatSyncProgress, formatSyncSummary } from '../format/sync-format.js';
import { throttle } from '../throttle.js';

export interface ConfigOption {
  config?: string;
}

/** Opens the engine for a command and always closes it. */
export async function withEngine<T>(options: ConfigOption, work: (engine: WritebackEngine) => Promise<T>): Promise<T> {
  const engine = WritebackEngine.open(await loadConfig(options.config));
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** The `--config` option every engine command takes. */
export const configOption = ['-c, --config <file>', 'configuration file (default: $EXOWB_CONFIG, ./exo-writeback.yaml, ./.lab/exo-writeback.yaml)'] as const;

/** Registers the engine commands. */
export function registerEngineCommands(program: Command): void {

  program
    .command('provision <identity>')
    .description('provision on demand: run the whole pipeline for one user (UPN, SMTP address, alias, Entra id or GUID); recorded and undoable')
    .option(...configOption)
    .option('--dry-run', 'compute everything, write nothing')
    .option('--json', 'print the provisioning log record')
    .action(async (identity: string, options: ConfigOption & { dryRun?: boolean; json?: boolean }) => {
      await withEngine(options, async (engine) => {
        // Recorded like the console's: an on-demand cycle in the state store, journaled, in `logs`.
        const { cycleId, outcome } = await engine.provisionRecorded(identity, { dryRun: options.dryRun ?? false });
        if (options.json) process.stdout.write(`${JSON.stringify(outcome.record, null, 2)}\n`);
        else {
          process.stdout.write(formatProvisioningRecord(outcome.record));
          if (outcome.kind === 'updated' && !options.dryRun) process.stdout.write(`Recorded as on-demand cycle ${cycleId}; undo it with: exo-writeback undo --cycle ${cycleId}\n`);
        }
        if (outcome.kind === 'failed') process.exitCode = 1;
      });
    });

  program
    .command('sync')
    .description('run one full cycle over the tenant')
    .option(...configOption)
    .option('--dry-run', 'compute everything, write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (options: ConfigOption & { dryRun?: boolean; json?: boolean }) => {
      await withEngine(options, async (engine) => {
        const tty = process.stderr.isTTY && !options.json;
        const progress = (s: SyncSummary) => process.stderr.write(`\r${formatSyncProgress(s)}`);
        const summary = await engine.sync({
          dryRun: options.dryRun ?? false,
          // Ten lines a second: a line per mailbox would block the cycle on the terminal.
          ...(tty ? { onProgress: throttle(progress, 100) } : {}),
        });
        if (tty) {
          progress(summary);
          process.stderr.write('\n');
        }
        process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSyncSummary(summary));
        if (!options.json) process.stdout.write(`Provisioning log: ${engine.config.logFile}\n`);
        if (failedCount(summary) > 0) process.exitCode = 1;
      });
    });

  program
    .command('check')
    .description('pre-flight: tokens, Exchange Online, Graph, LDAP bind and TLS, schema, effective write rights (writes nothing)')
    .option(...configOption)
    .option('--json', 'machine-readable output')
    .action(async (options: ConfigOption & { json?: boolean }) => {
      await withEngine(options, async (engine) => {
        const report = await engine.check();
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
        if (!report.ok) process.exitCode = 1;
      });
    });
}
