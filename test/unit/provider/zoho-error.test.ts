import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../../src/model/errors.js';
import { Redactor } from '../../../src/model/redactor.js';
import {
  errorFromNetworkFailure,
  errorFromResponse,
  oauthError,
  parseItemResults,
  parseRetryAfter,
  throwIfItemFailed,
  type HttpAnswer,
} from '../../../src/provider/zoho-error.js';
import { startTestServer, type TestServer } from './http-test-server.js';
import { createHttpTransport } from '../../../src/provider/http-transport.js';

const ctx = { method: 'GET', where: '/crm/v8/users' };
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers: new Headers(headers),
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('errorFromResponse', () => {
  it('parses Zoho CRM error JSON', () => {
    const e = errorFromResponse(answer(403, { code: 'NO_PERMISSION', details: {}, message: 'permission denied', status: 'error' }), ctx);
    expect(e).toBeInstanceOf(ZohoApiError);
    expect(e).toMatchObject({ status: 403, code: 'NO_PERMISSION', retryable: false, retryAfterMs: undefined });
    expect(e.message).toBe('GET /crm/v8/users → 403 NO_PERMISSION: permission denied');
  });

  it('keeps details: they say which item was at fault', () => {
    const e = errorFromResponse(answer(400, { code: 'INVALID_DATA', details: { id: '207' }, message: 'user is inactive', status: 'error' }), ctx);
    expect(e.message).toBe('GET /crm/v8/users → 400 INVALID_DATA: user is inactive (details: {"id":"207"})');
  });

  it('reads an error wrapped in data[] and a Projects-style {error:{code,message}}', () => {
    expect(errorFromResponse(answer(400, { data: [{ code: 'INVALID_ZSC_KEY', message: 'bad key', status: 'error' }] }), ctx).code).toBe('INVALID_ZSC_KEY');
    const p = errorFromResponse(answer(400, { error: { code: 6504, message: 'Invalid portal' } }), ctx);
    expect(p).toMatchObject({ code: '6504', message: 'GET /crm/v8/users → 400 6504: Invalid portal' });
  });

  it.each([
    [400, 'INVALID_DATA', false],
    [400, 'MANDATORY_NOT_FOUND', false],
    [401, 'INVALID_TOKEN', false],
    [401, 'OAUTH_SCOPE_MISMATCH', false],
    [401, 'AUTHENTICATION_FAILURE', false],
    [403, 'NO_PERMISSION', false],
    [404, 'INVALID_URL_PATTERN', false],
    [429, 'TOO_MANY_REQUESTS', true],
    [500, 'INTERNAL_ERROR', true],
    [503, 'INTERNAL_ERROR', true],
  ])('HTTP %i %s → retryable %s', (status, code, retryable) => {
    const e = errorFromResponse(answer(status, { code, details: {}, message: 'x', status: 'error' }), ctx);
    expect(e).toMatchObject({ status, code, retryable });
  });

  it('does not retry 501: an unknown route stays unknown', () => {
    expect(errorFromResponse(answer(501, { code: 'NOT_IMPLEMENTED', message: 'no route' }), ctx).retryable).toBe(false);
  });

  it('turns Retry-After seconds into ms on 429 and 503', () => {
    expect(errorFromResponse(answer(429, { code: 'TOO_MANY_REQUESTS' }, { 'retry-after': '3' }), ctx).retryAfterMs).toBe(3000);
    expect(errorFromResponse(answer(503, '', { 'retry-after': '1' }), ctx).retryAfterMs).toBe(1000);
    expect(errorFromResponse(answer(429, { code: 'TOO_MANY_REQUESTS' }), ctx).retryAfterMs).toBeUndefined();
  });

  it('turns a Retry-After HTTP-date into ms', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const e = errorFromResponse(answer(429, '', { 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), { ...ctx, now });
    expect(e.retryAfterMs).toBe(5000);
  });

  it('names the code of a bare 429 and of a non-JSON 502', () => {
    expect(errorFromResponse(answer(429, ''), ctx)).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryable: true });
    const e = errorFromResponse(answer(502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'), ctx);
    expect(e).toMatchObject({ status: 502, code: 'HTTP_502', retryable: true });
    expect(e.message).toBe('GET /crm/v8/users → 502 HTTP_502: non-JSON answer: 502 Bad Gateway');
  });

  it('says "empty answer" for an empty non-2xx body and keeps plain text to one bounded line', () => {
    expect(errorFromResponse(answer(404, ''), ctx).message).toBe('GET /crm/v8/users → 404 HTTP_404: empty answer');
    const e = errorFromResponse(answer(500, `line one\nline two ${'x'.repeat(500)}`), ctx);
    expect(e.message).not.toContain('\n');
    expect(e.message.length).toBeLessThanOrEqual(300);
  });

  it('masks secrets the server echoes back', () => {
    const r = new Redactor();
    r.add('zsc-7001-secret');
    const e = errorFromResponse(
      answer(400, { code: 'INVALID_ZSC_KEY', details: { zsc_key: 'zsc-7001-secret' }, message: 'bad key zsc-7001-secret' }),
      { ...ctx, redact: (t) => r.redact(t) },
    );
    expect(e.message).not.toContain('zsc-7001-secret');
    expect(e.message).toContain('***');
  });
});

