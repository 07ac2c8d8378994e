import { SandboxHttpError } from './http-error.js';
import { isActiveConfirmed, isAdmin } from './org-lookup.js';
import type { ApiHandler } from './route-types.js';
import { ADMIN_PROFILE, type SandboxUser } from './state-types.js';
import { wireIntegration, wireUser } from './wire-shapes.js';

export const getOrg: ApiHandler = ({ store }) => ({ status: 200, body: { org: [{ ...store.get().org }] } });

/** Zoho's `type` filters for GET /crm/v8/users (CurrentUser is handled apart: it has no paging). */
const USER_FILTERS: Record<string, (u: SandboxUser) => boolean> = {
  AllUsers: () => true,
  ActiveUsers: (u) => u.status === 'active',
  DeactiveUsers: (u) => u.status !== 'active' && u.status !== 'deleted',
  DeletedUsers: (u) => u.status === 'deleted',
  ConfirmedUsers: (u) => u.confirm,
  NotConfirmedUsers: (u) => !u.confirm,
  ActiveConfirmedUsers: isActiveConfirmed,
  AdminUsers: isAdmin,
  ActiveConfirmedAdmins: (u) => isAdmin(u) && isActiveConfirmed(u),
};

export const MAX_PER_PAGE = 200;

// Every page of a listing filters the same users array; a 100,000-user org is read in 500 pages.
// Keyed by the array, which the store never edits in place (it is frozen).
const filtered = new WeakMap<readonly SandboxUser[], Map<string, SandboxUser[]>>();

function usersOfType(users: readonly SandboxUser[], type: string, filter: (u: SandboxUser) => boolean): readonly SandboxUser[] {
  if (type === 'AllUsers') return users;
  let byType = filtered.get(users);
  if (!byType) filtered.set(users, (byType = new Map()));
  let list = byType.get(type);
  if (!list) byType.set(type, (list = users.filter(filter)));
  return list;
}

function positiveInt(params: URLSearchParams, name: string, dflt: number, max?: number): number {
  const raw = params.get(name);
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || (max !== undefined && n > max)) {
    const range = max === undefined ? 'a whole number >= 1' : `a whole number from 1 to ${max}`;
    throw new SandboxHttpError(400, 'INVALID_DATA', `${name} must be ${range}, got "${raw}"`, { param_name: name });
  }
  return n;
}

export const getUsers: ApiHandler = ({ store, url }, me) => {
  const state = store.get();
  const type = url.searchParams.get('type') ?? 'AllUsers';
  if (type === 'CurrentUser') return { status: 200, body: { users: [wireUser(state, me)] } };
  const filter = Object.hasOwn(USER_FILTERS, type) ? USER_FILTERS[type] : undefined;
  if (!filter) {
    const known = ['CurrentUser', ...Object.keys(USER_FILTERS)].join(', ');
    throw new SandboxHttpError(400, 'INVALID_DATA', `invalid type "${type}"; expected one of ${known}`, { param_name: 'type' });
  }
  const page = positiveInt(url.searchParams, 'page', 1);
  const perPage = positiveInt(url.searchParams, 'per_page', MAX_PER_PAGE, MAX_PER_PAGE);
  const matching = usersOfType(state.users, type, filter);
  const slice = matching.slice((page - 1) * perPage, page * perPage);
  // Zoho answers an empty page (or no users at all) with 204 and no body.
  if (slice.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      users: slice.map((u) => wireUser(state, u)),
      // count = every matching user, so a client can fetch the remaining pages concurrently.
      info: { page, per_page: perPage, count: matching.length, more_records: page * perPage < matching.length },
    },
  };
};

const BUILT_IN_PROFILES = new Set([ADMIN_PROFILE, 'Standard']);

export const getProfiles: ApiHandler = ({ store }) => ({
  status: 200,
  body: {
    profiles: store.get().profiles.map((p) => ({
      id: p.id,
      name: p.name,
      display_label: p.name,
      type: 'normal_profile',
      custom: !BUILT_IN_PROFILES.has(p.name),
      default: BUILT_IN_PROFILES.has(p.name),
    })),
  },
});

export const getPortals: ApiHandler = ({ store }, me) => ({
  status: 200,
  body: {
    login_id: me.id,
    portals: store.get().portals.map((p, i) => ({
      // Zoho Projects answers `id` as a number and `id_string` as its exact text; clients should use id_string.
      id: /^\d{1,15}$/.test(p.id) ? Number(p.id) : p.id,
      id_string: p.id,
      name: p.name,
      role: 'admin',
      default: i === 0,
      plan: 'Enterprise',
      owner_email: p.owner_email,
    })),
  },
});

export const getIntegration: ApiHandler = ({ store }) => ({ status: 200, body: { integration: wireIntegration(store.get()) } });

export const getLinks: ApiHandler = ({ store }) => ({ status: 200, body: { links: { ...store.get().links } } });
