import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError, ZohoApiError } from '../../../src/model/errors.js';
import { resolveEndpoints } from '../../../src/provider/endpoints.js';
import { createHttpTransport, type HttpTransport } from '../../../src/provider/http-transport.js';
import { ZohoClient, type ZohoClientOptions } from '../../../src/provider/zoho-client.js';
import { FAST_RETRY, json, startTestServer, type Seen, type TestServer } from './http-test-server.js';

const CREDS = { clientId: 'client-id-1', clientSecret: 'client-secret-XYZ', refreshToken: 'refresh-token-ABC' };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A fake Zoho: the token endpoint mints tok-1, tok-2…; `api` answers everything else. */
async function fakeZoho(api: (req: Seen, res: ServerResponse, token: string) => void | Promise<void>, tokenAnswer?: (n: number) => unknown) {
  let minted = 0;
  server = await startTestServer(async (req, res) => {
    if (req.url === '/oauth/v2/token') {
      minted++;
      return json(res, 200, tokenAnswer?.(minted) ?? { access_token: `tok-${minted}`, api_domain: server?.url, token_type: 'Bearer', expires_in: 3600 });
    }
    await api(req, res, String(req.headers.authorization ?? '').replace('Zoho-oauthtoken ', ''));
  });
  return { minted: () => minted, server };
}

function client(extra: Partial<ZohoClientOptions> = {}): ZohoClient {
  return new ZohoClient({ endpoints: resolveEndpoints({ endpoint: server?.url ?? '' }), credentials: CREDS, retry: FAST_RETRY, ...extra });
}

