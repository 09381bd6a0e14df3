/**
 * Runs the real service (WritebackEngine.runService) in-process against the test lab, on a
 * private configuration: its own state file, the 15 s interval, and optional thresholds.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { inject } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { WritebackEngine } from '../../src/engine/writeback-engine.js';
import { serveConsole } from '../../src/http/serve-console.js';

/** A service running in this process, and an engine on the same state file for commands. */
export interface RunningService {
  engine: WritebackEngine;
  configFile: string;
  /** Where the console, its API, /healthz and /metrics listen. */
  consoleUrl: string;
  logLines: string[];
  stop(): Promise<void>;
  /** Asks the service for a cycle now (a `resume` control wakes its loop). */
  nudge(): Promise<void>;
}

/** Writes a service configuration for the lab into a fresh folder. */
export async function serviceConfig(extra: { maxObjectsUpdated?: number; maxValuesRemoved?: number; httpPort?: number; edit?: (config: Record<string, unknown>) => void } = {}): Promise<string> {
  const facts = inject('lab');
  const dir = await mkdtemp(join(facts.dir, 'service-'));
  const config = parse(await readFile(facts.engineConfigFile, 'utf8')) as Record<string, unknown>;
  config.service = {
    intervalSeconds: 15,
    overlapSeconds: 60,
    stateFile: join(dir, 'state.db'),
    massChange: { maxObjectsUpdated: extra.maxObjectsUpdated ?? 500, maxValuesRemoved: extra.maxValuesRemoved ?? 1000 },
    http: { host: '127.0.0.1', port: extra.httpPort ?? 0 },
  };
  config.log = { file: join(dir, 'provisioning-log.jsonl') };
  extra.edit?.(config);
  const file = join(dir, 'exo-writeback.yaml');
  await writeFile(file, stringify(config), { mode: 0o600 });
  return file;
}

/** Starts the service on `configFile` (a new one when absent). */
export async function startService(configFile?: string): Promise<RunningService> {
  const file = configFile ?? (await serviceConfig());
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write(chunk: Buffer, _e, done) { logLines.push(chunk.toString()); done(); } }));
  const serviceEngine = WritebackEngine.open(await loadConfig(file));
  const controller = new AbortController();
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const running = serviceEngine.runService({ logger, signal: controller.signal, frontEnd: serveConsole(serviceEngine), onListening: listening });
  // The console listens before the first cycle; a service that fails to start rejects here instead.
  const consoleUrl = await Promise.race([url, running.then(() => { throw new Error('the service ended before it listened'); })]);
  const engine = WritebackEngine.open(await loadConfig(file));
  return {
    engine,
    configFile: file,
    consoleUrl,
    logLines,
    nudge: () => engine.requestControl('resume'),
    async stop() {
      controller.abort();
      await running;
      await serviceEngine.close();
      await engine.close();
    },
  };
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
