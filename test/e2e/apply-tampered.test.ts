/**
 * `zpi apply PLANFILE` against hand-edited plan files. A saved plan is never run as written: apply
 * plans the manifest again against the live org with the saved options and runs the fresh steps only
 * when they are the file's very steps. Every edit below (an added grant, raised permissions, a dropped
 * revoke, a user id swapped under a familiar email, a destructive flag cleared, another ZSC key
 * variable, a null user, steps reordered) is refused before any write: exit 1, one `error:` line on
 * stderr, no stack, no progress line, and the org byte-identical. The untouched plan still applies.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SECRETS, useE2E, type E2E, type RunResult } from './harness.js';
import { ex, expectConverged, expectRefused, orgView, stateBytes } from './org-state.js';

type Json = Record<string, any>;

/** A CRM user of the seed org (examples/sandbox/org.json) that integration.yaml never lists. */
const IVAN = { id: '4876876000000200085', email: 'ivan@acme.com' };
/** Another user of the seed org, not in integration.yaml either. */
const MALLORY_ID = '4876876000000200099';

const STALE = /^error: plan is stale: /;

function readPlan(t: E2E, file: string): Json {
  return JSON.parse(readFileSync(join(t.dir, file), 'utf8')) as Json;
}

/** Writes `tampered.json`: a copy of `file` with `edit` applied. */
function tamper(t: E2E, file: string, edit: (plan: Json) => void, out = 'tampered.json'): string {
  const plan = readPlan(t, file);
  edit(plan);
  writeFileSync(join(t.dir, out), `${JSON.stringify(plan, null, 2)}\n`);
  return out;
}

/** The index of the step with this id in a saved plan. */
function stepIndex(plan: Json, id: string): number {
  const i = (plan.steps as Json[]).findIndex((s) => s.id === id);
  expect(i, `no step ${id} in the plan`).toBeGreaterThanOrEqual(0);
  return i;
}

/**
 * `zpi apply FILE` is refused before any write (expectRefused: exit 1, no stack, no progress line,
 * state bytes unchanged), with nothing on stdout and exactly one line on stderr, matching `error`.
 */
async function expectTamperRefused(t: E2E, file: string, error: RegExp = STALE, env?: Record<string, string>): Promise<string> {
  const before = stateBytes(t);
  const r: RunResult = await expectRefused(t, ['apply', file], { env });
  expect(r.stderr).not.toContain('    at ');
  expect(r.stdout).not.toMatch(/^\[\d+\/\d+\]/m);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^[^\n]*\n$/);
  const line = r.stderr.slice(0, -1);
  expect(line).toMatch(error);
  expect(stateBytes(t).equals(before)).toBe(true);
  return line;
}

