import { integrationAfter } from '../../src/model/integration-after.js';
import type { Live } from '../../src/model/live.js';
import type { Step } from '../../src/model/plan.js';

/**
 * What Zoho (and the sandbox, WIRE.md §B) does with each step, on an in-memory Live (the model's
 * integrationAfter): lets tests check that applying a plan converges (a second plan is empty) without
 * any provider. An unreadable integration (null) starts inactive and empty. The property tests against
 * the sandbox hold it equal to what the sandbox ends with.
 */
export function applyInMemory(live: Live, steps: readonly Step[]): Live {
  return { ...structuredClone(live), integration: integrationAfter(live.integration, steps) };
}
