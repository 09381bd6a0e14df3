/**
 * The one place the cloud clients touch the network: HTTPS (or HTTP for a local emulator)
 * with keep-alive and an optional extra CA bundle. Certificate verification is always on.
 */
import http from 'node:http';
import https from 'node:https';
import { CloudUnreachableError } from './cloud-errors.js';
import { secureContextTrusting } from '../tls/secure-context.js';

/** An HTTP request as the cloud clients build it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fully read HTTP response. Header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Port: sends one request and reads the whole response. */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /**
   * Extra trusted CA certificates (PEM). Added to Node's default trust store, never replacing
   * verification. Used for the lab emulator or a TLS-inspecting proxy's CA.
   */
  ca?: string | undefined;
  /** Per-request timeout. Default 100 s (Exchange Online's own gateway timeout is about 100 s). */
  timeoutMs?: number;
  /** Sockets kept per host; bounds concurrency towards one service. */
  maxSockets?: number;
  /** A kept-alive socket idle this long is closed. Default {@link IDLE_SOCKET_MS}. */
  idleSocketMs?: number;
}

/** How long a kept-alive socket may stay idle: under the 5 s after which Node servers close theirs. */
export const IDLE_SOCKET_MS = 4_000;

/** Creates the node:http(s) transport with keep-alive agents. */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const maxSockets = options.maxSockets ?? 8;
  // One TLS context for every connection: given `ca` instead, Node parses the whole CA list
  // (the bundled roots too) again for each new socket.
  const ca = options.ca ? { secureContext: secureContextTrusting(options.ca) } : {};
  // Idle sockets are closed before a server would close them (Node's own servers do after 5 s):
  // a full cycle leaves the cloud idle while it reads AD, and a socket closed under a request fails it.
  const idle = { timeout: options.idleSocketMs ?? IDLE_SOCKET_MS };
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets, ...idle, ...ca });
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets, ...idle });
  // The one resend after a dropped kept-alive socket goes on a new connection, never another idle one.
  const freshHttpsAgent = new https.Agent({ keepAlive: false, ...ca });
  const freshHttpAgent = new http.Agent({ keepAlive: false });
  const timeoutMs = options.timeoutMs ?? 100_000;

  return {
    send(request) {
      const url = new URL(request.url);
      const isHttps = url.protocol === 'https:';
      const lib = isHttps ? https : http;
      const attempt = (mayRetryStaleSocket: boolean): Promise<HttpResponse> => new Promise<HttpResponse>((resolve, reject) => {
        const agent = mayRetryStaleSocket ? (isHttps ? httpsAgent : httpAgent) : (isHttps ? freshHttpsAgent : freshHttpAgent);
        const req = lib.request(
          url,
          {
            method: request.method,
            headers: {
              ...request.headers,
              ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
            },
            agent,
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', (error) => reject(unreachable(url, error)));
            res.on('end', () => {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(res.headers)) {
                if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
              }
              resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
        req.on('error', (error) => {
          // A kept-alive socket the server closed while idle fails with ECONNRESET/EPIPE (often when
          // the event loop was busy and missed the close). Every call the engine makes to the cloud
          // is a read, so sending it again, once, on a fresh socket is safe.
          const code = (error as NodeJS.ErrnoException).code;
          if (mayRetryStaleSocket && (code === 'ECONNRESET' || code === 'EPIPE')) resolve(attempt(false));
          else reject(unreachable(url, error));
        });
        req.end(request.body);
      });
      return attempt(true);
    },
    close() {
      for (const agent of [httpsAgent, httpAgent, freshHttpsAgent, freshHttpAgent]) agent.destroy();
    },
  };
}

function unreachable(url: URL, error: Error): CloudUnreachableError {
  const code = (error as NodeJS.ErrnoException).code;
  return new CloudUnreachableError(`${url.origin} could not be reached: ${code ? `${code} ` : ''}${error.message}`, {
    cause: error,
  });
}
