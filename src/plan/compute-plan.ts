import type { Desired } from '../model/desired.js';
import { formatProblem, PlanError } from '../model/errors.js';
import { liveFingerprints, sha256, stableStringify } from '../model/fingerprint.js';
import type { RecordSection } from '../model/record.js';
import type { Live, LiveUser } from '../model/live.js';
import { PLAN_FORMAT_VERSION, type GrantUserStep, type Plan, type PlanOptions, type PlanTarget, type Step } from '../model/plan.js';
import { planAccessSteps } from './access-steps.js';
import { checkDomain, indexByEmail } from './check-domain.js';
import { AccessIndex, accessChanges } from './effective-access.js';
import { desiredState, liveState } from './integration-state.js';
import { planPortalSteps } from './portal-steps.js';
import { markUndone, reconcileRecord } from './reconcile-record.js';
import { applyExpiry } from './expiry.js';
import { stepSources } from './step-sources.js';

// Real Zoho publishes no API for the integration's settings (WIRE.md §B): the state is unknown.
/** Live users by id (the last of any duplicates, as a Map built from a list keeps). */
function usersById(users: readonly LiveUser[]): Map<string, LiveUser> {
  const byId = new Map<string, LiveUser>();
  for (const u of users) byId.set(u.id, u);
  return byId;
}

export interface PlanContext {
  target: PlanTarget;
  options: PlanOptions;
  /**
   * The record's section for this org and target (DESIGN §5a), if there is one: on real Zoho it is
   * the state plan diffs against; elsewhere the live settings are compared with it to tell drift.
   */
  record?: RecordSection;
  /** The time of the run (ISO 8601), for `expires`: a user whose day is over counts as not listed. */
  now?: string;
}

/**
 * Diffs the desired integration against the live one (DESIGN §4): ordered steps, effective-access
 * changes and the mass-revoke brake. Pure: no I/O, clock or randomness, and it does not
 * touch its inputs. Throws PlanError listing every domain problem (wrong org, not an admin, unknown
 * or inactive users, unknown profiles or portal, missing ZSC key reference).
 *
 * Linear in the number of users apart from sorting by email (Maps and Sets keyed by id and email,
 * permission sets compared as bit masks), so 100,000 users plan in tens of milliseconds.
 */
export function plan(given: Desired, read: Live, ctx: PlanContext): Plan {
  const expiry = applyExpiry(given, ctx.now);
  const desired = expiry.desired;
  // Real Zoho: the record stands in for the settings nobody can read.
  const reconciled = reconcileRecord(read, ctx.record);
  const live = reconciled.integration === read.integration ? read : { ...read, integration: reconciled.integration };
  const check = checkDomain(desired, live, indexByEmail(live.users));
  if (check.problems.length > 0) throw new PlanError(check.problems);

  const manual = read.integration === null;
  const users = usersById(live.users);
  const before = liveState(live.integration);
  const portal = planPortalSteps(desired, live, check.portal, before);
  const after = desiredState(desired, portal.base, check.usersByEmail, check.matches);
  const beforeIndex = AccessIndex.of(before);
  const afterIndex = AccessIndex.of(after);

  let steps: Step[] = [...portal.steps];
  let brake: Plan['brake'] = null;
  let access: Plan['access'];
  if (desired.state === 'active') {
    const baseIndex = portal.base === before ? beforeIndex : AccessIndex.of(portal.base);
    const states = { before, beforeIndex, base: portal.base, baseIndex, target: after, targetIndex: afterIndex };
    const planned = planAccessSteps(desired, live, states, users, stepSources(desired, expiry.expired), ctx.options.maxRevokePct);
    brake = planned.brake;
    // concat, not push(...list): a spread of 100,000 arguments overflows the stack.
    steps = steps.concat(planned.revokes, planned.overrides, planned.profiles, planned.grants, planned.overrideRemovals);
    access = planned.access;
  } else {
    access = accessChanges(beforeIndex, afterIndex, users);
  }
  const warnings = [...desired.warnings, ...expiry.notices, ...emptyGrantWarnings(desired, steps)];

  return {
    formatVersion: PLAN_FORMAT_VERSION,
    manifest: { file: desired.file, hash: desired.hash },
    target: { ...ctx.target, org: { ...ctx.target.org } },
    // What plan() read of the live state, hashed in one pass: the whole and each part (a stale plan names what changed).
    ...liveFingerprints(read),
    options: { ...ctx.options },
    steps,
    access,
    brake,
    manual,
    warnings,
    ...(ctx.record && { record: recordRef(ctx.record) }),
    drift: markUndone(reconciled.drift, steps),
  };
}

/** Which record the plan started from: a saved plan is stale once the record moved on. */
function recordRef(record: RecordSection): NonNullable<Plan['record']> {
  const last = record.history.at(-1);
  return { hash: sha256(stableStringify(record.settings)), at: last?.at ?? null, by: last?.by ?? null };
}

const EMPTY_GRANT_WARNINGS = 20;

/**
 * A user granted access whose profile gives no permissions on projects (and who has no override)
 * sees nothing: almost always a profile missing from `profiles:`. Worth saying, not an error.
 */
function emptyGrantWarnings(desired: Desired, steps: readonly Step[]): string[] {
  const empty = steps.filter((s): s is GrantUserStep => s.kind === 'grant-user' && s.after.length === 0);
  if (empty.length === 0) return [];
  const pos = new Map(desired.users.map((u) => [u.email, u.pos]));
  const lines = empty.slice(0, EMPTY_GRANT_WARNINGS).map((g) => {
    const where = pos.get(g.user.email) ?? desired.orgPos;
    const profile = g.reason?.kind === 'profile' ? `profile ${g.reason.profile}` : 'their profile';
    const message =
      `${g.user.email} is granted access but gets no permissions: ${profile} gives none on projects ` +
      '(list the profile under profiles:, or give the user permissions:)';
    return formatProblem({ file: desired.file, line: where.line, col: where.col, message });
  });
  if (empty.length > EMPTY_GRANT_WARNINGS) lines.push(`… and ${empty.length - EMPTY_GRANT_WARNINGS} more users granted no permissions`);
  return lines;
}
