/** Prints a scenario's result as a table and writes it as JSON under bench/results/. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../lab/package-root.js';

/** One line of a result: the engine's figure, the reference measured in the same run, their ratio. */
export interface ResultRow {
  case: string;
  engine: number;
  reference: number;
  /** engine / reference. */
  ratio: number;
  unit: string;
  target: string;
  /** Null for a comparison without a target (the current engine against a baseline build). */
  met: boolean | null;
  notes?: string;
}

/** A whole scenario run. */
export interface ScenarioResult {
  scenario: string;
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  rows: ResultRow[];
  details: Record<string, unknown>;
}

/** The machine a result was measured on. */
export function machine(): ScenarioResult['machine'] {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** The table people read. */
export function formatTable(result: ScenarioResult): string {
  const header = ['case', 'engine', 'reference', 'ratio', 'target', 'met'];
  const rows = result.rows.map((r) => [r.case, `${r.engine.toFixed(r.unit === 's' ? 2 : 0)} ${r.unit}`, `${r.reference.toFixed(r.unit === 's' ? 2 : 0)} ${r.unit}`, r.ratio.toFixed(2), r.target, r.met === null ? '—' : r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [`${result.scenario} — ${result.startedAt} — ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...result.rows.filter((r) => r.notes).map((r) => `  ${r.case}: ${r.notes}`)].join('\n');
}

/** Writes the JSON next to the others; returns its path. */
export async function writeResult(result: ScenarioResult): Promise<string> {
  const dir = join(packageRoot(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${result.scenario}-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
