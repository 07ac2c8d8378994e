export { plan, type PlanContext } from './plan.js';
export { checkDomain, type DomainCheck } from './check-domain.js';
export { resolvePortal } from './resolve-portal.js';
export { computeBlastRadius } from './compute-blast-radius.js';
export { computeBrake } from './compute-brake.js';
export { classifyChange, computeAccessChanges, effectiveAccess, type Access, type SubjectUser } from './effective-access.js';
export { estimateApiCalls, summarize, USER_BATCH } from './summarize-plan.js';
