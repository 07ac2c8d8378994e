import { isObj } from '../model/is-obj.js';
import { formatPermissions, samePermissions, type Permission } from '../model/permissions.js';
import { SandboxHttpError, itemError, ok, type WriteItem } from './http-error.js';
import { associatedPortal, describeUser, isActiveConfirmed, userById } from './org-lookup.js';
import type { Mutation } from './portal-writes.js';
import type { SandboxState, SandboxUser } from './state-types.js';
import { flagsToPermissions } from './write-input.js';

/** Permissions and grants only make sense with a portal associated. */
function requireAssociated(draft: SandboxState): void {
  const ig = draft.integration;
  if (ig.status === 'inactive') {
    throw new SandboxHttpError(400, 'INTEGRATION_INACTIVE', 'the Zoho Projects integration is inactive: associate a portal first');
  }
  if (ig.portal_id === null) {
    throw new SandboxHttpError(400, 'INTEGRATION_INACTIVE', 'no portal is associated: associate a portal first');
  }
}

const invalid = (message: string, details: Record<string, unknown>): WriteItem => itemError('INVALID_DATA', message, details);

/** Runs `one` per item; a failed item changes nothing and does not stop the others. */
function perItem(draft: SandboxState, items: unknown[], one: (item: unknown, i: number) => { item: WriteItem; changed?: boolean }): Mutation {
  requireAssociated(draft);
  let changed = false;
  const result = items.map((item, i) => {
    const r = one(item, i);
    changed ||= r.changed === true;
    return r.item;
  });
  return { result, changed };
}

/** Looks up `{id}` (or a bare id) as a CRM user; an error item names what was wrong. */
function findUser(draft: SandboxState, ref: unknown, i: number): SandboxUser | WriteItem {
  const id = isObj(ref) ? ref.id : ref;
  if (typeof id !== 'string' || id === '') return invalid(`item ${i}: expected a user id string`, { index: i });
  return userById(draft, id) ?? invalid(`no CRM user with id ${id}`, { id });
}

/** PUT …/profile_permissions {profile_permissions:[{profile:{id|name}, view, create, edit, delete}]} */
export function setProfilePermissions(draft: SandboxState, items: unknown[]): Mutation {
  return perItem(draft, items, (item, i) => {
    const ref = isObj(item) && isObj(item.profile) ? item.profile : undefined;
    if (!isObj(item) || !ref) return { item: invalid(`item ${i}: expected {profile:{id, name}, view, create, edit, delete}`, { index: i }) };
    const profile = draft.profiles.find((p) => (ref.id === undefined || p.id === ref.id) && (ref.name === undefined || p.name === ref.name));
    if (!profile || (ref.id === undefined && ref.name === undefined)) {
      return { item: invalid(`unknown profile ${JSON.stringify(ref.name ?? ref.id ?? null)}`, { id: ref.id ?? null, name: ref.name ?? null }) };
    }
    const details = { id: profile.id, name: profile.name };
    const perms = flagsToPermissions(item);
    if (typeof perms === 'string') return { item: invalid(`profile ${profile.name}: ${perms}`, details) };
    const before = draft.integration.profile_permissions[profile.name];
    const message = `profile ${profile.name}: ${formatPermissions(perms)}`;
    if (before && samePermissions(before, perms)) return { item: ok(`${message} (unchanged)`, details) };
    draft.integration.profile_permissions[profile.name] = perms;
    return { item: ok(message, details), changed: true };
  });
}

/**
 * PUT …/users {users:[{id, permissions?:{view, create, edit, delete}}]}: domain rule 3 — active,
 * confirmed users only, never the portal owner. `permissions` sets the user's override in the same
 * change (as Setup's Manage Users and Permissions saves ticks and permissions together), so nobody
 * holds the profile's permissions in between.
 */
