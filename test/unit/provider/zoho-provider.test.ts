import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BATCH } from '../../../src/model/batch.js';
import { createZohoProvider, credentialsFromEnv } from '../../../src/provider/zoho-provider.js';
import { FAST_RETRY, json, startTestServer, type Seen, type TestServer } from './http-test-server.js';

/**
 * The provider against a scripted fake of Zoho, for what the sandbox does not do on purpose: `count`
 * meaning the page's count, 404 for the integration, odd but legal shapes. The sandbox itself is
 * exercised in test/integration/client.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const user = (i: number, extra: Record<string, unknown> = {}) => ({
  id: String(1000 + i),
  email: `User${i}@Acme.com`,
  full_name: `User ${i}`,
  status: 'active',
  confirm: true,
  profile: { id: '101', name: 'Standard' },
  role: { id: '9', name: 'Rep' },
  ...extra,
});

type Route = (req: Seen, res: ServerResponse) => void;

async function fake(routes: Record<string, Route>) {
  server = await startTestServer((req, res) => {
    if (req.url === '/oauth/v2/token') return json(res, 200, { access_token: 'tok', api_domain: server?.url, expires_in: 3600 });
    const path = req.url.split('?')[0] ?? '';
    const key = `${req.method} ${path}`;
    const type = new URL(req.url, 'http://x').searchParams.get('type');
    const route = routes[type === 'CurrentUser' ? 'me' : key];
    if (route) return route(req, res);
    if (key === 'GET /crm/v8/org') return json(res, 200, { org: [{ id: '600', company_name: 'Acme', primary_email: 'Admin@Acme.com', type: 'production' }] });
    if (type === 'CurrentUser') return json(res, 200, { users: [user(0, { profile: { id: '100', name: 'Administrator' } })] });
    if (key === 'GET /crm/v8/settings/profiles') return json(res, 200, { profiles: [{ id: '100', name: 'Administrator', custom: false }] });
    if (key === 'GET /restapi/portals/') return json(res, 200, { login_id: '1', portals: [{ id: 12345678901234567, id_string: '12345678901234567', name: 'p' }] });
    json(res, 404, { code: 'INVALID_URL_PATTERN', details: {}, message: 'Please check if the URL trying to access is a correct one', status: 'error' });
  });
  return createZohoProvider({ endpoint: server.url, credentials: { clientId: 'a', clientSecret: 'b-secret', refreshToken: 'c-refresh' }, retry: FAST_RETRY });
}

/** Paged AllUsers where info.count is the count of the page (as some Zoho APIs do), not the total. */
function pagedByPageCount(total: number): Route {
  return (req, res) => {
    const page = Number(new URL(req.url, 'http://x').searchParams.get('page'));
    const users = Array.from({ length: total }, (_, i) => user(i)).slice((page - 1) * 200, page * 200);
    if (users.length === 0) return void res.writeHead(204).end();
    json(res, 200, { users, info: { page, per_page: 200, count: users.length, more_records: page * 200 < total } });
  };
}

