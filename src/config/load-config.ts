/**
 * Finds, parses, validates and resolves the configuration: relative paths against the file's
 * folder, secrets read from their files or environment variables. Errors name the field.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AttributeSetName } from '../core/attribute-catalogue.js';
import type { ClientCredential } from '../cloud/token-client.js';
import { ConfigInvalidError, ConfigNotFoundError, ConfigSecretUnavailableError } from './config-errors.js';
import { SECRET_HASH_PATTERN } from './secret-hash.js';
import { configSchema, type ConfigFile } from './config-schema.js';

/** One AD domain the engine serves, resolved. */
export interface DomainConfig {
  name: string;
  ldapUrls: string[];
  startTls: boolean;
  /** Per LDAP request, also asked of the DC as the search time limit. */
  timeoutMs: number;
  /** Connections a full read of the users runs on at once. */
  readConnections: number;
  caPem: string | undefined;
  baseDn: string;
  bindName: string;
  password: string;
  /** OU DNs the engine may write under; empty = the whole domain. */
  scopeOus: string[];
}

/** The configuration, resolved and ready to build adapters from. Holds secrets: never print it (see `redactConfig`). */
export interface EngineConfig {
  file: string;
  tenant: {
    tenantId: string;
    clientId: string;
    credential: ClientCredential;
    endpoints: { login: string; exchangeOnline: string; graph: string };
    caPem: string | undefined;
  };
  domains: DomainConfig[];
  attributeSet: AttributeSetName;
  proxyAddresses: { cloudOnlyTypes: string[]; preservedTypes: string[] };
  /** Provisioning log (JSON lines) of one-off commands. */
  logFile: string;
  /** The long-running service's settings. */
  service: {
    intervalMs: number;
    overlapMs: number;
    reconcileMs: number;
    retentionMs: number;
    stateFile: string;
    massChange: { maxObjectsUpdated: number; maxValuesRemoved: number };
    http: {
      host: string;
      port: number;
      /** scrypt hashes of the console password and API token; null = no authentication (loopback only). */
      auth: { passwordHash: string | null; tokenHash: string | null } | null;
      tls: { certificatePem: string; privateKeyPem: string } | null;
    };
  };
  /** The validated file content, for display after redaction. */
  source: ConfigFile;
}

/** Where to look when no `--config` is given, in order. */
export function defaultConfigCandidates(cwd = process.cwd(), env = process.env): string[] {
  return [env.EXOWB_CONFIG, resolve(cwd, 'exo-writeback.yaml'), resolve(cwd, 'exo-writeback.json'), resolve(cwd, '.lab', 'exo-writeback.yaml')].filter(
    (p): p is string => Boolean(p),
  );
}

/** Loads the configuration from `path`, or from the first default location that exists. */
export async function loadConfig(path?: string, env: NodeJS.ProcessEnv = process.env): Promise<EngineConfig> {
  const file = path ? resolve(path) : defaultConfigCandidates(process.cwd(), env).find((p) => existsSync(p));
  if (!file || !existsSync(file)) {
    throw new ConfigNotFoundError(
      path
        ? `no configuration file at ${resolve(path)}`
        : `no configuration found (looked for ${defaultConfigCandidates(process.cwd(), env).join(', ')}); pass --config <file>, or run 'exo-writeback lab up' for a lab`,
    );
  }
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigInvalidError(file, [`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigInvalidError(file, parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`));
  }
  return resolveConfig(file, parsed.data, env);
}

