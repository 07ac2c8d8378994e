import type { Desired } from '../model/desired.js';
import type { Live } from '../model/live.js';
import type { GrantUserStep, RevokeUserStep, SetProfilePermissionsStep, SetUserPermissionsStep } from '../model/plan.js';
import { normalizePermissions, samePermissions, type Permission } from '../model/permissions.js';
import { compareText, effectiveAccess, unknownSubject, type SubjectUser } from './effective-access.js';
import { own, type IntegrationState } from './integration-state.js';

export interface AccessSteps {
  profiles: SetProfilePermissionsStep[];
  grants: GrantUserStep[];
  userPermissions: SetUserPermissionsStep[];
  revokes: RevokeUserStep[];
}

/**
 * Profile, grant, per-user and revoke steps that take `base` to `target`. Only managed profiles
 * (listed in the manifest) get a step; users are authoritative.
 */
export function planAccessSteps(
  desired: Desired,
  live: Live,
  base: IntegrationState,
  target: IntegrationState,
  subjects: ReadonlyMap<string, SubjectUser>,
  manual: boolean,
): AccessSteps {
  const common = { destructive: false, manual };
  const profileIds = new Map(live.profiles.map((p) => [p.name, p.id]));

  const profiles: SetProfilePermissionsStep[] = [];
  for (const name of Object.keys(desired.profiles).sort(compareText)) {
    const want = own(target.profilePermissions, name) ?? [];
    const have = own(base.profilePermissions, name);
    // A profile without an entry has no permissions: setting [] on it would change nothing.
    if (samePermissions(have ?? [], want)) continue;
    profiles.push({
      ...common,
      id: `set-profile-permissions:${name}`,
      kind: 'set-profile-permissions',
      action: 'update',
      target: name,
      profile: { id: profileIds.get(name) ?? '', name },
      before: have ? normalizePermissions(have) : null,
      after: normalizePermissions(want),
    });
  }

  const byEmail = (a: SubjectUser, b: SubjectUser): number => compareText(a.email, b.email);
  const wanted = [...target.users].map((id) => subjects.get(id) ?? unknownSubject(id)).sort(byEmail);
  // Once profiles are set and users granted, only the overrides are still as they were.
  const midway: IntegrationState = { ...target, userPermissions: base.userPermissions };

  const grants: GrantUserStep[] = [];
  const userPermissions: SetUserPermissionsStep[] = [];
  for (const user of wanted) {
    const ref = { id: user.id, email: user.email };
    const want = effectiveAccess(target, user);
    if (!base.users.has(user.id)) {
      grants.push({
        ...common,
        id: `grant-user:${user.email}`,
        kind: 'grant-user',
        action: 'create',
        target: user.email,
        user: ref,
        before: null,
        after: want.permissions,
        reason: want.reason,
      });
    }
    // Compare effective permissions, not how they are obtained: an override equal to the
    // profile's permissions is left alone rather than churned.
    const mid = effectiveAccess(midway, user);
    if (samePermissions(mid.permissions, want.permissions)) continue;
    userPermissions.push({
      ...common,
      id: `set-user-permissions:${user.email}`,
      kind: 'set-user-permissions',
      action: 'update',
      target: user.email,
      user: ref,
      before: copyOrNull(own(base.userPermissions, user.id)),
      after: copyOrNull(own(target.userPermissions, user.id)),
      effective: { before: mid.permissions, after: want.permissions, reason: want.reason },
    });
  }

  const revokes: RevokeUserStep[] = [...base.users]
    .filter((id) => !target.users.has(id))
    .map((id) => subjects.get(id) ?? unknownSubject(id))
    .sort(byEmail)
    .map((user) => {
      const had = effectiveAccess(base, user);
      return {
        ...common,
        id: `revoke-user:${user.email}`,
        kind: 'revoke-user',
        action: 'delete',
        target: user.email,
        user: { id: user.id, email: user.email },
        before: had.permissions,
        after: null,
        reason: had.reason,
      };
    });
  return { profiles, grants, userPermissions, revokes };
}

// Steps get their own arrays, so nothing a caller does to a plan can reach back into Live or Desired.
function copyOrNull(perms: readonly Permission[] | undefined): Permission[] | null {
  return perms ? normalizePermissions(perms) : null;
}
