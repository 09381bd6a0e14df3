/**
 * Where the directory half of a lab keeps its files, all under the lab directory.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Paths of one lab's directory files. */
export interface DirectoryPaths {
  labDir: string;
  /** Samba's `--targetdir`: etc/, private/, state/, run/, log/ … of the running DC. */
  sambaDir: string;
  /** Pristine copy of `sambaDir` after provision + schema + delegation (no seeded users). */
  templateDir: string;
  smbConf: string;
  samLdb: string;
  /** Samba's stdout/stderr (`--debug-stdout`). */
  sambaLog: string;
  /** Samba's own pid file (`pid directory` = sambaDir/run). */
  sambaPidFile: string;
  /** Our process records (pids of samba and the socat bridge). */
  runDir: string;
  processesFile: string;
  socatLog: string;
  /** Unix socket that bridges the host port into the network namespace. */
  bridgeSocket: string;
  /** Passwords, port and progress of this directory (mode 0600). */
  stateFile: string;
  /** Network namespace name, unique per lab directory. */
  netnsName: string;
}

/** Computes the paths of a lab directory (pure). */
export function directoryPaths(labDir: string): DirectoryPaths {
  const abs = resolve(labDir);
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 10);
  const sambaDir = join(abs, 'samba');
  const runDir = join(abs, 'run');
  // Unix socket paths are limited to 107 bytes; fall back to the temp dir for deep lab dirs.
  const socket = join(runDir, 'ldaps.sock');
  return {
    labDir: abs,
    sambaDir,
    templateDir: join(abs, 'samba-template'),
    smbConf: join(sambaDir, 'etc', 'smb.conf'),
    samLdb: join(sambaDir, 'private', 'sam.ldb'),
    sambaLog: join(sambaDir, 'log', 'samba.out'),
    sambaPidFile: join(sambaDir, 'run', 'samba.pid'),
    runDir,
    processesFile: join(runDir, 'directory-processes.json'),
    socatLog: join(runDir, 'socat.log'),
    bridgeSocket: Buffer.byteLength(socket) <= 100 ? socket : join(tmpdir(), `exowb-${hash}.sock`),
    stateFile: join(abs, 'directory.json'),
    netnsName: `exowb-${hash}`,
  };
}
