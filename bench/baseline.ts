/**
 * This build against another one (`--baseline`), run in turns on the same lab: the lab's speed
 * varies from session to session by up to a third, so only figures measured side by side compare.
 */
import { cliLauncher } from '../lab/package-root.js';
import type { ResultRow } from './report.js';
import { summarise } from './statistics.js';

/**
 * Measures this build and, when `baseline` is given, the baseline too, the one after the other;
 * which goes first alternates from run to run, so neither always finds the lab warmer.
 */
export async function inTurns<T>(run: number, baseline: string | undefined, measure: (launcher: string, which: 'current' | 'baseline') => Promise<T>): Promise<{ current: T; baseline: T | null }> {
  if (!baseline) return { current: await measure(cliLauncher(), 'current'), baseline: null };
  if (run % 2 === 1) {
    const current = await measure(cliLauncher(), 'current');
    return { current, baseline: await measure(baseline, 'baseline') };
  }
  const other = await measure(baseline, 'baseline');
  return { current: await measure(cliLauncher(), 'current'), baseline: other };
}

/** The row comparing this build's figures with the baseline's (medians; no target). */
export function baselineRow(caseName: string, current: readonly number[], baseline: readonly number[], unit: 's' | 'MiB', baselinePath: string): ResultRow {
  const scale = unit === 's' ? 1000 : 1;
  const c = summarise(current);
  const b = summarise(baseline);
  const show = (values: readonly number[]) => values.map((v) => (v / scale).toFixed(unit === 's' ? 2 : 0)).join(', ');
  return {
    case: `${caseName}, against the baseline`,
    engine: c.median / scale, reference: b.median / scale, ratio: c.median / b.median, unit, target: 'side by side', met: null,
    notes: `this build ${show(current)} ${unit}; baseline ${show(baseline)} ${unit} (${baselinePath}); in turns, medians compared`,
  };
}
