import http from 'node:http';
import https from 'node:https';
import type { HttpAnswer } from './zoho-error.js';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborting it drops the exchange at once; the promise rejects with the signal's reason. */
  signal: AbortSignal;
  /** The answer's body is read up to this many bytes; past that, tooLarge(status) is thrown and the connection dropped. */
  maxBytes: number;
  tooLarge: (status: number) => Error;
}

/**
 * One HTTP exchange. Never follows a redirect: a 3xx comes back with its body unread (''). Rejects
 * with the socket's, TLS's or HTTP parser's own error (errorFromNetworkFailure reads their codes).
 */
export type HttpTransport = (req: HttpRequest) => Promise<HttpAnswer>;

/**
 * zpi's transport, on node:http and node:https with keep-alive connections (TLS verification always
 * on). Not fetch: it needs nothing fetch adds (redirects, decompression, streams) and fetch's first
 * call costs a short-lived command a fifth of its CPU.
 */
export function createHttpTransport(): HttpTransport {
  // An idle connection is dropped after IDLE_MS (and sooner when the server's Keep-Alive says so):
  // one kept until the server closes it fails the next request sent on it.
  const agents: Record<string, http.Agent> = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
  };
  return (req) => exchange(req, agents);
}

/** How long an idle kept-alive connection is kept (undici's default). */
const IDLE_MS = 4_000;

function exchange(req: HttpRequest, agents: Record<string, http.Agent>): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const { signal } = req;
    if (signal.aborted) {
      reject(signal.reason as unknown);
      return;
    }
    const url = new URL(req.url);
    const agent = agents[url.protocol];
    if (!agent) {
      reject(Object.assign(new TypeError(`unsupported protocol ${url.protocol}`), { code: 'ERR_INVALID_PROTOCOL' }));
      return;
    }
    // A Buffer, not a string: Node writes the header block in a string body's encoding, and header
    // values go out as latin1 whatever the body (as fetch sends them).
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const headers = body === undefined ? req.headers : { ...req.headers, 'Content-Length': String(body.byteLength) };
    let request: http.ClientRequest;
    try {
      request = (url.protocol === 'https:' ? https : http).request(url, { method: req.method, headers, agent });
    } catch (err) {
      // An invalid header value or method: thrown before anything is sent.
      reject(err);
      return;
    }
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (err: unknown): void => {
      if (!settle()) return;
      request.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let answered = false;
    // A request sent on a kept-alive connection the server had just closed fails as a reset, like any
    // other: the client's retry policy decides (one place that retries, counts and says so).
    request.on('error', fail);
    // Closed with neither an answer nor an error (a 101, say): fail now, not at the call's timeout.
    request.on('close', () => {
      if (!answered) fail(Object.assign(new Error('the connection closed before an answer'), { code: 'ECONNRESET' }));
    });
    request.on('response', (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      const answerHeaders = {
        get(name: string): string | null {
          const v = res.headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        },
      };
      if (status >= 300 && status < 400) {
        if (settle()) resolve({ status, headers: answerHeaders, body: '' });
        request.destroy();
        return;
      }
      if (Number(res.headers['content-length']) > req.maxBytes) {
        fail(req.tooLarge(status));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > req.maxBytes) fail(req.tooLarge(status));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('close', () => {
        // The connection closed before the body was complete: a reset, as fetch reports it.
        if (!res.complete) fail(Object.assign(new Error('the answer broke off'), { code: 'ECONNRESET' }));
      });
      res.on('end', () => {
        // TextDecoder drops a BOM as fetch's text() does.
        if (settle()) resolve({ status, headers: answerHeaders, body: new TextDecoder().decode(Buffer.concat(chunks, size)) });
      });
    });
    request.end(body);
  });
}
