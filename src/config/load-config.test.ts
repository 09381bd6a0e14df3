import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigInvalidError, ConfigNotFoundError, ConfigSecretUnavailableError } from './config-errors.js';
import { hashSecret, verifySecret } from './secret-hash.js';
import { loadConfig } from './load-config.js';

const TENANT = '6b1f3c2e-5d4a-4e8b-9c7d-2a1b0c9d8e7f';
const CLIENT = '11111111-2222-4333-8444-555555555555';

describe('loadConfig', () => {
  let dir: string;
  const write = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const minimal = (overrides = '') => `
tenant:
  tenantId: ${TENANT}
  clientId: ${CLIENT}
  credential:
    clientSecretFile: secrets/client-secret
domains:
  - name: Corp.Contoso.com
    ldapUrls: [ldaps://dc1.corp.contoso.com, ldaps://dc2.corp.contoso.com:636]
    baseDn: DC=corp,DC=contoso,DC=com
    bindName: svc@corp.contoso.com
    passwordEnv: EXOWB_TEST_PASSWORD
    scope:
      ous: ["OU=Cloud Mailboxes,DC=corp,DC=contoso,DC=com"]
${overrides}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exowb-config-'));
    await writeFile(join(dir, 'client-secret-placeholder'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'secrets')));
    await writeFile(join(dir, 'secrets', 'client-secret'), 's3cret-value\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('resolves defaults, relative secret files and environment secrets', async () => {
    const config = await loadConfig(await write('ok.yaml', minimal()), { EXOWB_TEST_PASSWORD: 'pw' });
    expect(config.tenant.credential).toEqual({ kind: 'secret', secret: 's3cret-value' });
    expect(config.tenant.endpoints).toEqual({ login: 'https://login.microsoftonline.com', exchangeOnline: 'https://outlook.office365.com', graph: 'https://graph.microsoft.com' });
    expect(config.domains[0]).toMatchObject({ name: 'corp.contoso.com', password: 'pw', startTls: true, timeoutMs: 30_000, readConnections: 2, scopeOus: ['OU=Cloud Mailboxes,DC=corp,DC=contoso,DC=com'] });
    expect(config.attributeSet).toBe('standard');
    expect(config.proxyAddresses).toEqual({ cloudOnlyTypes: ['SPO'], preservedTypes: ['X500', 'X400'] });
    expect(config.logFile).toBe(join(dir, 'provisioning-log.jsonl'));
  });

  it('takes a domain\'s LDAP timeout in seconds, within 5–600', async () => {
    const withTimeout = (seconds: number) => minimal().replace('    passwordEnv: EXOWB_TEST_PASSWORD', `    passwordEnv: EXOWB_TEST_PASSWORD\n    timeoutSeconds: ${seconds}`);
    const slow = await loadConfig(await write('ldap-slow.yaml', withTimeout(120)), { EXOWB_TEST_PASSWORD: 'pw' });
    expect(slow.domains[0]!.timeoutMs).toBe(120_000);
    await expect(loadConfig(await write('ldap-short.yaml', withTimeout(2)), { EXOWB_TEST_PASSWORD: 'pw' })).rejects.toThrow(/domains\[0\]\.timeoutSeconds: must be 5–600 seconds/);
  });

  it('takes how many connections a full read of a domain runs on, within 1–8', async () => {
    const withConnections = (count: number) => minimal().replace('    passwordEnv: EXOWB_TEST_PASSWORD', `    passwordEnv: EXOWB_TEST_PASSWORD\n    readConnections: ${count}`);
    const one = await loadConfig(await write('ldap-one.yaml', withConnections(1)), { EXOWB_TEST_PASSWORD: 'pw' });
    expect(one.domains[0]!.readConnections).toBe(1);
    await expect(loadConfig(await write('ldap-none.yaml', withConnections(0)), { EXOWB_TEST_PASSWORD: 'pw' })).rejects.toThrow(/domains\[0\]\.readConnections: must be 1–8/);
    await expect(loadConfig(await write('ldap-many.yaml', withConnections(9)), { EXOWB_TEST_PASSWORD: 'pw' })).rejects.toThrow(/domains\[0\]\.readConnections: must be 1–8/);
  });

  it('gives the service its defaults and refuses an interval under 15 seconds', async () => {
    const config = await loadConfig(await write('svc.yaml', minimal()), { EXOWB_TEST_PASSWORD: 'pw' });
    expect(config.service).toEqual({
      intervalMs: 120_000, overlapMs: 300_000, reconcileMs: 86_400_000, retentionMs: 90 * 86_400_000, stateFile: join(dir, 'state.db'),
      massChange: { maxObjectsUpdated: 500, maxValuesRemoved: 1000 }, http: { host: '127.0.0.1', port: 9464, auth: null, tls: null },
    });
    const fast = await loadConfig(await write('fast.yaml', minimal('service:\n  intervalSeconds: 15\n  stateFile: data/state.db')), { EXOWB_TEST_PASSWORD: 'pw' });
    expect(fast.service.intervalMs).toBe(15_000);
    expect(fast.service.stateFile).toBe(join(dir, 'data', 'state.db'));
    await expect(loadConfig(await write('slow.yaml', minimal('service:\n  intervalSeconds: 5')), { EXOWB_TEST_PASSWORD: 'pw' })).rejects.toThrow(/service\.intervalSeconds: must be at least 15 seconds/);
  });

  it('refuses a console bound beyond loopback without authentication, and a plain secret where a hash belongs', async () => {
    const open = minimal('service:\n  http:\n    host: 0.0.0.0');
    await expect(loadConfig(await write('open.yaml', open), { EXOWB_TEST_PASSWORD: 'pw' })).rejects.toThrow(/service\.http\.auth: is required when host is not a loopback address/);
    const onLoopback = await loadConfig(await write('ipv6.yaml', minimal('service:\n  http:\n    host: "::1"')), { EXOWB_TEST_PASSWORD: 'pw' });
    expect(onLoopback.service.http).toMatchObject({ host: '::1', auth: null });
    const hash = await hashSecret('console password 1');
    await writeFile(join(dir, 'token.hash'), `${await hashSecret('api token for scripts')}\n`);
    const secured = await loadConfig(await write('secured.yaml', minimal(`service:\n  http:\n    host: 0.0.0.0\n    auth:\n      passwordHash: "${hash}"\n      tokenHashFile: token.hash`)), { EXOWB_TEST_PASSWORD: 'pw' });
    expect(secured.service.http.auth?.passwordHash).toBe(hash);
    expect(await verifySecret('api token for scripts', secured.service.http.auth?.tokenHash ?? '')).toBe(true);
    await writeFile(join(dir, 'plain.hash'), 'the token itself\n');
    await expect(loadConfig(await write('plain.yaml', minimal('service:\n  http:\n    host: 0.0.0.0\n    auth:\n      tokenHashFile: plain.hash')), { EXOWB_TEST_PASSWORD: 'pw' }))
      .rejects.toThrow(/service\.http\.auth\.tokenHash: must hold a hash printed by 'exo-writeback hash-secret'/);
    await expect(loadConfig(await write('inline.yaml', minimal('service:\n  http:\n    auth:\n      passwordHash: hunter2hunter2')), { EXOWB_TEST_PASSWORD: 'pw' }))
      .rejects.toThrow(/service\.http\.auth\.passwordHash: must be a hash printed by 'exo-writeback hash-secret'/);
  });

  it('names every invalid field', async () => {
    const path = await write('bad.yaml', `
tenant:
  tenantId: not a tenant
  clientId: ${CLIENT}
  credential: { clientSecretFile: x, certificateFile: y }
  endpoints: { login: http://login.example }
domains:
  - name: corp.contoso.com
    ldapUrls: [https://dc1]
    baseDn: corp
    bindName: svc
attributes: { set: everything }
colour: blue
`);
    const error = (await loadConfig(path).catch((e: unknown) => e)) as ConfigInvalidError;
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error.code).toBe('ConfigInvalid');
    const text = error.problems.join('\n');
    expect(text).toMatch(/^tenant\.tenantId: must be a GUID or a verified domain name$/m);
    expect(text).toMatch(/^tenant\.credential: must be exactly one of/m);
    expect(text).toMatch(/^tenant\.endpoints\.login: must be an https:\/\/ URL$/m);
    expect(text).toMatch(/^domains\[0\]\.ldapUrls\[0\]: must be ldaps:\/\/host/m);
    expect(text).toMatch(/^domains\[0\]\.baseDn: must be a distinguished name/m);
    expect(text).toMatch(/^attributes\.set: /m);
    expect(text).toMatch(/colour/);
  });

  it('requires exactly one password source per domain', async () => {
    const path = await write('pw.yaml', minimal().replace('passwordEnv: EXOWB_TEST_PASSWORD', 'passwordEnv: EXOWB_TEST_PASSWORD\n    password: inline'));
    await expect(loadConfig(path)).rejects.toThrow(/domains\[0\]\.password: needs exactly one of passwordFile, passwordEnv or password/);
  });

  it('reports an unset environment secret and an unreadable secret file by field', async () => {
    await expect(loadConfig(await write('env.yaml', minimal()), {})).rejects.toThrow(ConfigSecretUnavailableError);
    await expect(loadConfig(await write('env2.yaml', minimal()), {})).rejects.toThrow(/domains\[0\]\.password: environment variable EXOWB_TEST_PASSWORD is not set/);
    const missing = minimal().replace('secrets/client-secret', 'secrets/nope');
    await expect(loadConfig(await write('file.yaml', missing), { EXOWB_TEST_PASSWORD: 'pw' })).rejects.toThrow(/tenant\.credential: cannot read .*secrets\/nope \(ENOENT\)/);
  });

  it('reports broken YAML and a missing file', async () => {
    await expect(loadConfig(await write('broken.yaml', 'tenant: [\n'))).rejects.toThrow(/not valid YAML/);
    await expect(loadConfig(join(dir, 'absent.yaml'))).rejects.toBeInstanceOf(ConfigNotFoundError);
  });

  it('accepts JSON too', async () => {
    const json = JSON.stringify({
      tenant: { tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT, credential: { clientSecretEnv: 'S' } },
      domains: [{ name: 'corp.contoso.com', ldapUrls: ['ldap://dc1'], baseDn: 'DC=corp,DC=contoso,DC=com', bindName: 'svc', password: 'x' }],
    });
    const config = await loadConfig(await write('c.json', json), { S: 'secret' });
    expect(config.domains[0]?.scopeOus).toEqual([]);
    expect(config.tenant.credential).toEqual({ kind: 'secret', secret: 'secret' });
  });
});
