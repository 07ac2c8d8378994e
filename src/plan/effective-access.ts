import type { LiveUser } from '../model/live.js';
import type { AccessChange, AccessReason } from '../model/plan.js';
import { normalizePermissions, samePermissions, type Permission } from '../model/permissions.js';
import { own, type IntegrationState } from './integration-state.js';

export interface Access {
  permissions: Permission[];
  reason: AccessReason;
}

/** A user as plan() sees it: an id, and the profile when the user is known to CRM. */
export interface SubjectUser {
  id: string;
  email: string;
  profile?: string;
}

/** Per-user override if there is one, else the profile's permissions; nothing without access. */
export function effectiveAccess(state: IntegrationState, user: SubjectUser): Access {
  if (!state.users.has(user.id)) return { permissions: [], reason: { kind: 'none' } };
  const override = own(state.userPermissions, user.id);
  if (override) return { permissions: normalizePermissions(override), reason: { kind: 'override' } };
  if (user.profile === undefined) return { permissions: [], reason: { kind: 'none' } };
  const perms = own(state.profilePermissions, user.profile) ?? [];
  return { permissions: normalizePermissions(perms), reason: { kind: 'profile', profile: user.profile } };
}

export function subjectOf(user: LiveUser): SubjectUser {
  return { id: user.id, email: user.email, profile: user.profile.name };
}

/** Classifies before → after; null when the permissions are the same. */
export function classifyChange(before: readonly Permission[], after: readonly Permission[]): AccessChange['change'] | null {
  if (samePermissions(before, after)) return null;
  if (before.length === 0) return 'gains';
  if (after.length === 0) return 'loses';
  const gained = after.some((p) => !before.includes(p));
  const lost = before.some((p) => !after.includes(p));
  return gained && lost ? 'changed' : gained ? 'escalated' : 'reduced';
}

// Reviewers must see escalations first: anything that gains a permission sorts before reductions.
const RANK: Record<AccessChange['change'], number> = { gains: 0, escalated: 0, changed: 0, reduced: 1, loses: 1 };

/** Every user whose effective permissions differ between the two states; escalations first, then by email. */
export function computeAccessChanges(
  before: IntegrationState,
  after: IntegrationState,
  subjects: ReadonlyMap<string, SubjectUser>,
): AccessChange[] {
  const ids = new Set([...before.users, ...after.users]);
  const changes: AccessChange[] = [];
  for (const id of ids) {
    const user = subjects.get(id) ?? unknownSubject(id);
    const b = effectiveAccess(before, user);
    const a = effectiveAccess(after, user);
    const change = classifyChange(b.permissions, a.permissions);
    if (!change) continue;
    changes.push({
      email: user.email,
      before: b.permissions,
      after: a.permissions,
      change,
      beforeReason: b.reason,
      afterReason: a.reason,
    });
  }
  return changes.sort((x, y) => RANK[x.change] - RANK[y.change] || compareText(x.email, y.email));
}

/**
 * A user id the integration lists but CRM's user list does not (e.g. a user deleted since): it can
 * still be revoked, so it needs a readable label.
 */
export function unknownSubject(id: string): SubjectUser {
  return { id, email: `(user id ${id})` };
}

/** Code-unit order: locale-independent, so plans are identical on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
