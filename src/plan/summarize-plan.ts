import { summaryBucket, type Plan, type Step, type StepKind } from '../model/plan.js';

/** Items per batched write (grants, revokes, profile and user permissions): Zoho takes at most 100 a call. */
export const USER_BATCH = 100;

/** Counts for the summary line; see summaryBucket for how a portal swap counts. */
export function summarize(steps: readonly Step[]): Plan['summary'] {
  const summary = { add: 0, change: 0, remove: 0, destructive: 0 };
  for (const s of steps) {
    if (s.destructive) summary.destructive++;
    const bucket = summaryBucket(s, steps);
    if (bucket) summary[bucket]++;
  }
  return summary;
}

/** Calls apply will make: one per portal step, one per 100 profiles, grants, overrides or revokes. */
export function estimateApiCalls(steps: readonly Step[]): number {
  const count: Record<StepKind, number> = {
    deactivate: 0,
    'disassociate-portal': 0,
    'associate-portal': 0,
    'set-profile-permissions': 0,
    'grant-user': 0,
    'set-user-permissions': 0,
    'revoke-user': 0,
  };
  for (const s of steps) if (Object.hasOwn(count, s.kind)) count[s.kind]++;
  return (
    count.deactivate +
    count['disassociate-portal'] +
    count['associate-portal'] +
    Math.ceil(count['set-profile-permissions'] / USER_BATCH) +
    Math.ceil(count['grant-user'] / USER_BATCH) +
    Math.ceil(count['set-user-permissions'] / USER_BATCH) +
    Math.ceil(count['revoke-user'] / USER_BATCH)
  );
}
