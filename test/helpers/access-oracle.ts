import type { LiveUser } from '../../src/model/live.js';
import type { AccessReason } from '../../src/model/plan.js';
import { normalizePermissions, type Permission } from '../../src/model/permissions.js';
import { own, type IntegrationState } from '../../src/plan/integration-state.js';

/**
 * Effective access restated on lists, apart from src/plan/effective-access.ts's AccessIndex (masks,
 * zpi's one engine): the oracle property tests check plan() against, and that
 * test/unit/plan/effective-access.property.test.ts holds AccessIndex equal to.
 */

/** A user as the oracle sees them: an id, and the profile when CRM knows the user. */
export interface Subject {
  id: string;
  profile?: string;
}

/** Per-user override if there is one, else the profile's permissions; nothing without access. */
export function effectiveAccess(state: IntegrationState, user: Subject): { permissions: Permission[]; reason: AccessReason } {
  if (!state.users.has(user.id)) return { permissions: [], reason: { kind: 'none' } };
  const override = own(state.userPermissions, user.id);
  if (override) return { permissions: normalizePermissions(override), reason: { kind: 'override' } };
  if (user.profile === undefined) return { permissions: [], reason: { kind: 'none' } };
  const perms = own(state.profilePermissions, user.profile) ?? [];
  return { permissions: normalizePermissions(perms), reason: { kind: 'profile', profile: user.profile } };
}

export function subjectOf(user: LiveUser): Subject {
  return { id: user.id, profile: user.profile.name };
}