async function resolveConfig(file: string, source: ConfigFile, env: NodeJS.ProcessEnv): Promise<EngineConfig> {
  const base = dirname(file);
  const at = (p: string) => resolve(base, p);
  const readSecret = async (field: string, ref: { file?: string | undefined; env?: string | undefined; inline?: string | undefined }): Promise<string> => {
    if (ref.inline) return ref.inline;
    if (ref.env) {
      const value = env[ref.env];
      if (!value) throw new ConfigSecretUnavailableError(`${field}: environment variable ${ref.env} is not set`);
      return value;
    }
    if (ref.file) {
      try {
        return (await readFile(at(ref.file), 'utf8')).replace(/\r?\n$/, '');
      } catch (error) {
        throw new ConfigSecretUnavailableError(`${field}: cannot read ${at(ref.file)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    throw new ConfigSecretUnavailableError(`${field}: no secret given`);
  };
  const readPem = (field: string, p: string) => readSecret(field, { file: p });

  const c = source.tenant.credential;
  const credential: ClientCredential =
    c.certificateFile && c.privateKeyFile
      ? { kind: 'certificate', certificatePem: await readPem('tenant.credential.certificateFile', c.certificateFile), privateKeyPem: await readPem('tenant.credential.privateKeyFile', c.privateKeyFile) }
      : { kind: 'secret', secret: await readSecret('tenant.credential', { file: c.clientSecretFile, env: c.clientSecretEnv, inline: c.clientSecret }) };

  const domains: DomainConfig[] = [];
  for (const [i, d] of source.domains.entries()) {
    domains.push({
      name: d.name.toLowerCase(),
      ldapUrls: d.ldapUrls,
      startTls: d.startTls,
      timeoutMs: d.timeoutSeconds * 1000,
      readConnections: d.readConnections,
      caPem: d.caFile ? await readPem(`domains[${i}].caFile`, d.caFile) : undefined,
      baseDn: d.baseDn,
      bindName: d.bindName,
      password: await readSecret(`domains[${i}].password`, { file: d.passwordFile, env: d.passwordEnv, inline: d.password }),
      scopeOus: d.scope.ous,
    });
  }
  return {
    file,
    tenant: {
      tenantId: source.tenant.tenantId,
      clientId: source.tenant.clientId,
      credential,
      endpoints: source.tenant.endpoints,
      caPem: source.tenant.caFile ? await readPem('tenant.caFile', source.tenant.caFile) : undefined,
    },
    domains,
    attributeSet: source.attributes.set,
    proxyAddresses: source.proxyAddresses,
    logFile: at(source.log.file ?? 'provisioning-log.jsonl'),
    service: {
      intervalMs: source.service.intervalSeconds * 1000,
      overlapMs: source.service.overlapSeconds * 1000,
      reconcileMs: source.service.reconcileHours * 3_600_000,
      retentionMs: source.service.retentionDays * 86_400_000,
      stateFile: at(source.service.stateFile ?? 'state.db'),
      massChange: source.service.massChange,
      http: {
        host: source.service.http.host,
        port: source.service.http.port,
        auth: await resolveConsoleAuth(file, source.service.http.auth, readSecret),
        tls: source.service.http.tls
          ? { certificatePem: await readPem('service.http.tls.certificateFile', source.service.http.tls.certificateFile), privateKeyPem: await readPem('service.http.tls.privateKeyFile', source.service.http.tls.privateKeyFile) }
          : null,
      },
    },
    source,
  };
}

/** `domains[0].ldapUrls[1]` from zod's path array. */
function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

type SecretReader = (field: string, ref: { file?: string | undefined; env?: string | undefined; inline?: string | undefined }) => Promise<string>;

/** Reads the console's hashes (inline or from files) and checks a file holds a hash, not a plain secret. */
async function resolveConsoleAuth(file: string, auth: ConfigFile['service']['http']['auth'], readSecret: SecretReader): Promise<EngineConfig['service']['http']['auth']> {
  if (!auth) return null;
  const read = async (field: string, inline: string | undefined, hashFile: string | undefined): Promise<string | null> => {
    if (!inline && !hashFile) return null;
    const value = (await readSecret(field, { inline, file: hashFile })).trim();
    if (!SECRET_HASH_PATTERN.test(value)) {
      throw new ConfigInvalidError(file, [`${field}: must hold a hash printed by 'exo-writeback hash-secret', not the secret itself`]);
    }
    return value;
  };
  return {
    passwordHash: await read('service.http.auth.passwordHash', auth.passwordHash, auth.passwordHashFile),
    tokenHash: await read('service.http.auth.tokenHash', auth.tokenHash, auth.tokenHashFile),
  };
}
