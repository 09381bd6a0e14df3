import { describe, expect, it } from 'vitest';
import { cpuFloor } from './cpu-floor.js';

describe('cpuFloor', () => {
  it('spreads all CPU seconds over the cores when no serial part is longer', () => {
    expect(cpuFloor({ parts: { engine: 3.2, dc: 2.2, emulator: 0.6 }, serial: ['dc'], cores: 2 })).toEqual({ seconds: 3, boundBy: 'all cores busy' });
  });

  it('is the longest serial part when that part alone outlasts the spread', () => {
    expect(cpuFloor({ parts: { engine: 1, dc: 5, emulator: 0.4 }, serial: ['dc'], cores: 2 })).toEqual({ seconds: 5, boundBy: 'dc' });
  });

  it('counts a missing serial part as zero and needs whole cores', () => {
    expect(cpuFloor({ parts: { engine: 4 }, serial: ['dc'], cores: 4 }).seconds).toBe(1);
    expect(() => cpuFloor({ parts: { engine: 4 }, serial: [], cores: 0 })).toThrow(RangeError);
    expect(() => cpuFloor({ parts: { engine: 4 }, serial: [], cores: 1.5 })).toThrow(RangeError);
  });
});
