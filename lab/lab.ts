/**
 * The lab orchestrator behind `exo-writeback lab up|down|status|reset`: brings up the real Samba
 * DC and the tenant emulator so that they agree like a hybrid organisation after migration, and
 * writes `lab.json` plus a ready engine configuration.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDirectory, directoryStatus, labDirectoryFacts, resetDirectory, startDirectory, stopDirectory, type DirectoryFacts } from './directory/directory-lab.js';
import { renderEngineConfig } from './engine-config-file.js';
import { buildTenantState } from './emulator/tenant-builder.js';
import { writeTenantData, type TenantData } from './emulator/tenant-state.js';
import { emulatorPid, startEmulatorProcess, stopEmulatorProcess } from './emulator-process.js';
import { DEFAULT_PORTS, labPaths, readLabFacts, writePrivateFile } from './lab-files.js';
import type { LabFacts } from './lab-facts.js';
import type { LabStatus } from './lab-status.js';
import { certificatePaths, ensureLabCertificates } from './pki/certificates.js';
import { buildOrganisation } from './seed/organisation.js';
import { LAB_TENANT } from './seed/lab-domain.js';
import { fetchEmulatorSummary } from './emulator-summary.js';

/** What each step of the directory half does, for progress lines people read. */
const STEP_DESCRIPTIONS: Record<string, string | null> = {
  install: 'checking Samba (installing it from Debian packages when missing)',
  certificates: 'lab CA and certificates',
  stop: null,
  provision: 'provisioning the domain LAB.EXAMPLE.COM',
  firstStart: 'starting the domain controller',
  schema: 'extending the schema with the Exchange attributes',
  delegation: 'creating OUs and the service account, delegating write rights on the writeback attributes',
  saveTemplate: 'saving a pristine copy of the domain for fast resets',
  restoreTemplate: 'restoring the pristine domain',
  start: 'starting the domain controller',
  seed: 'seeding the organisation over LDAP',
};

/** Translates the directory half's step names; other messages pass through. */
function describeSteps(onProgress?: (message: string) => void): ((message: string) => void) | undefined {
  if (!onProgress) return undefined;
  return (message) => {
    const description = message in STEP_DESCRIPTIONS ? STEP_DESCRIPTIONS[message] : message;
    if (description) onProgress(description);
  };
}

/** Above this many mailboxes only the first accounts get a password (Samba spends ~27 ms on each). */
const PASSWORD_LIMIT_FROM = 1000;

/** Options of {@link labUp}. */
export interface LabUpOptions {
  dir: string;
  mailboxes?: number;
  ldapsPort?: number;
  emulatorPort?: number;
  seed?: number;
  /** Share of generated mailboxes that are cloud-managed (default: the realistic mix). */
  cloudManagedShare?: number;
  onProgress?: (message: string) => void;
}

/**
 * Brings the lab up. Idempotent: a running lab is reported as such; a stopped one is started
 * again with its data; otherwise a new one is created (Samba is installed when missing).
 */
export async function labUp(options: LabUpOptions): Promise<{ facts: LabFacts; alreadyRunning: boolean }> {
  options = { ...options, onProgress: describeSteps(options.onProgress) };
  const paths = labPaths(options.dir);
  const existing = await readLabFacts(options.dir).catch(() => null);
  if (existing) {
    const [directory, pid] = await Promise.all([directoryStatus(paths.root), emulatorPid(paths.root)]);
    if (directory.running && pid !== null) return { facts: existing, alreadyRunning: true };
    options.onProgress?.('restarting the stopped lab');
    return { facts: await restart(existing, directory.running, pid !== null), alreadyRunning: false };
  }
  return { facts: await create(options), alreadyRunning: false };
}

/** Stops the lab's processes; returns what was stopped. Data stays for the next `lab up`. */
export async function labDown(dir: string): Promise<string[]> {
  const paths = labPaths(dir);
  const stopped: string[] = [];
  if (await stopEmulatorProcess(paths.root)) stopped.push('tenant emulator');
  if ((await directoryStatus(paths.root)).running) stopped.push('AD domain controller');
  await stopDirectory(paths.root);
  return stopped;
}

