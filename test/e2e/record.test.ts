/**
 * The record (DESIGN §5a) end to end, through the built CLI:
 * - on a zoho-only sandbox (as real Zoho: no API for the settings) a 45-user first setup is a runbook
 *   of one block per Setup screen; confirming blocks on a terminal records each one at once, a stopped
 *   run resumes with what is left, the next plan is "No changes", a revision shows only what it
 *   changes, and `zpi import` then plan is "No changes";
 * - on the full sandbox a change made through the API (not by zpi) is drift, named, exit 3 with
 *   --detailed-exitcode; apply puts it back and records it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createZohoProvider } from '../../src/provider/index.js';
import { hasScript, runOnTty, SECRETS, secretSeed, useE2E, type E2E } from './harness.js';
import { orgView, stateBytes } from './org-state.js';

const N = 45;
const email = (i: number): string => `user${String(i).padStart(2, '0')}@acme.com`;
const PROFILES = ['Standard', 'Sales Rep', 'Manager'];

/** The seed org with 45 more active users and the integration never activated. */
function seed45(): Record<string, any> {
  return secretSeed((s) => {
    const base = s.users[0];
    for (let i = 0; i < N; i++) {
      s.users.push({ ...base, id: String(9_000 + i), email: email(i), full_name: `User ${i}`, profile: PROFILES[i % 3] });
    }
    s.integration = { status: 'inactive', portal_id: null, users: [], profile_permissions: {}, user_permissions: {} };
  });
}

function manifest(opts: { drop?: number[]; add?: string[]; salesRep?: string } = {}): string {
  const users: string[] = [];
  for (let i = 0; i < N; i++) {
    if (opts.drop?.includes(i)) continue;
    users.push(`  - email: ${email(i)}`);
    if (i === 3) users.push('    permissions: [view]');
  }
  for (const e of opts.add ?? []) users.push(`  - email: ${e}`);
  return [
    'apiVersion: zpi/v1',
    'kind: ProjectsIntegration',
    'org: "60012345678"',
    'state: active',
    'portal:',
    '  name: acme-projects',
    '  zscKey: ${ZPI_ZSC_KEY}',
    '  zscEmail: owner@acme.com',
    'profiles:',
    '  Standard: [view, create]',
    `  Sales Rep: ${opts.salesRep ?? '[view]'}`,
    '  Manager: [view, create, edit]',
    'users:',
    ...users,
    '',
  ].join('\n');
}

const record = (t: E2E): any => JSON.parse(readFileSync(join(t.dir, 'integration.state.json'), 'utf8'));

