import type { ServerResponse } from 'node:http';
import type { FaultKind } from './faults.js';
import { SandboxHttpError } from './http-error.js';

/** Writes a JSON answer (no body for 204 or undefined) unless the client has already gone. */
export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function tooMany(message: string, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(429, 'TOO_MANY_REQUESTS', message, {}, headers);
}

/**
 * The answer an injected fault gives. The 503 is an HTML page, as a load balancer in front of Zoho
 * answers: the client's error parsing must not assume JSON.
 */
export function writeFault(res: ServerResponse, kind: Exclude<FaultKind, 'none' | 'reset'>): number {
  const injected = '(injected fault)';
  if (kind === '503') {
    const html = '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n';
    if (!res.destroyed && !res.headersSent) {
      res.writeHead(503, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(html)) }).end(html);
    }
    return 503;
  }
  const err =
    kind === '500'
      ? new SandboxHttpError(500, 'INTERNAL_ERROR', `Internal Server Error ${injected}`)
      : tooMany(`too many requests ${injected}`, kind === '429-retry-after' ? { 'retry-after': '1' } : {});
  writeJson(res, err.status, err.body(), err.headers);
  return err.status;
}
