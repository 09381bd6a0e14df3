/**
 * Provisions a private Samba AD DC into the lab directory, and keeps a pristine template copy
 * of it so a lab can be reset in about a second instead of re-provisioning.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LAB_DOMAIN } from '../seed/lab-domain.js';
import type { LabCertificates } from '../pki/certificates.js';
import { LabCommandFailedError } from '../lab-errors.js';
import { runCommand } from '../run-command.js';
import type { DirectoryPaths } from './directory-paths.js';
import { fileExists } from '../file-exists.js';

/**
 * Generates a random password that also meets AD's default complexity rules
 * (provision checks them before the policy is relaxed).
 */
export function generatePassword(): string {
  return `${randomBytes(18).toString('base64url')}aA1-`;
}

/** smb.conf `[global]` lines appended after provisioning (provision drops some `--option`s). */
export function extraGlobalSettings(certs: LabCertificates): string[] {
  return [
    'tls enabled = yes',
    `tls keyfile = ${certs.serverKeyFile}`,
    `tls certfile = ${certs.serverCertFile}`,
    `tls cafile = ${certs.caCertFile}`,
    // Plain-LDAP simple binds stay refused (the default), as on hardened AD.
    'ldap server require strong auth = yes',
    // Debian's defaults would try to sync passwords into /etc/shadow via /usr/bin/passwd.
    'unix password sync = no',
  ];
}

/**
 * Runs `samba-tool domain provision` into `paths.sambaDir` (which must not exist yet), adds the
 * TLS settings from the lab PKI and relaxes the password policy for test users.
 * Returns the generated Administrator password; it is never logged.
 */
export async function provisionSamba(paths: DirectoryPaths, certs: LabCertificates): Promise<{ adminPassword: string }> {
  const adminPassword = generatePassword();
  const dir = paths.sambaDir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const options = [
    'interfaces=127.0.0.1',
    'bind interfaces only=yes',
    // Only the LDAP server: no KDC, SMB, DNS, RPC. Password sets and ACL checks run in the LDAP
    // server's own DB stack, and samba-tool reaches sam.ldb directly.
    'server services=ldap',
    `log file=${dir}/log/log.%m`,
    `pid directory=${dir}/run`,
    `ntp signd socket directory=${dir}/run`,
    `winbindd socket directory=${dir}/run`,
    'dsdb:schema update allowed=true',
    // The lab is disposable: skip fsync, ~5x faster writes.
    'ldb:nosync=true',
  ];
  await runCommand('samba-tool', [
    'domain', 'provision',
    `--realm=${LAB_DOMAIN.realm}`, `--domain=${LAB_DOMAIN.netbiosName}`, '--server-role=dc', '--dns-backend=NONE',
    `--adminpass=${adminPassword}`, '--use-rfc2307', '--host-name=dc1', '--backend-store=mdb', `--targetdir=${dir}`,
    ...options.map((o) => `--option=${o}`),
  ], { secrets: [adminPassword] });
  await mkdir(`${dir}/log`, { recursive: true });
  await appendToGlobal(paths.smbConf, [...options.map((o) => o.replace('=', ' = ')), ...extraGlobalSettings(certs)]);

  await runCommand('samba-tool', [
    'domain', 'passwordsettings', 'set', '--complexity=off', '--min-pwd-length=1', '--history-length=0',
    '--min-pwd-age=0', '--max-pwd-age=0', '-H', paths.samLdb, '-s', paths.smbConf,
  ]);
  return { adminPassword };
}

/**
 * Adds lines at the top of the `[global]` section of an smb.conf, replacing settings of the same name.
 * Provision keeps only some of the `--option`s it is given, so every one we rely on is re-stated.
 */
export async function appendToGlobal(smbConf: string, lines: string[]): Promise<void> {
  const text = await readFile(smbConf, 'utf8');
  if (!/^\[global\]\s*$/m.test(text)) throw new LabCommandFailedError(`${smbConf} has no [global] section`);
  const names = new Set(lines.map((l) => settingName(l)));
  const kept = text.split('\n').filter((line) => !names.has(settingName(line)));
  const globalIdx = kept.findIndex((l) => /^\[global\]\s*$/.test(l));
  kept.splice(globalIdx + 1, 0, ...lines.map((l) => `\t${l}`));
  await writeFile(smbConf, kept.join('\n'));
}

function settingName(line: string): string {
  const eq = line.indexOf('=');
  return eq < 0 ? `#${line}` : line.slice(0, eq).trim().toLowerCase().replace(/\s+/g, ' ');
}

/** True when a pristine template of this lab's DC exists. */
export async function hasTemplate(paths: DirectoryPaths): Promise<boolean> {
  return fileExists(`${paths.templateDir}/private/sam.ldb`);
}

/** Saves the (stopped) DC state as the pristine template, replacing an older one. */
export async function saveTemplate(paths: DirectoryPaths): Promise<void> {
  await saveDcState(paths, paths.templateDir);
}

/**
 * Replaces the DC state with the pristine template (the DC must be stopped).
 * Both live at fixed paths under the lab directory, so the absolute paths inside smb.conf stay valid.
 */
export async function restoreTemplate(paths: DirectoryPaths): Promise<void> {
  await restoreDcState(paths, paths.templateDir);
}

/** Copies the (stopped) DC state to `to` (under the lab directory), replacing what was there. */
export async function saveDcState(paths: DirectoryPaths, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  await copyTree(paths.sambaDir, to);
}

/** Replaces the (stopped) DC state with the copy in `from`. */
export async function restoreDcState(paths: DirectoryPaths, from: string): Promise<void> {
  await rm(paths.sambaDir, { recursive: true, force: true });
  await copyTree(from, paths.sambaDir);
  // Logs and pid files of the copy's last run are meaningless for the new one.
  await rm(paths.sambaPidFile, { force: true });
}

async function copyTree(from: string, to: string): Promise<void> {
  // cp keeps LMDB files sparse and preserves modes; fs.cp would expand them.
  await runCommand('cp', ['-a', '--sparse=always', from, to]);
}
