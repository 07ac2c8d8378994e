import type { Desired } from '../model/desired.js';
import type { Live } from '../model/live.js';
import type { AccessChange, GrantUserStep, Plan, RevokeUserStep, SetProfilePermissionsStep, SetUserPermissionsStep } from '../model/plan.js';
import { normalizePermissions, permissionMask, permissionsOfMask, samePermissions, type Permission } from '../model/permissions.js';
import { computeBrake } from './compute-brake.js';
import { compareText, emailOf, pushAccessChange, reasonOf, type AccessIndex, type PlanUser } from './effective-access.js';
import { own, type IntegrationState } from './integration-state.js';
import type { StepSources } from './step-sources.js';

export interface AccessSteps {
  revokes: RevokeUserStep[];
  /** Overrides set or changed for users who keep access: before the profiles change. */
  overrides: SetUserPermissionsStep[];
  profiles: SetProfilePermissionsStep[];
  /** Each with the user's override, if any, in the same change. */
  grants: GrantUserStep[];
  /** Overrides removed (the profile's permissions apply again): last. */
  overrideRemovals: SetUserPermissionsStep[];
  /** Set when the mass-revoke brake fired: then every revoke is destructive. */
  brake: Plan['brake'];
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
 * changes from `before` to `target` (escalations first, then by email; see accessChanges).
 * Only managed profiles (listed in the manifest) get a step; users are authoritative; a per-user
 * override is reconciled as declared (one equal to the profile's permissions still pins the user).
 * `users` are the CRM users by id. Revoking more than `maxRevokePct` % of the users with access now
 * fires the mass-revoke brake (DESIGN §4): every revoke is then destructive.
 *
 * The step lists come in the order apply runs them (DESIGN §4, least privilege at every moment):
 * revokes → overrides set for users who keep access → profiles → grants (each with its override) →
 * overrides removed. After any prefix each user holds at most what `before` or `target` gives them:
 * a revoked user never sees a raised profile, a user who keeps access is pinned to their new override
 * before their profile changes, a new user gets their override with the grant, and an override is
 * dropped only once the profile has its new permissions.
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
  sources: StepSources,
  maxRevokePct: number,
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
      id: `set-profile-permissions:${name}`,
      kind: 'set-profile-permissions',
      action: 'update',
      target: name,
      profile: { id: profileIds.get(name) ?? '', name },
      before: have ? normalizePermissions(have) : null,
      after: normalizePermissions(want),
      source: sources.profile(name),
    });
  }

  // Everyone whose access may change: who has it now (the base is `before` or empty), then who gets it.
  const involved: Who[] = [];
  for (const id of before.users) involved.push(who(id, users.get(id)));
  for (const id of target.users) if (!before.users.has(id)) involved.push(who(id, users.get(id)));
  involved.sort(byEmail);

  const grants: GrantUserStep[] = [];
  const overrides: SetUserPermissionsStep[] = [];
  const overrideRemovals: SetUserPermissionsStep[] = [];
  // Users who lose access, in email order.
  const revoking: Who[] = [];
  const ranked: [AccessChange[], AccessChange[]] = [[], []];
  for (const user of involved) {
    const { id, email, profile } = user;
    const want = targetIndex.of(id, profile);
    if (targetIndex.users.has(id)) {
      const wantOverride = own(target.userPermissions, id);
      if (!baseIndex.users.has(id)) {
        grants.push({
          destructive: false,
          id: `grant-user:${email}`,
          kind: 'grant-user',
          action: 'create',
          target: email,
          user: { id, email },
          override: copyOrNull(wantOverride),
          before: null,
          after: permissionsOfMask(want),
          reason: reasonOf(want, profile),
          source: sources.user(email),
        });
      } else {
        const haveOverride = own(base.userPermissions, id);
        const setsOverride = wantOverride !== undefined && (haveOverride === undefined || !samePermissions(haveOverride, wantOverride));
        if (setsOverride || (wantOverride === undefined && haveOverride !== undefined)) {
          // Set: before the profiles change, from the user's access now. Removed: after the profiles
          // changed, from the override the user still has.
          const from = setsOverride ? baseIndex.of(id, profile) : permissionMask(haveOverride as Permission[]);
          (setsOverride ? overrides : overrideRemovals).push({
            destructive: false,
            id: `set-user-permissions:${email}`,
            kind: 'set-user-permissions',
            action: 'update',
            target: email,
            user: { id, email },
            before: copyOrNull(haveOverride),
            after: copyOrNull(wantOverride),
            effective: { before: permissionsOfMask(from), after: permissionsOfMask(want), reason: reasonOf(want, profile) },
            source: sources.user(email),
          });
        }
      }
    } else if (baseIndex.users.has(id)) {
      revoking.push(user);
    }
    pushAccessChange(beforeIndex.of(id, profile), want, email, profile, ranked, sources.revoke(email).expired);
  }
  // The mass-revoke brake needs the number of revokes: each step is built once it is decided.
  const brake = computeBrake(revoking.length, before.users.size, maxRevokePct);
  const revokes = revoking.map((user) => revokeStep(user, baseIndex.of(user.id, user.profile), sources, brake !== null));
  return { revokes, overrides, profiles, grants, overrideRemovals, brake, access: ranked[0].concat(ranked[1]) };
}

/** The step that takes away `user`'s access (`had`, as an access mask); destructive when the brake fired. */
function revokeStep(user: Who, had: number, sources: StepSources, destructive: boolean): RevokeUserStep {
  const { id, email, profile } = user;
  const { source, expired } = sources.revoke(email);
  const step: RevokeUserStep = {
    destructive,
    id: `revoke-user:${email}`,
    kind: 'revoke-user',
    action: 'delete',
    target: email,
    user: { id, email },
    before: permissionsOfMask(had),
    after: null,
    reason: reasonOf(had, profile),
    source,
  };
  // Added after the literal, not spread into it (see planAccessSteps: a spread makes a slow object).
  if (expired !== undefined) step.expired = expired;
  return step;
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
