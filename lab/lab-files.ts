/** Where a lab keeps its files, and reading/writing `lab.json`. */
import { chmod, readFile, writeFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LabNotFoundError } from './lab-errors.js';
import type { LabFacts } from './lab-facts.js';

/** Default lab directory, relative to the working directory. */
export const DEFAULT_LAB_DIR = '.lab';

/** Default loopback ports of a lab. The test suite's lab uses others, so both can run at once. */
export const DEFAULT_PORTS = { ldaps: 6360, emulator: 5443 } as const;

/** Absolute paths of a lab's well-known files. */
export function labPaths(dir: string) {
  const root = resolve(dir);
  return {
    root,
    facts: join(root, 'lab.json'),
    engineConfig: join(root, 'exo-writeback.yaml'),
    secrets: join(root, 'secrets'),
    tenantState: join(root, 'emulator', 'tenant.json'),
    emulatorDir: join(root, 'emulator'),
    run: join(root, 'run'),
  };
}

/** Reads `lab.json`, or throws {@link LabNotFoundError} telling how to create the lab. */
export async function readLabFacts(dir: string): Promise<LabFacts> {
  const path = labPaths(dir).facts;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new LabNotFoundError(`no lab in ${labPaths(dir).root} (missing lab.json); create one with: exo-writeback lab up --dir ${dir}`);
  }
  return JSON.parse(text) as LabFacts;
}

/** Writes a file atomically with mode 0600 (it may hold secrets). */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
