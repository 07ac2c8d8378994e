/**
 * `zpi plan` against the sandbox: the three output formats, saved plans, --diff, exit codes, and
 * every domain check a plan makes against the live org — each a one-line error naming the manifest
 * line, exit 1, with the org untouched (the sandbox's state file byte-identical).
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SECRETS, useE2E, type RunResult } from './harness.js';

const MANIFEST = readFileSync(join(ROOT, 'integration.yaml'), 'utf8');
const SUMMARY = 'Plan: 3 to add, 3 to change, 1 to remove. 0 destructive.';

describe('zpi plan', () => {
  let state: Buffer;
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') }, (t) => {
    state = readFileSync(t.stateFile);
  });

  /** Plans are read-only: whatever a test ran, the org must not have changed. */
  const expectUntouched = (): void => expect(readFileSync(t.stateFile).equals(state)).toBe(true);

  /**
   * `zpi plan ARGS` against the untouched org and the default manifest, run once and shared by the
   * tests that check its output: the same command on the same org prints the same plan.
   */
  const runs = new Map<string, Promise<RunResult>>();
  const planOnce = (...args: string[]): Promise<RunResult> => {
    const key = JSON.stringify(args);
    if (!runs.has(key)) runs.set(key, t.run(['plan', ...args]));
    return runs.get(key)!;
  };

  it('prints the text plan for the default integration.yaml', async () => {
    const r = await planOnce();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`zpi plan · integration.yaml → Acme Corp (org 60012345678) via sandbox ${t.sandbox.url}`);
    expect(lines[1]).toMatch(/^Read 26 users, 5 profiles, 2 portals in \d+ calls \(\d+\.\d\d s\)\.$/);
    expect(r.stdout).toMatch(/^ {2}~ profile Standard +view,create → view,create,edit$/m);
    expect(r.stdout).toMatch(/^ {2}\+ grant +dave@acme\.com +view,create,edit \(profile Standard\)$/m);
    expect(r.stdout).toMatch(/^ {2}- revoke +erin@acme\.com +had view,create,edit \(profile Manager\)$/m);
    expect(r.stdout).toContain(`\n${SUMMARY}\n`);
    expectUntouched();
  });

  it('--detailed-exitcode: 2 when changes are pending, 0 when none', async () => {
    const pending = await t.run(['plan', '--detailed-exitcode']);
    expect(pending.code).toBe(2);
    expect(pending.stdout).toContain(SUMMARY);
    // The live state exported as a manifest plans to nothing.
    const exported = await t.run(['export', '-o', 'live.yaml']);
    expect(exported.code).toBe(0);
    const none = await t.run(['plan', '-f', 'live.yaml', '--detailed-exitcode']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No changes. Live state matches live.yaml.');
    expectUntouched();
  });

  it('--format json parses, has formatVersion 1 and the same summary', async () => {
    const r = await planOnce('--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const plan = JSON.parse(r.stdout);
    expect(plan.formatVersion).toBe(1);
    expect(plan.summary).toEqual({ add: 3, change: 3, remove: 1, destructive: 0 });
    expect(plan.target.org).toEqual({ id: '60012345678', name: 'Acme Corp' });
    expect(plan.steps).toHaveLength(7);
    // Least privilege at every step: revokes, then profiles, grants (bob's override with his grant), override removals.
    expect(plan.steps.map((s: { kind: string }) => s.kind)).toEqual([
      'revoke-user',
      'set-profile-permissions',
      'set-profile-permissions',
      'grant-user',
      'grant-user',
      'grant-user',
      'set-user-permissions',
    ]);
    expect(plan.brake).toBeNull();
  });

  it('--format markdown opens with the summary and folds the steps', async () => {
    const r = await t.run(['plan', '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`**${SUMMARY}**`);
    expect(r.stdout).toContain('| User | Before | After | Why |');
    expect(r.stdout).toMatch(/<details><summary>7 steps/);
    expect(r.stdout).toContain('</details>');
  });

  it('--out saves a 0600 JSON plan without any secret value', async () => {
    const r = await t.run(['plan', '--out', 'plan.json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Saved the plan to plan.json; apply it with: zpi apply plan.json\n');
    const file = join(t.dir, 'plan.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const plan = JSON.parse(text);
    expect(plan.formatVersion).toBe(1);
    expect(plan.manifest.file).toBe('integration.yaml');
    expect(plan.manifest.hash).toMatch(/^[0-9a-f]{64}$/);
    for (const s of Object.values(SECRETS)) expect(text).not.toContain(s);
    // Saving again over the file keeps it private even if someone loosened it.
    chmodSync(file, 0o644);
    expect((await t.run(['plan', '--out', 'plan.json'])).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expectUntouched();
  });

  it('--out prints an apply command with the target flags used, and that command works as printed', async () => {
    const noEnv = { ZPI_ENDPOINT: undefined };
    const exported = await t.run(['export', '-o', 'same.yaml']);
    expect(exported.code, exported.stderr).toBe(0);
    const r = await t.run(['plan', '-f', 'same.yaml', '--endpoint', t.sandbox.url, '--out', 'same-plan.json'], { env: noEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`Saved the plan to same-plan.json; apply it with: zpi apply --endpoint ${t.sandbox.url} same-plan.json\n`);
    // Without ZPI_ENDPOINT only the printed --endpoint reaches the sandbox (a plan of no change: nothing is written).
    const args = r.stderr.trimEnd().split('apply it with: zpi ')[1]?.split(' ') ?? [];
    const applied = await t.run([...args, '--auto-approve'], { env: noEnv });
    expect(applied.code, applied.stderr).toBe(0);
    expectUntouched();
  });

  it('lists losses first: the revoke before the grants, the user who loses access before those who gain', async () => {
    const r = await planOnce();
    expect(r.code).toBe(0);
    const revoke = r.stdout.search(/^ {2}- revoke +erin@acme\.com/m);
    const grant = r.stdout.search(/^ {2}\+ grant /m);
    expect(revoke).toBeGreaterThan(0);
    expect(revoke).toBeLessThan(grant);
    const loses = r.stdout.search(/^ {2}erin@acme\.com +loses /m);
    const gains = r.stdout.search(/^ {2}\S+ +gains /m);
    expect(loses).toBeGreaterThan(0);
    expect(loses).toBeLessThan(gains);
    // The JSON plan keeps apply's order, untouched by the display.
    const json = JSON.parse((await planOnce('--format', 'json')).stdout) as { steps: { kind: string }[] };
    expect(json.steps[0]?.kind).toBe('revoke-user');
  });

  it('--full is accepted by plan and show; a plan this small is the same with or without it', async () => {
    const dropRead = (s: string): string => s.replace(/^Read .*\n/m, '');
    const full = await t.run(['plan', '--full']);
    const folded = await planOnce();
    expect(full.code, full.stderr).toBe(0);
    expect(dropRead(full.stdout)).toBe(dropRead(folded.stdout));
    expect(full.stdout).not.toContain('… and');
    expect((await t.run(['plan', '--out', 'full.json'])).code).toBe(0);
    const shown = await t.run(['show', 'full.json', '--full']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(SUMMARY);
    expectUntouched();
  });

  it('--out to a path that cannot be written is one clear error', async () => {
    const r = await t.run(['plan', '--out', 'no-such-dir/plan.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: cannot write no-such-dir/plan.json: its directory does not exist\n');
  });

  it('--diff adds a unified diff of the live state against the manifest', async () => {
    const r = await t.run(['plan', '--diff']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(SUMMARY);
    expect(r.stdout).toMatch(/^--- live$/m);
    expect(r.stdout).toMatch(/^\+\+\+ integration\.yaml$/m);
    expect(r.stdout).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@/m);
    expect(r.stdout).toMatch(/^-  - email: erin@acme\.com$/m);
    expect(r.stdout).toMatch(/^\+  - email: dave@acme\.com$/m);
    const md = await t.run(['plan', '--diff', '--format', 'markdown']);
    expect(md.stdout).toContain('```diff\n--- live\n');
  });

  it('reads the manifest from standard input with -f - (also with --diff)', async () => {
    const r = await t.run(['plan', '-f', '-', '--diff'], { input: MANIFEST });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^zpi plan · <stdin> → Acme Corp/);
    expect(r.stdout).toContain(SUMMARY);
    expect(r.stdout).toMatch(/^\+\+\+ <stdin>$/m);
    expect(r.stdout).toMatch(/^\+  - email: dave@acme\.com$/m);
    expectUntouched();
  });

  it('refuses --out onto the manifest itself', async () => {
    const r = await t.run(['plan', '--out', './integration.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: --out ./integration.yaml would overwrite the manifest with the plan; save the plan under another name (e.g. plan.json)\n');
    expect(readFileSync(join(t.dir, 'integration.yaml'), 'utf8')).toBe(MANIFEST);
  });

  it('some but not all Zoho credentials is an error naming the missing ones, not a silent sandbox', async () => {
    const r = await t.run(['plan'], { env: { ZPI_ENDPOINT: undefined, ZOHO_REFRESH_TOKEN: undefined } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: ZOHO_REFRESH_TOKEN is not set, but ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET are: set all three to reach Zoho, or none to use the embedded sandbox\n',
    );
    expect(r.stderr).not.toContain(SECRETS.clientSecret);
  });

  it('prints no escape codes with NO_COLOR, with --no-color, or into a pipe', async () => {
    for (const [args, env] of [
      [['plan'], { NO_COLOR: '1' }],
      [['--no-color', 'plan'], { NO_COLOR: undefined }],
      [['plan'], { NO_COLOR: undefined, FORCE_COLOR: '1' }],
    ] as const) {
      // NO_COLOR=1 is the harness's own setting: that run is the shared plain `zpi plan`.
      const r = env.NO_COLOR === '1' ? await planOnce() : await t.run([...args], { env });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('\x1b[');
    }
  });

  describe('domain checks: one error naming the manifest line, exit 1, nothing written', () => {
    /** Plans a variant of the default manifest; returns the run after checking it failed cleanly. */
    async function planVariant(edit: (m: string) => string, env?: Record<string, string>): Promise<RunResult> {
      writeFileSync(join(t.dir, 'variant.yaml'), edit(MANIFEST));
      const r = await t.run(['plan', '-f', 'variant.yaml', '--detailed-exitcode'], { env });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toContain('internal error');
      expectUntouched();
      return r;
    }

    it('a manifest for another org', async () => {
      const r = await planVariant((m) => m.replace('org: "60012345678"', 'org: "60099999999"'));
      expect(r.stderr).toBe('error: variant.yaml:6:6: manifest governs org 60099999999 but the credentials reach org 60012345678 (Acme Corp)\n');
    });

    it('credentials of a user who is not a CRM administrator', async () => {
      const r = await planVariant((m) => m, { ZOHO_CLIENT_ID: 'viewer', ZOHO_CLIENT_SECRET: 'viewer', ZOHO_REFRESH_TOKEN: 'viewer' });
      expect(r.stderr).toMatch(/^error: variant\.yaml:\d+:\d+: only a CRM administrator can configure the integration: grace@acme\.com has profile Standard\n$/);
    });

    it('an unknown user', async () => {
      const r = await planVariant((m) => m.replace('heidi@acme.com', 'nobody@acme.com'));
      expect(r.stderr).toBe('error: variant.yaml:24:5: unknown user nobody@acme.com: no CRM user in this org has this email\n');
    });

    it('an inactive, an unconfirmed and a deleted user — all named at once', async () => {
      const r = await planVariant((m) =>
        m.replace('dave@acme.com', 'ursula@acme.com').replace('frank@acme.com', 'uma@acme.com').replace('heidi@acme.com', 'dan@acme.com'),
      );
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toEqual([
        'error: variant.yaml:21:5: ursula@acme.com is not active in CRM (status disabled); only active, confirmed CRM users can be given access',
        'error: variant.yaml:22:5: uma@acme.com has not confirmed their CRM invitation yet; only active, confirmed CRM users can be given access',
        'error: variant.yaml:24:5: dan@acme.com has been deleted from CRM; only active, confirmed CRM users can be given access',
      ]);
    });

    it('the portal owner listed among users', async () => {
      const r = await planVariant((m) => m.replace('heidi@acme.com', 'owner@acme.com'));
      expect(r.stderr).toBe(
        'error: variant.yaml:24:5: owner@acme.com owns portal acme-projects; Zoho never lists the portal owner among users: remove this entry\n',
      );
    });

    it('an unknown profile (names are case-sensitive)', async () => {
      const r = await planVariant((m) => m.replace('Sales Rep: [view]', 'sales rep: [view]'));
      expect(r.stderr).toBe(
        'error: variant.yaml:15:3: unknown profile "sales rep" (names are case-sensitive); this org\'s profiles: Administrator, Standard, Sales Rep, Support, Manager\n',
      );
    });

    it('a portal that does not exist lists the portals there are', async () => {
      const r = await planVariant((m) => m.replace('name: acme-projects', 'name: acme-nope'));
      expect(r.stderr).toMatch(/^error: variant\.yaml:\d+:\d+: no portal is named "acme-nope"; portals that exist: acme-projects \(id 7001\), acme-newco \(id 7002\)\./);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('a portal id and name that name different portals', async () => {
      const r = await planVariant((m) => m.replace('name: acme-projects', 'name: acme-projects\n  id: "7002"'));
      expect(r.stderr).toMatch(/^error: variant\.yaml:\d+:\d+: .*7002/);
    });

    it('credentials Zoho refuses', async () => {
      const r = await planVariant((m) => m, { ZOHO_CLIENT_SECRET: 'wrong-secret' });
      expect(r.stderr).toBe('error: OAuth refresh failed: invalid client id, secret or refresh token (invalid_code)\n');
    });

    it('an endpoint nobody listens on', async () => {
      const r = await planVariant((m) => m, { ZPI_ENDPOINT: 'http://127.0.0.1:9' });
      // Each retry's wait is announced on stderr (issue "Hostile remotes"), then the one error line.
      expect(r.stderr).toMatch(/^(retrying POST \/oauth\/v2\/token \(attempt \d+ of \d+\) in [\d.]+ m?s…\n)*error: POST http:\/\/127\.0\.0\.1:9\/oauth\/v2\/token → \S+: .+\n$/);
    });

    it('a missing manifest', async () => {
      const r = await t.run(['plan', '-f', 'missing.yaml']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('error: missing.yaml:1:1: cannot read file: no such file\n');
      expectUntouched();
    });
  });
});
