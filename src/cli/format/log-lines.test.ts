import { describe, expect, it } from 'vitest';
import { formatLogLine } from './log-lines.js';

describe('formatLogLine', () => {
  it('shows time, level, message and the interesting fields', () => {
    const line = formatLogLine({ level: 30, time: Date.parse('2026-11-24T07:20:11Z'), service: 'exo-writeback', msg: 'cycle finished', kind: 'incremental', updated: 1, skipped: {}, failed: { AccessDenied: 2 } });
    expect(line).toBe('07:20:11 INFO  cycle finished  kind=incremental updated=1 failed={"AccessDenied":2}');
  });

  it('marks warnings and keeps a line without fields short', () => {
    expect(formatLogLine({ level: 40, time: 0, msg: 'quarantined' })).toBe('00:00:00 WARN  quarantined');
  });
});
