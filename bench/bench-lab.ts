/**
 * The benchmark lab: one lab per size in `.lab-bench/m<mailboxes>/`, on ports of its own, seeded
 * once and reused (a 10k-user directory is not rebuilt for each run). A snapshot of the freshly
 * seeded DC (`seeded`) lets a scenario put AD back byte for byte between measurements.
 */
import { join } from 'node:path';
import { hasDirectorySnapshot, restoreDirectorySnapshot, saveDirectorySnapshot } from '../lab/directory/directory-lab.js';
import { labDown, labUp } from '../lab/lab.js';
import type { LabFacts } from '../lab/lab-facts.js';
import { packageRoot } from '../lab/package-root.js';
import { LAB_OUS } from '../lab/seed/lab-domain.js';
import { buildOrganisation, type SeedUser } from '../lab/seed/organisation.js';

/**
 * Ports of a benchmark lab: one pair per order of magnitude, so a 1k and a 100k lab can both stay up
 * (the demo lab uses 6360/5443, the test lab 6361/5444).
 */
export function benchPorts(mailboxes: number): { ldaps: number; emulator: number } {
  const magnitude = Math.min(9, Math.floor(Math.log10(mailboxes)));
  return { ldaps: 6370 + magnitude, emulator: 5450 + magnitude };
}
const SEEDED = 'seeded';
/** Every generated mailbox is cloud-managed, so ~88 % of a lab's mailboxes are in scope (the scoped OU). */
const BENCH_CLOUD_MANAGED_SHARE = 1;

/** A running benchmark lab and the users the engine writes (cloud-managed, in the scoped OU). */
export interface BenchLab {
  facts: LabFacts;
  users: SeedUser[];
  writable: SeedUser[];
  /** Puts AD back to the freshly seeded state (seconds, whatever the size). */
  restoreSeeded(): Promise<void>;
  down(): Promise<void>;
}

/**
 * The lab size with about `inScope` cloud-managed mailboxes in the scoped OU: the benchmark
 * organisation puts ~88 % of its mailboxes there (1,140 → 1,002; 11,400 → 10,045; 114,000 → 100,352).
 */
export function labSizeFor(inScope: number): number {
  return Math.round(inScope * 1.14);
}

/** The lab directory of a size. */
export function benchLabDir(mailboxes: number): string {
  return join(packageRoot(), '.lab-bench', `m${mailboxes}`);
}

/** Brings up (or reuses) the lab of `mailboxes`; seeds it only the first time. */
export async function benchLab(mailboxes: number, log: (line: string) => void): Promise<BenchLab> {
  const dir = benchLabDir(mailboxes);
  const started = Date.now();
  const { facts } = await labUp({ dir, mailboxes, cloudManagedShare: BENCH_CLOUD_MANAGED_SHARE, ldapsPort: benchPorts(mailboxes).ldaps, emulatorPort: benchPorts(mailboxes).emulator, onProgress: (m) => log(`[lab] ${m}`) });
  if (!(await hasDirectorySnapshot(dir, SEEDED))) {
    log('[lab] saving a snapshot of the seeded directory');
    await saveDirectorySnapshot(dir, SEEDED);
  }
  log(`[lab] ${mailboxes} mailboxes ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const users = buildOrganisation({ mailboxes, cloudManagedShare: BENCH_CLOUD_MANAGED_SHARE });
  return {
    facts,
    users,
    writable: users.filter((u) => u.mailbox?.cloudManaged && u.parentDn.endsWith(LAB_OUS.scoped)),
    restoreSeeded: async () => {
      await restoreDirectorySnapshot(dir, SEEDED);
    },
    down: async () => {
      await labDown(dir);
    },
  };
}
