import { isBatched, MAX_BATCH } from '../model/batch.js';
import { summaryBucket, type Plan, type Step } from '../model/plan.js';

/** Counts for the summary line; see summaryBucket. */
export function summarize(steps: readonly Step[]): Plan['summary'] {
  const summary = { add: 0, change: 0, remove: 0, destructive: 0 };
  for (const s of steps) {
    if (s.destructive) summary.destructive++;
    summary[summaryBucket(s)]++;
  }
  return summary;
}

/**
 * Calls apply will make: one per portal step, and one per 100 consecutive steps of a batched kind
 * (as the executor groups them: the overrides that narrow before the profiles change and those
 * removed after the grants are two runs).
 */
export function estimateApiCalls(steps: readonly Step[]): number {
  let calls = 0;
  let run = 0;
  steps.forEach((s, i) => {
    // A manual step is done in Setup by an administrator: no call.
    if (s.manual) return;
    const prev = steps[i - 1];
    run = prev && !prev.manual && prev.kind === s.kind && isBatched(s.kind) && run < MAX_BATCH ? run + 1 : 1;
    if (run === 1) calls++;
  });
  return calls;
}
