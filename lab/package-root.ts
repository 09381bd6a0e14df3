/** The package's location, for lab processes started the way a user starts them. */
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';

export { packageRoot };

/** The CLI launcher, for spawning lab processes the same way a user runs them. */
export function cliLauncher(): string {
  return join(packageRoot(), 'bin', 'exo-writeback.js');
}
