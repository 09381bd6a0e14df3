/**
 * The directory half of the lab, as the orchestrator (`lab/lab.ts`) uses it: install Samba if
 * needed, provision (or restore the pristine template), start, extend the schema, delegate to the
 * service account, seed the organisation; and start/stop/status/reset/destroy afterwards.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileExists } from '../file-exists.js';
import { LabInvalidOptionError, LabNotFoundError } from '../lab-errors.js';
import type { LabFacts } from '../lab-facts.js';
import { ensureLabCertificates, type LabCertificates } from '../pki/certificates.js';
import type { DirectoryAnchors } from '../seed/directory-anchors.js';
import { LAB_DOMAIN, LAB_OUS, SERVICE_ACCOUNT_NAME } from '../seed/lab-domain.js';
import type { SeedUser } from '../seed/organisation.js';
import { directoryPaths, type DirectoryPaths } from './directory-paths.js';
import { readDirectoryAnchors, seedDirectory } from './directory-seed.js';
import { applyExchangeSchema } from './exchange-schema.js';
import { withLdap, type LdapTarget } from './ldap-connection.js';
import { ensureSambaInstalled, missingSambaPrograms } from './samba-install.js';
import { sambaStatus, startSamba, stopSamba, type SambaProcesses } from './samba-process.js';
import { generatePassword, hasTemplate, provisionSamba, restoreDcState, restoreTemplate, saveDcState, saveTemplate } from './samba-provision.js';
import { bindNameOf, delegateWriteback, ensureLabOus, ensureServiceAccount, SERVICE_ACCOUNT_DN } from './service-account.js';

/** Default host port of the demo lab's LDAPS (the test suite's lab uses another). */
export const DEFAULT_LDAPS_PORT = 6360;

/** Bind name of the domain Administrator. */
export const ADMIN_BIND_NAME = bindNameOf('Administrator');

type LabDirectoryFacts = LabFacts['directory'];

/** What the orchestrator learns from the directory half: `LabFacts.directory` plus the seed's anchors. */
export interface DirectoryFacts extends LabDirectoryFacts {
  /** Anchors of every seeded user by key (sAMAccountName). */
  anchors: Map<string, DirectoryAnchors>;
  /** Password of every enabled seeded user account. */
  userPassword: string;
  /** Network namespace the DC runs in, or null when it runs on the host (not root). */
  netns: string | null;
  pids: { samba: number; socat: number[] };
  /** Milliseconds per step of the call that produced these facts. */
  timingsMs: Record<string, number>;
}

/** Options of {@link createDirectory}. */
export interface CreateDirectoryOptions {
  labDir: string;
  /** Host loopback port for LDAPS. Default {@link DEFAULT_LDAPS_PORT}. */
  ldapsPort?: number;
  users: readonly SeedUser[];
  /**
   * How many users (demo users first) get a real password; the rest are enabled without one
   * (userAccountControl 544). Samba spends ~27 ms per password, so for 20,000 users pass e.g. 100.
   * Default: all.
   */
  passwordLimit?: number;
  /** Re-provision even when a pristine template exists. Default false. */
  fresh?: boolean;
  onProgress?: (message: string) => void;
}

/** Persisted in `<labDir>/directory.json` (mode 0600) so `start` after `stop` needs nothing else. */
interface DirectoryState {
  version: 1;
  ldapsPort: number;
  adminPassword: string;
  serviceAccountPassword: string;
  userPassword: string;
  /** Users seeded into the current DC state (0 = pristine). */
  seededUsers: number;
}

/**
 * Creates the lab's directory and returns its facts: installs Samba if missing, makes the lab PKI,
 * provisions the DC (or restores the pristine template made by an earlier call, ~1 s), starts it,
 * and seeds `users`. Any DC already running for `labDir` is stopped first; earlier users are gone.
 */
export async function createDirectory(options: CreateDirectoryOptions): Promise<DirectoryFacts> {
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    options.onProgress?.(name);
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[name] = Date.now() - started;
    }
  };
  const paths = directoryPaths(options.labDir);
  await step('install', () => ensureSambaInstalled());
  const certs = await step('certificates', () => ensureLabCertificates(paths.labDir));
  await step('stop', () => stopSamba(paths));
  const caPem = await readFile(certs.caCertFile, 'utf8');
  const ldapsPort = options.ldapsPort ?? DEFAULT_LDAPS_PORT;

  let state = await readState(paths);
  if (state && !options.fresh && (await hasTemplate(paths))) {
    await step('restoreTemplate', () => restoreTemplate(paths));
    state = { ...state, ldapsPort, seededUsers: 0 };
  } else {
    state = await buildTemplate(paths, certs, caPem, ldapsPort, step);
  }
  await writeState(paths, state);

  const processes = await step('start', () => startSamba(paths, startOptions(state, caPem)));
  const target = adminTarget(processes, caPem, state);
  const anchors = await step('seed', () => seedDirectory(target, options.users, {
    userPassword: state.userPassword,
    passwordLimit: options.passwordLimit,
    timingsMs: timings,
    onProgress: (done, total) => options.onProgress?.(`seeded ${done}/${total}`),
  }));
  await writeState(paths, { ...state, seededUsers: options.users.length });
  return facts(certs, state, processes, anchors, timings);
}

