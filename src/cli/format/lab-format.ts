/** Human-readable output of the `lab` commands. */
import type { ExoRecord } from '../../cloud/exo-client.js';
import type { LabFacts } from '../../../lab/lab-facts.js';
import type { LabStatus } from '../../../lab/lab-status.js';
import { labConsolePort } from '../../../lab/engine-config-file.js';

/** Renders `lab status` as aligned lines. */
export function formatLabStatus(status: LabStatus): string {
  if (!status.exists) return `No lab in ${status.dir}. Create one with: exo-writeback lab up --dir ${status.dir}\n`;
  const state = (running: boolean) => (running ? 'running' : 'stopped');
  const lines = [
    `Lab in ${status.dir}`,
    `  AD domain controller  ${state(status.directory.running)}  ${status.directory.ldapUrl ?? ''}`,
    `  Tenant emulator       ${state(status.emulator.running)}  ${status.emulator.url ?? ''}`,
  ];
  if (status.tenant) {
    lines.push(
      `  Tenant                ${status.tenant.tenantId}`,
      `  Mailboxes             ${status.tenant.mailboxes} (${status.tenant.dirSynced} dir-synced, ${status.tenant.cloudManaged} cloud-managed)`,
      `  Entra users           ${status.tenant.graphUsers}`,
    );
  }
  if (status.demoUsers.length) {
    lines.push('  Demo users');
    for (const user of status.demoUsers) {
      lines.push(`    ${user.displayName.padEnd(20)} ${user.userPrincipalName.padEnd(34)} ${user.cloudManaged ? 'cloud-managed' : 'not cloud-managed (NotInScope)'}`);
    }
  }
  if (status.factsFile) lines.push(`  Connection facts      ${status.factsFile}`);
  if (status.engineConfigFile) lines.push(`  Engine configuration  ${status.engineConfigFile}`);
  return `${lines.join('\n')}\n`;
}

/** Renders a mailbox as `Property : value` lines, like PowerShell's Format-List. */
export function formatMailbox(mailbox: ExoRecord): string {
  const width = Math.max(...Object.keys(mailbox).map((k) => k.length));
  const lines = Object.entries(mailbox).map(([key, value]) => {
    const text = Array.isArray(value) ? `{${value.map((v) => scalar(v)).join(', ')}}` : scalar(value);
    return `${key.padEnd(width)} : ${text}`;
  });
  return `${lines.join('\n')}\n`;
}

/** A value as PowerShell would print it: empty for null, JSON for anything structured. */
function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** What to try once a lab is up. */
export function formatLabNextSteps(facts: LabFacts): string {
  const dir = facts.dir === `${process.cwd()}/.lab` ? '' : ` --dir ${facts.dir}`;
  const config = dir ? ` -c ${facts.engineConfigFile}` : '';
  return [
    '',
    'The writeback service runs on this lab with `exo-writeback run` (npm run demo starts it for you).',
    `Admin console (while it runs): http://127.0.0.1:${labConsolePort(facts)}/ — provision on demand for Ashley Taylor, read the logs, pause/resume.`,
    'In another terminal, make a change in Exchange Online and watch it arrive in AD within ~15 s:',
    `  npx exo-writeback lab exo set-mailbox ashley.taylor@contoso.com --add-alias ashley.t@contoso.com${dir}`,
    `  npx exo-writeback logs --user ashley${config}`,
    `  npx exo-writeback provision ashley.taylor@contoso.com --dry-run${config}   # every step, and what AD holds now`,
    `  npx exo-writeback provision anthony.williams@contoso.com${config}          # NotInScope: not cloud-managed`,
    `  npx exo-writeback status${config}`,
    `  npx exo-writeback undo --cycle <id from logs> --dry-run${config}`,
    `Stop the service with Ctrl-C; stop the lab with: npx exo-writeback lab down${dir}`,
    `Connection facts for scripts: ${facts.dir}/lab.json; engine configuration: ${facts.engineConfigFile}`,
    '',
  ].join('\n');
}
