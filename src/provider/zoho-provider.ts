import { UserError } from '../model/errors.js';
import type { LinkCounts } from '../model/live.js';
import { MAX_BATCH } from '../model/batch.js';
import type { Permission } from '../model/permissions.js';
import type { Endpoints } from './endpoints.js';
import { resolveEndpoints } from './endpoints.js';
import { mapLinks, ShapeError } from './map-live.js';
import type { ZohoCredentials } from './oauth-token.js';
import type { ItemResult, Provider, ReadOptions } from './provider.js';
import { PATHS, readLive } from './read-live.js';
import type { Method, ZohoClientOptions } from './zoho-client.js';
import { ZohoClient } from './zoho-client.js';
import { malformedAnswer, parseItemResults, throwIfItemFailed } from './zoho-error.js';

/** The client's options, with the bases given as one endpoint or a data centre instead of resolved. */
export type ZohoProviderOptions = Omit<ZohoClientOptions, 'endpoints'> & {
  /** One URL for accounts, CRM and Projects (--endpoint / ZPI_ENDPOINT); wins over dc. */
  endpoint?: string;
  /** Data centre (ZOHO_DC); default com. */
  dc?: string;
};

export interface ProviderStats {
  /** HTTP calls made, token grants and retries included. */
  calls: number;
  retries: number;
  /** 429 answers seen; zero unless someone else shares the org's limits. */
  throttled: number;
  byHost: { accounts: number; api: number; projects: number };
}

export type ZohoProvider = Provider & {
  stats(): ProviderStats;
  /** Where calls go (the CRM base follows the token's api_domain once a call was made). */
  readonly endpoints: Endpoints;
};

const BASE = PATHS.integration;

/** Reads ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET / ZOHO_REFRESH_TOKEN; absent or empty parts stay undefined. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Partial<ZohoCredentials> {
  const pick = (name: string) => (env[name] ? env[name] : undefined);
  return { clientId: pick('ZOHO_CLIENT_ID'), clientSecret: pick('ZOHO_CLIENT_SECRET'), refreshToken: pick('ZOHO_REFRESH_TOKEN') };
}

/** The client limits the environment sets; absent or empty variables stay undefined (the defaults). */
export type LimitsFromEnv = Pick<ZohoClientOptions, 'timeoutMs' | 'readDeadlineMs' | 'maxResponseBytes' | 'maxUserPages'>;

