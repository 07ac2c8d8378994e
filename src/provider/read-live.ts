import { ZohoApiError } from '../model/errors.js';
import type { Live, LiveIntegration, LiveUser } from '../model/live.js';
import type { ReadOptions } from './provider.js';
import { mapCurrentUser, mapIntegration, mapOrg, mapPortals, mapProfiles, mapUsersPage, ShapeError, UserInterner } from './map-live.js';
import type { ZohoClient } from './zoho-client.js';
import { malformedAnswer } from './zoho-error.js';

export const PATHS = {
  org: '/crm/v8/org',
  users: '/crm/v8/users',
  profiles: '/crm/v8/settings/profiles',
  portals: '/restapi/portals/',
  integration: '/crm/v8/settings/integrations/zoho_projects',
} as const;

export const USERS_PER_PAGE = 200;

/** GETs and maps; a body that does not fit the documented shape becomes INVALID_RESPONSE. */
async function getMapped<T>(
  client: ZohoClient,
  host: 'api' | 'projects',
  path: string,
  map: (b: unknown) => T,
  query: Record<string, string> | undefined,
  signal: AbortSignal,
): Promise<T> {
  const answer = await client.get(host, path, query, signal);
  try {
    return map(answer.body);
  } catch (err) {
    if (err instanceof ShapeError) throw malformedAnswer(client.errorContext('GET', path), answer.status, err.message);
    throw err;
  }
}

/**
 * Reads everything plan() needs, at the floor: one call each for the org, the current user, the
 * profiles, the portals and the integration's settings, and one per 200 users. The independent reads
 * run concurrently (the pacer keeps them under Zoho's limits); the first user page goes first, as it
 * says how many users there are, and the remaining pages then run concurrently. All of it runs under
 * the client's read deadline.
 */
export function readLive(client: ZohoClient, options: ReadOptions = {}): Promise<Live> {
  return client.withDeadline('reading the live state', (signal) => readAll(client, options, signal));
}

async function readAll(client: ZohoClient, options: ReadOptions, signal: AbortSignal): Promise<Live> {
  const [org, users, currentUser, profiles, portals, integration] = await Promise.all([
    getMapped(client, 'api', PATHS.org, mapOrg, undefined, signal),
    readUsers(client, signal, options.onProgress),
    getMapped(client, 'api', PATHS.users, mapCurrentUser, { type: 'CurrentUser' }, signal),
    getMapped(client, 'api', PATHS.profiles, mapProfiles, undefined, signal),
    getMapped(client, 'projects', PATHS.portals, mapPortals, undefined, signal),
    // Settled after the others: a failure of another read is the one reported.
    readIntegration(client, signal).catch((err: unknown) => err as Error),
  ]);
  // plan() tells a non-administrator so in the words of domain rule 1 (checkDomain); neither real Zoho
  // (no such endpoint: 404) nor the sandbox refuses this read with 403.
  if (integration instanceof Error) throw integration;
  return { org, currentUser, users, profiles, portals, integration };
}

/**
 * The integration's settings are zpi's model of a Setup screen (WIRE.md B). Real Zoho has no such
 * endpoint and answers 404; an emulator without it answers 501. Either means: manual steps.
 */
async function readIntegration(client: ZohoClient, signal: AbortSignal): Promise<LiveIntegration | null> {
  try {
    return await getMapped(client, 'api', PATHS.integration, mapIntegration, undefined, signal);
  } catch (err) {
    if (err instanceof ZohoApiError && (err.status === 404 || err.status === 501)) return null;
    throw err;
  }
}

/**
 * All users, page by page, with bounds a hostile or broken server cannot talk zpi out of: a page
 * holds at most per_page users, every page brings a user not read before, and paging stops at
 * ceil(count / per_page) + 1 pages when info.count gave a total, at limits.maxUserPages in any case.
 */
async function readUsers(client: ZohoClient, signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<LiveUser[]> {
  const interner = new UserInterner();
  const ctx = client.errorContext('GET', PATHS.users);
  const maxPages = client.limits.maxUserPages;
  const seen = new Map<string, LiveUser>();
  const page = async (n: number) => {
    const query = { type: 'AllUsers', page: String(n), per_page: String(USERS_PER_PAGE) };
    const p = await getMapped(client, 'api', PATHS.users, (b) => mapUsersPage(b, interner), query, signal);
    if (p.users.length > USERS_PER_PAGE) throw malformedAnswer(ctx, 200, `page ${n} holds ${p.users.length} users for per_page=${USERS_PER_PAGE}`);
    return p;
  };
  /** Keeps each id once (a user can shift across a page boundary while we read); refuses a page with nothing new. */
  const keep = (p: Awaited<ReturnType<typeof page>>, n: number): void => {
    const before = seen.size;
    for (const u of p.users) if (!seen.has(u.id)) seen.set(u.id, u);
    if (p.users.length > 0 && seen.size === before) throw malformedAnswer(ctx, 200, `page ${n} repeats users already read; zpi stops paging there`);
  };
  const first = await page(1);
  keep(first, 1);
  // Zoho's info.count is the page's count in some APIs and the total in others: trust it as a total
  // only when it is larger than the first page. Otherwise follow more_records one page at a time.
  const total = first.count !== undefined && first.count > first.users.length ? first.count : undefined;
  const limit = total === undefined ? maxPages : Math.ceil(total / USERS_PER_PAGE) + 1;
  if (limit > maxPages) {
    throw new ZohoApiError(200, 'TOO_MANY_PAGES', `GET ${PATHS.users}: info.count says ${total} users, more than ${maxPages} pages of ${USERS_PER_PAGE}; zpi reads no more (ZPI_MAX_USER_PAGES)`, false);
  }
  let done = first.users.length;
  onProgress?.(done, total ?? done);
  let pages = 1;
  let last = first;
  if (total !== undefined) {
    const rest = await Promise.all(
      Array.from({ length: Math.ceil(total / USERS_PER_PAGE) - 1 }, (_, i) =>
        page(i + 2).then((p) => {
          done += p.users.length;
          onProgress?.(done, total);
          return p;
        }),
      ),
    );
    rest.forEach((p, i) => keep(p, i + 2));
    pages += rest.length;
    last = rest.at(-1) ?? first;
  }
  // Sequential tail: no total given, or users were added while we read.
  while (last.more && last.users.length > 0) {
    if (pages >= limit) {
      const bound = total === undefined ? `${maxPages} pages (ZPI_MAX_USER_PAGES)` : `${pages} pages, though info.count said ${total} users`;
      throw new ZohoApiError(200, 'TOO_MANY_PAGES', `GET ${PATHS.users}: still more_records after ${bound}; zpi stops paging there`, false);
    }
    last = await page(++pages);
    keep(last, pages);
    done += last.users.length;
    onProgress?.(done, Math.max(done, total ?? done));
  }
  return [...seen.values()];
}
