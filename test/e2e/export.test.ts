/**
 * `zpi export`: the live integration as a manifest that validates and plans to no changes against
 * the org it came from — on stdout (pipeable into `zpi validate -`) or into a file with `-o`.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2e, ROOT, secretSeed, useE2E } from './harness.js';
import { stateBytes } from './org-state.js';

describe('zpi export', () => {
  const t = useE2E();

  /** export → validate → plan (no changes), for whatever the org looks like now. */
  async function roundTrip(name: string): Promise<string> {
    const before = stateBytes(t);
    const out = await t.run(['export']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toBe('');
    writeFileSync(join(t.dir, name), out.stdout);
    const valid = await t.run(['validate', name]);
    expect(valid).toEqual({ code: 0, stdout: `${name} is valid.\n`, stderr: '' });
    const plan = await t.run(['plan', '-f', name, '--detailed-exitcode']);
    expect(plan.stdout).toContain(`No changes. Live state matches ${name}.`);
    expect(plan.code).toBe(0);
    // The semantic diff agrees: not a line of difference, in every format.
    const diff = await t.run(['plan', '-f', name, '--diff', '--detailed-exitcode']);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain(`\nNo differences: the live settings match ${name} (in canonical form).\n`);
    expect(diff.stdout).not.toMatch(/^(---|\+\+\+|@@) /m);
    const json = await t.run(['plan', '-f', name, '--diff', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ diff: '', steps: [] });
    expect(stateBytes(t).equals(before)).toBe(true);
    return out.stdout;
  }

  /** Applies an example manifest copied into the test's dir (its record is written beside it, not into examples/). */
  async function applyExample(name: string, ...flags: string[]): Promise<void> {
    copyFileSync(join(ROOT, 'examples', name), join(t.dir, name));
    const applied = await t.run(['apply', '-f', name, '--auto-approve', ...flags]);
    expect(applied.code, applied.stderr).toBe(0);
  }

  it('exports the seed org as a manifest that validates and plans to no changes', async () => {
    const text = await roundTrip('seed.yaml');
    // Where the schema is once zpi is installed in the repository beside the manifest.
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=node_modules/zpi/schema/integration.schema.json');
    expect(text).toContain('org: "60012345678"');
    expect(text).toContain('  name: acme-projects\n  id: "7001"\n');
    expect(text).toContain('  - email: grace@acme.com\n    permissions: [view]\n');
    expect(text).toContain('  zscKey: ${ZPI_ZSC_KEY}\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('zpi export | zpi validate - round-trips', async () => {
    const out = await t.run(['export']);
    const piped = await t.run(['validate', '-'], { input: out.stdout });
    expect(piped).toEqual({ code: 0, stdout: '<stdin> is valid.\n', stderr: '' });
    const json = await t.run(['validate', '--json', '/dev/stdin'], { input: out.stdout });
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('-o writes the same manifest to a file', async () => {
    const out = await t.run(['export']);
    const file = await t.run(['export', '-o', 'exported.yaml']);
    expect(file.code).toBe(0);
    expect(file.stdout).toBe('');
    expect(file.stderr).toBe('Wrote exported.yaml (org 60012345678). The ZSC key is referenced as ${ZPI_ZSC_KEY}, never stored.\n');
    expect(readFileSync(join(t.dir, 'exported.yaml'), 'utf8')).toBe(out.stdout);
    const bad = await t.run(['export', '-o', join('missing-dir', 'x.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: cannot write missing-dir/x.yaml: its directory does not exist\n');
  });

  it('-o never overwrites an existing file without --force: one error line, nothing written, Zoho not read', async () => {
    writeFileSync(join(t.dir, 'mine.yaml'), '# my hand-written manifest\n', { mode: 0o640 });
    const calls = t.sandbox.stats().requests;
    const r = await t.run(['export', '-o', 'mine.yaml']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: mine.yaml exists; pass --force to overwrite it\n' });
    expect(readFileSync(join(t.dir, 'mine.yaml'), 'utf8')).toBe('# my hand-written manifest\n');
    expect(t.sandbox.stats().requests).toBe(calls);
    // Also an empty file, and a path written another way.
    writeFileSync(join(t.dir, 'empty.yaml'), '');
    expect((await t.run(['export', '-o', './empty.yaml'])).stderr).toBe('error: ./empty.yaml exists; pass --force to overwrite it\n');
    expect(readFileSync(join(t.dir, 'empty.yaml'), 'utf8')).toBe('');
    // --force replaces it, keeping its mode.
    const forced = await t.run(['export', '-o', 'mine.yaml', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toBe('Wrote mine.yaml (org 60012345678). The ZSC key is referenced as ${ZPI_ZSC_KEY}, never stored.\n');
    expect(readFileSync(join(t.dir, 'mine.yaml'), 'utf8')).toBe((await t.run(['export'])).stdout);
    expect(statSync(join(t.dir, 'mine.yaml')).mode & 0o777).toBe(0o640);
    // --force does not make a link or a directory writable.
    mkdirSync(join(t.dir, 'adir'));
    expect((await t.run(['export', '-o', 'adir', '--force'])).stderr).toBe('error: refusing to write adir: it is a directory\n');
    // A new file needs no --force.
    expect((await t.run(['export', '-o', 'new.yaml'])).code).toBe(0);
  });

  it('the modeline points at the schema of the zpi installed nearest the manifest', async () => {
    const schema = join(t.dir, 'node_modules', 'zpi', 'schema');
    mkdirSync(schema, { recursive: true });
    copyFileSync(join(ROOT, 'schema', 'integration.schema.json'), join(schema, 'integration.schema.json'));
    mkdirSync(join(t.dir, 'infra', 'zoho'), { recursive: true });
    {
      const nested = await t.run(['export', '-o', 'infra/zoho/integration.yaml']);
      expect(nested.code, nested.stderr).toBe(0);
      expect(readFileSync(join(t.dir, 'infra/zoho/integration.yaml'), 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../../node_modules/zpi/schema/integration.schema.json',
      );
      const here = await t.run(['export']);
      expect(here.stdout.split('\n')[0]).toBe('# yaml-language-server: $schema=node_modules/zpi/schema/integration.schema.json');
      const inner = await t.run(['export'], { cwd: join(t.dir, 'infra') });
      expect(inner.stdout.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/zpi/schema/integration.schema.json');
    }
    rmSync(join(t.dir, 'node_modules'), { recursive: true });
  });

  it('round-trips a larger org with every profile and per-user overrides', async () => {
    await applyExample('large-org.yaml');
    const text = await roundTrip('large.yaml');
    for (const profile of ['Administrator', 'Manager', 'Sales Rep', 'Standard', 'Support']) expect(text).toContain(`  ${profile}: [`);
    expect(text).toContain('  - email: victor@acme.com\n    permissions: [view, create, edit, delete]\n');
    // The portal owner has access by owning the portal and is never listed.
    expect(text).not.toContain('email: owner@acme.com');
  });

  it('round-trips a deactivated integration', async () => {
    await applyExample('deactivate.yaml', '--allow-destructive');
    const text = await roundTrip('off.yaml');
    expect(text).toContain('state: deactivated');
    expect(text).not.toContain('portal:');
  });
});

describe('zpi export writes every managed setting', () => {
  const t = useE2E({
    seed: secretSeed((s) => {
      // Support: an entry with no permissions. carol (Standard): an override equal to her profile's permissions.
      s.integration.profile_permissions.Support = [];
      const carol = s.users.find((u: { email: string }) => u.email === 'carol@acme.com');
      s.integration.user_permissions[carol.id] = [...s.integration.profile_permissions.Standard];
    }),
  });

  it('a profile with no permissions as [] and an override equal to the profile, so drift on them shows', async () => {
    const out = await t.run(['export', '-o', 'live.yaml']);
    expect(out.code, out.stderr).toBe(0);
    const text = readFileSync(join(t.dir, 'live.yaml'), 'utf8');
    expect(text).toContain('\n  Support: []\n');
    expect(text).toContain('\n  - email: carol@acme.com\n    permissions: [view, create]\n');
    const none = await t.run(['plan', '-f', 'live.yaml', '--detailed-exitcode', '--diff']);
    expect(none.code, none.stdout + none.stderr).toBe(0);
    expect(none.stdout).toContain('No changes. Live state matches live.yaml.');
    expect(none.stdout).toContain('No differences: the live settings match live.yaml (in canonical form).');

    // Someone raises Support and drops carol's override outside zpi: the export's plan puts both back.
    const drifted = readFileSync(join(t.dir, 'live.yaml'), 'utf8')
      .replace('  Support: []', '  Support: [view]')
      .replace('  - email: carol@acme.com\n    permissions: [view, create]\n', '  - email: carol@acme.com\n');
    writeFileSync(join(t.dir, 'drift.yaml'), drifted);
    expect((await t.run(['apply', '-f', 'drift.yaml', '--auto-approve'])).code).toBe(0);
    const back = await t.run(['plan', '-f', 'live.yaml', '--detailed-exitcode', '--diff']);
    expect(back.code, back.stderr).not.toBe(0);
    expect(back.stdout).toMatch(/^ {2}~ profile Support +view → none$/m);
    expect(back.stdout).toMatch(/carol@acme\.com/);
    expect(back.stdout).toContain('\n-  Support: [view]\n+  Support: []\n');
    expect(back.stdout).toContain('\n   - email: carol@acme.com\n+    permissions: [view, create]\n');
  });
});

describe('zpi export of an org it cannot fully describe', () => {
  it('an active integration without a portal: a skeleton, and a note saying so', async () => {
    const t = await e2e({
      seed: secretSeed((s) => {
        s.integration = { status: 'active', portal_id: null, users: [], profile_permissions: {}, user_permissions: {} };
      }),
    });
    try {
      const out = await t.run(['export']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('# The integration is active but no portal is associated: add a portal before planning.');
      expect(out.stderr).toBe('note: the exported manifest is incomplete (see its header comment): add the portal, profiles and users before planning.\n');
    } finally {
      await t.close();
    }
  });

  it('real Zoho (zoho-only sandbox): the settings cannot be read, the export lists the portals', async () => {
    const t = await e2e({ zohoOnly: true });
    try {
      const out = await t.run(['export']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('# Portals this org can see: acme-projects (id 7001), acme-newco (id 7002).');
      expect(out.stderr).toContain('note: the exported manifest is incomplete');
    } finally {
      await t.close();
    }
  });
});
