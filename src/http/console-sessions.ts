/**
 * Who may use the console: nobody needs to sign in on a loopback bind without `auth`; otherwise
 * a browser signs in with the password (an HttpOnly session cookie) and scripts send the API
 * token as `Authorization: Bearer`. Every session (and the anonymous loopback one) has a CSRF
 * token that state-changing requests must echo in `X-CSRF-Token`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifySecret } from '../config/secret-hash.js';
import { ApiSignInLockedError } from './http-errors.js';

/** The configured hashes; null = no authentication (loopback only). */
export type ConsoleAuthConfig = { passwordHash: string | null; tokenHash: string | null } | null;

/** A signed-in browser. */
export interface ConsoleSession {
  id: string;
  csrfToken: string;
  lastSeenMs: number;
}

/** Sessions expire after 8 idle hours; at most this many are kept (the oldest go first). */
const IDLE_MS = 8 * 3_600_000;
const MAX_SESSIONS = 200;
/** After this many failed sign-ins in a row, each further attempt waits (30 s, doubling, at most 15 min). */
const FREE_FAILURES = 5;

function token(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time string equality. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Sessions, sign-in and bearer tokens of one running console. */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  /** SHA-256 of bearer tokens already verified (scrypt is too slow to run on every request). */
  private readonly verifiedTokens = new Set<string>();
  private failures = 0;
  private lockedUntilMs = 0;
  /** The CSRF token of the anonymous loopback console. */
  readonly anonymousCsrfToken = token();

  constructor(private readonly auth: ConsoleAuthConfig, private readonly now: () => number = Date.now) {}

  /** True when requests must carry a session or a token. */
  get authRequired(): boolean {
    return this.auth !== null;
  }

  /** True when a password is configured (the browser sign-in form). */
  get passwordSignIn(): boolean {
    return Boolean(this.auth?.passwordHash);
  }

  /** A new session for the right password; null for a wrong one; throws ApiSignInLockedError while locked. */
  async signIn(password: string): Promise<ConsoleSession | null> {
    const hash = this.auth?.passwordHash;
    if (!hash) return null;
    const waitMs = this.lockedUntilMs - this.now();
    if (waitMs > 0) throw new ApiSignInLockedError(Math.ceil(waitMs / 1000));
    if (!(await verifySecret(password, hash))) {
      this.failures++;
      if (this.failures >= FREE_FAILURES) this.lockedUntilMs = this.now() + Math.min(15 * 60_000, 30_000 * 2 ** (this.failures - FREE_FAILURES));
      return null;
    }
    this.failures = 0;
    this.lockedUntilMs = 0;
    const session: ConsoleSession = { id: token(), csrfToken: token(), lastSeenMs: this.now() };
    this.sessions.set(session.id, session);
    while (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    return session;
  }

  /** The live session with this id (its idle clock restarts), or null. */
  session(id: string | undefined): ConsoleSession | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (this.now() - session.lastSeenMs > IDLE_MS) {
      this.sessions.delete(id);
      return null;
    }
    session.lastSeenMs = this.now();
    return session;
  }

  signOut(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** True for the configured API token. */
  async verifyBearer(presented: string): Promise<boolean> {
    const hash = this.auth?.tokenHash;
    if (!hash || !presented) return false;
    const digest = createHash('sha256').update(presented).digest('base64');
    if (this.verifiedTokens.has(digest)) return true;
    if (!(await verifySecret(presented, hash))) return false;
    this.verifiedTokens.add(digest);
    return true;
  }
}
