import type { AccessChange, AccessReason } from '../model/plan.js';
import { permissionMask, permissionsOfMask, type Permission } from '../model/permissions.js';
import type { IntegrationState } from './integration-state.js';

/** A user's effective permissions (canonical order) and why they are what they are. */
export interface Access {
  permissions: Permission[];
  reason: AccessReason;
}

// Why, in the bits above a permission mask (see AccessIndex.of).
const BY_OVERRIDE = 16;
const BY_PROFILE = 32;

/**
 * A user as plan()'s hot loops see it: a LiveUser is one. Users the integration lists but CRM does
 * not (see unknownSubject) are `undefined`.
 */
export interface PlanUser {
  id: string;
  email: string;
  profile?: { name: string };
}

/**
 * zpi's one engine of effective access (plan, access review, explain): a user with access holds their
 * per-user override if there is one, else their profile's permissions; a user without access holds
 * nothing. Answers are numbers, the permission mask in the low four bits and why above them: a plan
 * for 100,000 users asks a few hundred thousand times and must not build a list for each answer
 * (`access()` gives the list, for a few users). test/helpers/access-oracle.ts restates the rule on
 * lists, and a property test holds the two equal.
 */
export class AccessIndex {
  readonly users: ReadonlySet<string>;
  readonly profiles: ReadonlyMap<string, number>;
  readonly overrides: ReadonlyMap<string, number>;

  private constructor(users: ReadonlySet<string>, profiles: ReadonlyMap<string, number>, overrides: ReadonlyMap<string, number>) {
    this.users = users;
    this.profiles = profiles;
    this.overrides = overrides;
  }

  static of(state: IntegrationState): AccessIndex {
    return new AccessIndex(state.users, masks(state.profilePermissions, true), masks(state.userPermissions, false));
  }

  /** This state with another state's per-user overrides. */
  withOverridesOf(other: AccessIndex): AccessIndex {
    return new AccessIndex(this.users, this.profiles, other.overrides);
  }

  /** The access of user `id` with this profile: `mask(a)` is the permissions, `reasonOf(a, profile)` why. */
  of(id: string, profile: string | undefined): number {
    if (!this.users.has(id)) return 0;
    const override = this.overrides.get(id);
    if (override !== undefined) return override | BY_OVERRIDE;
    if (profile === undefined) return 0;
    return (this.profiles.get(profile) ?? 0) | BY_PROFILE;
  }

  /** `of` as a permission list and why. */
  access(id: string, profile: string | undefined): Access {
    const a = this.of(id, profile);
    return { permissions: permissionsOfMask(a), reason: reasonOf(a, profile) };
  }
}

/**
 * Own keys only (as own() reads them): a profile called "constructor" is a profile. A missing list
 * means no permissions for a profile and no override for a user.
 */
function masks(record: Readonly<Record<string, readonly Permission[]>>, keepEmpty: boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of Object.getOwnPropertyNames(record)) {
    const perms = record[key];
    if (perms) out.set(key, permissionMask(perms));
    else if (keepEmpty) out.set(key, 0);
  }
  return out;
}

export const mask = (access: number): number => access & 15;

/** Why an AccessIndex answer is what it is. */
export function reasonOf(access: number, profile: string | undefined): AccessReason {
  if (access & BY_OVERRIDE) return { kind: 'override' };
  if (access & BY_PROFILE) return { kind: 'profile', profile: profile as string };
  return { kind: 'none' };
}

/** What plan() prints for a user: the email, or a label for an id CRM does not know. */
export const emailOf = (id: string, user: PlanUser | undefined): string => (user === undefined ? unknownSubject(id).email : user.email);

/** Classifies before → after, permission sets as masks (permissionMask); null when they are the same. */
export function classifyChange(before: number, after: number): AccessChange['change'] | null {
  if (before === after) return null;
  if (before === 0) return 'gains';
  if (after === 0) return 'loses';
  const gained = (after & ~before) !== 0;
  const lost = (before & ~after) !== 0;
  return gained && lost ? 'changed' : gained ? 'escalated' : 'reduced';
}

// Reviewers must see escalations first: anything that gains a permission sorts before reductions.
const RANK: Record<AccessChange['change'], 0 | 1> = { gains: 0, escalated: 0, changed: 0, reduced: 1, loses: 1 };

/** Every user whose effective permissions differ between the two states, with users by id; escalations first, then by email. */
export function accessChanges(before: AccessIndex, after: AccessIndex, users: ReadonlyMap<string, PlanUser>): AccessChange[] {
  const ranked: [AccessChange[], AccessChange[]] = [[], []];
  // Each user once: everyone who had access, then those who only gain it.
  for (const id of before.users) accessChange(before, after, id, users.get(id), ranked);
  for (const id of after.users) if (!before.users.has(id)) accessChange(before, after, id, users.get(id), ranked);
  // Stable sorts of the two ranks: the same order as one sort by rank, then email.
  return ranked[0].sort(byEmail).concat(ranked[1].sort(byEmail));
}

function accessChange(before: AccessIndex, after: AccessIndex, id: string, user: PlanUser | undefined, ranked: [AccessChange[], AccessChange[]]): void {
  const profile = user?.profile?.name;
  pushAccessChange(before.of(id, profile), after.of(id, profile), emailOf(id, user), profile, ranked);
}

/** Adds the user's change, if any, to its rank: escalations (0) or reductions (1). */
export function pushAccessChange(
  b: number,
  a: number,
  email: string,
  profile: string | undefined,
  ranked: [AccessChange[], AccessChange[]],
  expired?: string,
): void {
  const change = classifyChange(mask(b), mask(a));
  if (!change) return;
  const entry: AccessChange = {
    email,
    before: permissionsOfMask(b),
    after: permissionsOfMask(a),
    change,
    beforeReason: reasonOf(b, profile),
    afterReason: reasonOf(a, profile),
  };
  // Only a user who loses access because their `expires` day is over.
  if (expired !== undefined && change === 'loses') entry.expired = expired;
  ranked[RANK[change]].push(entry);
}

const byEmail = (x: { email: string }, y: { email: string }): number => compareText(x.email, y.email);

/**
 * A user id the integration lists but CRM's user list does not (e.g. a user deleted since): it can
 * still be revoked, so it needs a readable label.
 */
export function unknownSubject(id: string): { id: string; email: string } {
  return { id, email: `(user id ${id})` };
}

/** Code-unit order: locale-independent, so plans are identical on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
