/**
 * `npm run bench -- <scenario> [--sizes a,b] [--runs n] [--baseline launcher]`: brings up the benchmark lab of each size
 * (seeded once, then reused), runs the scenario, prints the table and writes the JSON result under
 * bench/results/. See docs/performance.md.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { latency } from './scenarios/latency.js';
import { noChangeReconcile } from './scenarios/no-change-reconcile.js';
import { scale } from './scenarios/scale.js';
import type { ScenarioOptions } from './scenarios/scenario.js';
import { writeThroughput } from './scenarios/write-throughput.js';
import { formatTable, writeResult, type ScenarioResult } from './report.js';

interface Scenario {
  run: (options: ScenarioOptions) => Promise<ScenarioResult>;
  /** What a size is, and the sizes. */
  sizes: { meaning: string; defaults: number[] };
  runs: number;
  /** Whether it runs a baseline build in turns with this one (`--baseline`). */
  baseline?: boolean;
}

const SCENARIOS: Record<string, Scenario> = {
  'write-throughput': { run: writeThroughput, sizes: { meaning: 'objects to update', defaults: [1_000, 10_000] }, runs: 3 },
  'no-change-reconcile': { run: noChangeReconcile, sizes: { meaning: 'in-scope mailboxes', defaults: [10_000, 100_000] }, runs: 3, baseline: true },
  latency: { run: latency, sizes: { meaning: 'service intervals in seconds', defaults: [120, 15] }, runs: 1 },
  scale: { run: scale, sizes: { meaning: 'tenant mailboxes (a tenth in AD)', defaults: [10_000, 100_000, 1_000_000] }, runs: 1, baseline: true },
};

function existingFile(value: string): string {
  const path = resolve(value);
  if (!existsSync(path)) throw new InvalidArgumentError(`no file ${path}`);
  return path;
}

function positiveIntegers(value: string): number[] {
  const list = value.split(',').map((v) => Number(v.trim().replace(/_/g, '')));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('a comma-separated list of whole numbers ≥ 1');
  return list;
}

const program = new Command()
  .name('bench')
  .description(Object.entries(SCENARIOS).map(([name, s]) => `${name}: sizes = ${s.sizes.meaning} (default ${s.sizes.defaults.join(', ')})`).join('\n'))
  .argument('<scenario>', Object.keys(SCENARIOS).join(' | '))
  .option('--sizes <list>', 'override the sizes, e.g. 1000,10000', positiveIntegers)
  .option('--runs <n>', 'repetitions of each measurement', (v) => positiveIntegers(v)[0]!)
  .option('--baseline <launcher>', "another build's bin/exo-writeback.js, run in turns with this one (no-change-reconcile, scale)", existingFile)
  .action(async (name: string, options: { sizes?: number[]; runs?: number; baseline?: string }) => {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new InvalidArgumentError(`unknown scenario '${name}'; one of ${Object.keys(SCENARIOS).join(', ')}`);
    const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
    if (options.baseline && !scenario.baseline) throw new InvalidArgumentError(`${name} does not compare with a baseline; no-change-reconcile and scale do`);
    const result = await scenario.run({ sizes: options.sizes ?? scenario.sizes.defaults, runs: options.runs ?? scenario.runs, log, ...(options.baseline ? { baseline: options.baseline } : {}) });
    process.stdout.write(`${formatTable(result)}\n`);
    process.stdout.write(`result: ${await writeResult(result)}\n`);
  });

await program.parseAsync(process.argv);
