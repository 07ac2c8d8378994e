import { UserError, ZohoApiError } from '../model/errors.js';

/** Base URLs (no trailing slash) of the three Zoho services zpi talks to. */
export interface Endpoints {
  /** OAuth token endpoint host, e.g. https://accounts.zoho.eu */
  accounts: string;
  /** CRM REST API; replaced by the token answer's `api_domain` unless `fixed`. */
  api: string;
  /** Zoho Projects REST API. */
  projects: string;
  /** True when `--endpoint`/ZPI_ENDPOINT set all three: `api_domain` is then ignored. */
  fixed: boolean;
}

export type HostKind = 'accounts' | 'api' | 'projects';

/**
 * Zoho's data centres. Accounts hosts: https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 * (Canada is the odd one out: zohocloud.ca). CRM API hosts follow www.zohoapis.<tld>
 * (https://www.zoho.com/crm/developer/docs/api/multi-dc.html); Canada's CRM API is www.zohoapis.ca.
 * Projects follows its accounts domain, so Canada's is projectsapi.zohocloud.ca.
 */
export const DATA_CENTRES: Readonly<Record<string, Omit<Endpoints, 'fixed'>>> = {
  com: dc('zoho.com', 'zohoapis.com'),
  eu: dc('zoho.eu', 'zohoapis.eu'),
  in: dc('zoho.in', 'zohoapis.in'),
  'com.au': dc('zoho.com.au', 'zohoapis.com.au'),
  jp: dc('zoho.jp', 'zohoapis.jp'),
  ca: dc('zohocloud.ca', 'zohoapis.ca'),
  sa: dc('zoho.sa', 'zohoapis.sa'),
  'com.cn': dc('zoho.com.cn', 'zohoapis.com.cn'),
};

function dc(zohoDomain: string, apiDomain: string): Omit<Endpoints, 'fixed'> {
  return {
    accounts: `https://accounts.${zohoDomain}`,
    api: `https://www.${apiDomain}`,
    projects: `https://projectsapi.${zohoDomain}`,
  };
}

// Zoho's own short names for regions (the `location` parameter of the OAuth redirect).
const DC_ALIASES: Readonly<Record<string, string>> = { us: 'com', au: 'com.au', cn: 'com.cn' };

export const DEFAULT_DC = 'com';

export interface ResolveEndpointsOptions {
  /** One URL for all three services (the sandbox, a proxy). */
  endpoint?: string;
  /** Data centre (com, eu, in, com.au, jp, ca, sa, com.cn); default com. */
  dc?: string;
  /** Allow a plain-http endpoint that is not on loopback. Off by default: tokens would travel in clear. */
  insecureHttp?: boolean;
}

/** Resolves where to send calls. Throws UserError for an unknown data centre or an unsafe URL. */
export function resolveEndpoints(opts: ResolveEndpointsOptions): Endpoints {
  if (opts.endpoint !== undefined && opts.endpoint !== '') {
    const base = checkTransport(opts.endpoint, opts.insecureHttp ?? false, 'endpoint');
    return { accounts: base, api: base, projects: base, fixed: true };
  }
  const raw = (opts.dc ?? DEFAULT_DC).trim().toLowerCase().replace(/^\./, '');
  const name = DC_ALIASES[raw] ?? raw;
  const found = DATA_CENTRES[name];
  if (!found) {
    throw new UserError(`unknown Zoho data centre "${opts.dc}": expected one of ${Object.keys(DATA_CENTRES).join(', ')}`);
  }
  return { ...found, fixed: false };
}

/** True for names and addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Checks that a base URL is safe to send an OAuth token to and returns it without a trailing slash.
 * https always; http only to loopback (the sandbox) unless insecureHttp. Userinfo, query and
 * fragment are refused: they would end up in logs or be silently dropped.
 */
export function checkTransport(raw: string, insecureHttp: boolean, what = 'URL'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`invalid ${what} "${raw}": not a URL`);
  }
  if (url.username || url.password) throw new UserError(`invalid ${what}: credentials in the URL are not allowed`);
  if (url.search || url.hash) throw new UserError(`invalid ${what} "${url.origin}${url.pathname}": no query or fragment allowed`);
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname) && !insecureHttp) {
      throw new UserError(
        `refusing plain-http ${what} ${url.origin}: OAuth tokens would travel unencrypted; use https (http is allowed only on loopback, or with --insecure-http)`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new UserError(`invalid ${what} "${raw}": only https (or http on loopback) is supported`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * Hosts a data centre's token answer may name as `api_domain`: the domain itself or a subdomain
 * (Zoho may route an org to crm2.zohoapis.eu and the like). Canada serves under zohocloud.ca too.
 */
export const API_DOMAINS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(DATA_CENTRES).map(([name, d]) => [name, [new URL(d.api).hostname.replace(/^www\./, ''), ...(name === 'ca' ? ['zohocloud.ca'] : [])]]),
);

/**
 * The token answer's `api_domain` decides the CRM API base (Zoho may route an org to another host),
 * and the access token goes with every call there: a tampered or hostile token answer must not send it
 * elsewhere. So it must be https on a Zoho API host of the data centre the accounts host belongs to,
 * on the default port; with one endpoint for everything (`fixed`) it must be that endpoint's origin.
 * Otherwise a non-retryable ZohoApiError names the refused origin, before any call goes there.
 */
export function applyApiDomain(endpoints: Endpoints, apiDomain: unknown, _insecureHttp = false): Endpoints {
  if (typeof apiDomain !== 'string' || apiDomain === '') return endpoints;
  let url: URL | undefined;
  try {
    url = new URL(apiDomain);
  } catch {
    url = undefined;
  }
  const shown = url ? url.origin : JSON.stringify(apiDomain.slice(0, 80));
  const refuse = (expected: string): never => {
    throw new ZohoApiError(
      0,
      'UNTRUSTED_API_DOMAIN',
      `refusing api_domain ${shown} from the token answer: ${expected}; zpi sends no call there`,
      false,
    );
  };
  const plain = url !== undefined && !url.username && !url.password && !url.search && !url.hash && /^\/?$/.test(url.pathname);
  if (endpoints.fixed) {
    const origin = new URL(endpoints.api).origin;
    if (!url || !plain || url.origin !== origin) return refuse(`with --endpoint every call goes to ${origin}`);
    return endpoints;
  }
  const dc = Object.keys(DATA_CENTRES).find((name) => DATA_CENTRES[name]?.accounts === endpoints.accounts);
  const domains = dc ? API_DOMAINS[dc] ?? [] : [];
  const host = url?.hostname.toLowerCase() ?? '';
  const ok = url?.protocol === 'https:' && plain && url.port === '' && domains.some((d) => host === d || host.endsWith(`.${d}`));
  if (!ok || !url) {
    const why = dc ? `not an https Zoho API host of data centre ${dc} (${domains.map((d) => `*.${d}`).join(', ')})` : `${new URL(endpoints.accounts).host} is no Zoho data centre's accounts host`;
    return refuse(why);
  }
  return { ...endpoints, api: url.origin };
}
