import type { Desired } from '../model/desired.js';
import { PlanError } from '../model/errors.js';
import { fingerprint } from '../model/fingerprint.js';
import type { Live } from '../model/live.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlanOptions, type PlanTarget, type Step } from '../model/plan.js';
import { planAccessSteps } from './access-steps.js';
import { checkDomain } from './check-domain.js';
import { computeBrake } from './compute-brake.js';
import { computeAccessChanges, subjectOf } from './effective-access.js';
import { desiredState, liveState } from './integration-state.js';
import { planPortalSteps } from './portal-steps.js';
import { estimateApiCalls, summarize } from './summarize-plan.js';

// Real Zoho publishes no API for the integration's settings (WIRE.md §B): the state is unknown.
const UNREADABLE_DEACTIVATED =
  "zpi cannot read the integration's settings on this endpoint, so it cannot tell whether the integration is " +
  'active; if it is, deactivate it in CRM under Setup > Apps & Add-ons > Zoho Apps > Zoho Projects > Deactivate Zoho Projects';

/**
 * Diffs the desired integration against the live one (DESIGN §4): ordered steps, effective-access
 * changes, the mass-revoke brake and the summary. Pure: no I/O, clock or randomness, and it does not
 * touch its inputs. Throws PlanError listing every domain problem (wrong org, not an admin, unknown
 * or inactive users, unknown profiles or portal, missing ZSC key reference).
 */
export function plan(desired: Desired, live: Live, ctx: { target: PlanTarget; options: PlanOptions }): Plan {
  const check = checkDomain(desired, live);
  if (check.problems.length > 0) throw new PlanError(check.problems);

  const manual = live.integration === null;
  const subjects = new Map(live.users.map((u) => [u.id, subjectOf(u)]));
  const before = liveState(live.integration);
  const portal = planPortalSteps(desired, live, check.portal, manual);
  const after = desiredState(desired, portal.base, check.usersByEmail);

  const steps: Step[] = [...portal.steps];
  let brake: Plan['brake'] = null;
  if (desired.state === 'active') {
    const access = planAccessSteps(desired, live, portal.base, after, subjects, manual);
    brake = computeBrake(access.revokes.length, before.users.size, ctx.options.maxRevokePct);
    if (brake) for (const r of access.revokes) r.destructive = true;
    steps.push(...access.profiles, ...access.grants, ...access.userPermissions, ...access.revokes);
  }
  const warnings = [...desired.warnings];
  if (manual && desired.state === 'deactivated') warnings.push(UNREADABLE_DEACTIVATED);

  return {
    formatVersion: PLAN_FORMAT_VERSION,
    manifest: { file: desired.file, hash: desired.hash },
    target: { ...ctx.target, org: { ...ctx.target.org } },
    liveFingerprint: fingerprint(live),
    options: { ...ctx.options },
    steps,
    access: computeAccessChanges(before, after, subjects),
    brake,
    summary: summarize(steps),
    apiCalls: estimateApiCalls(steps),
    manual,
    warnings,
  };
}
