import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/model/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../../src/provider/zoho-client.js';
import { limitsFromEnv } from '../../../src/provider/zoho-provider.js';
import { count, fakeZoho, pathOf, provider, rejection } from './fake-zoho.js';

/**
 * Bounded answers: a body is read with a byte cap (32 MiB by default), refused before reading when
 * Content-Length announces more, the stream cancelled as soon as more arrives; not retried.
 */

const MiB = 2 ** 20;
const HUGE = 300 * MiB;

/**
 * Streams `total` bytes of a never-ending JSON string, made on demand (one reused 64 KiB chunk, written
 * only when the socket drains), and stops as soon as the client goes away. Returns the bytes written.
 */
function streamLazily(res: ServerResponse, total: number, announce: boolean): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  res.writeHead(200, { 'content-type': 'application/json', ...(announce ? { 'content-length': String(total) } : {}) });
  return new Promise((resolve) => {
    let written = 0;
    let gone = false;
    res.on('close', () => {
      gone = true;
      resolve(written);
    });
    const pump = (): void => {
      while (!gone && written < total) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!gone) res.end();
    };
    res.write('{"users":"');
    pump();
  });
}

describe('answers are read up to a cap', () => {
  it('a 300 MB answer streamed lazily: one clear error, one request, memory far below 300 MB', async () => {
    let written: Promise<number> | undefined;
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) !== '/crm/v8/users' || !req.url.includes('AllUsers')) return false;
      written = streamLazily(res, HUGE, false);
      return true;
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const err = await rejection(provider(zoho, { retry: { retries: 5, minTimeoutMs: 1, maxTimeoutMs: 1, randomize: false } }).read());
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(err).toMatchObject({ code: 'ANSWER_TOO_LARGE', retryable: false });
    expect(err.message).toBe('GET /crm/v8/users answered more than 32 MiB; zpi stops reading there (ZPI_MAX_RESPONSE_BYTES)');
    expect(zoho.seen.filter((r) => r.url.includes('AllUsers'))).toHaveLength(1);
    // The client hung up soon after the cap: the server did not get to write anything like 300 MB.
    expect(await written).toBeLessThan(DEFAULT_MAX_RESPONSE_BYTES + 16 * MiB);
    const growth = peak - rssBefore;
    console.log(`hostile-remote: peak RSS growth on a 300 MB answer: ${(growth / MiB).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(100 * MiB);
  });

  it('an announced Content-Length over the cap is refused before reading the body', async () => {
    let written: Promise<number> | undefined;
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) !== '/crm/v8/org') return false;
      written = streamLazily(res, HUGE, true);
      return true;
    });
    const err = await rejection(provider(zoho).read());
    expect(err.message).toBe('GET /crm/v8/org answered more than 32 MiB; zpi stops reading there (ZPI_MAX_RESPONSE_BYTES)');
    expect(count(zoho, '/crm/v8/org')).toBe(1);
    // Only what fits in socket buffers before the client hung up, not the 300 MB announced.
    expect(await written).toBeLessThan(16 * MiB);
  });

  it('the cap is an option: exactly the cap is read, one byte more is not; the token call is capped too', async () => {
    const body = (n: number) => JSON.stringify({ links: { Accounts: 1, Contacts: 2, Deals: 3 }, pad: 'x'.repeat(n) });
    const exact = 1024 - body(0).length;
    let pad = exact;
    let tokenPad = 0;
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) === '/oauth/v2/token' && tokenPad > 0) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 't', pad: 'x'.repeat(tokenPad) }));
        return true;
      }
      if (!pathOf(req).endsWith('/links/count')) return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      // Two writes and no Content-Length: the cap is met while streaming, not from a header.
      const text = body(pad);
      res.write(text.slice(0, 10));
      res.end(text.slice(10));
      return true;
    });
    const p = provider(zoho, { maxResponseBytes: 1024 });
    await expect(p.readLinks()).resolves.toEqual({ Accounts: 1, Contacts: 2, Deals: 3 });
    pad = exact + 1;
    expect((await rejection(p.readLinks())).message).toBe(
      'GET /crm/v8/settings/integrations/zoho_projects/links/count answered more than 1 KiB; zpi stops reading there (ZPI_MAX_RESPONSE_BYTES)',
    );
    tokenPad = 2000;
    const fresh = provider(zoho, { maxResponseBytes: 1024 });
    expect((await rejection(fresh.readLinks())).message).toBe('POST /oauth/v2/token answered more than 1 KiB; zpi stops reading there (ZPI_MAX_RESPONSE_BYTES)');
    expect(count(zoho, '/oauth/v2/token')).toBe(2);
  });

  it('ZPI_MAX_RESPONSE_BYTES takes bytes or binary units; anything else is a clear error', () => {
    expect(limitsFromEnv({ ZPI_MAX_RESPONSE_BYTES: '1048576' })).toEqual({ maxResponseBytes: MiB });
    expect(limitsFromEnv({ ZPI_MAX_RESPONSE_BYTES: '64MiB' })).toEqual({ maxResponseBytes: 64 * MiB });
    expect(limitsFromEnv({ ZPI_MAX_RESPONSE_BYTES: '512k' })).toEqual({ maxResponseBytes: 512 * 1024 });
    expect(limitsFromEnv({ ZPI_MAX_RESPONSE_BYTES: '' })).toEqual({});
    expect(() => limitsFromEnv({ ZPI_MAX_RESPONSE_BYTES: 'lots' })).toThrow(UserError);
    expect(() => limitsFromEnv({ ZPI_MAX_RESPONSE_BYTES: '0' })).toThrow('ZPI_MAX_RESPONSE_BYTES="0": expected a size such as 33554432, 64MiB or 512k');
  });
});