describe('OAuth errors', () => {
  it('explains invalid_code clearly', () => {
    const e = errorFromResponse(answer(400, { error: 'invalid_code' }), { method: 'POST', where: '/oauth/v2/token' });
    expect(e).toMatchObject({ status: 400, code: 'invalid_code', retryable: false });
    expect(e.message).toBe('OAuth refresh failed: invalid client id, secret or refresh token (invalid_code)');
  });

  it('treats {error} inside an HTTP 200 as an authentication failure', () => {
    expect(oauthError(200, { error: 'invalid_client' }, ctx)).toMatchObject({ status: 401, code: 'invalid_client', retryable: false });
    expect(oauthError(200, { access_token: 'x' }, ctx)).toBeUndefined();
  });

  it('uses the description of an unknown OAuth error', () => {
    const e = oauthError(400, { error: 'Access Denied', error_description: 'You have made too many requests continuously' }, ctx);
    expect(e?.message).toBe('OAuth refresh failed: You have made too many requests continuously (Access Denied)');
  });
});

describe('parseRetryAfter', () => {
  it('handles seconds, fractions, dates in the past and garbage', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', 1000)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
  });
});

describe('parseItemResults', () => {
  const wctx = { method: 'PUT', where: '/crm/v8/settings/integrations/zoho_projects/users' };

  it('maps each item to the id sent at its position', () => {
    const body = {
      data: [
        { code: 'SUCCESS', details: { id: '1' }, message: 'granted', status: 'success' },
        { code: 'INVALID_DATA', details: { id: '2' }, message: 'user is inactive', status: 'error' },
      ],
    };
    expect(parseItemResults(body, ['1', '2'], wctx)).toEqual([
      { id: '1', ok: true, code: 'SUCCESS', message: 'granted' },
      { id: '2', ok: false, code: 'INVALID_DATA', message: 'user is inactive (details: {"id":"2"})' },
    ]);
  });

  it('refuses an answer that does not account for every item', () => {
    expect(() => parseItemResults({ data: [] }, ['1'], wctx)).toThrow(/0 results for 1 items/);
    expect(() => parseItemResults({ users: [] }, ['1'], wctx)).toThrow(/no data array/);
    expect(() => parseItemResults(undefined, ['1'], wctx)).toThrowError(ZohoApiError);
  });

  it('throwIfItemFailed turns a failed single item into a ZohoApiError', () => {
    expect(() => throwIfItemFailed({ id: 'p', ok: false, code: 'PORTAL_ALREADY_ASSOCIATED', message: 'another portal' }, wctx)).toThrow(
      expect.objectContaining({ code: 'PORTAL_ALREADY_ASSOCIATED', retryable: false }),
    );
    expect(() => throwIfItemFailed({ id: 'p', ok: true, code: 'SUCCESS', message: 'ok' }, wctx)).not.toThrow();
  });
});

