/**
 * `zpi export`: the live integration as a manifest that validates and plans to no changes against
 * the org it came from — on stdout (pipeable into `zpi validate -`) or into a file with `-o`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2e, ROOT, secretSeed, type E2E } from './harness.js';
import { stateBytes } from './org-state.js';

describe('zpi export', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await e2e();
  });
  afterAll(async () => {
    await t.close();
  });

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
    expect(stateBytes(t).equals(before)).toBe(true);
    return out.stdout;
  }

  it('exports the seed org as a manifest that validates and plans to no changes', async () => {
    const text = await roundTrip('seed.yaml');
    expect(text).toMatch(/^# yaml-language-server: \$schema=/);
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

  it('round-trips a larger org with every profile and per-user overrides', async () => {
    const applied = await t.run(['apply', '-f', join(ROOT, 'examples/large-org.yaml'), '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const text = await roundTrip('large.yaml');
    for (const profile of ['Administrator', 'Manager', 'Sales Rep', 'Standard', 'Support']) expect(text).toContain(`  ${profile}: [`);
    expect(text).toContain('  - email: victor@acme.com\n    permissions: [view, create, edit, delete]\n');
    // The portal owner has access by owning the portal and is never listed.
    expect(text).not.toContain('email: owner@acme.com');
  });

  it('round-trips a deactivated integration', async () => {
    const applied = await t.run(['apply', '-f', join(ROOT, 'examples/deactivate.yaml'), '--auto-approve', '--allow-destructive']);
    expect(applied.code, applied.stderr).toBe(0);
    const text = await roundTrip('off.yaml');
    expect(text).toContain('state: deactivated');
    expect(text).not.toContain('portal:');
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
