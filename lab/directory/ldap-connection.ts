/**
 * Opens ldapts connections to the lab DC: always LDAPS, always verified against the lab CA.
 */
import { Client } from 'ldapts';
import { LAB_DOMAIN } from '../seed/lab-domain.js';

/** Where and as whom to connect. */
export interface LdapTarget {
  ldapUrl: string;
  caPem: string;
  bindName: string;
  password: string;
}

/** The schema naming context of the lab domain. */
export const SCHEMA_DN = `CN=Schema,CN=Configuration,${LAB_DOMAIN.baseDn}`;

/** Connects and binds; the caller must `unbind()` (or use {@link withLdap}). */
export async function connectLdap(target: LdapTarget): Promise<Client> {
  const client = new Client({ url: target.ldapUrl, tlsOptions: { ca: [target.caPem] }, connectTimeout: 5_000, timeout: 120_000 });
  try {
    await client.bind(target.bindName, target.password);
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw error;
  }
  return client;
}

/** Runs `work` with a bound connection and always closes it. */
export async function withLdap<T>(target: LdapTarget, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectLdap(target);
  try {
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * Reads `lDAPDisplayName → schemaIDGUID` (16 bytes) for the given attribute or class names.
 * Names missing from the schema are absent from the result.
 */
export async function readSchemaIdGuids(client: Client, names: readonly string[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
  // The schema is small (~1,500 entries); one paged read beats one search per name.
  for await (const page of client.searchPaginated(SCHEMA_DN, {
    scope: 'one',
    filter: '(|(objectClass=attributeSchema)(objectClass=classSchema))',
    attributes: ['lDAPDisplayName', 'schemaIDGUID'],
    explicitBufferAttributes: ['schemaIDGUID'],
    paged: { pageSize: 500 },
  })) {
    for (const entry of page.searchEntries) {
      const name = lower.get(String(entry.lDAPDisplayName).toLowerCase());
      const guid = entry.schemaIDGUID;
      if (name && Buffer.isBuffer(guid)) found.set(name, guid);
    }
  }
  return found;
}
