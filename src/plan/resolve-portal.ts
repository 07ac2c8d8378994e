import type { DesiredPortal } from '../model/desired.js';
import type { LivePortal } from '../model/live.js';

// From Zoho's help page: a portal is created in Zoho Projects, never from CRM, and CRM needs its ZSC key.
const HOW_TO_CREATE =
  'To use a new portal, sign up for Zoho Projects and create the portal there, then generate its ZSC key ' +
  'in Zoho Projects under Settings > Company Settings > Zoho Service Communication (ZSC) Key.';

function listPortals(portals: readonly LivePortal[]): string {
  if (portals.length === 0) return 'these credentials reach no portal.';
  return `portals that exist: ${portals.map((p) => `${p.name} (id ${p.id})`).join(', ')}.`;
}

/** Finds the desired portal among the live ones by id and/or name, or says why it cannot. */
export function resolvePortal(
  want: DesiredPortal,
  portals: readonly LivePortal[],
): { portal: LivePortal } | { problem: string } {
  const byId = want.id === undefined ? undefined : portals.find((p) => p.id === want.id);
  const byName = want.name === undefined ? undefined : portals.find((p) => p.name === want.name);
  if (want.id !== undefined && want.name !== undefined && byId && byName && byId !== byName) {
    return {
      problem:
        `portal id "${want.id}" is ${byId.name} but name "${want.name}" is portal ${byName.id}; ` +
        'give one of them, or make them name the same portal',
    };
  }
  if (want.id !== undefined && !byId) {
    return { problem: `no portal has id "${want.id}"; ${listPortals(portals)} ${HOW_TO_CREATE}` };
  }
  if (want.name !== undefined && !byName) {
    const hint = byId ? `portal id "${want.id}" is named ${byId.name}; ` : '';
    return { problem: `no portal is named "${want.name}"; ${hint}${listPortals(portals)} ${HOW_TO_CREATE}` };
  }
  const portal = byId ?? byName;
  if (!portal) return { problem: `the portal needs a name or an id; ${listPortals(portals)}` };
  return { portal };
}
