import { describe, expect, it } from 'vitest';
import { cliLauncher } from '../lab/package-root.js';
import { baselineRow, inTurns } from './baseline.js';
import { formatTable } from './report.js';

describe('bench baseline', () => {
  it('runs this build alone without a baseline, and in alternating order with one', async () => {
    const order: string[] = [];
    const measure = (launcher: string, which: string) => {
      order.push(`${which}:${launcher === cliLauncher() ? 'this' : launcher}`);
      return Promise.resolve(which);
    };
    expect(await inTurns(1, undefined, measure)).toEqual({ current: 'current', baseline: null });
    expect(await inTurns(1, '/old/bin/exo-writeback.js', measure)).toEqual({ current: 'current', baseline: 'baseline' });
    expect(await inTurns(2, '/old/bin/exo-writeback.js', measure)).toEqual({ current: 'current', baseline: 'baseline' });
    expect(order).toEqual(['current:this', 'current:this', 'baseline:/old/bin/exo-writeback.js', 'baseline:/old/bin/exo-writeback.js', 'current:this']);
  });

  it('compares medians, shows every run, and has no target to meet', () => {
    const row = baselineRow('10045 in scope', [7000, 9000, 8000], [10_000, 12_000, 11_000], 's', '/old/bin/exo-writeback.js');
    expect(row).toMatchObject({ engine: 8, reference: 11, met: null, target: 'side by side' });
    expect(row.ratio).toBeCloseTo(8 / 11);
    expect(row.notes).toContain('this build 7.00, 9.00, 8.00 s; baseline 10.00, 12.00, 11.00 s');
    const table = formatTable({ scenario: 'x', startedAt: 't', machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 1, node: 'v20' }, rows: [row], details: {} });
    expect(table.split('\n')[3]).toMatch(/side by side\s+—\s*$/);
  });
});
