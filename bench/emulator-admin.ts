/** The emulator's control API (`/_emulator/…`), for setting up a scenario's cloud changes. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { LabFacts } from '../lab/lab-facts.js';

/** One control-API call; resolves with the status and parsed body, rejects on a non-2xx answer. */
export function emulatorAdmin(facts: LabFacts, method: string, path: string, body?: unknown): Promise<unknown> {
  const ca = readFileSync(facts.tenant.caFile, 'utf8');
  return new Promise((resolve, reject) => {
    // A connection of its own: Node's global agent keeps sockets alive, and one the emulator closed
    // while the lab came up (idle > 5 s) would fail this call with "socket hang up".
    const req = request({ host: '127.0.0.1', port: facts.tenant.emulatorPort, path: `/_emulator${path}`, method, ca, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolve(text ? (JSON.parse(text) as unknown) : null);
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
