import { describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../../src/model/errors.js';
import { resolveEndpoints } from '../../../src/provider/endpoints.js';
import { createHttpTransport, type HttpTransport } from '../../../src/provider/http-transport.js';
import { ZohoClient, type ZohoClientOptions } from '../../../src/provider/zoho-client.js';
import { ADMIN_CREDS, FAST_RETRY, provider, sandbox, SECRETS } from './helpers.js';

const ZP = '/crm/v8/settings/integrations/zoho_projects';
const USER = {
  alice: '4876876000000200029', // has access
  bob: '4876876000000200036', // active, no access
  owner: '4876876000000200015', // owns portal 7001
  ursula: '4876876000000200162', // disabled
  uma: '4876876000000200169', // unconfirmed
};

async function fail(p: Promise<unknown>): Promise<ZohoApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZohoApiError);
  return err as ZohoApiError;
}

async function rawClient(extra: Partial<ZohoClientOptions> = {}, sbOpts = {}) {
  const sb = await sandbox(sbOpts);
  return { sb, c: new ZohoClient({ endpoints: resolveEndpoints({ endpoint: sb.url }), credentials: ADMIN_CREDS, retry: FAST_RETRY, ...extra }) };
}

describe('per-item errors of writes (HTTP 200)', () => {
  it('INVALID_DATA names each inactive, unconfirmed or unknown user, or the portal owner; the rest succeed', async () => {
    const p = provider(await sandbox());
    const results = await p.grantUsers([{ userId: USER.bob }, { userId: USER.ursula }, { userId: USER.uma }, { userId: USER.owner }, { userId: '999' }, { userId: USER.alice }]);
    expect(results.map((r) => [r.id, r.ok, r.code])).toEqual([
      [USER.bob, true, 'SUCCESS'],
      [USER.ursula, false, 'INVALID_DATA'],
      [USER.uma, false, 'INVALID_DATA'],
      [USER.owner, false, 'INVALID_DATA'],
      ['999', false, 'INVALID_DATA'],
      [USER.alice, true, 'SUCCESS'],
    ]);
    expect(results[1]?.message).toMatch(/ursula@acme.com .*is not active/);
    expect(results[2]?.message).toMatch(/has not confirmed/);
    expect(results[3]?.message).toMatch(/owns portal acme-projects/);
    expect(results.every((r) => !/\n/.test(r.message))).toBe(true);
  });

  it('INVALID_DATA for create without view and for an unknown profile', async () => {
    const p = provider(await sandbox());
    const results = await p.setProfilePermissions([
      { profileId: '4876876000000026014', profile: 'Standard', permissions: ['create'] },
      { profileId: '1', profile: 'Nope', permissions: ['view'] },
      { profileId: '4876876000000026017', profile: 'Sales Rep', permissions: ['view', 'edit'] },
    ]);
    expect(results.map((r) => [r.id, r.code])).toEqual([
      ['Standard', 'INVALID_DATA'],
      ['Nope', 'INVALID_DATA'],
      ['Sales Rep', 'SUCCESS'],
    ]);
    expect(results[0]?.message).toMatch(/create, edit and delete need view/);
  });

  it('revokes and resets overrides per item', async () => {
    const sb = await sandbox();
    const p = provider(sb);
    expect((await p.setUserPermissions([{ userId: '4876876000000200071', permissions: null }]))[0]).toMatchObject({ ok: true });
    expect((await p.revokeUsers([USER.alice, USER.bob])).map((r) => r.ok)).toEqual([true, true]);
    expect(sb.state().integration.users).not.toContain(USER.alice);
  });
});