describe('the record on real Zoho (zoho-only sandbox)', () => {
  let sandboxState: Buffer;
  const t = useE2E({ zohoOnly: true, seed: seed45() }, (t) => {
    writeFileSync(join(t.dir, 'integration.yaml'), manifest());
    sandboxState = stateBytes(t);
  });

  it('the first plan is a runbook of one block per Setup screen', async () => {
    const r = await t.run(['plan', '--detailed-exitcode']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain('Runbook: 3 Setup screens to visit in Zoho CRM, in this order');
    expect(r.stdout).toMatch(/^ {2}\[1\/3\] Portal: activate with acme-projects$/m);
    expect(r.stdout).toMatch(/^ {2}\[2\/3\] Profile permissions: 3 profiles$/m);
    expect(r.stdout).toMatch(/^ {2}\[3\/3\] Manage Users and Permissions: tick 45 users$/m);
    expect(r.stdout).toContain('    Tick the checkbox of (45):\n      user00@acme.com\n');
    expect(r.stdout).toMatch(/^ {6}user03@acme\.com {2}in the row, tick View; clear Create, Edit and Delete$/m);
    // "Sign in… Open Setup…" once per screen, not once per user.
    expect(r.stdout.match(/Setup > Apps & Add-ons > Zoho Apps > Zoho Projects/g)).toHaveLength(3);
    expect(r.stdout).toContain('Apply will walk you through 3 Setup screens in Zoho CRM (49 manual steps).');
    const md = await t.run(['plan', '--format', 'markdown']);
    expect(md.stdout).toContain('<details><summary>Runbook: 3 Setup screens to visit in Zoho CRM</summary>');
  });

  it('without a terminal apply stops before the first block and records nothing', async () => {
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Apply stopped before manual step [1/49] portal acme-projects');
    // Nothing confirmed, nothing learned: no record is started.
    expect(existsSync(join(t.dir, 'integration.state.json'))).toBe(false);
    expect(stateBytes(t).equals(sandboxState)).toBe(true);
  });

  it.skipIf(!hasScript)('on a terminal: each confirmed block is recorded at once, and a stopped run resumes with what is left', async () => {
    const first = await runOnTty(t, ['apply'], { input: 'yes\ndone\ndone\nnot yet\n', env: { NO_COLOR: '1', ZPI_ZSC_KEY: SECRETS.zsc7001 } });
    expect(first.code).toBe(1);
    expect(first.screen).toContain('Setup [1/3] Portal: activate with acme-projects (Zoho has no API for it):');
    expect(first.screen).toContain('[2/3] Profile permissions: 3 profiles … done (confirmed by the administrator; recorded)');
    expect(first.screen).toContain('Apply stopped at manual step [5–49/49] grant user00@acme.com and 44 more on the same Setup screen: not confirmed as done. 4 steps of 49 completed;');
    const settings = record(t).sections['sandbox:60012345678'].settings;
    expect(settings).toMatchObject({ status: 'active', portal: { id: '7001', name: 'acme-projects' }, users: [] });
    expect(Object.keys(settings.profiles)).toEqual(['Manager', 'Sales Rep', 'Standard']);

    // The next run asks only for the block that is left.
    const plan = await t.run(['plan']);
    expect(plan.stdout).toContain('Runbook: 1 Setup screen to visit in Zoho CRM, in this order');
    const second = await runOnTty(t, ['apply'], { input: 'yes\ndone\n', env: { NO_COLOR: '1' } });
    expect(second.code, second.screen).toBe(0);
    expect(second.screen).not.toContain('Portal: activate');
    expect(second.screen).toContain('[1/1] Manage Users and Permissions: tick 45 users … done (confirmed by the administrator; recorded)');
    expect(second.screen).toContain('Apply complete: 45 added, 0 changed, 0 removed.');

    const again = await t.run(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('No changes. The record matches integration.yaml.');
    const r = record(t).sections['sandbox:60012345678'];
    expect(r.settings.users).toHaveLength(N);
    expect(r.settings.users[3]).toEqual({ id: '9003', email: 'user03@acme.com', permissions: ['view'] });
    expect(r.history.at(-1)).toMatchObject({ by: 'admin@acme.com', action: 'apply' });
    // Confirming Setup blocks never wrote to Zoho.
    expect(stateBytes(t).equals(sandboxState)).toBe(true);
  });

  it.skipIf(!hasScript)('a revision shows exactly what it changes: one dropped, one added, one profile', async () => {
    writeFileSync(join(t.dir, 'integration.yaml'), manifest({ drop: [10], add: ['sysop@acme.com'], salesRep: '[view, create]' }));
    const r = await t.run(['plan', '--detailed-exitcode', '--format', 'json']);
    expect(r.code).toBe(2);
    const p = JSON.parse(r.stdout);
    expect(p.steps.map((s: { id: string }) => s.id)).toEqual(['revoke-user:user10@acme.com', 'set-profile-permissions:Sales Rep', 'grant-user:sysop@acme.com']);
    const text = await t.run(['plan']);
    expect(text.stdout).toContain('Plan: 1 to add, 1 to change, 1 to remove. 0 destructive.');
  });

  it.skipIf(!hasScript)('zpi import records what Setup shows once an administrator says yes; then plan is "No changes"', async () => {
    rmSync(join(t.dir, 'integration.state.json'));
    const no = await runOnTty(t, ['import'], { input: 'no\n', env: { NO_COLOR: '1' } });
    expect(no.code).toBe(1);
    expect(no.screen).toContain('Portal Settings > Manage Users and Permissions: exactly these 45 users ticked, nobody else:');
    expect(no.screen).toContain('Import cancelled; nothing was recorded.');
    const yes = await runOnTty(t, ['import'], { input: 'yes\n', env: { NO_COLOR: '1' } });
    expect(yes.code, yes.screen).toBe(0);
    expect(yes.screen).toContain('Recorded Acme Corp (org 60012345678): portal acme-projects, 45 users with access');
    const plan = await t.run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toContain('No changes. The record matches integration.yaml.');
    expect(record(t).sections['sandbox:60012345678'].history.at(-1)).toMatchObject({ action: 'import', did: ['recorded the manifest as confirmed in Setup'] });
  });

  it('import without a terminal needs --auto-approve', async () => {
    const r = await t.run(['import', '--state', 'other.json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('error: no terminal to confirm what Setup shows: check it, then re-run with --auto-approve');
    const ok = await t.run(['import', '--state', 'other.json', '--auto-approve']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await t.run(['plan', '--state', 'other.json', '--detailed-exitcode'])).code).toBe(0);
  });
});

describe('drift on the full sandbox', () => {
  const t = useE2E({ seed: seed45() }, (t) => writeFileSync(join(t.dir, 'integration.yaml'), manifest()));

  /** A change made through the API by someone else (not zpi): grant user10 again, widen Standard. */
  async function changeOutsideZpi(): Promise<void> {
    const p = createZohoProvider({ endpoint: t.sandbox.url, credentials: { clientId: SECRETS.clientId, clientSecret: SECRETS.clientSecret, refreshToken: SECRETS.refreshToken } });
    const live = await p.read();
    const standard = live.profiles.find((x) => x.name === 'Standard');
    await p.setProfilePermissions([{ profileId: standard?.id ?? '', profile: 'Standard', permissions: ['view', 'create', 'edit'] }]);
    await p.grantUsers([{ userId: '9010' }]);
  }

  it('apply records what it did; a change made outside zpi is named, exit 3; apply puts it back and records it', async () => {
    writeFileSync(join(t.dir, 'integration.yaml'), manifest({ drop: [10] }));
    const applied = await t.run(['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(record(t).sections['sandbox:60012345678'].settings.users).toHaveLength(N - 1);
    expect((await t.run(['plan', '--detailed-exitcode'])).code).toBe(0);

    await changeOutsideZpi();
    const r = await t.run(['plan', '--detailed-exitcode']);
    expect(r.code, r.stdout).toBe(3);
    expect(r.stdout).toMatch(/^Changed outside zpi since the record \(last written .* by admin@acme\.com\):$/m);
    expect(r.stdout).toMatch(/^ {2}~ profile +Standard +view,create → view,create,edit +\(this plan puts it back\)$/m);
    expect(r.stdout).toMatch(/^ {2}\+ user +user10@acme\.com +no access → access +\(this plan puts it back\)$/m);
    // The drift comes ahead of the steps.
    expect(r.stdout.indexOf('Changed outside zpi')).toBeLessThan(r.stdout.indexOf('- revoke'));
    expect((await t.run(['plan'])).code).toBe(0);
    const json = JSON.parse((await t.run(['plan', '--format', 'json'])).stdout);
    expect(json.drift).toEqual([
      { subject: 'profile', target: 'Standard', recorded: ['view', 'create'], found: ['view', 'create', 'edit'], cause: 'changed', undone: true },
      { subject: 'user', target: 'user10@acme.com', recorded: null, found: 'access', cause: 'changed', undone: true },
    ]);
    const md = (await t.run(['plan', '--format', 'markdown'])).stdout;
    expect(md.indexOf('Changed outside zpi')).toBeGreaterThan(0);
    expect(md.indexOf('Changed outside zpi')).toBeLessThan(md.indexOf('Effective access'));

    const fix = await t.run(['apply', '--auto-approve']);
    expect(fix.code, fix.stderr).toBe(0);
    expect(orgView(t).profiles.Standard).toEqual(['create', 'view']);
    expect(orgView(t).users).not.toContain('user10@acme.com');
    const after = await t.run(['plan', '--detailed-exitcode']);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).not.toContain('Changed outside zpi');
    expect(record(t).sections['sandbox:60012345678'].history.map((h: { action: string }) => h.action)).toEqual(['apply', 'apply']);
  });

  it('drift the manifest does not undo (an unmanaged profile) is shown and kept: exit 0 when nothing else is pending', async () => {
    const p = createZohoProvider({ endpoint: t.sandbox.url, credentials: { clientId: SECRETS.clientId, clientSecret: SECRETS.clientSecret, refreshToken: SECRETS.refreshToken } });
    const live = await p.read();
    const support = live.profiles.find((x) => x.name === 'Support');
    await p.setProfilePermissions([{ profileId: support?.id ?? '', profile: 'Support', permissions: ['view'] }]);
    const r = await t.run(['plan', '--detailed-exitcode']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^ {2}\+ profile +Support +none → view +\(kept: the manifest does not manage it, or asks for it\)$/m);
    // apply with nothing to do takes the live settings in: the drift is recorded, not reported again.
    expect((await t.run(['apply', '--auto-approve'])).code).toBe(0);
    expect((await t.run(['plan'])).stdout).not.toContain('Changed outside zpi');
  });

  it('a corrupt or foreign record is one clear error before anything is written', async () => {
    const file = join(t.dir, 'integration.state.json');
    const good = readFileSync(file);
    const before = stateBytes(t);
    writeFileSync(file, '{"kind": "zpi-record", "formatVersion": 1, "sections": ');
    for (const args of [['plan'], ['apply', '--auto-approve'], ['import']]) {
      const r = await t.run(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: integration\.state\.json: not a zpi record \(restore it from git, or pass --state with another file\): invalid JSON: it ends too soon \(cut short\?\)$/m);
    }
    writeFileSync(file, '{"formatVersion": 1, "steps": []}');
    expect((await t.run(['plan'])).stderr).toContain('error: integration.state.json is not a zpi record (no "kind": "zpi-record")');
    expect(stateBytes(t).equals(before)).toBe(true);
    writeFileSync(file, good);
  });

  it('a manifest from standard input keeps no record unless --state says where', async () => {
    const text = readFileSync(join(t.dir, 'integration.yaml'), 'utf8');
    const r = await t.run(['apply', '-f', '-', '--auto-approve'], { input: text });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: no record is kept for a manifest read from standard input; pass --state FILE to keep one');
    const s = await t.run(['apply', '-f', '-', '--auto-approve', '--state', 'piped.state.json'], { input: text });
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t.dir, 'piped.state.json'), 'utf8')).sections['sandbox:60012345678'].settings.users).toHaveLength(N - 1);
  });
});
