/**
 * Makes sure the Samba AD DC tools are on this machine, installing the Debian packages when we may.
 */
import { access, constants, stat, writeFile, chmod } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { SambaNotInstalledError } from '../lab-errors.js';
import { runCommand } from '../run-command.js';

/**
 * Debian packages the directory lab needs. `samba-ad-provision` is only a Recommends of
 * `samba-ad-dc` but carries the provisioning data; socat and iproute2 bridge the network namespace.
 */
export const SAMBA_PACKAGES = [
  'samba', 'samba-ad-dc', 'samba-ad-provision', 'ldb-tools', 'ldap-utils', 'openssl', 'socat', 'iproute2',
] as const;

/** Programs that must be on PATH for the directory lab to work. */
const REQUIRED_PROGRAMS = ['samba', 'samba-tool', 'ldapmodify', 'socat', 'ip', 'openssl'] as const;

/** What {@link ensureSambaInstalled} did. */
export interface SambaInstallResult {
  /** True when packages were installed by this call. */
  installed: boolean;
  durationMs: number;
}

/**
 * Returns the programs among {@link REQUIRED_PROGRAMS} that are not found on PATH
 * (plus /usr/sbin, where `samba` lives and which a non-login PATH may lack).
 */
export async function missingSambaPrograms(): Promise<string[]> {
  const missing: string[] = [];
  for (const program of REQUIRED_PROGRAMS) if (!(await findProgram(program))) missing.push(program);
  return missing;
}

/**
 * Installs Samba and the helper tools with apt-get when any is missing.
 * Throws {@link SambaNotInstalledError} naming the packages when we are not root or apt fails.
 */
export async function ensureSambaInstalled(): Promise<SambaInstallResult> {
  const started = Date.now();
  const missing = await missingSambaPrograms();
  if (missing.length === 0) return { installed: false, durationMs: 0 };
  const advice = `install them with: apt-get install -y --no-install-recommends ${SAMBA_PACKAGES.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new SambaNotInstalledError(`Samba tools missing (${missing.join(', ')}) and not running as root; ${advice}`);
  }
  try {
    await preventServiceAutostart();
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runCommand('apt-get', ['update'], { env });
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...SAMBA_PACKAGES], { env });
  } catch (error) {
    throw new SambaNotInstalledError(`installing Samba failed; ${advice}`, { cause: error });
  }
  const still = await missingSambaPrograms();
  if (still.length > 0) throw new SambaNotInstalledError(`still missing after install: ${still.join(', ')}; ${advice}`);
  return { installed: true, durationMs: Date.now() - started };
}

/** Absolute path of a program on PATH (or /usr/sbin, /sbin), or null. */
export async function findProgram(name: string): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/**
 * Debian's maintainer scripts would start smbd/nmbd/winbind on every interface; a policy-rc.d
 * that exits 101 forbids that. Left in place afterwards (harmless in a lab/CI container).
 */
async function preventServiceAutostart(): Promise<void> {
  const path = '/usr/sbin/policy-rc.d';
  try {
    await stat(path);
    return;
  } catch {
    await writeFile(path, '#!/bin/sh\nexit 101\n');
    await chmod(path, 0o755);
  }
}