/**
 * ZPI_CALL_TIMEOUT and ZPI_READ_DEADLINE (a duration: 30s, 500ms, 2m; a bare number is seconds),
 * ZPI_MAX_RESPONSE_BYTES (bytes, or with k/M/G: binary units) and ZPI_MAX_USER_PAGES (a count).
 * A value that is not one of these is a UserError naming the variable.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>): LimitsFromEnv {
  const read = (name: string, units: Record<string, number>, example: string): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw);
    const unit = m ? units[(m[2] ?? '').toLowerCase()] : undefined;
    const value = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
    if (!(value >= 1)) throw new UserError(`${name}=${JSON.stringify(raw)}: expected ${example}`);
    return value;
  };
  const duration = { '': 1000, s: 1000, ms: 1, m: 60_000 };
  const bytes = { '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30 };
  const limits: LimitsFromEnv = {};
  const set = <K extends keyof LimitsFromEnv>(key: K, value: number | undefined): void => {
    if (value !== undefined) limits[key] = value;
  };
  set('timeoutMs', read('ZPI_CALL_TIMEOUT', duration, 'a duration such as 30s, 500ms or 2m'));
  set('readDeadlineMs', read('ZPI_READ_DEADLINE', duration, 'a duration such as 110s, 500ms or 5m'));
  set('maxResponseBytes', read('ZPI_MAX_RESPONSE_BYTES', bytes, 'a size such as 33554432, 64MiB or 512k'));
  set('maxUserPages', read('ZPI_MAX_USER_PAGES', { '': 1 }, 'a whole number of pages such as 5000'));
  return limits;
}

function checkBatch(what: string, n: number): void {
  if (n > MAX_BATCH) throw new RangeError(`${what}: ${n} items in one call; at most ${MAX_BATCH} (the executor batches)`);
}

const flags = (p: readonly Permission[]) => ({
  view: p.includes('view'),
  create: p.includes('create'),
  edit: p.includes('edit'),
  delete: p.includes('delete'),
});

/** The Provider over Zoho's HTTP API (or the sandbox, which speaks the same wire API). */
export function createZohoProvider(opts: ZohoProviderOptions): ZohoProvider {
  const { endpoint: _endpoint, dc: _dc, ...clientOptions } = opts;
  const client = new ZohoClient({ ...clientOptions, endpoints: resolveEndpoints(opts) });

  /** A write to the integration; per-item results in request order (ids undefined: one per answered item). */
  async function write(method: Method, path: string, ids: readonly string[] | string, body?: unknown, query?: Record<string, string>): Promise<ItemResult[]> {
    const answer = await client.request({ method, host: 'api', path, ...(body !== undefined ? { body } : {}), ...(query ? { query } : {}) });
    const data = (answer.body as { data?: unknown } | undefined)?.data;
    const itemIds = typeof ids === 'string' ? Array.from({ length: Array.isArray(data) && data.length > 0 ? data.length : 1 }, () => ids) : ids;
    return parseItemResults(answer.body, itemIds, client.errorContext(method, path), answer.status);
  }

  /** Writes with one effect: any failed item is a failed call. */
  async function action(path: string, body?: unknown, itemId = 'integration'): Promise<void> {
    for (const result of await write('POST', path, itemId, body)) throwIfItemFailed(result, client.errorContext('POST', path));
  }

  return {
    get endpoints() {
      return client.endpoints;
    },

    stats() {
      const s = client.stats();
      return { calls: s.calls, retries: s.retries, throttled: s.throttled, byHost: s.byHost };
    },

    read(options?: ReadOptions) {
      return readLive(client, options);
    },

    readLinks(): Promise<LinkCounts> {
      const path = `${BASE}/links/count`;
      return client.withDeadline('reading link counts', async (signal) => {
        const answer = await client.get('api', path, undefined, signal);
        try {
          return mapLinks(answer.body);
        } catch (err) {
          if (err instanceof ShapeError) throw malformedAnswer(client.errorContext('GET', path), answer.status, err.message);
          throw err;
        }
      });
    },

    async associatePortal({ portalId, zscKey, email }) {
      // The key is a secret: mask it in anything the server might echo back.
      client.addSecret(zscKey);
      await action(`${BASE}/actions/associate`, { zsc_key: zscKey, email, portal_id: portalId }, portalId);
    },

    async changePortal({ portalId, zscKey, email }) {
      client.addSecret(zscKey);
      await action(`${BASE}/actions/change_portal`, { zsc_key: zscKey, email, portal_id: portalId }, portalId);
    },

    disassociatePortal: () => action(`${BASE}/actions/disassociate`),

    deactivate: () => action(`${BASE}/actions/deactivate`),

    async setProfilePermissions(items) {
      checkBatch('setProfilePermissions', items.length);
      if (items.length === 0) return [];
      const body = { profile_permissions: items.map((i) => ({ profile: { id: i.profileId, name: i.profile }, ...flags(i.permissions) })) };
      return write('PUT', `${BASE}/profile_permissions`, items.map((i) => i.profile), body);
    },

    async grantUsers(items) {
      checkBatch('grantUsers', items.length);
      if (items.length === 0) return [];
      const users = items.map((i) => (i.permissions ? { id: i.userId, permissions: flags(i.permissions) } : { id: i.userId }));
      return write('PUT', `${BASE}/users`, items.map((i) => i.userId), { users });
    },

    async revokeUsers(userIds) {
      checkBatch('revokeUsers', userIds.length);
      if (userIds.length === 0) return [];
      return write('DELETE', `${BASE}/users`, userIds, undefined, { ids: userIds.join(',') });
    },

    async setUserPermissions(items) {
      checkBatch('setUserPermissions', items.length);
      if (items.length === 0) return [];
      const body = {
        user_permissions: items.map((i) => (i.permissions === null ? { user: { id: i.userId }, reset: true } : { user: { id: i.userId }, ...flags(i.permissions) })),
      };
      return write('PUT', `${BASE}/user_permissions`, items.map((i) => i.userId), body);
    },
  };
}
