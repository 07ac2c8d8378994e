export { executePlan } from './execute-plan.js';
export { acquireLock, type ApplyLock, type LockOptions } from './lock.js';
export type { ExecuteOptions } from './execute-options.js';
export type { ApplyEvent, ApplyResult } from '../model/apply-events.js';
