/**
 * Manual mode, as against real Zoho: the sandbox serves only what Zoho publishes (zohoOnly), so the
 * integration's settings have no API. The plan marks those steps manual and prints Setup
 * instructions; `apply --auto-approve` stops before the first one and says why; on a terminal,
 * apply walks the administrator through each step. Nothing is ever written.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasScript, ROOT, runOnTty, SECRETS, useE2E } from './harness.js';
import { stateBytes } from './org-state.js';

describe('manual mode (zoho-only sandbox)', () => {
  let state: Buffer;
  const t = useE2E({ zohoOnly: true, manifest: join(ROOT, 'examples/first-setup.yaml') }, (t) => {
    state = stateBytes(t);
  });

  it('plan marks the integration steps manual and prints Setup instructions', async () => {
    const r = await t.run(['plan', '--detailed-exitcode']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^ {2}\+ portal +acme-projects \(manual\)$/m);
    expect(r.stdout).toMatch(/^ {2}\+ grant +alice@acme\.com .*\(manual\)$/m);
    expect(r.stdout).toContain('  [1/3] Portal: activate with acme-projects\n    In Zoho CRM, as an administrator: Setup > Apps & Add-ons > Zoho Apps > Zoho Projects.\n');
    expect(r.stdout).toMatch(/^ {2}\[3\/3\] Manage Users and Permissions: tick 5 users$/m);
    expect(r.stdout).toContain('enter the ZSC key (its value is in $ZPI_ZSC_KEY) and the email address it belongs to, owner@acme.com.');
    expect(r.stdout).toContain("Zoho publishes no API for the integration's settings");
    expect(r.stdout).toContain('Apply will walk you through 3 Setup screens in Zoho CRM (10 manual steps).');
    expect(r.stdout).not.toContain(SECRETS.zsc7001);
    const json = JSON.parse((await t.run(['plan', '--format', 'json'])).stdout);
    expect(json.manual).toBe(true);
    expect(json.steps.every((s: { manual: boolean }) => s.manual)).toBe(true);
    const md = await t.run(['plan', '--format', 'markdown']);
    expect(md.stdout).toContain("> Zoho publishes no API for the integration's settings");
    expect(md.stdout).toMatch(/^\+ {3}portal {2}acme-projects \(manual\)$/m);
    expect(stateBytes(t).equals(state)).toBe(true);
  });

  it('apply --auto-approve stops before the first manual step and says why; nothing written', async () => {
    // A manual associate is typed into Setup by the admin: it needs no key in the environment.
    for (const env of [{}, { ZPI_ZSC_KEY: undefined }]) {
      const r = await t.run(['apply', '--auto-approve'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
        'Apply stopped before manual step [1/10] portal acme-projects: Zoho has no API for it, so an administrator must do it in Zoho CRM Setup, ' +
          'and without a terminal zpi cannot ask whether it is done. 0 steps of 10 completed; do it (`zpi plan` prints the Setup instructions), ' +
          'then run `zpi apply` again to finish the rest.',
      );
      expect(stateBytes(t).equals(state)).toBe(true);
    }
  });

  it('a saved manual plan stops the same way; --json says where it stopped', async () => {
    expect((await t.run(['plan', '--out', 'manual.json'])).code).toBe(0);
    const r = await t.run(['apply', 'manual.json', '--json']);
    expect(r.code).toBe(1);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'summary',
      ok: false,
      done: [],
      stoppedAtManual: 'associate-portal:acme-projects',
      manualStop: { reason: 'cannot-confirm', index: 1, total: 10 },
    });
    expect(stateBytes(t).equals(state)).toBe(true);
  });

  it.skipIf(!hasScript)('on a terminal, apply shows one Setup screen at a time and waits for "done"', async () => {
    // Typed ahead: the answers are kept until each question comes. Two screens done, then no more.
    const tty = await runOnTty(t, ['apply'], { input: 'yes\ndone\ndone\nnot yet\n', env: { NO_COLOR: '1' } });
    expect(tty.screen).toContain('Setup [1/3] Portal: activate with acme-projects (Zoho has no API for it):');
    expect(tty.screen).toContain('[1/3] Portal: activate with acme-projects … done (confirmed by the administrator; recorded)');
    expect(tty.screen).toContain('[2/3] Profile permissions: 4 profiles … done (confirmed by the administrator; recorded)');
    expect(tty.screen).toContain('Apply stopped at manual step [6–10/10] grant alice@acme.com and 4 more on the same Setup screen: not confirmed as done. 5 steps of 10 completed;');
    expect(tty.screen).not.toContain('internal error');
    expect(tty.code).toBe(1);
    expect(stateBytes(t).equals(state)).toBe(true);
  });
});