describe('ZohoClient OAuth', () => {
  it('grants a token with the refresh-token form and sends it as Zoho-oauthtoken', async () => {
    const z = await fakeZoho((_req, res) => json(res, 200, { org: [] }));
    const c = client();
    await c.get('api', '/crm/v8/org');
    await c.get('api', '/crm/v8/org');
    const [grant, call] = z.server.seen;
    expect(grant?.method).toBe('POST');
    expect(grant?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(grant?.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client-id-1',
      client_secret: 'client-secret-XYZ',
      refresh_token: 'refresh-token-ABC',
    });
    expect(call?.headers.authorization).toBe('Zoho-oauthtoken tok-1');
    expect(z.minted()).toBe(1);
  });

  it("sends CRM calls to the token answer's api_domain (a Zoho API host of the data centre) when no endpoint fixed the bases", async () => {
    const z = await fakeZoho((_req, res) => json(res, 200, { org: [] }), () => ({ access_token: 'tok-1', api_domain: 'https://crm2.zohoapis.eu', expires_in: 3600 }));
    // Zoho's hosts, served by the fake: the wire tap records which origin each call was meant for.
    const origins: string[] = [];
    const wire = createHttpTransport();
    const reroute: HttpTransport = (req) => {
      const u = new URL(req.url);
      origins.push(u.origin);
      return wire({ ...req, url: `${z.server.url}${u.pathname}${u.search}` });
    };
    const c = new ZohoClient({ endpoints: resolveEndpoints({ dc: 'eu' }), credentials: CREDS, retry: FAST_RETRY, transport: reroute });
    await expect(c.get('api', '/crm/v8/org')).resolves.toEqual({ status: 200, body: { org: [] } });
    expect(c.endpoints.api).toBe('https://crm2.zohoapis.eu');
    expect(origins).toEqual(['https://accounts.zoho.eu', 'https://crm2.zohoapis.eu']);
  });

  it('on 401 INVALID_TOKEN refreshes once and repeats the call', async () => {
    const z = await fakeZoho((_req, res, token) =>
      token === 'tok-1' ? json(res, 401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' }) : json(res, 200, { ok: token }),
    );
    await expect(client().get('api', '/crm/v8/org')).resolves.toEqual({ status: 200, body: { ok: 'tok-2' } });
    expect(z.minted()).toBe(2);
  });

  it('refreshes only once: a second INVALID_TOKEN is an error', async () => {
    const z = await fakeZoho((_req, res) => json(res, 401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' }));
    await expect(client().get('api', '/crm/v8/org')).rejects.toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(z.minted()).toBe(2);
  });

  it('shares one refresh among concurrent calls that all hit INVALID_TOKEN', async () => {
    const z = await fakeZoho(async (_req, res, token) => {
      await sleep(5);
      if (token === 'tok-1') return json(res, 401, { code: 'INVALID_TOKEN', message: 'expired', status: 'error' });
      json(res, 200, { token });
    });
    const c = client({ concurrency: 10 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => c.get('api', '/crm/v8/users')));
    expect(answers.map((a) => a.body)).toEqual(Array(8).fill({ token: 'tok-2' }));
    expect(z.minted()).toBe(2);
  });

  it('explains bad credentials, without retrying them', async () => {
    const z = await fakeZoho(() => {}, () => ({ error: 'invalid_code' }));
    const err = await client().get('api', '/crm/v8/org').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoApiError);
    expect((err as Error).message).toBe('OAuth refresh failed: invalid client id, secret or refresh token (invalid_code)');
    expect(z.minted()).toBe(1);
  });

  it('refuses missing credentials up front', () => {
    expect(() => new ZohoClient({ endpoints: resolveEndpoints({}), credentials: { ...CREDS, clientSecret: '' } })).toThrow(UserError);
    expect(() => new ZohoClient({ endpoints: resolveEndpoints({}), credentials: { ...CREDS, clientSecret: '' } })).toThrow('missing Zoho credentials: clientSecret');
  });
});

describe('ZohoClient retries, timeouts and stats', () => {
  it('retries reads on 503 and 429, counting retries and 429s', async () => {
    let n = 0;
    await fakeZoho((_req, res) => {
      n++;
      if (n === 1) return json(res, 503, { code: 'INTERNAL_ERROR', message: 'busy', status: 'error' });
      if (n === 2) return json(res, 429, { code: 'TOO_MANY_REQUESTS', message: 'slow down', status: 'error' }, { 'retry-after': '0' });
      json(res, 200, { ok: true });
    });
    const c = client();
    await expect(c.get('api', '/crm/v8/org')).resolves.toMatchObject({ body: { ok: true } });
    expect(c.stats()).toMatchObject({ calls: 4, byHost: { accounts: 1, api: 3, projects: 0 }, retries: 2, throttled: 1, tokenRefreshes: 1 });
  });

  it('retries reads on a connection reset', async () => {
    let n = 0;
    await fakeZoho((_req, res) => {
      n++;
      if (n === 1) return void res.socket?.destroy();
      json(res, 200, { ok: true });
    });
    await expect(client().get('api', '/crm/v8/org')).resolves.toMatchObject({ body: { ok: true } });
  });

  it('does not retry writes (the executor retries whole steps and counts them)', async () => {
    let n = 0;
    await fakeZoho((_req, res) => (++n === 1 ? json(res, 500, { code: 'INTERNAL_ERROR', message: 'x', status: 'error' }) : json(res, 200, { data: [] })));
    const write = { method: 'PUT', host: 'api', path: '/crm/v8/settings/integrations/zoho_projects/users', body: { users: [] } } as const;
    await expect(client().request(write)).rejects.toMatchObject({ status: 500, retryable: true });
    expect(n).toBe(1);
  });

  it('times out a silent server with TIMEOUT after its retries', async () => {
    await fakeZoho(() => {
      /* never answers */
    });
    const c = client({ timeoutMs: 40, retry: { ...FAST_RETRY, retries: 1 } });
    await expect(c.get('api', '/crm/v8/org')).rejects.toMatchObject({ status: 0, code: 'TIMEOUT', retryable: true });
    expect(c.stats().retries).toBe(1);
  });

  it('throws INVALID_RESPONSE for a 2xx body that is not JSON, and maps 204 to no body', async () => {
    await fakeZoho((req, res) => {
      if (req.url.startsWith('/html')) return void res.end('<html>hi</html>');
      res.writeHead(204).end();
    });
    const c = client();
    await expect(c.get('api', '/html')).rejects.toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
    await expect(c.get('api', '/crm/v8/users')).resolves.toEqual({ status: 204, body: undefined });
  });

  it('sends JSON bodies and query strings', async () => {
    const z = await fakeZoho((_req, res) => json(res, 200, { data: [] }));
    await client().request({ method: 'DELETE', host: 'api', path: '/x', query: { ids: '1,2' } });
    await client().request({ method: 'PUT', host: 'projects', path: '/y', body: { users: [{ id: '1' }] } });
    const calls = z.server.seen.filter((s) => s.url !== '/oauth/v2/token');
    expect(calls.map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual(['DELETE /x?ids=1%2C2 ', 'PUT /y {"users":[{"id":"1"}]}']);
    expect(calls[1]?.headers['content-type']).toBe('application/json');
  });
});

describe('ZohoClient never leaks a secret', () => {
  it('keeps secrets out of log lines and error messages, even when the server echoes them', async () => {
    await fakeZoho((req, res) =>
      json(res, 400, { code: 'INVALID_DATA', message: `echo ${req.headers.authorization} ${CREDS.clientSecret} zsc-KEY-123`, details: { body: req.body }, status: 'error' }),
    );
    const lines: string[] = [];
    const c = client({ log: (l) => lines.push(l) });
    c.addSecret('zsc-KEY-123');
    const err = (await c.request({ method: 'POST', host: 'api', path: '/a?token=abc', body: { zsc_key: 'zsc-KEY-123' } }).catch((e: unknown) => e)) as Error;
    const text = [...lines, err.message].join('\n');
    for (const secret of [CREDS.clientSecret, CREDS.refreshToken, 'tok-1', 'zsc-KEY-123', 'abc']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatch(/^POST accounts \/oauth\/v2\/token 200 \d+ms$/);
    expect(lines[1]).toMatch(/^POST api \/a\?token=\*\*\* 400 \d+ms$/);
  });
});
