/**
 * `zpi apply` through the everyday scenarios of the issue list: first setup, adding and removing
 * users, permission changes, per-user overrides, saved and stale plans, the refusals (no terminal,
 * missing or wrong ZSC key) and the output contracts (progress lines on stderr, `--json` events on
 * stdout). Every refusal leaves the org byte-identical. Destructive changes: apply-destructive.test.ts.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, secretSeed, useE2E } from './harness.js';
import { ALL, ex, expectConverged, expectRefused, orgView, perms, progressLines, stateBytes } from './org-state.js';

describe('first setup, then the everyday changes', () => {
  const t = useE2E({
    seed: secretSeed((s) => {
      s.integration = { status: 'inactive', portal_id: null, users: [], profile_permissions: {}, user_permissions: {} };
    }),
    manifest: ex('first-setup'),
  });

  it('refuses without a terminal unless --auto-approve', async () => {
    const r = await expectRefused(t, ['apply']);
    expect(r.stdout).toContain('+ portal  acme-projects');
    expect(r.stderr).toBe('error: no terminal to confirm the changes: re-run with --auto-approve, or save a plan with --out and apply it\n');
  });

  it('refuses before any write when the ZSC key variable is not set, naming it', async () => {
    const r = await expectRefused(t, ['apply', '--auto-approve'], { env: { ZPI_ZSC_KEY: undefined } });
    expect(r.stderr).toBe('error: ZSC key variable $ZPI_ZSC_KEY is not set; the associate-portal step needs it\n');
    const empty = await expectRefused(t, ['apply', '--auto-approve'], { env: { ZPI_ZSC_KEY: '' } });
    expect(empty.stderr).toContain('$ZPI_ZSC_KEY is not set');
  });

  it('a wrong ZSC key fails the associate step with INVALID_ZSC_KEY and writes nothing', async () => {
    const before = stateBytes(t);
    const r = await t.run(['apply', '--auto-approve'], { env: { ZPI_ZSC_KEY: 'S3CRET-not-the-key-000' } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const failed = r.stderr.split('\n').filter((l) => l.includes('INVALID_ZSC_KEY'));
    expect(failed[0]).toMatch(/^\[1\/10\] \+ portal acme-projects … failed: INVALID_ZSC_KEY: .*the ZSC key and email do not match the owner of portal acme-projects/);
    expect(failed[0]).toContain('check that $ZPI_ZSC_KEY holds the ZSC key of portal acme-projects and that owner@acme.com is the email it belongs to');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^Apply failed at step \[1\/10\] portal acme-projects: INVALID_ZSC_KEY: .*0 steps of 10 completed; run `zpi apply` again to finish the rest\.$/,
    );
    expect(r.stderr + r.stdout).not.toContain('S3CRET-not-the-key-000');
    expect(stateBytes(t).equals(before)).toBe(true);
    expect(orgView(t).portal).toBeNull();
    // The same as events: started, failed with the code, a summary that says not ok.
    const json = await t.run(['apply', '--auto-approve', '--json'], { env: { ZPI_ZSC_KEY: 'S3CRET-not-the-key-000' } });
    expect(json.code).toBe(1);
    const events = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(events.map((e) => e.type)).toEqual(['step_started', 'step_failed', 'summary']);
    expect(events[1]).toMatchObject({ stepId: 'associate-portal:acme-projects', error: { code: 'INVALID_ZSC_KEY' } });
    expect(events[2]).toMatchObject({ ok: false, failed: { code: 'INVALID_ZSC_KEY' } });
    expect(json.stdout).not.toContain('S3CRET-not-the-key-000');
    expect(stateBytes(t).equals(before)).toBe(true);
  });

  it('associates the portal with $ZPI_ZSC_KEY, sets profiles and grants users', async () => {
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(progressLines(r.stderr)).toEqual([
      expect.stringMatching(/^\[1\/10\] \+ portal acme-projects … ok \(\d+\.\d s\)$/),
      expect.stringMatching(/^\[2\/10\] ~ profile Administrator … ok/),
      expect.stringMatching(/^\[3\/10\] ~ profile Manager … ok/),
      expect.stringMatching(/^\[4\/10\] ~ profile Sales Rep … ok/),
      expect.stringMatching(/^\[5\/10\] ~ profile Standard … ok/),
      expect.stringMatching(/^\[6\/10\] \+ grant alice@acme\.com … ok/),
      expect.stringMatching(/^\[7\/10\] \+ grant carol@acme\.com … ok/),
      expect.stringMatching(/^\[8\/10\] \+ grant erin@acme\.com … ok/),
      expect.stringMatching(/^\[9\/10\] \+ grant grace@acme\.com … ok/),
      expect.stringMatching(/^\[10\/10\] \+ grant heidi@acme\.com … ok/),
    ]);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Apply complete: 6 added, 4 changed, 0 removed.');
    expect(orgView(t)).toMatchObject({
      status: 'active',
      portal: '7001',
      users: ['alice', 'carol', 'erin', 'grace', 'heidi'].map((n) => `${n}@acme.com`),
      profiles: { Administrator: ALL, Manager: perms('view', 'create', 'edit'), 'Sales Rep': ['view'], Standard: perms('view', 'create') },
      overrides: { 'grace@acme.com': ['view'] },
    });
  });

  it('applying twice changes nothing', async () => {
    const before = stateBytes(t);
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/No changes\./g)).toHaveLength(1);
    expect(r.stderr).toBe('');
    expect(stateBytes(t).equals(before)).toBe(true);
    await expectConverged(t, 'integration.yaml');
  });

  it('adds users', async () => {
    copyFileSync(ex('add-users'), join(t.dir, 'integration.yaml'));
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    // The three new hires and nothing else.
    expect(progressLines(r.stderr)).toEqual([
      expect.stringMatching(/^\[1\/3\] \+ grant bob@acme\.com … ok/),
      expect.stringMatching(/^\[2\/3\] \+ grant dave@acme\.com … ok/),
      expect.stringMatching(/^\[3\/3\] \+ grant frank@acme\.com … ok/),
    ]);
    expect(orgView(t).users).toEqual(
      ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'].map((n) => `${n}@acme.com`),
    );
    // grace keeps the override both manifests declare; the new hires get their profile's permissions.
    expect(orgView(t).overrides).toEqual({ 'grace@acme.com': ['view'] });
    await expectConverged(t, 'integration.yaml');
  });

  it('removes users (a few: under the mass-revoke brake)', async () => {
    const manifest = readFileSync(join(t.dir, 'integration.yaml'), 'utf8').replace('  - email: heidi@acme.com\n', '');
    writeFileSync(join(t.dir, 'integration.yaml'), manifest);
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(progressLines(r.stderr)).toEqual([expect.stringMatching(/^\[1\/1\] - revoke heidi@acme\.com … ok/)]);
    expect(orgView(t).users).not.toContain('heidi@acme.com');
    await expectConverged(t, 'integration.yaml');
  });

  it('changes profile permissions', async () => {
    const manifest = readFileSync(join(t.dir, 'integration.yaml'), 'utf8').replace('Standard: [view, create]', 'Standard: [view]');
    writeFileSync(join(t.dir, 'integration.yaml'), manifest);
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}~ profile Standard +view,create → view$/m);
    expect(orgView(t).profiles.Standard).toEqual(['view']);
    await expectConverged(t, 'integration.yaml');
  });

  it('sets and removes per-user overrides', async () => {
    copyFileSync(ex('per-user-overrides'), join(t.dir, 'integration.yaml'));
    // It also revokes frank and grants heidi (removed above) and judy: 1 revoke of 7 is under the default brake.
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    const org = orgView(t);
    expect(org.users).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'grace', 'heidi', 'judy'].map((n) => `${n}@acme.com`));
    // carol's override adds edit to her profile's (Standard) view, create; grace's is gone: she is back on Standard.
    expect(org.overrides).toEqual({ 'bob@acme.com': ['view'], 'carol@acme.com': perms('view', 'create', 'edit'), 'dave@acme.com': ALL });
    expect(org.profiles).toMatchObject({ Manager: perms('view', 'create', 'edit'), Standard: perms('view', 'create'), 'Sales Rep': ['view'] });
    await expectConverged(t, 'integration.yaml');

    // Dropping dave's override puts him back on his profile.
    const manifest = readFileSync(join(t.dir, 'integration.yaml'), 'utf8').replace(
      /(- email: dave@acme\.com\n)\s+permissions: \[view, create, edit, delete\][^\n]*\n/,
      '$1',
    );
    expect(manifest).not.toContain('[view, create, edit, delete]');
    writeFileSync(join(t.dir, 'integration.yaml'), manifest);
    const back = await t.run(['apply', '--auto-approve']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^ {2}~ user +dave@acme\.com +view,create,edit,delete → view,create \(profile Standard\)$/m);
    expect(orgView(t).overrides).toEqual({ 'bob@acme.com': ['view'], 'carol@acme.com': perms('view', 'create', 'edit') });
    await expectConverged(t, 'integration.yaml');
  });
});

describe('saved plans, stale plans, events', () => {
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') });

  it('a plan made stale by another apply is refused, naming what changed', async () => {
    expect((await t.run(['plan', '--out', 'plan.json'])).code).toBe(0);
    // Someone else changes the org in between.
    // (A copy: apply keeps its record beside the manifest, and the repository's examples stay clean.)
    copyFileSync(ex('add-users'), join(t.dir, 'other.yaml'));
    const other = await t.run(['apply', '-f', 'other.yaml', '--auto-approve']);
    expect(other.code, other.stderr).toBe(0);
    const r = await expectRefused(t, ['apply', 'plan.json']);
    expect(r.stderr).toBe('error: plan is stale: integration changed in org 60012345678 since the plan was made; run zpi plan again\n');
  });

  it('a plan made stale by an edited manifest is refused, naming the file', async () => {
    expect((await t.run(['plan', '--out', 'plan.json'])).code).toBe(0);
    appendFileSync(join(t.dir, 'integration.yaml'), '# reviewed\n');
    const r = await expectRefused(t, ['apply', 'plan.json']);
    expect(r.stderr).toBe('error: plan is stale: integration.yaml changed since the plan was made; run zpi plan again\n');
  });

  it('a saved plan applies without asking (reviewing it was the approval)', async () => {
    expect((await t.run(['plan', '--out', 'plan.json'])).code).toBe(0);
    const r = await t.run(['apply', 'plan.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Apply complete: /);
    await expectConverged(t, 'integration.yaml');
    // The same plan again: the org moved on (its own apply), so it is stale now.
    const again = await expectRefused(t, ['apply', 'plan.json']);
    expect(again.stderr).toMatch(/^error: plan is stale: integration changed/);
  });

  it('a saved plan with nothing to do says so and exits 0', async () => {
    expect((await t.run(['plan', '--out', 'noop.json'])).code).toBe(0);
    const r = await t.run(['apply', 'noop.json']);
    expect(r).toMatchObject({ code: 0, stdout: 'No changes. Live state matches integration.yaml.\n' });
  });

  it('a plan made from a manifest on stdin is checked against the manifest piped in again', async () => {
    const manifest = readFileSync(join(t.dir, 'integration.yaml'), 'utf8').replace('  - email: heidi@acme.com\n', '');
    expect((await t.run(['plan', '-f', '-', '--out', 'stdin-plan.json'], { input: manifest })).code).toBe(0);
    const edited = await expectRefused(t, ['apply', 'stdin-plan.json'], { input: `${manifest}# edited\n` });
    expect(edited.stderr).toBe('error: plan is stale: <stdin> changed since the plan was made; run zpi plan again\n');
    const r = await t.run(['apply', 'stdin-plan.json'], { input: manifest });
    expect(r.code, r.stderr).toBe(0);
    expect(progressLines(r.stderr)).toEqual([expect.stringMatching(/^\[1\/1\] - revoke heidi@acme\.com … ok/)]);
    // Back to the file for the tests below.
    expect((await t.run(['apply', '--auto-approve'])).code).toBe(0);
  });

  it('a plan file that is not a plan is one clear error', async () => {
    const yaml = await expectRefused(t, ['apply', 'integration.yaml']);
    expect(yaml.stderr).toBe('error: integration.yaml: not a zpi plan file: invalid JSON; to apply a manifest, use zpi apply -f integration.yaml\n');
    const missing = await expectRefused(t, ['apply', 'nope.json']);
    expect(missing.stderr).toBe('error: cannot read plan file nope.json: no such file\n');
  });

  it('--json prints one event per line on stdout; people get stderr', async () => {
    const manifest = readFileSync(join(t.dir, 'integration.yaml'), 'utf8').replace('  - email: heidi@acme.com\n', '  - email: judy@acme.com\n');
    writeFileSync(join(t.dir, 'integration.yaml'), manifest);
    const r = await t.run(['apply', '--auto-approve', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; stepId?: string; ok?: boolean });
    expect(events.map((e) => e.type)).toEqual(['step_started', 'step_done', 'step_started', 'step_done', 'summary']);
    expect(events.filter((e) => e.type === 'step_done').map((e) => e.stepId)).toEqual(['revoke-user:heidi@acme.com', 'grant-user:judy@acme.com']);
    expect(events.at(-1)).toMatchObject({ type: 'summary', ok: true, counts: { added: 1, changed: 0, removed: 1 } });
    expect(r.stderr).toContain('zpi apply · integration.yaml');
    expect(r.stderr).not.toMatch(/^\[\d+\/\d+\]/m);
    // Nothing to do: still exactly one summary event.
    const noop = await t.run(['apply', '--auto-approve', '--json']);
    expect(noop.code).toBe(0);
    const last = noop.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(last.map((e) => e.type)).toEqual(['summary']);
  });

  it('a plan saved as sub/plan.json from the parent directory applies from sub/ (the manifest is found from the plan)', async () => {
    mkdirSync(join(t.dir, 'sub'), { recursive: true });
    // (Last in this group: it changes the manifest and the org.)
    writeFileSync(join(t.dir, 'integration.yaml'), readFileSync(ex('add-users'), 'utf8'));
    const saved = await t.run(['plan', '--out', 'sub/plan.json']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t.dir, 'sub', 'plan.json'), 'utf8')).manifest).toMatchObject({ file: 'integration.yaml', fromPlan: '../integration.yaml' });
    const r = await t.run(['apply', 'plan.json'], { cwd: join(t.dir, 'sub') });
    expect(r.code, r.stderr).toBe(0);
    // The record is kept beside the manifest, wherever apply ran.
    expect(existsSync(join(t.dir, 'integration.state.json'))).toBe(true);
    expect(existsSync(join(t.dir, 'sub', 'integration.state.json'))).toBe(false);
  });
});
