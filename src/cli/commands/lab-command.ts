/**
 * `exo-writeback lab …`: bring up, inspect, reset and tear down the built-in lab, and make admin
 * changes in the emulated Exchange Online the way PowerShell would.
 */
import type { Command } from 'commander';
import { DEFAULT_LAB_DIR, DEFAULT_PORTS } from '../../../lab/lab-files.js';
import type { ServeEmulatorOptions } from '../../../lab/emulator-foreground.js';
import type { SetMailboxOptions } from '../../../lab/set-mailbox-parameters.js';
import { formatLabNextSteps, formatLabStatus, formatMailbox } from '../format/lab-format.js';

interface LabDirOption {
  dir: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive whole number, got '${value}'`);
  return n;
};

/** Registers the `lab` command group. */
export function registerLabCommands(program: Command): void {
  const lab = program
    .command('lab')
    .description('the built-in lab: a real Samba AD DC and an emulated Exchange Online tenant');

  const withDir = (command: Command) => command.option('--dir <dir>', 'lab directory', DEFAULT_LAB_DIR);

  withDir(lab.command('up'))
    .description('bring up the lab (installs Samba from Debian packages when missing); idempotent')
    .option('--mailboxes <n>', 'mailboxes to seed (about 50 by default; 20000 works)', positiveInt, 50)
    .option('--ldaps-port <port>', 'host loopback port of the DC\'s LDAPS', positiveInt, DEFAULT_PORTS.ldaps)
    .option('--emulator-port <port>', 'loopback port of the tenant emulator', positiveInt, DEFAULT_PORTS.emulator)
    .option('--seed <n>', 'seed of the generated organisation', positiveInt)
    .action(async (options: LabDirOption & { mailboxes: number; ldapsPort: number; emulatorPort: number; seed?: number }) => {
      const { labUp } = await import('../../../lab/lab.js');
      const result = await labUp({
        dir: options.dir,
        mailboxes: options.mailboxes,
        ldapsPort: options.ldapsPort,
        emulatorPort: options.emulatorPort,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        onProgress: (message) => process.stderr.write(`  ${message}\n`),
      });
      process.stdout.write(result.alreadyRunning ? `The lab in ${result.facts.dir} is already running.\n` : `Lab is up in ${result.facts.dir}.\n`);
      process.stdout.write(formatLabNextSteps(result.facts));
    });

  withDir(lab.command('down'))
    .description('stop the lab\'s processes (the DC and the emulator); the lab directory is kept')
    .action(async (options: LabDirOption) => {
      const { labDown } = await import('../../../lab/lab.js');
      const stopped = await labDown(options.dir);
      process.stdout.write(stopped.length ? `Stopped: ${stopped.join(', ')}.\n` : 'Nothing was running.\n');
    });

  withDir(lab.command('status'))
    .description('show whether the lab runs, where, and what it holds')
    .option('--json', 'machine-readable output')
    .action(async (options: LabDirOption & { json?: boolean }) => {
      const { labStatus } = await import('../../../lab/lab.js');
      const status = await labStatus(options.dir);
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatLabStatus(status));
      if (!status.directory.running || !status.emulator.running) process.exitCode = 3;
    });

  withDir(lab.command('reset'))
    .description('put the lab back to its freshly seeded state (same size, new passwords)')
    .action(async (options: LabDirOption) => {
      const { labReset } = await import('../../../lab/lab.js');
      const facts = await labReset(options.dir, { onProgress: (message) => process.stderr.write(`  ${message}\n`) });
      process.stdout.write(`Lab reset in ${facts.dir}.\n`);
    });

  lab
    .command('emulator')
    .description('run only the tenant emulator in the foreground (lab up starts it in the background)')
    .requiredOption('--state <file>', 'tenant state file (created by lab up)')
    .option('--port <port>', 'loopback port', positiveInt, DEFAULT_PORTS.emulator)
    .option('--cert <file>', 'TLS certificate (PEM); serve HTTPS with it')
    .option('--key <file>', 'TLS private key (PEM)')
    .option('--faults <file>', 'JSON file of fault rules in force from the start (see docs/lab.md)')
    .option('--exo-max-concurrency <n>', "concurrent Exchange Online calls before the concurrency refusal; 'none' for no cap", '3')
    .option('--cloud-managed-filterable', 'accept IsExchangeCloudManaged in -Filter (Microsoft answers 400)')
    .action(async (options: ServeEmulatorOptions) => {
      const { serveEmulator } = await import('../../../lab/emulator-foreground.js');
      await serveEmulator(options);
    });

  const exo = lab.command('exo').description('admin changes in the emulated Exchange Online, made over its REST gateway like PowerShell');

  withDir(exo.command('get-mailbox <identity>'))
    .description('show a mailbox as Exchange Online holds it (identity: alias, UPN, SMTP address, id)')
    .option('--json', 'machine-readable output')
    .action(async (identity: string, options: LabDirOption & { json?: boolean }) => {
      const { getLabMailbox } = await import('../../../lab/lab-exo.js');
      const mailbox = await getLabMailbox(options.dir, identity);
      process.stdout.write(options.json ? `${JSON.stringify(mailbox, null, 2)}\n` : formatMailbox(mailbox));
    });

  withDir(exo.command('set-mailbox <identity>'))
    .description('change a mailbox (Set-Mailbox), then show it')
    .option('--add-alias <address>', 'add a secondary address (smtp: unless a TYPE: prefix is given); repeatable', collect)
    .option('--remove-alias <address>', 'remove an address; repeatable', collect)
    .option('--email-addresses <list>', 'replace all addresses: comma-separated TYPE:address values')
    .option('--primary <address>', 'make this the primary SMTP address (PrimarySmtpAddress)')
    .option('--windows-email-address <address>', 'set WindowsEmailAddress')
    .option('--custom-attribute <n=value>', 'set CustomAttributeN (1-15); empty value clears; repeatable', collect)
    .option('--extension-custom-attribute <n=v1,v2>', 'replace ExtensionCustomAttributeN (1-5); repeatable', collect)
    .option('--add-extension-custom-attribute <n=value>', 'add a value to ExtensionCustomAttributeN; repeatable', collect)
    .option('--remove-extension-custom-attribute <n=value>', 'remove a value from ExtensionCustomAttributeN; repeatable', collect)
    .option('--type <type>', 'convert the mailbox: Regular, Shared, Room or Equipment')
    .option('--hidden <bool>', 'HiddenFromAddressListsEnabled: true or false')
    .option('--cloud-managed <bool>', 'IsExchangeCloudManaged: true converts the source of authority to the cloud')
    .option('--param <Name=json>', 'any other Set-Mailbox parameter, value as JSON; repeatable', collect)
    .option('--json', 'machine-readable output')
    .action(async (identity: string, options: LabDirOption & SetMailboxOptions & { json?: boolean }) => {
      const { setLabMailbox } = await import('../../../lab/lab-exo.js');
      const mailbox = await setLabMailbox(options.dir, identity, options);
      process.stdout.write(options.json ? `${JSON.stringify(mailbox, null, 2)}\n` : formatMailbox(mailbox));
    });
}
