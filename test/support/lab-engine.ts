/**
 * Test helpers for the engine against the running test lab: an engine on the lab's generated
 * configuration (optionally with the extended attribute set), an admin LDAP view of AD to check
 * results independently of the engine, and the emulator's control API.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { ProvisioningRecord } from '../../src/core/provisioning-record.js';
import type { ProvisioningLogSink } from '../../src/engine/engine-ports.js';
import { WritebackEngine } from '../../src/engine/writeback-engine.js';
import { setLabMailbox } from '../../lab/lab-exo.js';
import type { SetMailboxOptions } from '../../lab/set-mailbox-parameters.js';

/** Collects provisioning records in memory. */
export class MemoryLog implements ProvisioningLogSink {
  readonly records: ProvisioningRecord[] = [];
  append(records: readonly ProvisioningRecord[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** An engine on the lab's own configuration file; `extended` switches the attribute set. */
export async function labEngine(options: { attributeSet?: 'standard' | 'extended' } = {}): Promise<{ engine: WritebackEngine; log: MemoryLog }> {
  const facts = inject('lab');
  let file = facts.engineConfigFile;
  if (options.attributeSet === 'extended') {
    file = join(facts.dir, 'exo-writeback.extended.yaml');
    await writeFile(file, readFileSync(facts.engineConfigFile, 'utf8').replace(/set: standard/, 'set: extended'), { mode: 0o600 });
  }
  const log = new MemoryLog();
  return { engine: WritebackEngine.open(await loadConfig(file), { log }), log };
}

/** An LDAP connection bound as the lab's Administrator (for checking AD independently). */
export async function adminLdap(): Promise<Client> {
  const facts = inject('lab');
  const client = new Client({ url: facts.directory.ldapUrl, tlsOptions: { ca: [readFileSync(facts.directory.caFile, 'utf8')] } });
  await client.bind(facts.directory.admin.bindName, facts.directory.admin.password);
  return client;
}

/** Attribute values of the user with this sAMAccountName, names as asked, `[]` when absent. */
export async function readUser<const A extends string>(client: Client, sam: string, attributes: readonly A[]): Promise<Record<A, string[]> & { dn: string }> {
  const facts = inject('lab');
  const { searchEntries } = await client.search(facts.directory.baseDn, { filter: `(sAMAccountName=${sam})`, attributes: [...attributes] });
  const entry = searchEntries[0];
  if (!entry) throw new Error(`no AD user ${sam}`);
  const values: Record<string, string[]> = {};
  for (const name of attributes) {
    const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key ? entry[key] : undefined;
    values[name] = value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
  }
  return { ...values, dn: entry.dn } as Record<A, string[]> & { dn: string };
}

/** An admin change in the emulated tenant, made like PowerShell (Set-Mailbox over InvokeCommand). */
export function exoSet(identity: string, options: SetMailboxOptions): Promise<unknown> {
  return setLabMailbox(inject('lab').dir, identity, options);
}

/** Calls the emulator's control API (`/_emulator/…`). */
export function emulatorAdmin(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const facts = inject('lab');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: facts.tenant.emulatorPort, path: `/_emulator${path}`, method, ca: readFileSync(facts.tenant.caFile, 'utf8'), headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
