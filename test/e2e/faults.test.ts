/**
 * Convergence under faults: with the sandbox answering 30% of requests with 429/500/503 and
 * resetting 5% of connections (some after the write was applied), `zpi apply --auto-approve`
 * reaches the desired state — at once or after a re-run that plans only what is left — and a
 * fault-free plan then says "No changes". Runs 24 seeds, a few at a time, alternating between
 * the everyday changes of integration.yaml and a destructive portal swap.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2e, ROOT, SECRETS, type RunResult } from './harness.js';

const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
const PARALLEL = 4;
const MAX_RUNS = 4;

interface Outcome {
  seed: number;
  runs: number;
  retried: boolean;
}

async function converge(seed: number): Promise<Outcome> {
  const swap = seed % 2 === 0;
  const t = await e2e({ faults: `rate=0.3,reset=0.05,seed=${seed}`, manifest: join(ROOT, swap ? 'examples/portal-swap.yaml' : 'integration.yaml') });
  try {
    const env = swap ? { ZPI_ZSC_KEY: SECRETS.zsc7002 } : {};
    // Every third seed speaks JSON: each line an event, retries included, the summary last.
    const json = seed % 3 === 0;
    const args = ['apply', '--auto-approve', ...(swap ? ['--allow-destructive'] : []), ...(json ? ['--json'] : [])];
    let last: RunResult | undefined;
    let runs = 0;
    let retried = false;
    while (runs < MAX_RUNS) {
      runs++;
      last = await t.run(args, { env });
      // Whatever happened, it is reported as a Zoho/network error, never as a bug.
      expect(last.stderr, `seed ${seed}`).not.toContain('internal error');
      expect(last.stderr).not.toMatch(/^\s+at /m);
      if (/ … ok \(\d+ retr/.test(last.stderr) || /retry \d/.test(last.stderr)) retried = true;
      if (json && last.stdout !== '') {
        const events = last.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; ok?: boolean });
        if (events.some((e) => e.type === 'step_retried')) retried = true;
        expect(events.at(-1)?.type).toBe('summary');
        expect(events.at(-1)?.ok).toBe(last.code === 0);
      }
      if (last.code === 0) break;
      // A run that gave up says where, and that a re-run finishes the rest.
      expect(last.stderr, `seed ${seed}`).toMatch(/^(Apply failed at step \[\d+\/\d+\] .*run `zpi apply` again to finish the rest\.|error: .+)$/m);
    }
    expect(last?.code, `seed ${seed}: ${last?.stderr}`).toBe(0);
    await t.restart({});
    const plan = await t.run(['plan', '--detailed-exitcode'], { env });
    expect(plan.stdout, `seed ${seed}`).toContain('No changes. Live state matches integration.yaml.');
    expect(plan.code).toBe(0);
    return { seed, runs, retried };
  } finally {
    await t.close();
  }
}

describe('apply converges under injected faults', () => {
  it(`for ${SEEDS.length} seeds of rate=0.3,reset=0.05`, { timeout: 120_000 }, async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < SEEDS.length; i += PARALLEL) {
      outcomes.push(...(await Promise.all(SEEDS.slice(i, i + PARALLEL).map(converge))));
    }
    expect(outcomes.map((o) => o.seed)).toEqual(SEEDS);
    // The faults really struck: most runs had to retry something.
    expect(outcomes.filter((o) => o.retried).length).toBeGreaterThan(SEEDS.length / 2);
  });
});
