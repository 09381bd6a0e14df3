/**
 * The configuration file's schema (YAML or JSON), with defaults in one place. Every field is
 * documented in docs/configuration.md. Secrets are referenced (file or environment variable);
 * inline secrets are accepted but discouraged.
 */
import { z } from 'zod';
import { SECRET_HASH_PATTERN } from './secret-hash.js';

const guidOrDomain = z.string().regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9.-]+\.[a-z]{2,})$/i, 'must be a GUID or a verified domain name');
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const httpsUrl = z.string().url('must be a URL').refine((u) => /^https:\/\//i.test(u), 'must be an https:// URL');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const dn = z.string().regex(/^[A-Za-z][\w-]*=.+/, 'must be a distinguished name like OU=Users,DC=contoso,DC=com');

/** How the app authenticates: a certificate (preferred) or a client secret from a file, a variable or inline. */
const credential = z
  .object({
    certificateFile: z.string().min(1).optional(),
    privateKeyFile: z.string().min(1).optional(),
    clientSecretFile: z.string().min(1).optional(),
    clientSecretEnv: envName.optional(),
    clientSecret: z.string().min(1).optional(),
  })
  .strict()
  .refine(
    (c) => {
      const certificate = Boolean(c.certificateFile) && Boolean(c.privateKeyFile);
      const certificateHalf = Boolean(c.certificateFile) !== Boolean(c.privateKeyFile);
      const secrets = [c.clientSecretFile, c.clientSecretEnv, c.clientSecret].filter(Boolean).length;
      return !certificateHalf && (certificate ? secrets === 0 : secrets === 1);
    },
    { message: 'must be exactly one of {certificateFile + privateKeyFile}, {clientSecretFile}, {clientSecretEnv} or {clientSecret}' },
  );

/** Seconds one LDAP request may take when `domains[].timeoutSeconds` is not set. */
export const DEFAULT_LDAP_TIMEOUT_SECONDS = 30;

/** Connections of a full read of a domain's users when `domains[].readConnections` is not set. */
export const DEFAULT_READ_CONNECTIONS = 2;

const domain = z
  .object({
    /** DNS name of the AD domain, as Graph reports it in onPremisesDomainName. */
    name: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be the DNS name of the AD domain'),
    /** Domain controllers, tried in order. */
    ldapUrls: z.array(z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'must be ldaps://host[:port] or ldap://host[:port]')).min(1, 'needs at least one domain controller'),
    /** Upgrade ldap:// connections with StartTLS (default true: plain binds are refused by hardened AD). */
    startTls: z.boolean().default(true),
    /**
     * How long one LDAP request may take, and the time limit searches ask of the DC. The first page
     * of the full read is the slow one (Samba evaluates the whole search for it).
     */
    timeoutSeconds: z.number().int().min(5, 'must be 5–600 seconds').max(600, 'must be 5–600 seconds').default(DEFAULT_LDAP_TIMEOUT_SECONDS),
    /**
     * Connections a full read of the domain's users runs on at once, each reading slices of the
     * users by uSNCreated: the DC serves the read on that many cores. 1 reads on one connection.
     */
    readConnections: z.number().int().min(1, 'must be 1–8').max(8, 'must be 1–8').default(DEFAULT_READ_CONNECTIONS),
    caFile: z.string().min(1).optional(),
    baseDn: dn,
    bindName: z.string().min(1),
    passwordFile: z.string().min(1).optional(),
    passwordEnv: envName.optional(),
    password: z.string().min(1).optional(),
    scope: z.object({ ous: z.array(dn).default([]) }).strict().default({ ous: [] }),
  })
  .strict()
  .refine((d) => [d.passwordFile, d.passwordEnv, d.password].filter(Boolean).length === 1, {
    message: 'needs exactly one of passwordFile, passwordEnv or password',
    path: ['password'],
  });

/** A secret stored as its scrypt hash (`exo-writeback hash-secret` prints one). */
const secretHash = z.string().regex(SECRET_HASH_PATTERN, "must be a hash printed by 'exo-writeback hash-secret'");

