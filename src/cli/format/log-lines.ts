/**
 * Human-readable service logs for a terminal: the same pino JSON lines, shown as
 * `07:20:11 INFO  cycle finished  kind=incremental updated=1 …`.
 */
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/** A stream that turns pino JSON lines into text lines on `out`. */
export function textLogStream(out: NodeJS.WritableStream = process.stdout): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          out.write(`${formatLogLine(JSON.parse(line) as Record<string, unknown>)}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

/** One log object as a line of text. */
export function formatLogLine(entry: Record<string, unknown>): string {
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
  const level = LEVELS[entry.level as number] ?? String(entry.level);
  const fields = Object.entries(entry)
    .filter(([key, value]) => !SKIP.has(key) && value !== null && value !== undefined && !(typeof value === 'object' && Object.keys(value).length === 0))
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean)}`);
  return `${time} ${level} ${typeof entry.msg === 'string' ? entry.msg : ''}${fields.length ? `  ${fields.join(' ')}` : ''}`;
}