describe('property: messages are one line and never carry a registered secret', () => {
  it('holds for arbitrary bodies echoing the secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 40 }).filter((s) => s.trim().length >= 8 && !/\s/.test(s)), fc.string(), fc.integer({ min: 400, max: 599 }), (secret, noise, status) => {
        const r = new Redactor();
        r.add(secret);
        const redact = (t: string) => r.redact(t);
        for (const body of [`${noise}${secret}${noise}`, JSON.stringify({ code: secret, message: `${noise}\n${secret}`, details: { k: secret } })]) {
          const e = errorFromResponse(answer(status, body), { ...ctx, redact });
          expect(e.message).not.toContain(secret);
          expect(e.message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('errorFromNetworkFailure against a real socket (through the transport)', () => {
  let server: TestServer | undefined;
  const wire = createHttpTransport();
  /** What the transport rejects with for a GET of url (undefined when it answered). */
  const failure = (url: string, signal: AbortSignal = new AbortController().signal, headers: Record<string, string> = {}): Promise<unknown> =>
    wire({ url, method: 'GET', headers, signal, maxBytes: 1 << 20, tooLarge: () => new Error('too large') }).then(
      () => undefined,
      (e: unknown) => e,
    );
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('maps a connection reset to retryable ECONNRESET', async () => {
    server = await startTestServer((_req, _res, socket) => {
      socket.destroy();
    });
    const err = await failure(`${server.url}/x`);
    const e = errorFromNetworkFailure(err, { method: 'GET', where: `${server.url}/x` });
    expect(e).toMatchObject({ status: 0, code: 'ECONNRESET', retryable: true });
    expect(e.message).toBe(`GET ${server.url}/x → ECONNRESET: connection reset`);
  });

  it('maps a refused connection to retryable ECONNREFUSED', async () => {
    const s = await startTestServer(() => {});
    const url = s.url;
    await s.close();
    const err = await failure(`${url}/x`);
    expect(errorFromNetworkFailure(err, ctx)).toMatchObject({ status: 0, code: 'ECONNREFUSED', retryable: true });
  });

  it('maps AbortSignal.timeout to retryable TIMEOUT', async () => {
    server = await startTestServer(() => {
      /* never answers */
    });
    const err = await failure(`${server.url}/x`, AbortSignal.timeout(50));
    expect(errorFromNetworkFailure(err, ctx)).toMatchObject({ status: 0, code: 'TIMEOUT', retryable: true });
  });

  it('maps a body cut off mid-answer to ECONNRESET', async () => {
    server = await startTestServer((_req, res, socket) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"users":[');
      setTimeout(() => socket.destroy(), 10);
    });
    const err = await failure(`${server.url}/x`);
    expect(errorFromNetworkFailure(err, ctx)).toMatchObject({ code: 'ECONNRESET', retryable: true });
  });

  it('does not retry an unknown host or a caller abort', () => {
    const dns = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }) });
    expect(errorFromNetworkFailure(dns, ctx)).toMatchObject({ code: 'ENOTFOUND', retryable: false });
    expect(errorFromNetworkFailure(new DOMException('aborted', 'AbortError'), ctx)).toMatchObject({ code: 'ABORTED', retryable: false });
    const tls = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) });
    expect(errorFromNetworkFailure(tls, ctx)).toMatchObject({ code: 'TLS', retryable: false });
    // A server that leaves out an intermediate certificate fails the same way every time.
    const leaf = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) });
    expect(errorFromNetworkFailure(leaf, ctx)).toMatchObject({ code: 'TLS', retryable: false });
  });

  it('does not retry an invalid header value (an access token holding a line break): nothing is sent', async () => {
    let seen = 0;
    server = await startTestServer((_req, res) => {
      seen++;
      res.end('{}');
    });
    const err = await failure(`${server.url}/x`, undefined, { Authorization: 'Zoho-oauthtoken a\nb' });
    expect(errorFromNetworkFailure(err, ctx)).toMatchObject({ status: 0, retryable: false });
    expect(seen).toBe(0);
  });
});
