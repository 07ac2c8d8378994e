/**
 * `zpi access` (the access review) and `zpi explain EMAIL`, through the built CLI: the review matches
 * the org row for row, from the live settings or (real Zoho) from the record; explain answers for a
 * user with an override and says which manifest lines decide it; expired users are revoked.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useE2E } from './harness.js';
import { orgView } from './org-state.js';

const MANIFEST = readFileSync(join(ROOT, 'integration.yaml'), 'utf8');

describe('zpi access and zpi explain', () => {
  const t = useE2E({}, async (t) => {
    writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST.replace('  - email: heidi@acme.com\n', '  - email: heidi@acme.com\n    expires: 2027-01-31\n'));
    const r = await t.run(['apply', '--auto-approve', '--allow-destructive']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('access --format csv matches the org row for row', async () => {
    const r = await t.run(['access', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,profile,view,create,edit,delete,source,expires');
    const org = orgView(t);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(org.users);
    const seed = JSON.parse(readFileSync(t.stateFile, 'utf8')) as { users: { email: string; profile: string }[] };
    for (const line of lines.slice(1)) {
      const [email, profile, view, create, edit, del, source, expires] = line.split(',');
      expect(seed.users.find((u) => u.email === email)?.profile).toBe(profile);
      const override = org.overrides[email as string];
      const perms = override ?? org.profiles[profile as string] ?? [];
      expect({ email, view, create, edit, delete: del }).toEqual({
        email,
        view: String(perms.includes('view')),
        create: String(perms.includes('create')),
        edit: String(perms.includes('edit')),
        delete: String(perms.includes('delete')),
      });
      expect(source).toBe(override ? 'override' : 'profile');
      expect(expires).toBe(email === 'heidi@acme.com' ? '2027-01-31' : '');
    }
  });

  it('access as text, JSON and Markdown', async () => {
    const text = await t.run(['access']);
    expect(text.stdout).toMatch(/^Access to projects in CRM: Acme Corp \(org 60012345678\), \d+ users, from the live settings$/m);
    expect(text.stdout).toMatch(/^email +profile +view +create +edit +delete +source +expires$/m);
    const json = JSON.parse((await t.run(['access', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ org: { id: '60012345678', name: 'Acme Corp' }, from: 'live' });
    expect(json.users.length).toBe(orgView(t).users.length);
    const md = (await t.run(['access', '--format', 'markdown'])).stdout;
    expect(md).toContain('| Email | Profile | View | Create | Edit | Delete | Source | Expires |');
    expect(md).toMatch(/^\| `heidi@acme\.com` \| /m);
  });

  it('explain answers for a user with an override, naming the manifest lines', async () => {
    const over = Object.keys(orgView(t).overrides)[0] as string;
    const r = await t.run(['explain', over]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${over} · `);
    expect(r.stdout).toMatch(/^Now: {3}.+\(per-user permissions; profile .+ would give .+\)$/m);
    expect(r.stdout).toMatch(/^ {2}- listed under users: at integration\.yaml:\d+:\d+, with permissions: \[/m);
    expect(r.stdout).toContain('Steps of the plan that change it:\n  none: nothing changes for this user');
    const json = JSON.parse((await t.run(['explain', over, '--json'])).stdout);
    expect(json.now.override).not.toBeNull();
  });

  it('explain: an unknown email is one clear error', async () => {
    const r = await t.run(['explain', 'nobody@acme.com']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: nobody@acme.com is not a CRM user of Acme Corp (org 60012345678), nor listed in integration.yaml\n');
  });

  it('expires: a future day is noted; a day that is over revokes the user (reason expired)', async () => {
    const soon = await t.run(['plan'], { env: { ZPI_NOW: '2027-01-25T12:00:00Z' } });
    expect(soon.stdout).toMatch(/heidi@acme\.com's access ends after 2027-01-31 \(in 6 days\)/);
    const after = await t.run(['plan', '--format', 'json'], { env: { ZPI_NOW: '2027-02-01T00:00:00Z' } });
    const p = JSON.parse(after.stdout);
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ id: 'revoke-user:heidi@acme.com', expired: '2027-01-31', source: { file: 'integration.yaml' } });
    const line = readFileSync(join(t.dir, 'integration.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('expires: 2027-01-31')) + 1;
    expect(p.steps[0].source.line).toBe(line);
    const text = await t.run(['plan'], { env: { ZPI_NOW: '2027-02-01T00:00:00Z' } });
    expect(text.stdout).toMatch(/^ {2}- revoke +heidi@acme\.com +had .*, expired after 2027-01-31/m);
    expect(text.stdout).toContain('expired after 2027-01-31, had it');
    const why = await t.run(['explain', 'heidi@acme.com'], { env: { ZPI_NOW: '2027-02-01T00:00:00Z' } });
    expect(why.stdout).toMatch(/expires 2027-01-31 at integration\.yaml:\d+:\d+ is over/);
    expect(why.stdout).toMatch(/^After: no access$/m);
  });

  it('every JSON step traces to the manifest line that asks for it', async () => {
    writeFileSync(join(t.dir, 'next.yaml'), MANIFEST.replace('Sales Rep: [view]', 'Sales Rep: [view, create]').replace('  - email: heidi@acme.com\n', ''));
    const p = JSON.parse((await t.run(['plan', '-f', 'next.yaml', '--format', 'json'])).stdout);
    const lines = readFileSync(join(t.dir, 'next.yaml'), 'utf8').split('\n');
    expect(p.steps.length).toBeGreaterThan(1);
    for (const s of p.steps) {
      const at = lines[s.source.line - 1] as string;
      if (s.kind === 'revoke-user') expect(at).toMatch(/^users:/);
      else if (s.kind === 'set-profile-permissions') expect(at).toContain(`${s.target}:`);
      else expect(at).toContain(s.target);
    }
  });
});

describe('zpi access on real Zoho reads the record', () => {
  const t = useE2E({ zohoOnly: true }, (t) => writeFileSync(join(t.dir, 'integration.yaml'), MANIFEST));

  it('without a record it says to import first; after import it lists what was confirmed', async () => {
    const none = await t.run(['access']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: Zoho publishes no API for the integration's settings and there is no record of them yet \(integration\.state\.json\): run zpi import \(or zpi apply\) first$/m);
    expect((await t.run(['import', '--auto-approve'])).code).toBe(0);
    const r = await t.run(['access', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.from).toBe('record');
    expect(json.users.map((u: { email: string }) => u.email)).toEqual(
      [...MANIFEST.matchAll(/- email: (\S+)/g)].map((m) => m[1]).sort(),
    );
  });
});
