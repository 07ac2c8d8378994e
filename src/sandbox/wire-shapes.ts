import { createHash } from 'node:crypto';
import { PERMISSIONS, type Permission } from '../model/permissions.js';
import { associatedPortal, profileByName, userById } from './org-lookup.js';
import type { SandboxState, SandboxUser } from './state-types.js';

const roleIds = new Map<string, string>();

/** Roles are stored by name; their id is derived from it so it is stable across restarts and edits. */
export function roleId(name: string): string {
  let id = roleIds.get(name);
  if (id === undefined) {
    const n = Number.parseInt(createHash('sha256').update(name).digest('hex').slice(0, 8), 16) % 1_000_000;
    id = `4876876000000${String(n).padStart(6, '0')}`;
    // A page of 200 users hashes the same few role names over and over; a state has few roles.
    if (roleIds.size < 10_000) roleIds.set(name, id);
  }
  return id;
}

export function profileRef(state: SandboxState, name: string): { id: string; name: string } {
  // The state was validated: every profile name a user or permission names exists.
  const p = profileByName(state, name)!;
  return { id: p.id, name: p.name };
}

/** WIRE.md's `user`. */
export function wireUser(state: SandboxState, u: SandboxUser) {
  return {
    id: u.id,
    email: u.email,
    full_name: u.full_name,
    status: u.status,
    confirm: u.confirm,
    profile: profileRef(state, u.profile),
    role: { id: roleId(u.role), name: u.role },
  };
}

export function permissionFlags(perms: readonly Permission[]): Record<Permission, boolean> {
  return Object.fromEntries(PERMISSIONS.map((p) => [p, perms.includes(p)])) as Record<Permission, boolean>;
}

const userRef = (state: SandboxState, id: string) => ({ id, email: userById(state, id)?.email ?? '' });

/** GET …/settings/integrations/zoho_projects (WIRE.md B). */
export function wireIntegration(state: SandboxState) {
  const ig = state.integration;
  const portal = associatedPortal(state);
  return {
    status: ig.status,
    portal: portal ? { id: portal.id, name: portal.name } : null,
    associated_by: ig.associated_by ? userRef(state, ig.associated_by) : null,
    users: ig.users.map((id) => userRef(state, id)),
    profile_permissions: Object.entries(ig.profile_permissions).map(([name, perms]) => ({
      profile: profileRef(state, name),
      ...permissionFlags(perms),
    })),
    user_permissions: Object.entries(ig.user_permissions).map(([id, perms]) => ({
      user: userRef(state, id),
      ...permissionFlags(perms),
    })),
  };
}