describe('read() against real Zoho shapes', () => {
  it('treats a missing integration endpoint (404) as manual: integration null', async () => {
    const p = await fake({ 'GET /crm/v8/users': pagedByPageCount(3) });
    const live = await p.read();
    expect(live.integration).toBeNull();
    expect(live.org).toEqual({ id: '600', companyName: 'Acme', primaryEmail: 'admin@acme.com', type: 'production' });
    expect(live.currentUser).toEqual({ id: '1000', email: 'user0@acme.com', profile: 'Administrator', isAdmin: true });
    expect(live.portals).toEqual([{ id: '12345678901234567', name: 'p' }]);
    expect(live.users[0]).toEqual({
      id: '1000',
      email: 'user0@acme.com',
      fullName: 'User 0',
      status: 'active',
      confirmed: true,
      profile: { id: '101', name: 'Standard' },
      role: { id: '9', name: 'Rep' },
    });
  });

  it('follows more_records page by page when count is only the page count', async () => {
    const p = await fake({ 'GET /crm/v8/users': pagedByPageCount(450) });
    const progress: [number, number][] = [];
    const live = await p.read({ onProgress: (d, t) => progress.push([d, t]) });
    expect(live.users).toHaveLength(450);
    expect(new Set(live.users.map((u) => u.id)).size).toBe(450);
    expect(progress.at(-1)).toEqual([450, 450]);
    const pages = server?.seen.filter((s) => s.url.includes('type=AllUsers')).map((s) => new URL(s.url, 'http://x').searchParams.get('page'));
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('keeps a user once when it shows up on two pages', async () => {
    const p = await fake({
      'GET /crm/v8/users': (req, res) => {
        const page = new URL(req.url, 'http://x').searchParams.get('page');
        if (page === '1') return json(res, 200, { users: [user(1), user(2)], info: { count: 2, more_records: true } });
        return json(res, 200, { users: [user(2), user(3)], info: { count: 2, more_records: false } });
      },
    });
    expect((await p.read()).users.map((u) => u.id)).toEqual(['1001', '1002', '1003']);
  });

  it('answers 204 as no users and tolerates a user without role', async () => {
    const p = await fake({ 'GET /crm/v8/users': (_req, res) => void res.writeHead(204).end() });
    expect((await p.read()).users).toEqual([]);
  });

  it('turns an answer of the wrong shape into INVALID_RESPONSE naming what is missing', async () => {
    const p = await fake({ 'GET /crm/v8/org': (_req, res) => json(res, 200, { organisation: [] }) });
    await expect(p.read()).rejects.toMatchObject({ code: 'INVALID_RESPONSE', message: expect.stringContaining('org is not a list') });
  });
});

describe('writes', () => {
  const ok = (n: number) => ({ data: Array.from({ length: n }, () => ({ code: 'SUCCESS', details: {}, message: 'done', status: 'success' })) });

  it('sends the documented bodies', async () => {
    const p = await fake({
      'PUT /crm/v8/settings/integrations/zoho_projects/users': (req, res) => json(res, 200, ok(JSON.parse(req.body).users.length)),
      'DELETE /crm/v8/settings/integrations/zoho_projects/users': (_req, res) => json(res, 200, ok(2)),
      'PUT /crm/v8/settings/integrations/zoho_projects/user_permissions': (_req, res) => json(res, 200, ok(2)),
      'PUT /crm/v8/settings/integrations/zoho_projects/profile_permissions': (_req, res) => json(res, 200, ok(1)),
      'POST /crm/v8/settings/integrations/zoho_projects/actions/associate': (_req, res) => json(res, 200, ok(1)),
      'POST /crm/v8/settings/integrations/zoho_projects/actions/change_portal': (_req, res) => json(res, 200, ok(1)),
    });
    expect(await p.grantUsers([{ userId: '1' }, { userId: '2', permissions: ['view', 'create'] }])).toEqual([
      { id: '1', ok: true, code: 'SUCCESS', message: 'done' },
      { id: '2', ok: true, code: 'SUCCESS', message: 'done' },
    ]);
    await p.revokeUsers(['3', '4']);
    await p.setUserPermissions([
      { userId: '5', permissions: ['view', 'edit'] },
      { userId: '6', permissions: null },
    ]);
    expect(await p.setProfilePermissions([{ profileId: '101', profile: 'Standard', permissions: ['view'] }])).toEqual([
      { id: 'Standard', ok: true, code: 'SUCCESS', message: 'done' },
    ]);
    await p.associatePortal({ portalId: '7001', zscKey: 'zsc-secret', email: 'owner@acme.com' });
    await p.changePortal({ portalId: '7002', zscKey: 'zsc-other', email: 'newco@acme.com' });
    const writes = (server?.seen ?? []).filter((s) => s.method !== 'GET' && s.url !== '/oauth/v2/token').map((s) => `${s.method} ${s.url.replace('/crm/v8/settings/integrations/zoho_projects', '…')} ${s.body}`);
    expect(writes).toEqual([
      'PUT …/users {"users":[{"id":"1"},{"id":"2","permissions":{"view":true,"create":true,"edit":false,"delete":false}}]}',
      'DELETE …/users?ids=3%2C4 ',
      'PUT …/user_permissions {"user_permissions":[{"user":{"id":"5"},"view":true,"create":false,"edit":true,"delete":false},{"user":{"id":"6"},"reset":true}]}',
      'PUT …/profile_permissions {"profile_permissions":[{"profile":{"id":"101","name":"Standard"},"view":true,"create":false,"edit":false,"delete":false}]}',
      'POST …/actions/associate {"zsc_key":"zsc-secret","email":"owner@acme.com","portal_id":"7001"}',
      'POST …/actions/change_portal {"zsc_key":"zsc-other","email":"newco@acme.com","portal_id":"7002"}',
    ]);
  });

  it('rejects more than 100 ids a call without calling, and makes no call for none', async () => {
    const p = await fake({});
    const ids = Array.from({ length: MAX_BATCH + 1 }, (_, i) => String(i));
    await expect(p.grantUsers(ids.map((userId) => ({ userId })))).rejects.toThrow(RangeError);
    await expect(p.revokeUsers(ids)).rejects.toThrow(/101 items in one call; at most 100/);
    expect(await p.grantUsers([])).toEqual([]);
    expect(server?.seen).toEqual([]);
  });

  it('a failed item of a single-effect write throws, with the ZSC key masked', async () => {
    const p = await fake({
      'POST /crm/v8/settings/integrations/zoho_projects/actions/associate': (_req, res) =>
        json(res, 200, { data: [{ code: 'INVALID_ZSC_KEY', details: { zsc_key: 'zsc-secret' }, message: 'the key zsc-secret does not match', status: 'error' }] }),
    });
    const err = (await p.associatePortal({ portalId: '7001', zscKey: 'zsc-secret', email: 'o@acme.com' }).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'INVALID_ZSC_KEY', retryable: false });
    expect(err.message).not.toContain('zsc-secret');
  });

  it('a non-2xx write throws ZohoApiError and is not retried by the client', async () => {
    let calls = 0;
    const p = await fake({
      'POST /crm/v8/settings/integrations/zoho_projects/actions/deactivate': (_req, res) => {
        calls++;
        json(res, 503, { code: 'INTERNAL_ERROR', details: {}, message: 'busy', status: 'error' });
      },
    });
    await expect(p.deactivate()).rejects.toMatchObject({ status: 503, retryable: true });
    expect(calls).toBe(1);
    expect(p.stats()).toMatchObject({ calls: 2, retries: 0, throttled: 0 });
  });
});

describe('credentialsFromEnv', () => {
  it('reads the three variables, leaving absent or empty ones undefined', () => {
    expect(credentialsFromEnv({ ZOHO_CLIENT_ID: 'i', ZOHO_CLIENT_SECRET: '', ZOHO_REFRESH_TOKEN: 'r' })).toEqual({ clientId: 'i', clientSecret: undefined, refreshToken: 'r' });
    expect(credentialsFromEnv({})).toEqual({ clientId: undefined, clientSecret: undefined, refreshToken: undefined });
  });
});
