import type { Plan, Step } from './plan.js';

/**
 * The Setup screens of Zoho CRM's Projects integration (Setup > Apps & Add-ons > Zoho Apps > Zoho
 * Projects) that manual steps are carried out on: the Deactivate button, the portal form (Activate
 * Now or Change), the profiles' permissions, and Manage Users and Permissions.
 */
export type SetupScreen = 'deactivate' | 'portal' | 'profiles' | 'users';

export function screenOf(step: Step): SetupScreen {
  switch (step.kind) {
    case 'deactivate':
      return 'deactivate';
    case 'associate-portal':
    case 'change-portal':
      return 'portal';
    case 'set-profile-permissions':
      return 'profiles';
    case 'grant-user':
    case 'revoke-user':
    case 'set-user-permissions':
      return 'users';
  }
}

/** One visit to one Setup screen: manual steps the administrator does together, then confirms. */
export interface RunbookBlock {
  screen: SetupScreen;
  /** In plan order. */
  steps: Step[];
  /** 1-based index of the block's first step in the plan. */
  first: number;
}

/** Steps `a` then `b` of a manual plan are done on one visit: same screen, and not a portal form or Deactivate (one each). */
export function sameVisit(a: Step, b: Step): boolean {
  const screen = screenOf(b);
  return screenOf(a) === screen && screen !== 'portal' && screen !== 'deactivate';
}

/**
 * A manual plan's steps as one block per screen visit: consecutive steps on one screen form one
 * block; a plan an API carries out has none. Plan order is kept, so least privilege holds between
 * blocks too; that is why users who lose access (before the profiles change) and users who gain it
 * (after) can be two visits to Manage Users and Permissions when profile permissions change in between.
 */
export function runbookBlocks(plan: Pick<Plan, 'steps' | 'manual'>): RunbookBlock[] {
  const blocks: RunbookBlock[] = [];
  if (!plan.manual) return blocks;
  let last: RunbookBlock | undefined;
  plan.steps.forEach((step, i) => {
    const prev = last?.steps[last.steps.length - 1];
    if (last && prev && sameVisit(prev, step)) {
      last.steps.push(step);
      return;
    }
    last = { screen: screenOf(step), steps: [step], first: i + 1 };
    blocks.push(last);
  });
  return blocks;
}
