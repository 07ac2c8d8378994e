import { describe, expect, it } from 'vitest';
import type { SandboxState } from '../../../src/sandbox/index.js';
import { call, getToken, useSandboxes, jsonOf } from './helpers.js';
import seed from '../../../examples/sandbox/org.json' with { type: 'json' };

const { start } = useSandboxes();
const creds = { grant_type: 'refresh_token', client_id: 'sandbox', client_secret: 'sandbox', refresh_token: 'sandbox' };

describe('POST /oauth/v2/token', () => {
  it('grants a token with the parameters in the query string', async () => {
    const sb = await start();
    const res = await fetch(`${sb.url}/oauth/v2/token?${new URLSearchParams(creds)}`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toEqual({ access_token: expect.any(String), api_domain: sb.url, token_type: 'Bearer', expires_in: 3600 });
  });

  it('grants a token with an urlencoded body', async () => {
    const sb = await start();
    const res = await fetch(`${sb.url}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams(creds) });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).access_token).toMatch(/^1000\./);
  });

  it('grants a token with a multipart body', async () => {
    const sb = await start();
    const form = new FormData();
    for (const [k, v] of Object.entries(creds)) form.append(k, v);
    const res = await fetch(`${sb.url}/oauth/v2/token`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const token = (await jsonOf(res)).access_token as string;
    expect((await call(sb.url, token, 'GET', '/crm/v8/org')).status).toBe(200);
  });

  it('answers 400 invalid_code for bad credentials', async () => {
    const sb = await start();
    for (const bad of [{ client_secret: 'nope' }, { refresh_token: 'nope' }, { client_id: 'viewer' }]) {
      const res = await fetch(`${sb.url}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams({ ...creds, ...bad }) });
      expect(res.status).toBe(400);
      expect(await jsonOf(res)).toEqual({ error: 'invalid_code' });
    }
  });

  it('rejects another grant type and another method', async () => {
    const sb = await start();
    const res = await fetch(`${sb.url}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams({ ...creds, grant_type: 'authorization_code' }) });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error).toBe('unsupported_grant_type');
    const get = await fetch(`${sb.url}/oauth/v2/token?${new URLSearchParams(creds)}`);
    expect(get.status).toBe(405);
    expect((await jsonOf(get)).code).toBe('INVALID_REQUEST_METHOD');
  });

  it('accepts sandbox/sandbox/sandbox as the first administrator when the state has no credentials', async () => {
    const { credentials: _c, ...noCreds } = structuredClone(seed) as SandboxState;
    const sb = await start({ seed: noCreds });
    const token = await getToken(sb.url, 'sandbox');
    const me = await call(sb.url, token, 'GET', '/crm/v8/users?type=CurrentUser');
    expect(me.json.users[0].email).toBe('admin@acme.com');
    await expect(getToken(sb.url, 'viewer')).rejects.toThrow(/400/);
  });

  it('refuses a refresh token whose user is no longer active', async () => {
    const state = structuredClone(seed) as SandboxState;
    state.users.find((u) => u.email === 'grace@acme.com')!.status = 'disabled';
    const sb = await start({ seed: state });
    await expect(getToken(sb.url, 'viewer')).rejects.toThrow(/invalid_code/);
  });
});

describe('access tokens', () => {
  it('acts as the credentials user', async () => {
    const sb = await start();
    const me = await call(sb.url, await getToken(sb.url, 'viewer'), 'GET', '/crm/v8/users?type=CurrentUser');
    expect(me.json.users[0]).toMatchObject({ email: 'grace@acme.com', profile: { name: 'Standard' } });
  });

  it('expire after tokenTtlSec with 401 INVALID_TOKEN', async () => {
    const sb = await start({ tokenTtlSec: 0.2 });
    const res = await fetch(`${sb.url}/oauth/v2/token?${new URLSearchParams(creds)}`, { method: 'POST' });
    const body = await jsonOf(res);
    expect(body.expires_in).toBe(1);
    expect((await call(sb.url, body.access_token, 'GET', '/crm/v8/org')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const expired = await call(sb.url, body.access_token, 'GET', '/crm/v8/org');
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ code: 'INVALID_TOKEN', status: 'error' });
    expect((await call(sb.url, await getToken(sb.url), 'GET', '/crm/v8/org')).status).toBe(200);
  });

  it('answers 401 AUTHENTICATION_FAILURE without the header and INVALID_TOKEN for an unknown token', async () => {
    const sb = await start();
    const none = await call(sb.url, undefined, 'GET', '/crm/v8/org');
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ code: 'AUTHENTICATION_FAILURE', details: {}, message: expect.any(String), status: 'error' });
    const wrongScheme = await fetch(`${sb.url}/crm/v8/org`, { headers: { authorization: `Bearer ${await getToken(sb.url)}` } });
    expect(wrongScheme.status).toBe(401);
    expect((await jsonOf(wrongScheme)).code).toBe('AUTHENTICATION_FAILURE');
    const unknown = await call(sb.url, '1000.abc.def', 'GET', '/restapi/portals/');
    expect(unknown.status).toBe(401);
    expect(unknown.json.code).toBe('INVALID_TOKEN');
  });

  it('are forgotten by a restarted sandbox (the client must refresh)', async () => {
    const a = await start();
    const token = await getToken(a.url);
    const b = await start();
    expect((await call(b.url, token, 'GET', '/crm/v8/org')).json.code).toBe('INVALID_TOKEN');
  });
});
