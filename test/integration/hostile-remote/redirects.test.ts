import { describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../../src/model/errors.js';
import { CREDS, count, fakeZoho, json, pathOf, provider, rejection, server } from './fake-zoho.js';

/**
 * No redirects: every 3xx (token call, reads, writes) is a non-retryable error naming the status, the
 * call and where it pointed, and nothing is sent to the Location — least of all the token call's
 * client secret and refresh token.
 */
describe('a 3xx answer is refused, never followed', () => {
  it.each([301, 302, 303, 307, 308])('on the token call (%i): the client secret never reaches the Location', async (status) => {
    const evil = await server((_req, res) => json(res, 200, { access_token: 'stolen', api_domain: 'x' }));
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) !== '/oauth/v2/token') return false;
      res.writeHead(status, { location: `${evil.url}/oauth/v2/token?again=1` }).end();
      return true;
    });
    const err = await rejection(provider(zoho).read());
    expect(err).toBeInstanceOf(ZohoApiError);
    expect(err).toMatchObject({ status, code: 'REDIRECT', retryable: false });
    expect(err.message).toBe(`POST /oauth/v2/token answered ${status}, a redirect to ${new URL(evil.url).host}; zpi never follows redirects`);
    // The token call went once to the fake (with the secrets, so the check below means something), nowhere else.
    expect(count(zoho, '/oauth/v2/token')).toBe(1);
    expect(zoho.seen[0]?.body).toContain(CREDS.clientSecret);
    expect(evil.seen).toEqual([]);
    expect(zoho.seen.map((r) => pathOf(r))).toEqual(['/oauth/v2/token']);
  });

  it('on a read, with a retry policy that would retry: one request, the Location host named', async () => {
    const evil = await server((_req, res) => json(res, 200, {}));
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) !== '/crm/v8/org') return false;
      res.writeHead(302, { location: `${evil.url}/crm/v8/org` }).end('<html>moved</html>');
      return true;
    });
    const err = await rejection(provider(zoho, { retry: { retries: 5, minTimeoutMs: 1, maxTimeoutMs: 1, randomize: false } }).read());
    expect(err.message).toBe(`GET /crm/v8/org answered 302, a redirect to ${new URL(evil.url).host}; zpi never follows redirects`);
    expect(count(zoho, '/crm/v8/org')).toBe(1);
    expect(evil.seen).toEqual([]);
  });

  it('on a write: the access token never reaches the Location', async () => {
    const evil = await server((_req, res) => json(res, 200, { data: [{ code: 'SUCCESS' }] }));
    const zoho = await fakeZoho((req, res) => {
      if (req.method !== 'PUT') return false;
      res.writeHead(307, { location: `${evil.url}${req.url}` }).end();
      return true;
    });
    const p = provider(zoho);
    const err = await rejection(p.grantUsers([{ userId: '1' }]));
    expect(err.message).toBe(`PUT /crm/v8/settings/integrations/zoho_projects/users answered 307, a redirect to ${new URL(evil.url).host}; zpi never follows redirects`);
    expect(count(zoho, '/crm/v8/settings/integrations/zoho_projects/users')).toBe(1);
    expect(evil.seen).toEqual([]);
  });

  it('names a host that is not there, a relative Location and a missing one', async () => {
    let location: string | undefined = 'http://evil.example:8080/steal';
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) !== '/crm/v8/users') return false;
      res.writeHead(302, location === undefined ? {} : { location }).end();
      return true;
    });
    const p = provider(zoho);
    expect((await rejection(p.read())).message).toBe('GET /crm/v8/users answered 302, a redirect to evil.example:8080; zpi never follows redirects');
    location = '/elsewhere';
    expect((await rejection(p.read())).message).toBe(`GET /crm/v8/users answered 302, a redirect to ${new URL(zoho.url).host}; zpi never follows redirects`);
    location = undefined;
    expect((await rejection(p.read())).message).toBe('GET /crm/v8/users answered 302, a redirect with no Location; zpi never follows redirects');
    // Each read asked once for the users it was refused, and never went to /elsewhere.
    expect(zoho.seen.filter((r) => pathOf(r) === '/elsewhere')).toEqual([]);
  });
});
