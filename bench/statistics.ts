/** Small statistics for repeated measurements. */

/** The q-quantile (0–1) of `values` by nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median, and the spread of the runs as (max − min) / median, for "reproduces within noise". */
export function summarise(values: readonly number[]): { median: number; min: number; max: number; spread: number; runs: number } {
  const median = quantile(values, 0.5);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median, min, max, spread: median > 0 ? (max - min) / median : 0, runs: values.length };
}
