/**
 * Structured JSON logs (pino) for the service. Secret-looking fields are redacted wherever they
 * appear, as a second line of defence: the code never logs a secret on purpose.
 */
import { pino, type Logger } from 'pino';

/** Field paths censored in every log line. */
export const REDACTED_PATHS = [
  'password', '*.password', 'secret', '*.secret', 'clientSecret', '*.clientSecret', 'token', '*.token',
  'accessToken', '*.accessToken', 'authorization', '*.authorization', 'privateKeyPem', '*.privateKeyPem', '*.*.password',
];

/** A logger writing JSON lines to `destination` (stdout by default). */
export function createServiceLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? process.env.EXOWB_LOG_LEVEL ?? 'info', base: { service: 'exo-writeback' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}
