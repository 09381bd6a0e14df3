/**
 * Opens one bound, TLS-protected LDAP connection to the first DC that answers: URLs are tried in
 * order and a DC that cannot be reached is skipped; a refused bind stops at once (it is the same
 * account on every DC, so trying the others would only lock it out sooner).
 */
import { connect as netConnect, isIP, Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { secureContextTrusting } from '../tls/secure-context.js';
import { Client } from 'ldapts';
import {
  DirectoryConfigError, DirectoryTlsError, DirectoryUnreachableError, ldapResultCode, tlsVerificationCode,
  toDirectoryError, transportReason, type UrlFailure,
} from './directory-errors.js';

/**
 * The only ldapts operations the adapter may use. Holding the connection through this type
 * means no code path can add, delete or rename an object (spec §2.5).
 */
export type ReadModifyConnection = Pick<Client, 'searchPaginated' | 'modify' | 'exop' | 'unbind' | 'isBound' | 'isConnected'>;

/** How to reach and bind to the domain's DCs. */
export interface ConnectOptions {
  /** `ldaps://host[:port]`, or `ldap://host[:port]` upgraded with StartTLS; tried in order. */
  urls: readonly string[];
  /** Extra trusted CA certificates (PEM), added to Node's default trust store. */
  caPem?: string;
  bindName: string;
  password: string;
  /** StartTLS for `ldap://` URLs; default true, and false is refused (no plain-text binds). */
  startTls?: boolean;
  /** Per connect and per operation. */
  timeoutMs: number;
}

/** Bind result codes that mean "this account, anywhere": stop failing over. */
const FINAL_BIND_CODES = new Set([7, 8, 13, 48, 49]);

/** Checks the URLs up front, so a typo fails with a clear message rather than a socket error. */
export function validateUrls(urls: readonly string[], startTls: boolean | undefined): void {
  if (urls.length === 0) throw new DirectoryConfigError('no LDAP URL configured for the directory');
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DirectoryConfigError(`not an LDAP URL: ${url}`);
    }
    if (parsed.protocol !== 'ldaps:' && parsed.protocol !== 'ldap:') throw new DirectoryConfigError(`${url}: use ldaps:// or ldap:// (with StartTLS)`);
    if (parsed.protocol === 'ldap:' && startTls === false) {
      throw new DirectoryConfigError(`${url}: ldap:// without StartTLS would send the password in clear text; use ldaps:// or enable StartTLS`);
    }
  }
}

/**
 * TLS options: verification always on; a configured CA is added to, not substituted for, the
 * default trust, in a context every connection with that CA shares.
 */
export function tlsOptionsFor(caPem: string | undefined): ConnectionOptions {
  if (!caPem) return { rejectUnauthorized: true };
  return { rejectUnauthorized: true, secureContext: secureContextTrusting(caPem) };
}

/**
 * Wraps a socket factory so it works once, with TCP_NODELAY. ldapts silently reconnects a dropped connection on
 * the next operation — unbound (so the DC would answer "access denied" for an outage) and, for
 * StartTLS, without TLS. The adapter reconnects itself instead, so a second socket is refused.
 */
function once<F extends (...args: never[]) => Socket>(factory: F): F {
  let used = false;
  return ((...args: Parameters<F>) => {
    if (!used) {
      used = true;
      const socket = factory(...args);
      // Requests are small and several are in flight at once: with Nagle's algorithm each would
      // wait for the ACK of the one before (a delayed ACK is 40 ms).
      socket.setNoDelay(true);
      return socket;
    }
    const refused = new Socket();
    process.nextTick(() => refused.destroy(Object.assign(new Error('silent reconnect refused: the adapter reconnects and binds itself'), { code: 'ERECONNECTREFUSED' })));
    return refused;
  }) as F;
}

async function openOne(url: string, options: ConnectOptions): Promise<Client> {
  const tlsOptions = tlsOptionsFor(options.caPem);
  const startTls = new URL(url).protocol === 'ldap:';
  // ldapts opens TLS at once whenever `tlsOptions` is given, even for ldap://; StartTLS gets them later.
  const client = new Client({
    url, ...(startTls ? {} : { tlsOptions }), connectTimeout: options.timeoutMs, timeout: options.timeoutMs,
    createConnection: once(netConnect), createSecureConnection: once(tlsConnect),
  });
  try {
    if (startTls) {
      const parsed = new URL(url);
      const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
      // The upgraded socket checks the certificate against `host`; SNI only takes names.
      await client.startTLS({ ...tlsOptions, host, ...(isIP(host) ? {} : { servername: host }) });
    }
    await client.bind(options.bindName, options.password);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw error;
  }
}

/** Connects and binds to the first usable URL; see the module comment for the failover rules. */
export async function connectFirstUsable(options: ConnectOptions): Promise<{ client: Client; url: string }> {
  validateUrls(options.urls, options.startTls);
  const failures: UrlFailure[] = [];
  const tlsFailures: DirectoryTlsError[] = [];
  for (const url of options.urls) {
    try {
      return { client: await openOne(url, options), url };
    } catch (error) {
      const code = ldapResultCode(error);
      if (code !== null && FINAL_BIND_CODES.has(code)) throw toDirectoryError(error, { operation: 'bind', url, bindName: options.bindName });
      const tls = tlsVerificationCode(error);
      if (tls) tlsFailures.push(new DirectoryTlsError(url, tls, { cause: error }));
      failures.push({ url, reason: tls ? `TLS certificate verification failed (${tls})` : code !== null ? `LDAP ${code} ${transportReason(error)}` : transportReason(error) });
    }
  }
  // Every DC failed TLS verification: that is a trust problem, not an outage; say so.
  if (tlsFailures.length === failures.length && tlsFailures[0]) throw tlsFailures[0];
  throw new DirectoryUnreachableError(failures);
}
