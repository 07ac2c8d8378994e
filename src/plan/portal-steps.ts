import type { Desired, SourcePos } from '../model/desired.js';
import type { Live, LivePortal } from '../model/live.js';
import type { Step, StepSource } from '../model/plan.js';
import { computeBlastRadius } from './compute-blast-radius.js';
import { associatedPortal, EMPTY_STATE, liveState, type IntegrationState } from './integration-state.js';

export interface PortalSteps {
  steps: Step[];
  /** The state the following (profile and user) steps start from. */
  base: IntegrationState;
}

/**
 * deactivate | change-portal | associate-portal. Zoho clears users and permissions when a portal is
 * changed or associated, so after any portal step everything else is planned against an empty integration.
 */
export function planPortalSteps(
  desired: Desired,
  live: Live,
  portal: LivePortal | undefined,
  // The live state, when the caller has it already (plan() does: it is 50,000 users in a big org).
  current: IntegrationState = liveState(live.integration),
): PortalSteps {
  const associated = associatedPortal(live.integration);
  const blastRadius = computeBlastRadius(live);
  const common = { destructive: false };
  const at = (pos: SourcePos): StepSource => ({ file: desired.file, line: pos.line, col: pos.col });

  if (desired.state === 'deactivated') {
    // Unreadable settings and no record (real Zoho): zpi cannot tell whether it is active, so the admin
    // is asked to make sure in Setup (a manual step) rather than told that nothing needs doing.
    if (live.integration && live.integration.status !== 'active') return { steps: [], base: EMPTY_STATE };
    const target = associated?.name ?? 'integration';
    const step: Step = {
      ...common,
      id: `deactivate:${target}`,
      kind: 'deactivate',
      action: 'delete',
      target,
      destructive: true,
      before: { portal: associated && { id: associated.id, name: associated.name } },
      after: null,
      source: at(desired.statePos),
      ...(blastRadius && { blastRadius }),
    };
    return { steps: [step], base: EMPTY_STATE };
  }

  if (!portal) throw new Error('planPortalSteps: an active manifest needs a resolved portal');
  if (associated?.id === portal.id) return { steps: [], base: current };

  // checkDomain has already refused a manifest that lacks these when association is needed.
  const { zscEmail = '', zscKeyVar = '' } = desired.portal ?? {};
  const after = { portal: { id: portal.id, name: portal.name }, zscEmail, zscKeyVar };
  if (associated) {
    // One atomic call (Setup's Change): a wrong key or email changes nothing, so a typo cannot strand
    // the org without a portal.
    const step: Step = {
      ...common,
      id: `change-portal:${portal.name}`,
      kind: 'change-portal',
      action: 'replace',
      target: portal.name,
      destructive: true,
      before: { portal: { id: associated.id, name: associated.name } },
      after,
      ...(desired.portal && { source: at(desired.portal.pos) }),
      ...(blastRadius && { blastRadius }),
    };
    return { steps: [step], base: EMPTY_STATE };
  }
  const step: Step = {
    ...common,
    id: `associate-portal:${portal.name}`,
    kind: 'associate-portal',
    action: 'create',
    target: portal.name,
    before: { portal: null },
    after,
    ...(desired.portal && { source: at(desired.portal.pos) }),
  };
  return { steps: [step], base: EMPTY_STATE };
}
