import type { Desired } from '../model/desired.js';
import type { LiveIntegration, LiveUser } from '../model/live.js';
import type { Permission } from '../model/permissions.js';

/**
 * Who has access and with which permissions: the live integration, the state steps start from, or
 * the desired end state. plan() compares these instead of the raw Live/Desired shapes.
 */
export interface IntegrationState {
  /** Ids of users with access. */
  users: ReadonlySet<string>;
  /** By profile name; a profile without an entry has no permissions. */
  profilePermissions: Readonly<Record<string, Permission[]>>;
  /** Per-user overrides by user id. */
  userPermissions: Readonly<Record<string, Permission[]>>;
}

/**
 * `record[key]` only if it is the record's own: profile names come from people, and a profile
 * called "constructor" must not find Object.prototype's.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** What a freshly associated (or disassociated) portal starts from: Zoho clears users and permissions. */
export const EMPTY_STATE: IntegrationState = Object.freeze({
  users: new Set<string>(),
  profilePermissions: Object.freeze({}),
  userPermissions: Object.freeze({}),
});

/** The associated portal, or null when the integration is inactive or its settings are unreadable. */
export function associatedPortal(integration: LiveIntegration | null): { id: string; name: string } | null {
  return integration?.status === 'active' ? integration.portal : null;
}

/**
 * The live integration as a state. Unreadable (null, real Zoho) or not associated counts as empty:
 * nobody can use projects inside CRM without an associated portal.
 */
export function liveState(integration: LiveIntegration | null): IntegrationState {
  if (!integration || !associatedPortal(integration)) return EMPTY_STATE;
  return {
    users: new Set(integration.users),
    profilePermissions: integration.profilePermissions,
    userPermissions: integration.userPermissions,
  };
}

/** The state `desired` asks for, built on `base`: unmanaged profiles keep base's permissions. */
export function desiredState(
  desired: Desired,
  base: IntegrationState,
  usersByEmail: ReadonlyMap<string, LiveUser>,
  matches?: readonly (LiveUser | undefined)[],
): IntegrationState {
  if (desired.state === 'deactivated') return EMPTY_STATE;
  const users = new Set<string>();
  const userPermissions: Record<string, Permission[]> = {};
  for (let i = 0; i < desired.users.length; i++) {
    const u = desired.users[i] as Desired['users'][number];
    // checkDomain's matches, when given, are these same lookups done once.
    const live = matches ? matches[i] : usersByEmail.get(u.email.toLowerCase());
    if (!live) continue; // checkDomain has reported it
    users.add(live.id);
    if (u.permissions) userPermissions[live.id] = u.permissions;
  }
  // fromEntries defines own data properties, so even a profile named "__proto__" stays a profile.
  const profilePermissions = Object.fromEntries([
    ...Object.entries(base.profilePermissions),
    ...Object.entries(desired.profiles).map(([name, p]) => [name, p.permissions] as const),
  ]);
  return { users, profilePermissions, userPermissions };
}
