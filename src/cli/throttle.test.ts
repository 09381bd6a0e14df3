import { describe, expect, it } from 'vitest';
import { throttle } from './throttle.js';

describe('throttle', () => {
  it('passes the first call and then at most one per interval', () => {
    let clock = 1_000;
    const seen: number[] = [];
    const report = throttle((n: number) => seen.push(n), 100, () => clock);
    report(1);
    clock += 50;
    report(2);
    clock += 49;
    report(3);
    clock += 1;
    report(4);
    clock += 250;
    report(5);
    report(6);
    expect(seen).toEqual([1, 4, 5]);
  });
});
