import { compareSteps } from '../apply/compare-steps.js';
import type { Desired } from '../model/desired.js';
import { UserError } from '../model/errors.js';
import type { Live } from '../model/live.js';
import type { Plan } from '../model/plan.js';
import { printedSteps } from '../model/plan-document.js';
import { getPlan, type Planned, type ReadInput } from './get-plan.js';

/** A saved plan made from another manifest (its hash) is stale before anything is read. */
export function refuseChangedManifest(saved: Plan, desired: Desired): void {
  if (desired.hash !== saved.manifest.hash) {
    throw new UserError(`plan is stale: ${desired.file} changed since the plan was made; run zpi plan again`);
  }
}

export interface SavedPlanInput extends ReadInput {
  /** The plan file, as read: compared with, never run. */
  saved: Plan;
  desired: Desired;
  now?: string;
}

/**
 * `zpi apply PLANFILE` (DESIGN §5): a saved plan is never run as written. The manifest is planned
 * again against the live state with the plan's saved options (getPlan), and the fresh plan is
 * returned only if it has the very steps in the file (reviewing those was the approval). Otherwise
 * it throws "plan is stale: …", saying what differs: the manifest, the org, the live state (which
 * sections), the record, or the steps themselves.
 */
export async function replanSavedPlan(input: SavedPlanInput): Promise<Planned> {
  const { saved, desired, target } = input;
  refuseChangedManifest(saved, desired);
  // Another org (e.g. a plan made with --sandbox applied with Zoho credentials) is not "stale": say so.
  const sameTarget = (live: Live): void => {
    if (live.org.id === saved.target.org.id && (saved.target.endpointKind === 'zoho') === (target.kind === 'zoho')) return;
    const was = `${saved.target.org.name} (org ${saved.target.org.id}) via ${saved.target.endpointKind}`;
    throw new UserError(
      `this plan was made for ${was}, but zpi now reaches ${live.org.companyName} (org ${live.org.id}) via ${target.kind}; ` +
        'pass the same --sandbox/--endpoint as for zpi plan',
    );
  };
  const planned = await getPlan({ ...input, options: saved.options, check: sameTarget });
  const fresh = planned.plan;
  if (fresh.liveFingerprint !== saved.liveFingerprint) {
    const now = fresh.liveSections ?? {};
    const changed = saved.liveSections ? Object.keys(now).filter((k) => saved.liveSections?.[k] !== now[k]) : [];
    const what = changed.length > 0 ? changed.join(', ') : 'the live state';
    throw new UserError(`plan is stale: ${what} changed in org ${fresh.target.org.id} since the plan was made; run zpi plan again`);
  }
  // A plan saved by a zpi that kept no record (it has no drift field) has none to compare.
  if (saved.drift !== undefined && saved.record?.hash !== fresh.record?.hash) {
    throw new UserError(`plan is stale: the record of org ${fresh.target.org.id} changed since the plan was made (an apply or import ran); run zpi plan again`);
  }
  // As the file prints them, each with its plan's manual flag: a file that says otherwise differs.
  const differs = compareSteps(printedSteps(saved), printedSteps(fresh));
  if (differs) {
    throw new UserError(
      `plan is stale: its steps are not what ${desired.file} plans now against the same org (${differs}); ` +
        'the file may have been edited; run zpi plan again',
    );
  }
  return planned;
}
