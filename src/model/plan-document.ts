import type { Plan, Step } from './plan.js';
import { apiCallsOf, planSummary, type PlanSummary } from './summarize-plan.js';

/** A step as a plan file (and a record's `pending`) prints it: with `manual`, its plan's flag. */
export type PrintedStep = Step & { manual: boolean };

/**
 * The plan as `zpi plan --format json` prints it and `--out` saves it (schema/plan.schema.json):
 * the plan with the fields derived from it, which CI scripts read (`jq .summary`).
 */
export type PlanDocument = Omit<Plan, 'steps'> & { steps: PrintedStep[]; summary: PlanSummary; apiCalls: number };

/** `step` as printed in a plan whose `manual` flag is `manual`: destructive, manual, then the step's other fields. */
export function printedStep(step: Step, manual: boolean): PrintedStep {
  return Object.assign({ destructive: step.destructive, manual }, step);
}

/** The plan's steps as printed: each with the plan's manual flag. */
export function printedSteps(plan: Pick<Plan, 'steps' | 'manual'>): PrintedStep[] {
  return plan.steps.map((s) => printedStep(s, plan.manual));
}

/** The plan with its derived fields (summary, apiCalls, each step's manual) computed, for printing. */
export function planDocument(plan: Plan): PlanDocument {
  return {
    ...plan,
    steps: printedSteps(plan),
    summary: planSummary(plan),
    apiCalls: apiCallsOf(plan),
  };
}

/**
 * A printed plan read back: its derived fields dropped, never taken as input (whoever needs them
 * computes them from the steps). The caller has checked each step's `manual` against the plan's.
 */
export function planOfDocument(doc: PlanDocument): Plan {
  const { summary: _summary, apiCalls: _apiCalls, steps, ...plan } = doc;
  return { ...plan, steps: steps.map(({ manual: _manual, ...step }) => step as Step) };
}
