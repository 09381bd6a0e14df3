/**
 * LdapDirectory over `ldap://` + StartTLS. The lab only publishes LDAPS, so this test bridges a
 * host port to the DC's port 389 for its own duration (socat inside the DC's network namespace,
 * an in-process TCP→Unix-socket pipe on the host) and stops both afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DirectoryTlsError } from '../../../src/directory/directory-errors.js';
import { LdapDirectory, type LdapDirectoryOptions } from '../../../src/directory/ldap-directory.js';
import { directoryPaths } from '../../../lab/directory/directory-paths.js';
import { failure } from './directory-port-contract.js';

describe('LdapDirectory with StartTLS', () => {
  const facts = inject('lab');
  let port = 389;
  let socat: ChildProcess | null = null;
  let server: Server | null = null;

  beforeAll(async () => {
    const paths = directoryPaths(facts.dir);
    const { netns } = JSON.parse(readFileSync(paths.processesFile, 'utf8')) as { netns: string | null };
    if (!netns) return; // The DC listens on the host's loopback: ldap://127.0.0.1:389 as is.
    const socketPath = join(paths.runDir, 'starttls-test.sock');
    socat = spawn('ip', ['netns', 'exec', netns, 'socat', `UNIX-LISTEN:${socketPath},fork,mode=600,unlink-early`, 'TCP:127.0.0.1:389'], { stdio: 'ignore' });
    // Ready when socat has created its socket (a condition, polled; not a fixed wait).
    const deadline = Date.now() + 10_000;
    while (!existsSync(socketPath)) {
      if (Date.now() > deadline || socat.exitCode !== null) throw new Error('socat bridge to port 389 did not start');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    server = createServer((socket) => {
      const upstream = createConnection(socketPath);
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    socat?.kill();
  });

  function options(url: string, caPem?: string): LdapDirectoryOptions {
    const dir = facts.directory;
    return {
      urls: [url], bindName: dir.serviceAccount.bindName, password: dir.serviceAccount.password, baseDn: dir.baseDn,
      attributeSet: 'standard', timeoutMs: 10_000, ...(caPem ? { caPem } : {}),
    };
  }

  it.each(['127.0.0.1', 'localhost'])('binds over ldap://%s with StartTLS, verifying the certificate', async (host) => {
    const directory = new LdapDirectory(options(`ldap://${host}:${port}`, readFileSync(facts.directory.caFile, 'utf8')));
    try {
      const me = await directory.whoAmI();
      expect(me.distinguishedName?.toLowerCase()).toBe(facts.directory.serviceAccount.distinguishedName.toLowerCase());
    } finally {
      await directory.close();
    }
  });

  it('refuses the StartTLS upgrade when the certificate does not verify', async () => {
    const error = await failure(new LdapDirectory(options(`ldap://127.0.0.1:${port}`)).whoAmI());
    expect(error).toBeInstanceOf(DirectoryTlsError);
  });
});
