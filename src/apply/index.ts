// Kept narrow: src/index.ts re-exports this with `export *`, so generic helper names stay internal.
export { executePlan } from './execute-plan.js';
export { acquireLock, type ApplyLock, type LockOptions } from './lock.js';
export { formatStepLine, formatSummary } from './format.js';
export type { ApplyEvent, ApplyResult, ExecuteOptions, StepRef as ApplyStepRef } from './types.js';