/** Who may use the console and API: a password (browser sign-in) and/or a bearer token (scripts), stored hashed. */
const consoleAuth = z
  .object({
    passwordHash: secretHash.optional(),
    passwordHashFile: z.string().min(1).optional(),
    tokenHash: secretHash.optional(),
    tokenHashFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => Object.values(a).some(Boolean), 'needs passwordHash(File) or tokenHash(File)')
  .refine((a) => !(a.passwordHash && a.passwordHashFile) && !(a.tokenHash && a.tokenHashFile), 'give each hash once: inline or as a file');

/** 127.0.0.0/8, ::1 and localhost: the only binds that need no authentication. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The whole configuration file. */
/** Seconds between incremental cycles when `service.intervalSeconds` is not set. */
export const DEFAULT_INTERVAL_SECONDS = 120;

export const configSchema = z
  .object({
    tenant: z
      .object({
        tenantId: guidOrDomain,
        clientId: guid,
        credential,
        endpoints: z
          .object({
            login: httpsUrl.default('https://login.microsoftonline.com'),
            exchangeOnline: httpsUrl.default('https://outlook.office365.com'),
            graph: httpsUrl.default('https://graph.microsoft.com'),
          })
          .strict()
          .default({ login: 'https://login.microsoftonline.com', exchangeOnline: 'https://outlook.office365.com', graph: 'https://graph.microsoft.com' }),
        /** Extra CA bundle trusted for the cloud endpoints (a TLS-inspecting proxy, the lab emulator). */
        caFile: z.string().min(1).optional(),
      })
      .strict(),
    domains: z.array(domain).min(1, 'needs at least one AD domain').refine(
      (list) => new Set(list.map((d) => d.name.toLowerCase())).size === list.length,
      'each domain may appear once',
    ),
    attributes: z.object({ set: z.enum(['standard', 'extended']).default('standard') }).strict().default({ set: 'standard' }),
    proxyAddresses: z
      .object({
        cloudOnlyTypes: z.array(z.string().regex(/^[A-Za-z0-9]+$/, 'must be an address type like SPO')).default(['SPO']),
        preservedTypes: z.array(z.string().regex(/^[A-Za-z0-9]+$/, 'must be an address type like X500')).default(['X500', 'X400']),
      })
      .strict()
      .default({ cloudOnlyTypes: ['SPO'], preservedTypes: ['X500', 'X400'] }),
    log: z.object({ file: z.string().min(1).optional() }).strict().default({}),
    service: z
      .object({
        /** Seconds between incremental cycles: 2 minutes by default, 15 s at the least. */
        intervalSeconds: z.number().int().min(15, 'must be at least 15 seconds').max(86_400).default(DEFAULT_INTERVAL_SECONDS),
        /** Incremental reads look this far behind the watermark, for Exchange Online's replication lag. */
        overlapSeconds: z.number().int().min(0).max(86_400).default(300),
        /** Hours between full reconciles (which also repair drift). */
        reconcileHours: z.number().positive().max(24 * 30).default(24),
        /** Days provisioning log records and drift reports are kept (the undo journal and cycles stay). */
        retentionDays: z.number().int().min(1, 'must be at least 1 day').max(3650).default(90),
        /** The state store (SQLite). Default `state.db` next to the configuration file. */
        stateFile: z.string().min(1).optional(),
        massChange: z
          .object({
            /** Stage a cycle that would update more objects than this (0 disables the check). */
            maxObjectsUpdated: z.number().int().min(0).default(500),
            /** Stage a cycle that would remove more attribute values than this (0 disables the check). */
            maxValuesRemoved: z.number().int().min(0).default(1000),
          })
          .strict()
          .default({ maxObjectsUpdated: 500, maxValuesRemoved: 1000 }),
        /** The console, its JSON API, `/healthz` and `/metrics`; loopback by default. */
        http: z
          .object({
            host: z.string().min(1).default('127.0.0.1'),
            port: z.number().int().min(0).max(65535).default(9464),
            auth: consoleAuth.optional(),
            tls: z.object({ certificateFile: z.string().min(1), privateKeyFile: z.string().min(1) }).strict().optional(),
          })
          .strict()
          .refine((h) => isLoopbackHost(h.host) || h.auth !== undefined, {
            message: `is required when host is not a loopback address (the console and its API would be open to the network): run 'exo-writeback hash-secret' and set passwordHash or tokenHash`,
            path: ['auth'],
          })
          .default({ host: '127.0.0.1', port: 9464 }),
      })
      .strict()
      .default({ intervalSeconds: DEFAULT_INTERVAL_SECONDS, overlapSeconds: 300, reconcileHours: 24, retentionDays: 90, massChange: { maxObjectsUpdated: 500, maxValuesRemoved: 1000 }, http: { host: '127.0.0.1', port: 9464 } }),
  })
  .strict();

/** The configuration as written (after defaults). */
export type ConfigFile = z.infer<typeof configSchema>;

