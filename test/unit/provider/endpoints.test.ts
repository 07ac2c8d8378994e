import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/model/errors.js';
import { applyApiDomain, checkTransport, DATA_CENTRES, isLoopbackHost, resolveEndpoints } from '../../../src/provider/endpoints.js';

describe('resolveEndpoints', () => {
  it('defaults to the com data centre', () => {
    expect(resolveEndpoints({})).toEqual({
      accounts: 'https://accounts.zoho.com',
      api: 'https://www.zohoapis.com',
      projects: 'https://projectsapi.zoho.com',
      fixed: false,
    });
  });

  it.each([
    ['eu', 'https://accounts.zoho.eu', 'https://www.zohoapis.eu', 'https://projectsapi.zoho.eu'],
    ['in', 'https://accounts.zoho.in', 'https://www.zohoapis.in', 'https://projectsapi.zoho.in'],
    ['com.au', 'https://accounts.zoho.com.au', 'https://www.zohoapis.com.au', 'https://projectsapi.zoho.com.au'],
    ['jp', 'https://accounts.zoho.jp', 'https://www.zohoapis.jp', 'https://projectsapi.zoho.jp'],
    ['ca', 'https://accounts.zohocloud.ca', 'https://www.zohoapis.ca', 'https://projectsapi.zohocloud.ca'],
    ['sa', 'https://accounts.zoho.sa', 'https://www.zohoapis.sa', 'https://projectsapi.zoho.sa'],
    ['com.cn', 'https://accounts.zoho.com.cn', 'https://www.zohoapis.com.cn', 'https://projectsapi.zoho.com.cn'],
  ])('maps %s', (dc, accounts, api, projects) => {
    expect(resolveEndpoints({ dc })).toEqual({ accounts, api, projects, fixed: false });
  });

  it('covers the eight data centres of WIRE.md', () => {
    expect(Object.keys(DATA_CENTRES).sort()).toEqual(['ca', 'com', 'com.au', 'com.cn', 'eu', 'in', 'jp', 'sa']);
  });

  it('accepts Zoho region names and a leading dot', () => {
    expect(resolveEndpoints({ dc: 'AU' }).accounts).toBe('https://accounts.zoho.com.au');
    expect(resolveEndpoints({ dc: 'us' }).accounts).toBe('https://accounts.zoho.com');
    expect(resolveEndpoints({ dc: '.eu' }).accounts).toBe('https://accounts.zoho.eu');
  });

  it('rejects an unknown data centre, listing the valid ones', () => {
    expect(() => resolveEndpoints({ dc: 'mars' })).toThrow(/unknown Zoho data centre "mars".*com, eu, in/);
    expect(() => resolveEndpoints({ dc: 'mars' })).toThrow(UserError);
  });

  it('an endpoint overrides all three bases and wins over dc', () => {
    expect(resolveEndpoints({ endpoint: 'http://127.0.0.1:4000/', dc: 'eu' })).toEqual({
      accounts: 'http://127.0.0.1:4000',
      api: 'http://127.0.0.1:4000',
      projects: 'http://127.0.0.1:4000',
      fixed: true,
    });
  });

  it('keeps a path prefix of an endpoint (a proxy)', () => {
    expect(resolveEndpoints({ endpoint: 'https://proxy.example.com/zoho/' }).api).toBe('https://proxy.example.com/zoho');
  });
});

describe('transport safety', () => {
  it('refuses plain http off loopback', () => {
    expect(() => resolveEndpoints({ endpoint: 'http://zoho.example.com' })).toThrow(/refusing plain-http endpoint http:\/\/zoho.example.com/);
  });

  it('allows plain http off loopback only with insecureHttp', () => {
    expect(resolveEndpoints({ endpoint: 'http://10.0.0.5:8080', insecureHttp: true }).api).toBe('http://10.0.0.5:8080');
  });

  it.each(['http://127.0.0.1:1', 'http://localhost:2', 'http://[::1]:3', 'http://127.8.9.10', 'http://app.localhost'])('allows loopback %s', (url) => {
    expect(() => checkTransport(url, false)).not.toThrow();
  });

  it.each(['ftp://x.example.com', 'file:///etc/passwd', 'not a url'])('refuses %s', (url) => {
    expect(() => checkTransport(url, true)).toThrow(UserError);
  });

  it('refuses credentials, query and fragment in a base URL (they would leak into logs)', () => {
    expect(() => checkTransport('https://user:pw@x.example.com', false)).toThrow(/credentials in the URL/);
    expect(() => checkTransport('https://user:pw@x.example.com', false)).not.toThrow(/pw/);
    expect(() => checkTransport('https://x.example.com/?token=abc', false)).toThrow(/no query/);
    expect(() => checkTransport('https://x.example.com/#x', false)).toThrow(/no query or fragment/);
  });

  it('recognises loopback hosts only', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});

describe('applyApiDomain', () => {
  const eu = resolveEndpoints({ dc: 'eu' });

  it("takes the token answer's api_domain as the CRM base", () => {
    expect(applyApiDomain(eu, 'https://www.zohoapis.eu', false).api).toBe('https://www.zohoapis.eu');
    expect(applyApiDomain(eu, 'https://crm2.zohoapis.eu/', false)).toEqual({ ...eu, api: 'https://crm2.zohoapis.eu' });
  });

  it('with one endpoint for every base, api_domain must be that endpoint (same origin) and changes nothing', () => {
    const fixed = resolveEndpoints({ endpoint: 'http://127.0.0.1:9/zoho' });
    expect(applyApiDomain(fixed, 'http://127.0.0.1:9', false)).toBe(fixed);
    expect(() => applyApiDomain(fixed, 'https://www.zohoapis.com', false)).toThrow(
      'refusing api_domain https://www.zohoapis.com from the token answer: with --endpoint every call goes to http://127.0.0.1:9; zpi sends no call there',
    );
  });

  it('ignores a missing api_domain and refuses a plain-http one', () => {
    expect(applyApiDomain(eu, undefined, false)).toBe(eu);
    expect(() => applyApiDomain(eu, 'http://evil.example.com', false)).toThrow(/^refusing api_domain http:\/\/evil.example.com from the token answer: not an https Zoho API host of data centre eu/);
    expect(() => applyApiDomain(eu, 'http://www.zohoapis.eu', true)).toThrow(/refusing api_domain http:\/\/www.zohoapis.eu/);
  });
});
