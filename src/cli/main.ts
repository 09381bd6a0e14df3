/**
 * exo-writeback command line: a thin shell over the library. Each command lives in `commands/`.
 */
import { Command } from 'commander';
import { registerEngineCommands } from './commands/engine-commands.js';
import { registerHashSecretCommand } from './commands/hash-secret-command.js';
import { registerLabCommands } from './commands/lab-command.js';
import { registerServiceCommands } from './commands/service-commands.js';
import { runCli } from './run-cli.js';

const program = new Command()
  .name('exo-writeback')
  .description('Write Exchange Online attribute changes of cloud-managed mailboxes back to on-premises Active Directory.')
  .version('0.1.0');

registerEngineCommands(program);
registerServiceCommands(program);
registerHashSecretCommand(program);
registerLabCommands(program);

await runCli(program, process.argv);
