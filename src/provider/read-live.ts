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
// A server that keeps saying more_records must not keep zpi paging forever (200 × 1000 users).
const MAX_PAGES = 1000;

/** GETs and maps; a body that does not fit the documented shape becomes INVALID_RESPONSE. */
async function getMapped<T>(client: ZohoClient, host: 'api' | 'projects', path: string, map: (b: unknown) => T, query?: Record<string, string>): Promise<T> {
  const answer = await client.get(host, path, query);
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
 * says how many users there are, and the remaining pages then run concurrently.
 */
export async function readLive(client: ZohoClient, options: ReadOptions = {}): Promise<Live> {
  const [org, users, currentUser, profiles, portals, integration] = await Promise.all([
    getMapped(client, 'api', PATHS.org, mapOrg),
    readUsers(client, options.onProgress),
    getMapped(client, 'api', PATHS.users, mapCurrentUser, { type: 'CurrentUser' }),
    getMapped(client, 'api', PATHS.profiles, mapProfiles),
    getMapped(client, 'projects', PATHS.portals, mapPortals),
    readIntegration(client).catch((err: unknown) => err as Error),
  ]);
  if (integration instanceof Error) {
    // A non-admin is refused the settings read; say why in the words of the domain rule, not as a bare 403.
    if (integration instanceof ZohoApiError && integration.status === 403 && !currentUser.isAdmin) {
      throw new ZohoApiError(
        403,
        integration.code,
        `${currentUser.email} is not a CRM administrator (profile ${currentUser.profile}): only an administrator can read or configure the Zoho Projects integration`,
        false,
      );
    }
    throw integration;
  }
  return { org, currentUser, users, profiles, portals, integration };
}

/**
 * The integration's settings are zpi's model of a Setup screen (WIRE.md B). Real Zoho has no such
 * endpoint and answers 404; an emulator without it answers 501. Either means: manual steps.
 */
async function readIntegration(client: ZohoClient): Promise<LiveIntegration | null> {
  try {
    return await getMapped(client, 'api', PATHS.integration, mapIntegration);
  } catch (err) {
    if (err instanceof ZohoApiError && (err.status === 404 || err.status === 501)) return null;
    throw err;
  }
}

async function readUsers(client: ZohoClient, onProgress?: (done: number, total: number) => void): Promise<LiveUser[]> {
  const interner = new UserInterner();
  const page = (n: number) =>
    getMapped(client, 'api', PATHS.users, (b) => mapUsersPage(b, interner), { type: 'AllUsers', page: String(n), per_page: String(USERS_PER_PAGE) });
  const pages = [await page(1)];
  const first = pages[0] as Awaited<ReturnType<typeof page>>;
  // Zoho's info.count is the page's count in some APIs and the total in others: trust it as a total
  // only when it is larger than the first page. Otherwise follow more_records one page at a time.
  const total = first.count !== undefined && first.count > first.users.length ? first.count : undefined;
  let done = first.users.length;
  onProgress?.(done, total ?? done);
  if (total !== undefined) {
    const count = Math.min(Math.ceil(total / USERS_PER_PAGE), MAX_PAGES);
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, (_, i) =>
        page(i + 2).then((p) => {
          done += p.users.length;
          onProgress?.(done, total);
          return p;
        }),
      ),
    );
    pages.push(...rest);
  }
  // Sequential tail: no total given, or users were added while we read.
  let last = pages[pages.length - 1] ?? first;
  while (last.more && last.users.length > 0 && pages.length < MAX_PAGES) {
    last = await page(pages.length + 1);
    pages.push(last);
    done += last.users.length;
    onProgress?.(done, Math.max(done, total ?? done));
  }
  // A user can shift across a page boundary while we read; keep each id once.
  const seen = new Map<string, LiveUser>();
  for (const p of pages) for (const u of p.users) if (!seen.has(u.id)) seen.set(u.id, u);
  return [...seen.values()];
}
