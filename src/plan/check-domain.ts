import type { Desired, SourcePos } from '../model/desired.js';
import type { Problem } from '../model/errors.js';
import type { Live, LivePortal, LiveUser } from '../model/live.js';
import { associatedPortal } from './integration-state.js';
import { resolvePortal } from './resolve-portal.js';

export interface DomainCheck {
  problems: Problem[];
  /** The live portal the manifest names (only when state is active and it was found). */
  portal?: LivePortal;
  /** Live users by lower-cased email. */
  usersByEmail: Map<string, LiveUser>;
  /** The live user each desired user names (by position in desired.users), when state is active. */
  matches?: (LiveUser | undefined)[];
}

/** Why Zoho would refuse to give `user` access (DESIGN §3.3), or null when it can have access. */
function userProblem(email: string, user: LiveUser | undefined, portal: LivePortal | undefined): string | null {
  const only = 'only active, confirmed CRM users can be given access';
  if (portal?.ownerEmail !== undefined && portal.ownerEmail.toLowerCase() === email) {
    return `${email} owns portal ${portal.name}; Zoho never lists the portal owner among users: remove this entry`;
  }
  if (!user) return `unknown user ${email}: no CRM user in this org has this email`;
  if (user.status === 'deleted') return `${email} has been deleted from CRM; ${only}`;
  if (user.status !== 'active') return `${email} is not active in CRM (status ${user.status}); ${only}`;
  if (!user.confirmed) return `${email} has not confirmed their CRM invitation yet; ${only}`;
  return null;
}

// The loader lower-cases emails already: skip the copy toLowerCase makes when nothing would change.
const MAYBE_UPPER = /[^a-z0-9@._+-]/;
export const lowerCase = (email: string): string => (MAYBE_UPPER.test(email) ? email.toLowerCase() : email);

/** Live users by lower-cased email (the last of any duplicates, as a Map built from a list keeps). */
export function indexByEmail(users: readonly LiveUser[]): Map<string, LiveUser> {
  const byEmail = new Map<string, LiveUser>();
  for (const u of users) byEmail.set(lowerCase(u.email), u);
  return byEmail;
}

/**
 * Everything that stops this manifest from being planned against this live state (DESIGN §3),
 * all of it, each pointing at the manifest node it is about.
 */
export function checkDomain(desired: Desired, live: Live, usersByEmail: Map<string, LiveUser> = indexByEmail(live.users)): DomainCheck {
  const problems: Problem[] = [];
  const at = (pos: SourcePos, message: string): void => {
    problems.push({ file: desired.file, line: pos.line, col: pos.col, message });
  };

  if (desired.org !== live.org.id) {
    at(desired.orgPos, `manifest governs org ${desired.org} but the credentials reach org ${live.org.id} (${live.org.companyName})`);
  }
  const me = live.currentUser;
  if (!me.isAdmin) {
    at(desired.orgPos, `only a CRM administrator can configure the integration: ${me.email} has profile ${me.profile}`);
  }
  // A deactivated manifest needs no portal, users or profiles; the loader already warned about them.
  if (desired.state === 'deactivated') return { problems, usersByEmail };

  let portal: LivePortal | undefined;
  if (!desired.portal) {
    at(desired.statePos, 'state active needs a portal (its name or id)');
  } else {
    const found = resolvePortal(desired.portal, live.portals);
    if ('problem' in found) at(desired.portal.pos, found.problem);
    else portal = found.portal;
  }
  if (desired.portal && portal && associatedPortal(live.integration)?.id !== portal.id) {
    const missing = [!desired.portal.zscKeyVar && 'zscKey (a ${VAR} reference)', !desired.portal.zscEmail && 'zscEmail'];
    const names = missing.filter((m): m is string => Boolean(m));
    if (names.length > 0) {
      at(desired.portal.pos, `associating portal ${portal.name} needs ${names.join(' and ')}: Zoho asks for the portal's ZSC key and the email it belongs to`);
    }
    // Zoho checks the key against the portal owner's email; where the read shows the owner, a typo is
    // caught here rather than by a refused (or, without change_portal, half-done) portal change.
    const { zscEmail } = desired.portal;
    if (zscEmail && portal.ownerEmail !== undefined && portal.ownerEmail !== zscEmail) {
      at(desired.portal.zscEmailPos ?? desired.portal.pos, `zscEmail ${zscEmail} is not the owner of portal ${portal.name} (${portal.ownerEmail}): Zoho accepts only the ZSC key and email of the portal's owner`);
    }
  }

  const known = new Set(live.profiles.map((p) => p.name));
  for (const [name, { pos }] of Object.entries(desired.profiles)) {
    if (!known.has(name)) {
      at(pos, `unknown profile "${name}" (names are case-sensitive); this org's profiles: ${[...known].join(', ')}`);
    }
  }

  const matches: (LiveUser | undefined)[] = [];
  for (const u of desired.users) {
    const email = lowerCase(u.email);
    const user = usersByEmail.get(email);
    matches.push(user);
    const problem = userProblem(email, user, portal);
    if (problem) at(u.pos, problem);
  }
  if (problems.length > 1) problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { problems, ...(portal && { portal }), usersByEmail, matches };
}
