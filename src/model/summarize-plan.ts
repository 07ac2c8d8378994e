import { isBatched, MAX_BATCH } from './batch.js';
import { summaryBucket, type Plan } from './plan.js';

/** The counts of the summary line: `Plan: 2 to add, 1 to change, 1 to remove. 1 destructive.` */
export interface PlanSummary {
  add: number;
  change: number;
  remove: number;
  destructive: number;
}

/** A plan's summary counts, from its steps (see summaryBucket). */
export function planSummary(plan: Pick<Plan, 'steps'>): PlanSummary {
  const summary = { add: 0, change: 0, remove: 0, destructive: 0 };
  for (const s of plan.steps) {
    if (s.destructive) summary.destructive++;
    summary[summaryBucket(s)]++;
  }
  return summary;
}

/**
 * Write calls apply will make for a plan: one per portal step, and one per 100 consecutive steps of
 * a batched kind (as the executor groups them: the overrides that narrow before the profiles change
 * and those removed after the grants are two runs). None for a manual plan: an administrator does
 * every step in Setup.
 */
export function apiCallsOf(plan: Pick<Plan, 'steps' | 'manual'>): number {
  if (plan.manual) return 0;
  const { steps } = plan;
  let calls = 0;
  let run = 0;
  steps.forEach((s, i) => {
    const prev = steps[i - 1];
    run = prev && prev.kind === s.kind && isBatched(s.kind) && run < MAX_BATCH ? run + 1 : 1;
    if (run === 1) calls++;
  });
  return calls;
}
