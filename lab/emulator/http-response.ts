/**
 * The tiny HTTP toolkit the emulator's handlers share: a response value type (handlers return
 * data, the server writes it), body reading with a size cap, and id/time helpers for the
 * diagnostic fields Microsoft puts in every response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a handler returns; the server writes it verbatim. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A JSON response. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

/** Thrown by {@link readBody} when a request body exceeds the cap. */
export class BodyTooLargeError extends Error {}

/** Reads a request body (at most `limit` bytes). */
export async function readBody(request: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError(`request body over ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A new request/trace id (GUID). */
export function newRequestId(): string {
  return randomUUID();
}

/** `2026-08-01 14:00:00Z`: the timestamp format of Entra's error bodies. */
export function aadTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-08-01T14:00:00` (no zone): the `date` format of Graph's `innerError`. */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');
}

/** Reads one header as a single string (first value when repeated). */
export function header(request: { headers: IncomingMessage['headers'] }, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
