/**
 * The console's browser tests drive Debian's Chromium with playwright-core (no browser download:
 * the machine's registries do not serve one). This installs the package when it is missing.
 */
import { ChromiumNotInstalledError } from '../lab-errors.js';
import { findProgram } from '../directory/samba-install.js';
import { runCommand } from '../run-command.js';

/** Debian packages: the browser, and fonts so screenshots show text, not boxes. */
export const CHROMIUM_PACKAGES = ['chromium', 'fonts-liberation', 'fonts-dejavu-core'] as const;

/**
 * Flags (besides headless, which Playwright sets) for Chromium on a closed network: without the
 * background-networking ones it keeps dialling Google's hosts and stalls; as root it needs
 * `--no-sandbox`.
 */
export const CHROMIUM_ARGS = [
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/** The Chromium executable, installing it with apt-get when missing (as root). */
export async function ensureChromiumInstalled(): Promise<string> {
  const found = (await findProgram('chromium')) ?? (await findProgram('chromium-browser'));
  if (found) return found;
  const advice = `install it with: apt-get install -y --no-install-recommends ${CHROMIUM_PACKAGES.join(' ')}`;
  if (process.getuid?.() !== 0) throw new ChromiumNotInstalledError(`Chromium is missing and we are not root; ${advice}`);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runCommand('apt-get', ['update'], { env });
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...CHROMIUM_PACKAGES], { env });
  } catch (error) {
    throw new ChromiumNotInstalledError(`installing Chromium failed; ${advice}`, { cause: error });
  }
  const installed = await findProgram('chromium');
  if (!installed) throw new ChromiumNotInstalledError(`chromium is still missing after the install; ${advice}`);
  return installed;
}
