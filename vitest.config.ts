import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// Test files run in parallel: three workers by default (the machines have two cores). An end-to-end
// file spends most of its time waiting on the CLI processes and sandbox latencies it starts, so a
// third worker fills the other two's gaps. ZPI_TEST_WORKERS overrides it (1: one file at a time).
const workers = Number(process.env.ZPI_TEST_WORKERS ?? '') || 3;

/**
 * Files that take longest go first, so no worker is left with a long file at the end: vitest orders
 * by the durations it cached in earlier runs, and without a cache (a fresh clone, CI) by file size,
 * which puts these two, short files that run for long, last. They lead either way.
 */
const FIRST = ['test/e2e/crash.test.ts', 'test/e2e/faults.test.ts'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? FIRST.length : i;
    };
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: workers,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        // Pure code: no process-wide state carried from file to file and no hooks registered by shared
        // helper modules, so a worker runs file after file without starting afresh (most of these
        // files' time was the start of a new process and loading src/ into it).
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts'], isolate: false },
      },
      {
        // The built CLI in child processes, against sandboxes each describe block starts and closes
        // (test/e2e/harness.ts registers no hook of its own and keeps no state a file could trip on):
        // one worker runs file after file, as for unit.
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], isolate: false },
      },
      {
        // The client against sandboxes and fake servers in the worker itself, closed after each test by
        // the hook setup.ts registers for every file (the helpers register none when loaded).
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], isolate: false, setupFiles: ['test/integration/setup.ts'] },
      },
    ],
  },
});
