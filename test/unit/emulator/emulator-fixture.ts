/**
 * Test fixture: an in-process emulator on port 0 with a tenant built from the lab organisation
 * and synthetic anchors, a fake clock, and small HTTP helpers that talk to it over real HTTP.
 */
import { constants, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ensureLabCertificates, thumbprints, type LabCertificates } from '../../../lab/pki/certificates.js';
import { buildOrganisation, type SeedUser } from '../../../lab/seed/organisation.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../lab/emulator/emulator-server.js';
import { syntheticAnchors } from '../../../lab/emulator/synthetic-anchors.js';
import { buildTenantState } from '../../../lab/emulator/tenant-builder.js';
import { EXO_RESOURCE, GRAPH_RESOURCE, type TenantData } from '../../../lab/emulator/tenant-state.js';

export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const CLIENT_SECRET = 'lab-secret-value-for-tests-0123456789ab';
export const START_MS = Date.parse('2026-08-01T12:00:00Z');

let pki: Promise<{ paths: LabCertificates; appCertPem: string; appKeyPem: string }> | null = null;

/**
 * Temp dirs this fixture made for the test file importing it, removed after its last test (not on
 * `close`: tests restart an emulator from the same dir). A tenant file can be 50 MB.
 */
const madeDirs: string[] = [];
afterAll(async () => {
  await Promise.all(madeDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  pki = null;
});

/** A new temp dir, removed after the test file. */
export async function fixtureTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

/** The lab PKI, created once per test process in a temp dir. */
export function labPki(): Promise<{ paths: LabCertificates; appCertPem: string; appKeyPem: string }> {
  pki ??= (async () => {
    const dir = await fixtureTempDir('exo-emu-pki-');
    const paths = await ensureLabCertificates(dir);
    return { paths, appCertPem: await readFile(paths.appCertFile, 'utf8'), appKeyPem: await readFile(paths.appKeyFile, 'utf8') };
  })();
  return pki;
}

/** A controllable clock. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = START_MS): FakeClock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export interface TestEmulator {
  emulator: RunningEmulator;
  url: string;
  users: SeedUser[];
  clock: FakeClock;
  dir: string;
  statePath: string;
  tenantId: string;
  /** Gets an access token with the client secret. */
  token(resource: 'exo' | 'graph'): Promise<string>;
  /** POSTs an InvokeCommand body. */
  invoke(body: unknown, options?: { select?: string; url?: string; token?: string; prefer?: string }): Promise<Response>;
  /** Runs a cmdlet and returns the parsed JSON (asserting nothing). */
  cmdlet(name: string, parameters: Record<string, unknown>, select?: string): Promise<{ status: number; json: ExoBody }>;
  /** GETs a Graph path (relative to the base URL, or absolute). */
  graph(pathOrUrl: string, token?: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Shape of an InvokeCommand response body. */
export interface ExoBody {
  '@odata.context'?: string;
  '@odata.nextLink'?: string;
  '@adminapi.warnings'?: string[];
  value?: Record<string, unknown>[];
  error?: { code: string; message: string; details: { code: string; message: string }[] };
}

/** Starts an emulator for one test file or test. */
export async function startTestEmulator(
  options: { mailboxes?: number; state?: TenantData; dir?: string } & Partial<EmulatorOptions> = {},
): Promise<TestEmulator> {
  const { appCertPem } = await labPki();
  const clock = fakeClock();
  const users = buildOrganisation({ mailboxes: options.mailboxes ?? 60 });
  const dir = options.dir ?? (await fixtureTempDir('exo-emu-'));
  const statePath = join(dir, 'tenant.json');
  const state =
    options.state ??
    buildTenantState(users, syntheticAnchors(users), { appCertificatePem: appCertPem, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: new Date(clock.now()) });
  const emulator = await startEmulator({ statePath, initialState: state, now: clock.now, exoMaxConcurrency: null, ...options });
  const url = emulator.url;
  const tenantId = emulator.state.data.tenantId;
  const tokens = new Map<string, string>();

  const token = async (resource: 'exo' | 'graph'): Promise<string> => {
    const cached = tokens.get(resource);
    if (cached) return cached;
    const response = await fetch(`${url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scope: `${resource === 'exo' ? EXO_RESOURCE : GRAPH_RESOURCE}/.default`,
      }),
    });
    if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
    const value = ((await response.json()) as { access_token: string }).access_token;
    tokens.set(resource, value);
    return value;
  };

  const invoke: TestEmulator['invoke'] = async (body, o = {}) => {
    const target = o.url ?? `${url}/adminapi/beta/${tenantId}/InvokeCommand${o.select ? `?$select=${o.select}` : ''}`;
    return fetch(target, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${o.token ?? (await token('exo'))}`,
        'Content-Type': 'application/json',
        ...(o.prefer ? { Prefer: o.prefer } : {}),
      },
      body: JSON.stringify(body),
    });
  };

  return {
    emulator,
    url,
    users,
    clock,
    dir,
    statePath,
    tenantId,
    token,
    invoke,
    cmdlet: async (name, parameters, select) => {
      const response = await invoke({ CmdletInput: { CmdletName: name, Parameters: parameters } }, { select });
      return { status: response.status, json: (await response.json()) as ExoBody };
    },
    graph: async (pathOrUrl, t, headers = {}) =>
      fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${url}${pathOrUrl}`, { headers: { Authorization: `Bearer ${t ?? (await token('graph'))}`, ...headers } }),
    close: () => emulator.close(),
  };
}

/** Builds a client assertion with node:crypto only (independent of the emulator's JWT code). */
export function clientAssertion(options: {
  alg: 'PS256' | 'RS256';
  certPem: string;
  keyPem: string;
  aud: string;
  clientId?: string;
  nowMs: number;
  lifetimeSeconds?: number;
  thumbprintOverride?: string;
}): string {
  const prints = thumbprints(options.certPem);
  const header =
    options.alg === 'PS256'
      ? { alg: 'PS256', typ: 'JWT', 'x5t#S256': options.thumbprintOverride ?? prints.x5tS256 }
      : { alg: 'RS256', typ: 'JWT', x5t: options.thumbprintOverride ?? prints.x5t };
  const now = Math.floor(options.nowMs / 1000);
  const claims = {
    aud: options.aud,
    iss: options.clientId ?? CLIENT_ID,
    sub: options.clientId ?? CLIENT_ID,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + (options.lifetimeSeconds ?? 300),
  };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const key = createPrivateKey(options.keyPem);
  const signature = sign('sha256', Buffer.from(input), options.alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key);
  return `${input}.${signature.toString('base64url')}`;
}

/** Splits `ErrorId|ExceptionType|Message` of an EXO error envelope. */
export function exoErrorDetail(body: ExoBody): { errorId: string; type: string; message: string } {
  const detail = body.error?.details[0]?.message ?? '';
  const [errorId = '', type = '', ...rest] = detail.split('|');
  return { errorId, type, message: rest.join('|') };
}
