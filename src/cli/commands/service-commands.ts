/** `run` and the commands that steer or inspect it: pause, resume, restart, approve, reject, undo, status, logs, drift. */
import type { Command } from 'commander';
import type { ProvisioningStatus } from '../../core/provisioning-record.js';
import { InvalidOptionError } from '../cli-errors.js';
import type { ControlKind } from '../../store/state-store.js';
import { formatDrift, formatRecordsCsv, formatRecordsTable, formatServiceStatus, formatUndo } from '../format/service-format.js';
import { configOption, withEngine, type ConfigOption } from './engine-commands.js';

type OutputOptions = ConfigOption & { json?: boolean; csv?: boolean };

/** Registers the service commands. */
export function registerServiceCommands(program: Command): void {
  program
    .command('run')
    .description('run as a service: a full cycle, then incremental cycles every interval, a daily reconcile; the console, its API, /healthz and /metrics on loopback')
    .option(...configOption)
    .option('--log-format <format>', 'json (one object a line, for log shippers) or text (for a terminal)', process.stdout.isTTY ? 'text' : 'json')
    .action(async (options: ConfigOption & { logFormat: string }) => {
      if (options.logFormat !== 'json' && options.logFormat !== 'text') throw new InvalidOptionError(`--log-format is json or text, got '${options.logFormat}'`);
      // Loaded here: the console's HTTP server and the logger are the service's alone, and every other command starts faster without them.
      const [{ createServiceLogger }, { serveConsole }, { textLogStream }] = await Promise.all([
        import('../../engine/service-logger.js'), import('../../http/serve-console.js'), import('../format/log-lines.js'),
      ]);
      const logger = createServiceLogger(options.logFormat === 'text' ? { destination: textLogStream() } : {});
      await withEngine(options, (engine) => engine.runService({ logger, frontEnd: serveConsole(engine) }));
    });

  const control = (name: ControlKind, description: string) =>
    program
      .command(name === 'approve' || name === 'reject' ? `${name} [cycleId]` : name)
      .description(description)
      .option(...configOption)
      .action(async (cycleId: string | ConfigOption | undefined, maybeOptions?: ConfigOption) => {
        const options = (typeof cycleId === 'object' ? cycleId : maybeOptions) ?? {};
        await withEngine(options, async (engine) => {
          await engine.requestControl(name, typeof cycleId === 'string' ? { cycleId } : {});
          const status = await engine.status();
          process.stdout.write(`${name} requested${status.process === 'running' ? '; the running service applies it within a second' : '; the service is not running: it applies it when it starts'}.\n`);
        });
      });
  control('pause', 'stop writing (nothing is undone) until resume');
  control('resume', 'resume after pause');
  control('restart', 'clear the watermark, retries and quarantine, and force a full cycle');
  control('approve', 'write a cycle the mass-change guard staged (the oldest pending one by default)');
  control('reject', 'discard a cycle the mass-change guard staged');

  program
    .command('undo')
    .description('restore the before-values of a cycle or an object from the journal; refuses attributes changed since')
    .option(...configOption)
    .option('--cycle <id>', 'the cycle to undo')
    .option('--object <identity>', 'the object to undo: objectGUID, Entra object id, or any identity Get-Mailbox accepts')
    .option('--dry-run', 'show what would be restored, write nothing')
    .option('--json', 'machine-readable output')
    .action(async (options: OutputOptions & { cycle?: string; object?: string; dryRun?: boolean }) => {
      if (!options.cycle && !options.object) throw new InvalidOptionError('give --cycle <id>, --object <identity>, or both');
      await withEngine(options, async (engine) => {
        const target = options.object ? { objectGuid: await engine.resolveObjectGuid(options.object), ...(options.cycle ? { cycleId: options.cycle } : {}) } : { cycleId: options.cycle! };
        const result = await engine.undo(target, { dryRun: options.dryRun ?? false });
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatUndo(result));
        if (result.objects.some((o) => o.error || o.refused.length)) process.exitCode = 1;
      });
    });

  program
    .command('status')
    .description('state, last and next cycle, quarantine, pending approvals, failing objects')
    .option(...configOption)
    .option('--json', 'machine-readable output')
    .action(async (options: OutputOptions) => {
      await withEngine(options, async (engine) => {
        const status = await engine.status();
        process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatServiceStatus(status));
      });
    });

  program
    .command('logs')
    .description('provisioning log records of the service, newest first')
    .option(...configOption)
    .option('--user <text>', 'identity, name, UPN or DN contains this')
    .option('--status <status>', 'success, skipped, failure or warning')
    .option('--action <action>', 'update or other')
    .option('--cycle <id>', 'one cycle')
    .option('--since <time>', 'ISO time or a duration like 2h, 30m, 7d')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 100)
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action(async (options: OutputOptions & { user?: string; status?: string; action?: string; cycle?: string; since?: string; limit: number }) => {
      await withEngine(options, async (engine) => {
        const page = await engine.store().queryRecords({
          ...(options.user ? { user: options.user } : {}),
          ...(options.status ? { status: options.status as ProvisioningStatus } : {}),
          ...(options.action ? { action: options.action as 'update' | 'other' } : {}),
          ...(options.cycle ? { cycleId: options.cycle } : {}),
          ...(options.since ? { since: parseSince(options.since) } : {}),
          limit: options.limit,
          order: 'desc',
        });
        if (options.json) process.stdout.write(page.records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        else if (options.csv) process.stdout.write(formatRecordsCsv(page.records));
        else process.stdout.write(formatRecordsTable(page.records, page.total));
      });
    });

  program
    .command('drift')
    .description('attributes someone edited directly in AD, found and restored by a reconcile')
    .option(...configOption)
    .option('--since <time>', 'ISO time or a duration like 2h, 30m, 7d')
    .option('--json', 'JSON')
    .option('--csv', 'CSV')
    .action(async (options: OutputOptions & { since?: string }) => {
      await withEngine(options, async (engine) => {
        const drift = await engine.store().listDrift(options.since ? { since: parseSince(options.since) } : {});
        process.stdout.write(options.json ? `${JSON.stringify(drift, null, 2)}\n` : formatDrift(drift, options.csv ?? false));
      });
    });
}

/** `2h`, `30m`, `7d`, `45s` before now, or an ISO time. */
export function parseSince(text: string): Date {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (match) return new Date(Date.now() - Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd']);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InvalidOptionError(`--since takes an ISO time or a duration like 2h, got '${text}'`);
  return date;
}
