import { describe, expect, it } from 'vitest';
import { quantile, summarise } from './statistics.js';

describe('bench statistics', () => {
  it('takes quantiles by nearest rank, whatever the input order', () => {
    const values = [9, 1, 5, 3, 7, 2, 8, 4, 10, 6];
    expect(quantile(values, 0.5)).toBe(5);
    expect(quantile(values, 0.95)).toBe(10);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('summarises runs with their spread relative to the median', () => {
    expect(summarise([10, 12, 11])).toEqual({ median: 11, min: 10, max: 12, spread: 2 / 11, runs: 3 });
  });
});
