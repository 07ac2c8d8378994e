import { isBatched } from '../model/batch.js';
import type { Plan, Step, StepKind } from '../model/plan.js';
import { sameVisit } from '../model/runbook.js';

export interface IndexedStep {
  step: Step;
  /** 1-based position in the plan. */
  index: number;
}

/** Steps that run as one provider call, or manual steps done on one Setup screen visit. */
export interface Unit {
  kind: StepKind;
  /** The plan's manual flag: an administrator does the unit's steps in Setup. */
  manual: boolean;
  steps: IndexedStep[];
}

/**
 * Splits the plan into units in plan order: consecutive steps of a batchable kind share a call
 * (plan() emits each kind together, DESIGN §4); in a manual plan, consecutive steps on one Setup
 * screen are one unit, the admin confirms them together (runbookBlocks). Order is never changed.
 */
export function groupSteps(plan: Pick<Plan, 'steps' | 'manual'>, batchSize: number): Unit[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const units: Unit[] = [];
  const { manual } = plan;
  plan.steps.forEach((step, i) => {
    const last = units[units.length - 1];
    const item = { step, index: i + 1 };
    const prev = last?.steps[last.steps.length - 1]?.step;
    const together = last && prev && (manual
      ? sameVisit(prev, step)
      : last.kind === step.kind && last.steps.length < (isBatched(step.kind) ? batchSize : 1));
    if (together) {
      last.steps.push(item);
    } else {
      units.push({ kind: step.kind, manual, steps: [item] });
    }
  });
  return units;
}
