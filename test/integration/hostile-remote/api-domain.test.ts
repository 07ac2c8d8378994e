import { describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../../src/model/errors.js';
import { applyApiDomain, resolveEndpoints } from '../../../src/provider/endpoints.js';
import { createHttpTransport, type HttpTransport } from '../../../src/provider/http-transport.js';
import { ZohoClient } from '../../../src/provider/zoho-client.js';
import { answerRead, CREDS, count, FAST, fakeZoho, json, pathOf, provider, rejection, server } from './fake-zoho.js';

/**
 * The token answer's api_domain gets the access token with every CRM call, so it is checked: a Zoho
 * API host of the chosen data centre (https, default port), or with one endpoint that endpoint itself.
 * Anything else is refused before a single call goes there.
 */
describe('api_domain in data-centre mode', () => {
  it.each([
    ['eu', 'https://www.zohoapis.eu'],
    ['eu', 'https://crm2.zohoapis.eu/'],
    ['eu', 'https://zohoapis.eu'],
    ['com', 'https://www.zohoapis.com'],
    ['com.au', 'https://www.zohoapis.com.au'],
    ['ca', 'https://www.zohoapis.ca'],
    ['ca', 'https://www.zohocloud.ca'],
  ])('%s accepts %s', (dc, apiDomain) => {
    expect(applyApiDomain(resolveEndpoints({ dc }), apiDomain).api).toBe(new URL(apiDomain).origin);
  });

  it.each([
    ['eu', 'https://evil.example', 'https://evil.example'],
    ['eu', 'https://www.zohoapis.com', 'https://www.zohoapis.com'], // another data centre
    ['com', 'https://www.zohoapis.com.au', 'https://www.zohoapis.com.au'],
    ['com', 'https://www.zohoapis.com.evil.example', 'https://www.zohoapis.com.evil.example'],
    ['eu', 'https://evilzohoapis.eu', 'https://evilzohoapis.eu'],
    ['eu', 'http://www.zohoapis.eu', 'http://www.zohoapis.eu'],
    ['eu', 'https://www.zohoapis.eu:8443', 'https://www.zohoapis.eu:8443'],
    ['eu', 'https://user:pw@www.zohoapis.eu', 'https://www.zohoapis.eu'],
    ['eu', 'https://www.zohoapis.eu/crm?x=1', 'https://www.zohoapis.eu'],
    ['ca', 'https://www.zoho.ca', 'https://www.zoho.ca'],
    ['eu', 'not a url', '"not a url"'],
  ])('%s refuses %s, naming it', (dc, apiDomain, shown) => {
    const err = (() => {
      try {
        applyApiDomain(resolveEndpoints({ dc }), apiDomain);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ZohoApiError);
    expect(err).toMatchObject({ code: 'UNTRUSTED_API_DOMAIN', retryable: false });
    expect((err as Error).message).toMatch(new RegExp(`^refusing api_domain ${shown.replace(/[.*?+()[\]|]/g, '\\$&')} from the token answer: not an https Zoho API host of data centre ${dc.replace('.', '\\.')} \\(\\*\\.zohoapis`));
    expect((err as Error).message).not.toContain('pw');
  });

  it('against a fake Zoho: the refused host gets no call, the token call is not repeated', async () => {
    // Zoho's hosts are served by one fake; a wire tap records which origin each call was meant for.
    const zoho = await server((req, res) => {
      if (pathOf(req) === '/oauth/v2/token') return json(res, 200, { access_token: 'hr-access-1', api_domain: 'https://evil.example', expires_in: 3600 });
      if (!answerRead(req, res)) json(res, 200, { users: [] });
    });
    const origins: string[] = [];
    const wire = createHttpTransport();
    const reroute: HttpTransport = (req) => {
      const u = new URL(req.url);
      origins.push(u.origin);
      return wire({ ...req, url: `${zoho.url}${u.pathname}${u.search}` });
    };
    const c = new ZohoClient({ endpoints: resolveEndpoints({ dc: 'eu' }), credentials: CREDS, retry: FAST, transport: reroute });
    const err = await rejection(c.get('api', '/crm/v8/org'));
    expect(err.message).toBe('refusing api_domain https://evil.example from the token answer: not an https Zoho API host of data centre eu (*.zohoapis.eu); zpi sends no call there');
    expect(origins).toEqual(['https://accounts.zoho.eu']);
    expect(c.endpoints.api).toBe('https://www.zohoapis.eu');
  });
});

describe('api_domain with one endpoint for everything', () => {
  it('must be the endpoint itself: another host is refused and gets nothing', async () => {
    const evil = await server((_req, res) => json(res, 200, {}));
    const zoho = await fakeZoho((req, res) => {
      if (pathOf(req) !== '/oauth/v2/token') return false;
      json(res, 200, { access_token: 'hr-access-1', api_domain: evil.url, expires_in: 3600 });
      return true;
    });
    const err = await rejection(provider(zoho).read());
    expect(err).toMatchObject({ code: 'UNTRUSTED_API_DOMAIN', retryable: false });
    expect(err.message).toBe(`refusing api_domain ${evil.url} from the token answer: with --endpoint every call goes to ${zoho.url}; zpi sends no call there`);
    expect(evil.seen).toEqual([]);
    // Six reads waited for one token call; none of them was sent.
    expect(zoho.seen.map((r) => pathOf(r))).toEqual(['/oauth/v2/token']);
  });

  it('the endpoint itself (the sandbox answers its own URL) is accepted', async () => {
    const zoho = await fakeZoho(() => false);
    await expect(provider(zoho).read()).resolves.toMatchObject({ org: { id: '600' } });
    expect(count(zoho, '/oauth/v2/token')).toBe(1);
  });
});
