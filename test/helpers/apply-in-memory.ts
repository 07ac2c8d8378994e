import type { Live, LiveIntegration } from '../../src/model/live.js';
import type { Step } from '../../src/model/plan.js';

/**
 * What Zoho (and the sandbox, WIRE.md §B) does with each step, on an in-memory Live: lets tests
 * check that applying a plan converges (a second plan is empty) without any provider.
 * An unreadable integration (null) starts inactive and empty.
 */
export function applyInMemory(live: Live, steps: readonly Step[]): Live {
  const start: LiveIntegration = live.integration
    ? structuredClone(live.integration)
    : { status: 'inactive', portal: null, users: [], profilePermissions: {}, userPermissions: {} };
  const cleared = (status: LiveIntegration['status']): LiveIntegration => ({
    status,
    portal: null,
    users: [],
    profilePermissions: {},
    userPermissions: {},
  });
  let it = start;
  for (const step of steps) {
    switch (step.kind) {
      case 'deactivate':
        it = cleared('inactive');
        break;
      case 'associate-portal':
      case 'change-portal':
        it = { ...cleared('active'), portal: { ...step.after.portal } };
        break;
      case 'set-profile-permissions':
        it.profilePermissions[step.profile.name] = [...step.after];
        break;
      case 'grant-user':
        if (step.override) it.userPermissions[step.user.id] = [...step.override];
        else if (!it.users.includes(step.user.id)) delete it.userPermissions[step.user.id];
        if (!it.users.includes(step.user.id)) it.users.push(step.user.id);
        break;
      case 'set-user-permissions':
        if (step.after) it.userPermissions[step.user.id] = [...step.after];
        else delete it.userPermissions[step.user.id];
        break;
      case 'revoke-user':
        it.users = it.users.filter((id) => id !== step.user.id);
        delete it.userPermissions[step.user.id];
        break;
    }
  }
  return { ...structuredClone(live), integration: it };
}