/**
 * Starts a created directory again (after {@link stopDirectory} or a reboot) with its data and
 * passwords; returns its facts with anchors read from the DC. Throws {@link LabNotFoundError}
 * when `labDir` holds no directory. `ldapsPort` overrides the recorded port.
 */
export async function startDirectory(labDir: string, options: { ldapsPort?: number } = {}): Promise<DirectoryFacts> {
  const paths = directoryPaths(labDir);
  const state = await requireState(paths);
  const missing = await missingSambaPrograms();
  if (missing.length > 0) await ensureSambaInstalled();
  const certs = await ensureLabCertificates(paths.labDir);
  const caPem = await readFile(certs.caCertFile, 'utf8');
  const current = options.ldapsPort ? { ...state, ldapsPort: options.ldapsPort } : state;
  const started = Date.now();
  const processes = await startSamba(paths, startOptions(current, caPem));
  const startMs = Date.now() - started;
  // Only a port that worked becomes the lab's port.
  await writeState(paths, current);
  const anchors = await readDirectoryAnchors(adminTarget(processes, caPem, current));
  return facts(certs, current, processes, anchors, { start: startMs, readAnchors: Date.now() - started - startMs });
}

/** Stops the DC and its port bridge and removes its network namespace; keeps all data. */
export async function stopDirectory(labDir: string): Promise<void> {
  await stopSamba(directoryPaths(labDir));
}

/** Status of a lab's directory. */
export interface DirectoryStatus {
  /** A directory was created in this lab dir (it can be started). */
  created: boolean;
  running: boolean;
  ldapUrl: string | null;
  netns: string | null;
  pids: { samba: number; socat: number[] } | null;
  seededUsers: number;
}

/** Reports whether the lab's DC exists and runs, with its URL and pids. */
export async function directoryStatus(labDir: string): Promise<DirectoryStatus> {
  const paths = directoryPaths(labDir);
  const state = await readState(paths);
  const { running, processes } = await sambaStatus(paths);
  return {
    created: state !== null,
    running,
    ldapUrl: running && processes ? processes.ldapUrl : null,
    netns: running && processes ? processes.netns : null,
    pids: running && processes ? { samba: processes.sambaPid, socat: processes.socatPids } : null,
    seededUsers: state?.seededUsers ?? 0,
  };
}

/**
 * Puts the directory back to its pristine template and seeds `users` again (fast: no provision).
 * Same passwords and port as before. Throws {@link LabNotFoundError} when there is no template.
 */
export async function resetDirectory(options: Omit<CreateDirectoryOptions, 'ldapsPort' | 'fresh'>): Promise<DirectoryFacts> {
  const paths = directoryPaths(options.labDir);
  const state = await requireState(paths);
  if (!(await hasTemplate(paths))) throw new LabNotFoundError(`${paths.templateDir} is missing; create the lab again`);
  return createDirectory({ ...options, ldapsPort: state.ldapsPort });
}

/** Where a named snapshot of the DC state lives. */
function snapshotDir(labDir: string, name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new LabInvalidOptionError(`snapshot names are letters, digits, '.', '-' and '_': '${name}'`);
  return join(directoryPaths(labDir).labDir, 'snapshots', name);
}

/** True when the lab holds a snapshot called `name`. */
export async function hasDirectorySnapshot(labDir: string, name: string): Promise<boolean> {
  return fileExists(join(snapshotDir(labDir, name), 'private', 'sam.ldb'));
}

/**
 * Saves the DC's current data (users, values) as snapshot `name`, stopping the DC for a
 * consistent copy and starting it again. The benchmarks use it to put AD back byte for byte.
 */
export async function saveDirectorySnapshot(labDir: string, name: string): Promise<DirectoryFacts> {
  const paths = directoryPaths(labDir);
  await stopSamba(paths);
  await saveDcState(paths, snapshotDir(labDir, name));
  return startDirectory(labDir);
}

