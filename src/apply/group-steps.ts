import type { Step, StepKind } from '../model/plan.js';

export interface IndexedStep {
  step: Step;
  /** 1-based position in the plan. */
  index: number;
}

/** Steps that run as one provider call, or one manual step. */
export interface Unit {
  kind: StepKind;
  manual: boolean;
  steps: IndexedStep[];
}

/** Kinds whose provider method takes many items, with how many a call may carry. */
function batchLimit(kind: StepKind, batchSize: number): number {
  switch (kind) {
    // Zoho's batched writes carry at most 100 items a call (the provider refuses more).
    case 'grant-user':
    case 'revoke-user':
    case 'set-profile-permissions':
    case 'set-user-permissions':
      return batchSize;
    default:
      return 1;
  }
}

/**
 * Splits the plan into units in plan order: consecutive steps of a batchable kind share a call
 * (plan() emits each kind together, DESIGN §4); a manual step is always a unit of its own, since the
 * admin confirms steps one by one. Order is never changed.
 */
export function groupSteps(steps: readonly Step[], batchSize: number): Unit[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const units: Unit[] = [];
  steps.forEach((step, i) => {
    const last = units[units.length - 1];
    const item = { step, index: i + 1 };
    if (
      last &&
      !step.manual &&
      !last.manual &&
      last.kind === step.kind &&
      last.steps.length < batchLimit(step.kind, batchSize)
    ) {
      last.steps.push(item);
    } else {
      units.push({ kind: step.kind, manual: step.manual, steps: [item] });
    }
  });
  return units;
}
