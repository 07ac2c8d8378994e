import type { Desired } from '../model/desired.js';
import type { Live } from '../model/live.js';
import type { AccessChange, AccessReason, GrantUserStep, RevokeUserStep, SetProfilePermissionsStep, SetUserPermissionsStep } from '../model/plan.js';
import { normalizePermissions, permissionsOfMask, samePermissions, type Permission } from '../model/permissions.js';
import { compareText, emailOf, mask, pushAccessChange, reasonOf, type AccessIndex, type PlanUser } from './effective-access.js';
import { own, type IntegrationState } from './integration-state.js';

export interface AccessSteps {
  profiles: SetProfilePermissionsStep[];
  grants: GrantUserStep[];
  userPermissions: SetUserPermissionsStep[];
  revokes: RevokeUserStep[];
}

/** The states a plan compares, each with its AccessIndex. */
export interface PlanStates {
  /** What is live now. */
  before: IntegrationState;
  beforeIndex: AccessIndex;
  /** What the profile and user steps start from: `before`, or empty after a portal step. */
  base: IntegrationState;
  baseIndex: AccessIndex;
  /** What the manifest asks for. */
  target: IntegrationState;
  targetIndex: AccessIndex;
}

/**
 * Profile, grant, per-user and revoke steps that take `base` to `target`, and the effective-access
 * changes from `before` to `target` (escalations first, then by email; see computeAccessChanges).
 * Only managed profiles (listed in the manifest) get a step; users are authoritative. `users` are the
 * CRM users by id.
 *
 * One pass over the users involved, sorted by email once: every list that comes out of it is then in
 * email order already. (Two users never share an email in CRM; if they did, they would keep the order
 * the states list them in rather than each list's own.)
 */
export function planAccessSteps(
  desired: Desired,
  live: Live,
  states: PlanStates,
  users: ReadonlyMap<string, PlanUser>,
  manual: boolean,
): AccessSteps & { access: AccessChange[] } {
  const { before, beforeIndex, base, baseIndex, target, targetIndex } = states;
  // Steps are whole object literals, never `{...common, …}`: V8 makes a spread followed by more keys
  // a slow dictionary object, and 50,000 such steps took a second to build and to read.
  const profileIds = new Map(live.profiles.map((p) => [p.name, p.id]));

  const profiles: SetProfilePermissionsStep[] = [];
  for (const name of Object.keys(desired.profiles).sort(compareText)) {
    const want = own(target.profilePermissions, name) ?? [];
    const have = own(base.profilePermissions, name);
    // A profile without an entry has no permissions: setting [] on it would change nothing.
    if (samePermissions(have ?? [], want)) continue;
    profiles.push({
      destructive: false,
      manual,
      id: `set-profile-permissions:${name}`,
      kind: 'set-profile-permissions',
      action: 'update',
      target: name,
      profile: { id: profileIds.get(name) ?? '', name },
      before: have ? normalizePermissions(have) : null,
      after: normalizePermissions(want),
    });
  }

  // Everyone whose access may change: who has it now (the base is `before` or empty), then who gets it.
  const involved: Who[] = [];
  for (const id of before.users) involved.push(who(id, users.get(id)));
  for (const id of target.users) if (!before.users.has(id)) involved.push(who(id, users.get(id)));
  involved.sort(byEmail);
  // Once profiles are set and users granted, only the overrides are still as they were.
  const midway = targetIndex.withOverridesOf(baseIndex);

  const grants: GrantUserStep[] = [];
  const userPermissions: SetUserPermissionsStep[] = [];
  const revokes: RevokeUserStep[] = [];
  const ranked: [AccessChange[], AccessChange[]] = [[], []];
  for (const user of involved) {
    const { id, email, profile } = user;
    const want = targetIndex.of(id, profile);
    if (targetIndex.users.has(id)) {
      // One list, reason and user reference per user, shared by its grant and override steps.
      let wantPerms: Permission[] | undefined;
      let wantReason: AccessReason | undefined;
      let ref: { id: string; email: string } | undefined;
      if (!baseIndex.users.has(id)) {
        ref = { id, email };
        wantPerms = permissionsOfMask(want);
        wantReason = reasonOf(want, profile);
        grants.push({
          destructive: false,
          manual,
          id: `grant-user:${email}`,
          kind: 'grant-user',
          action: 'create',
          target: email,
          user: ref,
          before: null,
          after: wantPerms,
          reason: wantReason,
        });
      }
      // Compare effective permissions, not how they are obtained: an override equal to the
      // profile's permissions is left alone rather than churned.
      const mid = midway.of(id, profile);
      if (mask(mid) !== mask(want)) {
        userPermissions.push({
          destructive: false,
          manual,
          id: `set-user-permissions:${email}`,
          kind: 'set-user-permissions',
          action: 'update',
          target: email,
          user: ref ?? { id, email },
          before: copyOrNull(own(base.userPermissions, id)),
          after: copyOrNull(own(target.userPermissions, id)),
          effective: { before: permissionsOfMask(mid), after: wantPerms ?? permissionsOfMask(want), reason: wantReason ?? reasonOf(want, profile) },
        });
      }
    } else if (baseIndex.users.has(id)) {
      const had = baseIndex.of(id, profile);
      revokes.push({
        destructive: false,
        manual,
        id: `revoke-user:${email}`,
        kind: 'revoke-user',
        action: 'delete',
        target: email,
        user: { id, email },
        before: permissionsOfMask(had),
        after: null,
        reason: reasonOf(had, profile),
      });
    }
    pushAccessChange(beforeIndex.of(id, profile), want, email, profile, ranked);
  }
  return { profiles, grants, userPermissions, revokes, access: ranked[0].concat(ranked[1]) };
}

/** A user to plan for, by id: the email to show and sort by, the profile if CRM knows the user. */
interface Who {
  id: string;
  email: string;
  profile: string | undefined;
}

function who(id: string, user: PlanUser | undefined): Who {
  return { id, email: emailOf(id, user), profile: user?.profile?.name };
}

const byEmail = (a: Who, b: Who): number => compareText(a.email, b.email);

// Steps get their own arrays, so nothing a caller does to a plan can reach back into Live or Desired.
function copyOrNull(perms: readonly Permission[] | undefined): Permission[] | null {
  return perms ? normalizePermissions(perms) : null;
}
