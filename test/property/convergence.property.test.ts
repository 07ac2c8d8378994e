/**
 * Convergence against the REAL sandbox with faults on (issue 7): a random live state (a random
 * manifest applied without faults), a random desired manifest, and a sandbox that answers 429/500/503
 * and drops connections. Rounds of read → plan → executePlan (fast retries) until a plan is empty;
 * then a fault-free read of the final state must plan zero steps. The in-memory model of the same
 * property, over many more cases, is test/unit/plan/plan-converges.property.test.ts.
 *
 * `FC_RUNS=N` runs N cases instead of the default few; `npm run soak` runs 200 fault seeds on dist/.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executePlan } from '../../src/apply/index.js';
import { parseManifest } from '../../src/manifest/parse-manifest.js';
import { plan } from '../../src/plan/index.js';
import { createZohoProvider } from '../../src/provider/index.js';
import { mulberry32 } from '../../src/sandbox/faults.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { convergeUnderFaults, randomSpec, seedState } from '../../scripts/lib/converge.mjs';

const mods = { startSandbox, createZohoProvider, parseManifest, plan, executePlan };
const RUNS = Number(process.env.FC_RUNS ?? 0) || 24;

describe('convergence against the sandbox under faults (property)', () => {
  it(`random (live, desired) pairs converge with rate=0.2,reset=0.05 (${RUNS} cases)`, async () => {
    await fc.assert(
      // writeRetries 0 or 1: steps really fail, and later rounds must finish from wherever a round stopped.
      fc.asyncProperty(fc.record({ before: fc.option(fc.nat(), { freq: 3 }), after: fc.nat(), faultSeed: fc.nat(10_000), writeRetries: fc.constantFrom(0, 1, 8) }), async ({ before, after, faultSeed, writeRetries }) => {
        let seed = seedState({ extraUsers: 40 });
        if (before !== null) {
          // A random starting point: some other manifest, applied with no faults.
          const start = await convergeUnderFaults(mods, { seed, spec: randomSpec(mulberry32(before), seed), faults: '' });
          expect(start.converged, `setup did not converge: ${JSON.stringify(start.rounds)}`).toBe(true);
          seed = start.finalState;
        }
        const spec = randomSpec(mulberry32(after), seed);
        const r = await convergeUnderFaults(mods, { seed, spec, faults: `rate=0.2,reset=0.05,seed=${faultSeed}`, writeRetries });
        expect(r.converged, `left ${r.finalSteps.join(', ')} after rounds ${JSON.stringify(r.rounds)}\n${r.manifest}`).toBe(true);
        // The rounds stopped on an empty plan, not on the round limit.
        expect(r.rounds.at(-1)).toEqual({ steps: 0 });
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('the faults were real: with no step retries a many-step scenario fails rounds part-way, and still converges', async () => {
    const seed = seedState({ extraUsers: 40 });
    const spec = randomSpec(mulberry32(7), seed, { bias: 'many' });
    const r = await convergeUnderFaults(mods, { seed, spec, faults: 'rate=0.3,reset=0.05,seed=3', writeRetries: 0 });
    expect(r.faulted).toBeGreaterThan(0);
    expect(r.rounds[0]!.steps).toBeGreaterThan(10);
    expect(r.rounds.some((x) => x.failed !== undefined), JSON.stringify(r.rounds)).toBe(true);
    expect(r.converged, JSON.stringify(r.rounds)).toBe(true);
  });
});
