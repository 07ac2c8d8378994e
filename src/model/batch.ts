import type { StepKind } from './plan.js';

/**
 * Items in one batched write (grants, revokes, profile and per-user permissions): Zoho's bulk APIs take
 * at most 100 a call (WIRE.md B). The executor batches by it, the plan estimates calls by it, the
 * client refuses more, and the sandbox answers LIMIT_EXCEEDED beyond it.
 */
export const MAX_BATCH = 100;

const BATCHED: ReadonlySet<StepKind> = new Set(['set-profile-permissions', 'grant-user', 'set-user-permissions', 'revoke-user']);

/** Steps of this kind share a call (up to MAX_BATCH of them in a row); any other kind is one call a step. */
export function isBatched(kind: StepKind): boolean {
  return BATCHED.has(kind);
}