export function grantUsers(draft: SandboxState, items: unknown[]): Mutation {
  // A Set, not users.includes per item: 100 items against 50,000 granted users is 5M comparisons a call.
  const granted = new Set(draft.integration.users);
  const overrides = draft.integration.user_permissions;
  return perItem(draft, items, (ref, i) => {
    const u = findUser(draft, ref, i);
    if (!('email' in u)) return { item: u };
    const details = { id: u.id, email: u.email };
    let perms: Permission[] | undefined;
    if (isObj(ref) && ref.permissions !== undefined) {
      const parsed = isObj(ref.permissions) ? flagsToPermissions(ref.permissions) : 'permissions must be {view, create, edit, delete}';
      if (typeof parsed === 'string') return { item: invalid(`${u.email}: ${parsed}`, details) };
      perms = parsed;
    }
    if (u.status !== 'active') return { item: invalid(`${describeUser(u)} is not active (status ${u.status}): only active, confirmed users can be given access`, details) };
    if (!isActiveConfirmed(u)) return { item: invalid(`${describeUser(u)} has not confirmed their CRM account: only active, confirmed users can be given access`, details) };
    const portal = associatedPortal(draft);
    if (portal && portal.owner_email.toLowerCase() === u.email.toLowerCase()) {
      return { item: invalid(`${describeUser(u)} owns portal ${portal.name}: the portal owner always has access and is never listed among users`, details) };
    }
    const overrideChanged = perms !== undefined && !(overrides[u.id] && samePermissions(overrides[u.id] as Permission[], perms));
    if (perms !== undefined) overrides[u.id] = perms;
    const with_ = perms ? ` with ${formatPermissions(perms)}` : '';
    if (granted.has(u.id)) return { item: ok(`${u.email} already has access${with_}`, details), changed: overrideChanged };
    // A newly ticked row without permissions of its own gets the profile's: an override left from
    // before (a seeded or imported state) must not come back with the grant.
    if (perms === undefined) delete overrides[u.id];
    granted.add(u.id);
    draft.integration.users.push(u.id);
    return { item: ok(`${u.email} granted access${with_}`, details), changed: true };
  });
}

/** DELETE …/users?ids=…: also drops the user's per-user override. */
export function revokeUsers(draft: SandboxState, ids: string[]): Mutation {
  const ig = draft.integration;
  const granted = new Set(ig.users);
  const revoked = new Set<string>();
  const mutation = perItem(draft, ids, (id, i) => {
    const u = findUser(draft, id, i);
    if (!('email' in u)) return { item: u };
    const details = { id: u.id, email: u.email };
    const had = granted.delete(u.id) || Object.hasOwn(ig.user_permissions, u.id);
    revoked.add(u.id);
    delete ig.user_permissions[u.id];
    return { item: ok(had ? `${u.email} lost access` : `${u.email} had no access`, details), changed: had };
  });
  // One pass over the granted users for the whole call, not one per id.
  if (revoked.size > 0) ig.users = ig.users.filter((x) => !revoked.has(x));
  return mutation;
}

/** PUT …/user_permissions {user_permissions:[{user:{id}, view, create, edit, delete} | {user:{id}, reset:true}]} */
export function setUserPermissions(draft: SandboxState, items: unknown[]): Mutation {
  const granted = new Set(draft.integration.users);
  return perItem(draft, items, (item, i) => {
    if (!isObj(item)) return { item: invalid(`item ${i}: expected {user:{id}, view, create, edit, delete} or {user:{id}, reset:true}`, { index: i }) };
    const u = findUser(draft, item.user, i);
    if (!('email' in u)) return { item: u };
    const details = { id: u.id, email: u.email };
    const overrides = draft.integration.user_permissions;
    if (item.reset !== undefined && typeof item.reset !== 'boolean') return { item: invalid(`${u.email}: reset must be true or false`, details) };
    if (item.reset === true) {
      const had = Object.hasOwn(overrides, u.id);
      delete overrides[u.id];
      return { item: ok(had ? `${u.email}: override removed` : `${u.email} had no override`, details), changed: had };
    }
    if (!granted.has(u.id)) {
      return { item: invalid(`${describeUser(u)} has no access: grant it before setting per-user permissions`, details) };
    }
    const perms = flagsToPermissions(item);
    if (typeof perms === 'string') return { item: invalid(`${u.email}: ${perms}`, details) };
    const before = overrides[u.id];
    const message = `${u.email}: ${formatPermissions(perms)}`;
    if (before && samePermissions(before, perms)) return { item: ok(`${message} (unchanged)`, details) };
    overrides[u.id] = perms;
    return { item: ok(message, details), changed: true };
  });
}