/** Puts the lab back to a freshly seeded state with the same size and ports. */
export async function labReset(dir: string, options: { onProgress?: (message: string) => void } = {}): Promise<LabFacts> {
  options = { onProgress: describeSteps(options.onProgress) };
  const facts = await readLabFacts(dir);
  const paths = labPaths(dir);
  await stopEmulatorProcess(paths.root);
  const users = buildOrganisation(organisationOptions(facts));
  const directory = await resetDirectory({
    labDir: paths.root,
    users,
    ...(facts.mailboxes >= PASSWORD_LIMIT_FROM ? { passwordLimit: 100 } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return finishCreate(paths.root, directory, users, organisationOptions(facts), facts.tenant.emulatorPort, options.onProgress);
}

/** Reports what runs and what the tenant holds. Never throws for a missing or stopped lab. */
export async function labStatus(dir: string): Promise<LabStatus> {
  const paths = labPaths(dir);
  const facts = await readLabFacts(dir).catch(() => null);
  const [directory, pid] = await Promise.all([directoryStatus(paths.root), emulatorPid(paths.root)]);
  const status: LabStatus = {
    dir: paths.root,
    exists: facts !== null,
    directory: { running: directory.running, ldapUrl: directory.ldapUrl, pids: directory.pids ? [directory.pids.samba, ...directory.pids.socat] : [] },
    emulator: { running: pid !== null, url: pid !== null && facts ? facts.tenant.exoBaseUrl : null, pid },
    tenant: null,
    demoUsers: [],
    factsFile: facts ? paths.facts : null,
    engineConfigFile: facts ? facts.engineConfigFile : null,
  };
  if (facts && pid !== null) {
    const summary = await fetchEmulatorSummary(facts).catch(() => null);
    if (summary) {
      status.tenant = summary.tenant;
      status.demoUsers = summary.demoUsers;
    }
  }
  return status;
}

/** The organisation a lab was built from, as lab.json keeps it (so a reset rebuilds the same one). */
type OrganisationFacts = Pick<LabFacts, 'mailboxes' | 'seed' | 'cloudManagedShare'>;

function organisationOptions(from: OrganisationFacts): OrganisationFacts {
  return {
    mailboxes: from.mailboxes,
    ...(from.seed !== undefined ? { seed: from.seed } : {}),
    ...(from.cloudManagedShare !== undefined ? { cloudManagedShare: from.cloudManagedShare } : {}),
  };
}

async function create(options: LabUpOptions): Promise<LabFacts> {
  const paths = labPaths(options.dir);
  const mailboxes = options.mailboxes ?? 50;
  const users = buildOrganisation(organisationOptions({ ...options, mailboxes }));
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  const directory = await createDirectory({
    labDir: paths.root,
    ldapsPort: options.ldapsPort ?? DEFAULT_PORTS.ldaps,
    users,
    ...(mailboxes >= PASSWORD_LIMIT_FROM ? { passwordLimit: 100 } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return finishCreate(paths.root, directory, users, organisationOptions({ ...options, mailboxes }), options.emulatorPort ?? DEFAULT_PORTS.emulator, options.onProgress);
}

/** Builds the tenant from the seeded directory's anchors, starts the emulator, writes lab.json. */
async function finishCreate(
  root: string,
  directory: DirectoryFacts,
  users: ReturnType<typeof buildOrganisation>,
  organisation: OrganisationFacts,
  emulatorPort: number,
  onProgress?: (message: string) => void,
): Promise<LabFacts> {
  const paths = labPaths(root);
  const certs = await ensureLabCertificates(root);
  onProgress?.('building the tenant');
  const tenant: TenantData = buildTenantState(users, directory.anchors, {
    appCertificatePem: await readFile(certs.appCertFile, 'utf8'),
    ...(organisation.seed !== undefined ? { seed: organisation.seed } : {}),
  });
  await mkdir(paths.emulatorDir, { recursive: true, mode: 0o700 });
  await writeTenantData(paths.tenantState, tenant);
  const app = tenant.apps[0];
  if (!app) throw new Error('tenant has no app registration');

  const baseUrl = `https://127.0.0.1:${emulatorPort}`;
  const facts: LabFacts = {
    version: 1,
    dir: root,
    createdAt: new Date().toISOString(),
    ...organisation,
    tenant: {
      tenantId: tenant.tenantId,
      initialDomain: LAB_TENANT.initialDomain,
      clientId: app.clientId,
      clientSecret: app.clientSecrets[0] ?? '',
      certificateFile: certs.appCertFile,
      privateKeyFile: certs.appKeyFile,
      loginBaseUrl: baseUrl,
      exoBaseUrl: baseUrl,
      graphBaseUrl: baseUrl,
      caFile: certs.caCertFile,
      emulatorPort,
    },
    directory: labDirectoryFacts(directory),
    engineConfigFile: paths.engineConfig,
  };
  await writeSecretsAndConfig(facts);
  onProgress?.('starting the tenant emulator');
  await startEmulator(facts);
  await writePrivateFile(paths.facts, `${JSON.stringify(facts, null, 2)}\n`);
  return facts;
}

async function restart(facts: LabFacts, directoryRunning: boolean, emulatorRunning: boolean): Promise<LabFacts> {
  if (!directoryRunning) await startDirectory(facts.dir);
  if (!emulatorRunning) await startEmulator(facts);
  return facts;
}

async function startEmulator(facts: LabFacts): Promise<void> {
  const certs = certificatePaths(facts.dir);
  await startEmulatorProcess({
    labDir: facts.dir,
    statePath: labPaths(facts.dir).tenantState,
    port: facts.tenant.emulatorPort,
    certFile: certs.serverCertFile,
    keyFile: certs.serverKeyFile,
    caPem: await readFile(certs.caCertFile, 'utf8'),
  });
}

async function writeSecretsAndConfig(facts: LabFacts): Promise<void> {
  const paths = labPaths(facts.dir);
  await mkdir(paths.secrets, { recursive: true, mode: 0o700 });
  const servicePassword = join(paths.secrets, 'service-account.password');
  await writePrivateFile(servicePassword, facts.directory.serviceAccount.password);
  await writePrivateFile(join(paths.secrets, 'client-secret'), facts.tenant.clientSecret);
  await writePrivateFile(paths.engineConfig, renderEngineConfig(facts, { servicePassword }));
}