describe('tampered saved plans are refused before any write', () => {
  let seedState: Buffer;
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') }, (t) => {
    seedState = stateBytes(t);
  });

  it('the default manifest against the seed org plans the expected steps', async () => {
    const r = await t.run(['plan', '--out', 'plan.json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(t, 'plan.json');
    expect(plan.formatVersion).toBe(1);
    expect(plan.options).toEqual({ allowDestructive: false, maxRevokePct: 25 });
    expect((plan.steps as Json[]).map((s) => s.id)).toEqual([
      'revoke-user:erin@acme.com',
      'set-profile-permissions:Sales Rep',
      'set-profile-permissions:Standard',
      'grant-user:bob@acme.com',
      'grant-user:dave@acme.com',
      'grant-user:frank@acme.com',
      'set-user-permissions:grace@acme.com',
    ]);
    const bob = plan.steps[stepIndex(plan, 'grant-user:bob@acme.com')];
    expect(bob.override).toEqual(['view']);
    const grace = plan.steps[stepIndex(plan, 'set-user-permissions:grace@acme.com')];
    expect(grace).toMatchObject({ before: ['view'], after: null });
    expect(plan.summary).toEqual({ add: 3, change: 3, remove: 1, destructive: 0 });
    // Planning wrote nothing.
    expect(stateBytes(t).equals(seedState)).toBe(true);
  });

  it('(a) a grant added for a CRM user the manifest never lists', async () => {
    const file = tamper(t, 'plan.json', (p) => {
      const grant = structuredClone(p.steps[stepIndex(p, 'grant-user:dave@acme.com')]) as Json;
      grant.id = `grant-user:${IVAN.email}`;
      grant.target = IVAN.email;
      grant.user = { ...IVAN };
      p.steps.push(grant);
      p.summary.add += 1;
    });
    const line = await expectTamperRefused(t, file);
    expect(line).toContain(`grant-user:${IVAN.email}`);
    expect(orgView(t).users).not.toContain(IVAN.email);
  });

  it('(b) a profile step raised to all four permissions', async () => {
    const file = tamper(t, 'plan.json', (p) => {
      p.steps[stepIndex(p, 'set-profile-permissions:Sales Rep')].after = ['view', 'create', 'edit', 'delete'];
    });
    const line = await expectTamperRefused(t, file);
    expect(line).toContain('set-profile-permissions:Sales Rep');
  });

  it('(c) the revoke step dropped', async () => {
    const file = tamper(t, 'plan.json', (p) => {
      p.steps.splice(stepIndex(p, 'revoke-user:erin@acme.com'), 1);
      p.summary.remove = 0;
      p.access = (p.access as Json[]).filter((a) => a.email !== 'erin@acme.com');
    });
    await expectTamperRefused(t, file);
  });

  it("(d) a grant that reads frank@acme.com but carries another user's id", async () => {
    const file = tamper(t, 'plan.json', (p) => {
      p.steps[stepIndex(p, 'grant-user:frank@acme.com')].user.id = MALLORY_ID;
    });
    const line = await expectTamperRefused(t, file);
    expect(line).toContain('grant-user:frank@acme.com');
    expect(line).toContain('user.id');
  });

  it('(e) a destructive deactivation relabelled as not destructive', async () => {
    copyFileSync(ex('deactivate'), join(t.dir, 'deactivate.yaml'));
    const made = await t.run(['plan', '-f', 'deactivate.yaml', '--out', 'd.json']);
    expect(made.code, made.stderr).toBe(0);
    const plan = readPlan(t, 'd.json');
    expect(plan.steps[0]).toMatchObject({ kind: 'deactivate', destructive: true });
    expect(plan.options.allowDestructive).toBe(false);
    // Untouched, it needs --allow-destructive.
    await expectTamperRefused(t, 'd.json', /^error: plan has 1 destructive step .*--allow-destructive$/);
    const file = tamper(t, 'd.json', (p) => {
      p.steps[0].destructive = false;
      p.summary.destructive = 0;
    });
    await expectTamperRefused(t, file, /^error: (plan is stale: |plan has 1 destructive step )/);
    expect(orgView(t).status).toBe('active');
  });

  it('(f) a portal change pointed at another ZSC key variable', async () => {
    copyFileSync(ex('portal-swap'), join(t.dir, 'swap.yaml'));
    const env = { ZPI_ZSC_KEY: SECRETS.zsc7002 };
    const made = await t.run(['plan', '-f', 'swap.yaml', '--allow-destructive', '--out', 's.json'], { env });
    expect(made.code, made.stderr).toBe(0);
    const plan = readPlan(t, 's.json');
    expect(plan.steps[0]).toMatchObject({ kind: 'change-portal', after: { zscKeyVar: 'ZPI_ZSC_KEY' } });
    const file = tamper(t, 's.json', (p) => {
      p.steps[0].after.zscKeyVar = 'HOME';
    });
    const line = await expectTamperRefused(t, file, STALE, env);
    expect(line).toContain('zscKeyVar');
    expect(orgView(t).portal).toBe('7001');
  });

  it('(g) a step with user: null', async () => {
    for (const id of ['revoke-user:erin@acme.com', 'grant-user:frank@acme.com', 'set-user-permissions:grace@acme.com']) {
      const file = tamper(t, 'plan.json', (p) => {
        p.steps[stepIndex(p, id)].user = null;
      });
      // Refused as a file that is no plan at all (the plan schema), naming the step by its path.
      const line = await expectTamperRefused(t, file, /^error: tampered\.json: not a valid zpi plan: steps\[\d+\]\.user must be an object$/);
      expect(line).toContain(`steps[${stepIndex(JSON.parse(readFileSync(join(t.dir, 'plan.json'), 'utf8')), id)}]`);
    }
  });

  it('(h) two steps swapped', async () => {
    const swaps: [string, string][] = [
      ['set-profile-permissions:Sales Rep', 'set-profile-permissions:Standard'],
      ['revoke-user:erin@acme.com', 'set-user-permissions:grace@acme.com'],
    ];
    for (const [x, y] of swaps) {
      const file = tamper(t, 'plan.json', (p) => {
        const i = stepIndex(p, x);
        const j = stepIndex(p, y);
        [p.steps[i], p.steps[j]] = [p.steps[j], p.steps[i]];
      });
      await expectTamperRefused(t, file);
    }
  });

  it('the org is still the seed org; the untouched plan applies without a prompt and converges', async () => {
    expect(stateBytes(t).equals(seedState)).toBe(true);
    const r = await t.run(['apply', 'plan.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Apply complete');
    expect(r.stderr).not.toContain('Do you want to apply');
    expect(r.stdout).not.toContain('Do you want to apply');
    const again = await t.run(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    await expectConverged(t, 'integration.yaml');
  });
});

// The saved `options` (allowDestructive, maxRevokePct) are taken as reviewed, as the README says:
// they are the record of the approval, and an edit to them cannot be told from the approval itself.