describe('whole-call errors (non-2xx) as ZohoApiError', () => {
  it('INVALID_ZSC_KEY, without the key in the message', async () => {
    const sb = await sandbox();
    const p = provider(sb);
    await p.disassociatePortal();
    const e = await fail(p.associatePortal({ portalId: '7001', zscKey: 'ZSC-wrong-key-123', email: 'owner@acme.com' }));
    expect(e).toMatchObject({ status: 400, code: 'INVALID_ZSC_KEY', retryable: false });
    expect(e.message).not.toContain('ZSC-wrong-key-123');
    await p.associatePortal({ portalId: '7001', zscKey: SECRETS.zsc7001, email: 'OWNER@acme.com' });
    expect(sb.state().integration.portal_id).toBe('7001');
  });

  it('PORTAL_ALREADY_ASSOCIATED; associating the associated portal is a no-op', async () => {
    const p = provider(await sandbox());
    const e = await fail(p.associatePortal({ portalId: '7002', zscKey: SECRETS.zsc7002, email: 'newco-owner@acme.com' }));
    expect(e).toMatchObject({ status: 400, code: 'PORTAL_ALREADY_ASSOCIATED', retryable: false });
    await expect(p.associatePortal({ portalId: '7001', zscKey: SECRETS.zsc7001, email: 'owner@acme.com' })).resolves.toBeUndefined();
  });

  it('INVALID_DATA for an unknown portal, MANDATORY_NOT_FOUND for a missing field', async () => {
    const p = provider(await sandbox());
    await p.deactivate();
    expect(await fail(p.associatePortal({ portalId: '1', zscKey: SECRETS.zsc7001, email: 'owner@acme.com' }))).toMatchObject({ status: 400, code: 'INVALID_DATA' });
    expect(await fail(p.associatePortal({ portalId: '7001', zscKey: SECRETS.zsc7001, email: '' }))).toMatchObject({ status: 400, code: 'MANDATORY_NOT_FOUND' });
  });

  it('INTEGRATION_INACTIVE after deactivation; deactivate and disassociate are idempotent', async () => {
    const p = provider(await sandbox());
    await p.deactivate();
    await p.deactivate();
    await p.disassociatePortal();
    expect(await fail(p.grantUsers([{ userId: USER.bob }]))).toMatchObject({ status: 400, code: 'INTEGRATION_INACTIVE', retryable: false });
    expect((await p.read()).integration).toMatchObject({ status: 'inactive', portal: null, users: [] });
  });

  it('MANDATORY_NOT_FOUND and LIMIT_EXCEEDED from the raw client', async () => {
    const { c } = await rawClient();
    expect(await fail(c.request({ method: 'DELETE', host: 'api', path: `${ZP}/users` }))).toMatchObject({ status: 400, code: 'MANDATORY_NOT_FOUND' });
    const users = Array.from({ length: 101 }, (_, i) => ({ id: String(i) }));
    expect(await fail(c.request({ method: 'PUT', host: 'api', path: `${ZP}/users`, body: { users } }))).toMatchObject({ status: 400, code: 'LIMIT_EXCEEDED' });
  });

  it('INVALID_DATA for a bad query parameter', async () => {
    const { c } = await rawClient();
    const e = await fail(c.get('api', '/crm/v8/users', { type: 'AllUsers', page: '0' }));
    expect(e).toMatchObject({ status: 400, code: 'INVALID_DATA', retryable: false });
    expect(e.message).toContain('(details: {"param_name":"page"})');
  });

  it('INVALID_URL_PATTERN (404) from a Zoho-only sandbox; 501 NOT_IMPLEMENTED and 405 are not retried', async () => {
    const zo = await rawClient({}, { zohoOnly: true });
    expect(await fail(zo.c.get('api', ZP))).toMatchObject({ status: 404, code: 'INVALID_URL_PATTERN', retryable: false });
    const { c, sb } = await rawClient();
    expect(await fail(c.get('api', '/crm/v8/nothing-here'))).toMatchObject({ status: 501, code: 'NOT_IMPLEMENTED', retryable: false });
    expect(await fail(c.request({ method: 'PUT', host: 'api', path: '/crm/v8/org', body: {} }))).toMatchObject({ status: 405, code: 'INVALID_REQUEST_METHOD' });
    expect(c.stats().retries).toBe(0);
    expect(sb.stats().requests).toBe(3);
  });

  it('AUTHENTICATION_FAILURE for a malformed Authorization header', async () => {
    const wire = createHttpTransport();
    const strip: HttpTransport = (req) => wire({ ...req, headers: { ...req.headers, Authorization: 'Bearer x' } });
    const { c } = await rawClient({ transport: strip });
    expect(await fail(c.get('api', '/crm/v8/org'))).toMatchObject({ status: 401, code: 'AUTHENTICATION_FAILURE', retryable: false });
  });

  it('TOO_MANY_REQUESTS (429) when zpi is told to go faster than the org allows, retryable and counted', async () => {
    const sb = await sandbox({ limits: 'concurrency=1', faults: 'latency=20ms' });
    const p = provider(sb, { concurrency: 4, retry: { ...FAST_RETRY, retries: 0 } });
    const e = await fail(Promise.all([p.readLinks(), p.readLinks(), p.readLinks(), p.readLinks()]));
    expect(e).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', retryable: true });
    expect(p.stats().throttled).toBeGreaterThan(0);
  });

  it('Retry-After of an injected 429 becomes retryAfterMs; 500 and the HTML 503 are retryable', async () => {
    const sb = await sandbox({ faults: 'rate=1,seed=3' });
    const p = provider(sb, { retry: { ...FAST_RETRY, retries: 0 } });
    const seen = new Map<string, ZohoApiError>();
    for (let i = 0; i < 40 && seen.size < 4; i++) {
      const e = await fail(p.readLinks());
      seen.set(`${e.status}${e.retryAfterMs !== undefined ? '+ra' : ''}`, e);
    }
    expect([...seen.keys()].sort()).toEqual(['429', '429+ra', '500', '503']);
    expect(seen.get('429+ra')).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryable: true, retryAfterMs: 1000 });
    expect(seen.get('500')).toMatchObject({ code: 'INTERNAL_ERROR', retryable: true });
    expect(seen.get('503')).toMatchObject({ code: 'HTTP_503', retryable: true });
    expect(seen.get('503')?.message).toContain('non-JSON answer: 503 Service Temporarily Unavailable');
  });
});

describe('transport errors', () => {
  it('ECONNRESET when every connection is reset, after the retries', async () => {
    const sb = await sandbox({ faults: 'reset=1' });
    const p = provider(sb, { retry: { ...FAST_RETRY, retries: 2 } });
    expect(await fail(p.readLinks())).toMatchObject({ status: 0, code: 'ECONNRESET', retryable: true });
  });

  it('ECONNREFUSED when nothing listens', async () => {
    const sb = await sandbox();
    await sb.close();
    const p = provider(sb, { retry: { ...FAST_RETRY, retries: 1 } });
    const e = await fail(p.read());
    expect(e).toMatchObject({ status: 0, code: 'ECONNREFUSED', retryable: true });
    expect(e.message).toBe(`POST ${sb.url}/oauth/v2/token → ECONNREFUSED: connection refused`);
  });

  it('TIMEOUT when the answer is slower than timeoutMs', async () => {
    const sb = await sandbox({ faults: 'latency=300ms' });
    const p = provider(sb, { timeoutMs: 100, retry: { ...FAST_RETRY, retries: 1 } });
    expect(await fail(p.readLinks())).toMatchObject({ status: 0, code: 'TIMEOUT', retryable: true });
  });
});
