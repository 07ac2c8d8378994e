import type { LiveIntegration } from './live.js';
import type { Permission } from './permissions.js';
import type { Step } from './plan.js';

/**
 * The integration's settings while steps change them: users with access as a Set and permissions by
 * name or id as Maps (there may be 100,000 users; a profile may be called "__proto__").
 */
export interface SettingsDraft {
  status: LiveIntegration['status'];
  portal: { id: string; name: string } | null;
  users: Set<string>;
  profilePermissions: Map<string, Permission[]>;
  userPermissions: Map<string, Permission[]>;
}

/**
 * Carries out `steps` on `draft`, in order, each as Zoho applies it (WIRE.md B; the sandbox emulates
 * the same on the wire): associating or changing the portal starts it with no users and no permissions
 * (a change drops the old portal's with its project links); deactivation clears everything; a grant
 * sets the user's override in the same change, and a user newly given access without one loses any
 * override left from before; a revoke drops the override too. A permission list is replaced, never
 * changed in place.
 *
 * The model's one description of what a step does: the record (withSteps), integrationAfter and the
 * tests' in-memory apply use it. The sandbox keeps its own, on its wire state: it is the emulator
 * these are checked against, so sharing the code would let one misreading of Zoho hide in both.
 */
export function applySteps(draft: SettingsDraft, steps: readonly Step[]): void {
  const clear = (status: SettingsDraft['status'], portal: SettingsDraft['portal']): void => {
    Object.assign(draft, { status, portal, users: new Set(), profilePermissions: new Map(), userPermissions: new Map() });
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'deactivate':
        clear('inactive', null);
        break;
      case 'associate-portal':
      case 'change-portal':
        clear('active', { id: step.after.portal.id, name: step.after.portal.name });
        break;
      case 'set-profile-permissions':
        draft.profilePermissions.set(step.profile.name, [...step.after]);
        break;
      case 'grant-user':
        if (step.override) draft.userPermissions.set(step.user.id, [...step.override]);
        else if (!draft.users.has(step.user.id)) draft.userPermissions.delete(step.user.id);
        // Set order is grant order: a revoke then a grant puts the user last, as Zoho lists them.
        draft.users.add(step.user.id);
        break;
      case 'set-user-permissions':
        if (step.after) draft.userPermissions.set(step.user.id, [...step.after]);
        else draft.userPermissions.delete(step.user.id);
        break;
      case 'revoke-user':
        draft.users.delete(step.user.id);
        draft.userPermissions.delete(step.user.id);
        break;
    }
  }
}

/**
 * The integration's settings once `steps` took effect (applySteps). Pure: `integration` is not touched
 * (the result may share its permission lists). Unreadable settings (null) start inactive and empty.
 */
export function integrationAfter(integration: LiveIntegration | null, steps: readonly Step[]): LiveIntegration {
  const draft: SettingsDraft = {
    status: integration?.status ?? 'inactive',
    portal: integration?.portal ? { ...integration.portal } : null,
    users: new Set(integration?.users),
    profilePermissions: new Map(Object.entries(integration?.profilePermissions ?? {})),
    userPermissions: new Map(Object.entries(integration?.userPermissions ?? {})),
  };
  applySteps(draft, steps);
  // fromEntries defines own properties: a profile called "__proto__" stays a profile.
  return {
    status: draft.status,
    portal: draft.portal,
    users: [...draft.users],
    profilePermissions: Object.fromEntries(draft.profilePermissions),
    userPermissions: Object.fromEntries(draft.userPermissions),
  };
}
