/** Connection helpers for the directory integration tests (everything from `inject('lab')`). */
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { inject } from 'vitest';

/** The lab's directory facts as the global setup provides them. */
export function labDirectory() {
  return inject('lab').directory;
}

/** A client for the lab DC, verifying TLS with the lab CA (not yet bound). */
export function labClient(): Client {
  const dir = labDirectory();
  return new Client({ url: dir.ldapUrl, tlsOptions: { ca: [readFileSync(dir.caFile, 'utf8')] }, connectTimeout: 5_000, timeout: 30_000 });
}

/** A client bound as `who`; the caller unbinds. */
export async function boundClient(who: 'admin' | 'serviceAccount'): Promise<Client> {
  const dir = labDirectory();
  const client = labClient();
  const account = who === 'admin' ? dir.admin : dir.serviceAccount;
  await client.bind(account.bindName, account.password);
  return client;
}
