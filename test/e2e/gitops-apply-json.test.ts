/**
 * `zpi apply --json` for CI log parsers: stdout is one JSON event per line and nothing else
 * (step_started, step_retried, step_done, step_failed, summary), the exit code says how it went,
 * and everything meant for people goes to stderr.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { e2e, ROOT, secretSeed, type E2E } from './harness.js';

/** The repository's integration.yaml, copied next to each test's sandbox (apply keeps its record beside it). */
const MANIFEST = 'integration.yaml';
const useManifest = (t: E2E): void => copyFileSync(join(ROOT, 'integration.yaml'), join(t.dir, MANIFEST));
const TYPES = ['step_started', 'step_retried', 'step_done', 'step_failed', 'summary'];

interface Event {
  type: string;
  stepId?: string;
  index?: number;
  total?: number;
  attempt?: number;
  error?: { code: string; message: string };
  ok?: boolean;
  failed?: { stepId: string; code: string };
  done?: string[];
  remaining?: string[];
  retries?: number;
}

/** Every stdout line is a JSON object with a known type; the last one is the summary. */
function events(stdout: string): Event[] {
  expect(stdout.endsWith('\n'), 'newline-terminated').toBe(true);
  const lines = stdout.slice(0, -1).split('\n');
  const parsed = lines.map((l) => {
    expect(l.startsWith('{'), `not an event: ${l.slice(0, 80)}`).toBe(true);
    return JSON.parse(l) as Event;
  });
  for (const e of parsed) expect(TYPES).toContain(e.type);
  expect(parsed.filter((e) => e.type === 'summary')).toHaveLength(1);
  expect(parsed.at(-1)?.type).toBe('summary');
  return parsed;
}

describe('zpi apply --json', () => {
  let t: E2E | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('prints only events on stdout: each step started then done, retries as step_retried, then the summary', async () => {
    t = await e2e();
    useManifest(t);
    // Faults on every kind of request; the same seed gives the same faults. Retries are fast (harness env).
    await t.restart({ faults: 'rate=0.35,seed=11' });
    const r = await t.run(['apply', '-f', MANIFEST, '--auto-approve', '--json'], { env: { ZPI_RETRIES: '12' } });
    expect(r.code, r.stderr).toBe(0);
    const ev = events(r.stdout);
    const started = ev.filter((e) => e.type === 'step_started').map((e) => e.stepId);
    const done = ev.filter((e) => e.type === 'step_done').map((e) => e.stepId);
    expect(started).toHaveLength(7);
    expect(done.sort()).toEqual([...started].sort());
    for (const id of started) {
      const first = ev.findIndex((e) => e.type === 'step_started' && e.stepId === id);
      const last = ev.findIndex((e) => e.type === 'step_done' && e.stepId === id);
      expect(first).toBeLessThan(last);
    }
    const retried = ev.filter((e) => e.type === 'step_retried');
    expect(retried.length, 'the faults made at least one write retry').toBeGreaterThan(0);
    for (const e of retried) {
      expect(e.attempt).toBeGreaterThanOrEqual(2);
      expect(e.error?.code).toMatch(/^[A-Z_]+$|^E[A-Z]+$/);
    }
    const summary = ev.at(-1) as Event;
    expect(summary).toMatchObject({ type: 'summary', ok: true, remaining: [] });
    expect(summary.retries).toBeGreaterThan(0);
    // People still get the plan and the closing line, on stderr.
    expect(r.stderr).toContain('Plan: 3 to add, 3 to change, 1 to remove.');
    expect(r.stderr).toContain('Apply complete: 3 added, 3 changed, 1 removed.');
  });

  it('a step Zoho refuses ends in step_failed, a summary naming it, and exit 1', async () => {
    // No portal associated yet: apply must associate one, and the ZSC key given is wrong.
    t = await e2e({
      seed: secretSeed((s) => {
        s.integration = { status: 'inactive', portal_id: null, users: [], profile_permissions: {}, user_permissions: {} };
      }),
    });
    useManifest(t);
    const wrongKey = 'S3CRET-wrong-zsc-key-000';
    const r = await t.run(['apply', '-f', MANIFEST, '--auto-approve', '--json'], { env: { ZPI_ZSC_KEY: wrongKey } });
    expect(r.code).toBe(1);
    const ev = events(r.stdout);
    const failed = ev.filter((e) => e.type === 'step_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ stepId: 'associate-portal:acme-projects', index: 1, error: { code: 'INVALID_ZSC_KEY' } });
    expect(ev.some((e) => e.type === 'step_done')).toBe(false);
    const summary = ev.at(-1) as Event;
    expect(summary).toMatchObject({ ok: false, done: [], failed: { stepId: 'associate-portal:acme-projects', code: 'INVALID_ZSC_KEY' } });
    expect(summary.remaining?.[0]).toBe('associate-portal:acme-projects');
    // The wrong key is a secret too: never echoed.
    expect(r.stdout + r.stderr).not.toContain(wrongKey);
  });

  it('with nothing to do it still closes with a summary event', async () => {
    t = await e2e();
    useManifest(t);
    expect((await t.run(['apply', '-f', MANIFEST, '--auto-approve'])).code).toBe(0);
    const r = await t.run(['apply', '-f', MANIFEST, '--auto-approve', '--json']);
    expect(r.code).toBe(0);
    expect(events(r.stdout)).toEqual([
      { type: 'summary', ok: true, done: [], remaining: [], counts: { added: 0, changed: 0, removed: 0 }, calls: 0, retries: 0, ms: 0 },
    ]);
    expect(r.stderr).toContain('No changes.');
  });

  it('a refusal before the first write prints no events and one error line', async () => {
    t = await e2e();
    useManifest(t);
    const swap = join(t.dir, 'swap.yaml');
    writeFileSync(swap, readFileSync(join(ROOT, 'examples/portal-swap.yaml'), 'utf8'));
    const r = await t.run(['apply', '-f', swap, '--auto-approve', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('--allow-destructive');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
