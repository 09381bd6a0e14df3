import { describe, expect, it } from 'vitest';
import { cpuFloor } from './cpu-floor.js';

describe('cpuFloor', () => {
  it('spreads all CPU seconds evenly over the cores', () => {
    expect(cpuFloor({ engine: 3.2, dc: 2.2, emulator: 0.6 }, 2)).toBeCloseTo(3, 10);
    expect(cpuFloor({ engine: 4 }, 4)).toBe(1);
    expect(cpuFloor({}, 2)).toBe(0);
  });

  it('needs a whole, positive number of cores', () => {
    expect(() => cpuFloor({ engine: 4 }, 0)).toThrow(RangeError);
    expect(() => cpuFloor({ engine: 4 }, 1.5)).toThrow(RangeError);
  });
});
