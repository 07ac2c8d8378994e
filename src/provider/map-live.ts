import { isObj, type Obj } from '../model/is-obj.js';
import type { LinkCounts, Live, LiveIntegration, LivePortal, LiveUser } from '../model/live.js';
import type { Permission } from '../model/permissions.js';
import { PERMISSIONS } from '../model/permissions.js';

/**
 * Zoho's JSON (WIRE.md) → zpi's Live model. Each mapper returns undefined-free values or throws
 * ShapeError naming what was missing; the provider turns that into an INVALID_RESPONSE ZohoApiError.
 */
export class ShapeError extends Error {
  override name = 'ShapeError';
}


function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new ShapeError(`${what} is not an object`);
  return v;
}
function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(`${what} is not a list`);
  return v;
}
/** Ids may come as numbers (Projects) or strings (CRM); zpi keeps strings. */
function id(v: unknown, what: string): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new ShapeError(`${what} has no id`);
}
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export function mapOrg(body: unknown): Live['org'] {
  const o = obj(list(obj(body, 'org answer').org, 'org')[0], 'org[0]');
  return { id: id(o.id, 'org'), companyName: text(o.company_name), primaryEmail: text(o.primary_email).toLowerCase(), type: text(o.type) };
}

function ref(v: unknown, what: string): { id: string; name: string } {
  const r = obj(v, what);
  return { id: id(r.id, what), name: text(r.name) };
}

/**
 * Shares what 100,000 users have in common — a few hundred profiles and roles, a handful of
 * statuses — instead of keeping a copy per user: a large org's live state is a third smaller.
 * One per read; the shared profile and role objects are frozen, as Live is read-only.
 */
export class UserInterner {
  /** By id: a profile or role keeps its name within one read (a renamed one read mid-way gets its own copy). */
  readonly #refs = new Map<string, Readonly<{ id: string; name: string }>>();
  readonly #texts = new Map<string, string>();

  ref(v: unknown, what: string): { id: string; name: string } {
    const r = ref(v, what);
    const shared = this.#refs.get(r.id);
    if (shared !== undefined && shared.name === r.name) return shared as { id: string; name: string };
    if (shared === undefined && this.#refs.size < 100_000) this.#refs.set(r.id, Object.freeze(r));
    return r;
  }

  text(s: string): string {
    const shared = this.#texts.get(s);
    if (shared !== undefined) return shared;
    if (this.#texts.size < 1_000) this.#texts.set(s, s);
    return s;
  }
}

export function mapUser(v: unknown, interner?: UserInterner): LiveUser {
  const u = obj(v, 'user');
  const status = text(u.status);
  const user: LiveUser = {
    id: id(u.id, 'user'),
    email: text(u.email).toLowerCase(),
    fullName: text(u.full_name),
    status: interner ? interner.text(status) : status,
    confirmed: u.confirm === true,
    profile: interner ? interner.ref(u.profile, 'user profile') : ref(u.profile, 'user profile'),
  };
  if (isObj(u.role)) user.role = interner ? interner.ref(u.role, 'user role') : ref(u.role, 'user role');
  return user;
}

export function mapCurrentUser(body: unknown): Live['currentUser'] {
  const u = mapUser(list(obj(body, 'current user answer').users, 'users')[0]);
  // Zoho's admin profile is named "Administrator" (WIRE.md A); only an admin may configure the integration.
  return { id: u.id, email: u.email, profile: u.profile.name, isAdmin: u.profile.name === 'Administrator' };
}

/** One page of AllUsers; undefined body = 204 (no users). */
export function mapUsersPage(body: unknown, interner?: UserInterner): { users: LiveUser[]; count?: number; more: boolean } {
  if (body === undefined) return { users: [], more: false };
  const b = obj(body, 'users answer');
  const users = list(b.users ?? [], 'users').map((u) => mapUser(u, interner));
  const info = isObj(b.info) ? b.info : {};
  return {
    users,
    ...(typeof info.count === 'number' ? { count: info.count } : {}),
    more: info.more_records === true,
  };
}

export function mapProfiles(body: unknown): Live['profiles'] {
  return list(obj(body, 'profiles answer').profiles, 'profiles').map((p) => ref(p, 'profile'));
}

export function mapPortals(body: unknown): LivePortal[] {
  if (body === undefined) return [];
  return list(obj(body, 'portals answer').portals ?? [], 'portals').map((v) => {
    const p = obj(v, 'portal');
    // id_string first: Projects ids exceed 2^53 and lose digits as JSON numbers.
    const portal: LivePortal = { id: id(p.id_string ?? p.id, 'portal'), name: text(p.name) };
    if (typeof p.owner_email === 'string' && p.owner_email !== '') portal.ownerEmail = p.owner_email.toLowerCase();
    return portal;
  });
}

function perms(v: Obj): Permission[] {
  return PERMISSIONS.filter((p) => v[p] === true);
}

export function mapIntegration(body: unknown): LiveIntegration {
  const i = obj(obj(body, 'integration answer').integration, 'integration');
  const profilePermissions: Record<string, Permission[]> = {};
  for (const v of list(i.profile_permissions ?? [], 'profile_permissions')) {
    const pp = obj(v, 'profile permission');
    profilePermissions[ref(pp.profile, 'profile permission profile').name] = perms(pp);
  }
  const userPermissions: Record<string, Permission[]> = {};
  for (const v of list(i.user_permissions ?? [], 'user_permissions')) {
    const up = obj(v, 'user permission');
    userPermissions[id(obj(up.user, 'user permission user').id, 'user permission user')] = perms(up);
  }
  return {
    status: i.status === 'active' ? 'active' : 'inactive',
    portal: isObj(i.portal) ? ref(i.portal, 'integration portal') : null,
    users: list(i.users ?? [], 'integration users').map((u) => id(isObj(u) ? u.id : u, 'integration user')),
    profilePermissions,
    userPermissions,
  };
}

export function mapLinks(body: unknown): LinkCounts {
  const l = obj(obj(body, 'links answer').links, 'links');
  const n = (v: unknown) => (typeof v === 'number' && v >= 0 ? v : 0);
  return { Accounts: n(l.Accounts), Contacts: n(l.Contacts), Deals: n(l.Deals ?? l.Potentials) };
}
