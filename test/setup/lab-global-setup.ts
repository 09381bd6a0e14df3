/**
 * Brings up the test suite's own lab once per run, in `.lab-test/` on ports of its own (LDAPS
 * 6361, emulator 5444) so that it never collides with a demo lab in `.lab/`. Every run starts
 * from freshly seeded data; the provisioned DC template is kept between runs to save ~15 s.
 * Integration tests read the connection facts with `inject('lab')`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { labDown, labUp } from '../../lab/lab.js';
import type { LabFacts } from '../../lab/lab-facts.js';
import { labPaths } from '../../lab/lab-files.js';
import { packageRoot } from '../../lab/package-root.js';

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabFacts;
  }
}

// Overridable so that two checkouts (or two people) can run the suite on one machine at once.
const LAB_DIR = process.env.EXOWB_TEST_LAB_DIR ?? join(packageRoot(), '.lab-test');
const LDAPS_PORT = Number(process.env.EXOWB_TEST_LDAPS_PORT ?? 6361);
const EMULATOR_PORT = Number(process.env.EXOWB_TEST_EMULATOR_PORT ?? 5444);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A previous run may have been interrupted: stop what it left and forget its data.
  await labDown(LAB_DIR);
  const paths = labPaths(LAB_DIR);
  await rm(paths.facts, { force: true });
  await rm(paths.emulatorDir, { recursive: true, force: true });

  const started = Date.now();
  const { facts } = await labUp({
    dir: LAB_DIR,
    mailboxes: 60,
    ldapsPort: LDAPS_PORT,
    emulatorPort: EMULATOR_PORT,
    onProgress: (message) => process.stderr.write(`[lab] ${message}\n`),
  });
  process.stderr.write(`[lab] up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${facts.directory.ldapUrl}, ${facts.tenant.exoBaseUrl}\n`);
  project.provide('lab', facts);
  return async () => {
    await labDown(LAB_DIR);
  };
}
