/**
 * Crash safety (issues 5 and 7), on the built CLI: for seeds 1..10, `zpi apply` of a many-step
 * manifest is killed with SIGKILL at a random moment (or the sandbox process is, while writes pour in);
 * the sandbox's state file must be valid JSON, a plain re-run of apply must exit 0 and a plan
 * afterwards must have no changes. scripts/crash-test.mjs does the work; `npm run soak` runs 50 seeds.
 */
import { describe, expect, it } from 'vitest';
import { describeResult, runCrashSeeds } from '../../scripts/crash-test.mjs';

const SEEDS = Number(process.env.ZPI_CRASH_SEEDS ?? 0) || 10;
// 180 generated users besides the seed org's 26 (the soak's default is 250): still two pages of users
// to read and two or more batches of grants to write, so kills still land between batches and pages.
const EXTRA_USERS = 180;

describe('kill -9 at a random moment, then re-run (built CLI, sandbox in its own process)', () => {
  it(`converges for seeds 1..${SEEDS}`, async () => {
    const summary = await runCrashSeeds(
      Array.from({ length: SEEDS }, (_, i) => i + 1),
      { extraUsers: EXTRA_USERS },
    );
    const report = summary.results.map(describeResult).join('\n');
    expect(summary.failures, report).toEqual([]);
    // The seeds cover every kind of kill, and most kills landed while apply was running.
    expect(Object.keys(summary.byMode).sort()).toEqual(['apply-delay', 'apply-line', 'sandbox']);
    expect(summary.killedMidRun, report).toBeGreaterThanOrEqual(Math.ceil(SEEDS / 2));
  }, 180_000);
});
