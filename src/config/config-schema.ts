/**
 * The configuration file's schema (YAML or JSON), with defaults in one place. Every field is
 * documented in docs/configuration.md. Secrets are referenced (file or environment variable);
 * inline secrets are accepted but discouraged.
 */
import { z } from 'zod';

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

const domain = z
  .object({
    /** DNS name of the AD domain, as Graph reports it in onPremisesDomainName. */
    name: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be the DNS name of the AD domain'),
    /** Domain controllers, tried in order. */
    ldapUrls: z.array(z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'must be ldaps://host[:port] or ldap://host[:port]')).min(1, 'needs at least one domain controller'),
    /** Upgrade ldap:// connections with StartTLS (default true: plain binds are refused by hardened AD). */
    startTls: z.boolean().default(true),
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

/** The whole configuration file. */
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
        intervalSeconds: z.number().int().min(15, 'must be at least 15 seconds').max(86_400).default(120),
        /** Incremental reads look this far behind the watermark, for Exchange Online's replication lag. */
        overlapSeconds: z.number().int().min(0).max(86_400).default(300),
        /** Hours between full reconciles (which also repair drift). */
        reconcileHours: z.number().positive().max(24 * 30).default(24),
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
        /** Health and metrics endpoint (`/healthz`, `/metrics`); loopback by default. */
        http: z
          .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(9464) })
          .strict()
          .default({ host: '127.0.0.1', port: 9464 }),
      })
      .strict()
      .default({ intervalSeconds: 120, overlapSeconds: 300, reconcileHours: 24, massChange: { maxObjectsUpdated: 500, maxValuesRemoved: 1000 }, http: { host: '127.0.0.1', port: 9464 } }),
  })
  .strict();

/** The configuration as written (after defaults). */
export type ConfigFile = z.infer<typeof configSchema>;