/** Puts the DC's data back to snapshot `name` and starts it (a few seconds, whatever the size). */
export async function restoreDirectorySnapshot(labDir: string, name: string): Promise<DirectoryFacts> {
  const paths = directoryPaths(labDir);
  if (!(await hasDirectorySnapshot(labDir, name))) throw new LabNotFoundError(`no snapshot '${name}' in ${paths.labDir}`);
  await stopSamba(paths);
  await restoreDcState(paths, snapshotDir(labDir, name));
  return startDirectory(labDir);
}

/** Stops the DC and deletes everything the directory half keeps in `labDir` (not the PKI). */
export async function destroyDirectory(labDir: string): Promise<void> {
  const paths = directoryPaths(labDir);
  await stopSamba(paths);
  for (const path of [paths.sambaDir, paths.templateDir, paths.runDir, paths.stateFile]) await rm(path, { recursive: true, force: true });
}

/** The `LabFacts.directory` part of {@link DirectoryFacts} (what `lab.json` stores). */
export function labDirectoryFacts(facts: DirectoryFacts): LabFacts['directory'] {
  const { realm, dnsName, netbiosName, baseDn, ldapUrl, caFile, scopedOu, admin, serviceAccount } = facts;
  return { realm, dnsName, netbiosName, baseDn, ldapUrl, caFile, scopedOu, admin, serviceAccount };
}

type Step = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/**
 * Fresh DC: provision, start, Exchange schema, OUs, service account, delegation; then stop and
 * save the pristine template, so later creates and resets skip all of this.
 */
async function buildTemplate(paths: DirectoryPaths, certs: LabCertificates, caPem: string, ldapsPort: number, step: Step): Promise<DirectoryState> {
  const { adminPassword } = await step('provision', () => provisionSamba(paths, certs));
  const state: DirectoryState = {
    version: 1, ldapsPort, adminPassword, serviceAccountPassword: generatePassword(), userPassword: generatePassword(), seededUsers: 0,
  };
  await writeState(paths, state);
  const processes = await step('firstStart', () => startSamba(paths, startOptions(state, caPem)));
  const target = adminTarget(processes, caPem, state);
  await step('schema', () => applyExchangeSchema(target, certs.caCertFile));
  await step('delegation', () => withLdap(target, async (client) => {
    await ensureLabOus(client);
    const account = await ensureServiceAccount(client, state.serviceAccountPassword);
    await delegateWriteback(client, paths, account);
  }));
  await step('saveTemplate', async () => {
    await stopSamba(paths);
    await saveTemplate(paths);
  });
  return state;
}

function startOptions(state: DirectoryState, caPem: string) {
  return { ldapsPort: state.ldapsPort, caPem, bindName: ADMIN_BIND_NAME, password: state.adminPassword };
}

function adminTarget(processes: SambaProcesses, caPem: string, state: DirectoryState): LdapTarget {
  return { ldapUrl: processes.ldapUrl, caPem, bindName: ADMIN_BIND_NAME, password: state.adminPassword };
}

function facts(certs: LabCertificates, state: DirectoryState, processes: SambaProcesses,
  anchors: Map<string, DirectoryAnchors>, timingsMs: Record<string, number>): DirectoryFacts {
  return {
    realm: LAB_DOMAIN.realm,
    dnsName: LAB_DOMAIN.dnsName,
    netbiosName: LAB_DOMAIN.netbiosName,
    baseDn: LAB_DOMAIN.baseDn,
    ldapUrl: processes.ldapUrl,
    caFile: certs.caCertFile,
    scopedOu: LAB_OUS.scoped,
    admin: { bindName: ADMIN_BIND_NAME, password: state.adminPassword },
    serviceAccount: { bindName: bindNameOf(SERVICE_ACCOUNT_NAME), distinguishedName: SERVICE_ACCOUNT_DN, password: state.serviceAccountPassword },
    anchors,
    userPassword: state.userPassword,
    netns: processes.netns,
    pids: { samba: processes.sambaPid, socat: processes.socatPids },
    timingsMs,
  };
}

async function readState(paths: DirectoryPaths): Promise<DirectoryState | null> {
  try {
    const state = JSON.parse(await readFile(paths.stateFile, 'utf8')) as DirectoryState;
    return state.version === 1 ? state : null;
  } catch {
    return null;
  }
}

async function requireState(paths: DirectoryPaths): Promise<DirectoryState> {
  const state = await readState(paths);
  if (!state) throw new LabNotFoundError(`no lab directory in ${paths.labDir} (create the lab first)`);
  return state;
}

async function writeState(paths: DirectoryPaths, state: DirectoryState): Promise<void> {
  await writeFile(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
