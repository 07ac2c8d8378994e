/**
 * `zpi apply` for what can hurt: the mass-revoke brake, a portal swap, deactivation (each refused
 * without approval, byte-identical org), the apply lock between concurrent runs, and the terminal
 * prompt (util-linux `script` gives a real pseudo-terminal).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/apply/lock.js';
import { applyLockDir, e2e, hasScript, ROOT, runOnTty, SECRETS, spawnZpi, useE2E } from './harness.js';
import { ex, expectConverged, expectRefused, orgView, progressLines, stateBytes } from './org-state.js';

describe('destructive changes', () => {
  const t = useE2E();

  it('the mass-revoke brake refuses revoking over 25% unless allowed or --max-revoke is raised', async () => {
    // Live: alice, carol, erin, grace, heidi have access; keeping two revokes 3 of 5 (60%).
    writeFileSync(
      join(t.dir, 'few.yaml'),
      readFileSync(join(ROOT, 'integration.yaml'), 'utf8').replace(/^users:[\s\S]*$/m, 'users:\n  - email: alice@acme.com\n  - email: carol@acme.com\n'),
    );
    const plan = await t.run(['plan', '-f', 'few.yaml']);
    expect(plan.stdout).toContain('Mass-revoke brake: this plan revokes 3 of the 5 users with access (60%)');
    expect(plan.stdout).toContain('Plan: 0 to add, 2 to change, 3 to remove. 3 destructive — apply needs --allow-destructive.');
    const r = await expectRefused(t, ['apply', '-f', 'few.yaml', '--auto-approve']);
    expect(r.stderr).toBe('error: plan has 3 destructive steps (revoking 3 of 5 users with access (60% > 25%)); re-run with --allow-destructive\n');
    const ok = await t.run(['apply', '-f', 'few.yaml', '--auto-approve', '--max-revoke', '90']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(orgView(t).users).toEqual(['alice@acme.com', 'carol@acme.com']);
    await expectConverged(t, 'few.yaml');
  });

  it('a portal swap is refused without --allow-destructive, then done with it', async () => {
    copyFileSync(ex('portal-swap'), join(t.dir, 'swap.yaml'));
    const plan = await t.run(['plan', '-f', 'swap.yaml']);
    expect(plan.stdout).toMatch(/^-\/\+ portal +acme-projects → acme-newco +DESTRUCTIVE$/m);
    expect(plan.stdout).toContain('drops every project link: 30 Accounts, 12 Contacts, 4 Deals (Potentials)');
    const r = await expectRefused(t, ['apply', '-f', 'swap.yaml', '--auto-approve'], { env: { ZPI_ZSC_KEY: SECRETS.zsc7002 } });
    expect(r.stderr).toBe('error: plan has 1 destructive step (change portal acme-projects → acme-newco); re-run with --allow-destructive\n');
    // A plan saved without the approval is refused the same way.
    expect((await t.run(['plan', '-f', 'swap.yaml', '--out', 'swap.json'])).code).toBe(0);
    const saved = await expectRefused(t, ['apply', 'swap.json'], { env: { ZPI_ZSC_KEY: SECRETS.zsc7002 } });
    expect(saved.stderr).toMatch(/destructive steps?.*--allow-destructive/);

    // Approved on plan, recorded in the saved plan.
    expect((await t.run(['plan', '-f', 'swap.yaml', '--allow-destructive', '--out', 'swap.json'])).code).toBe(0);
    const done = await t.run(['apply', 'swap.json'], { env: { ZPI_ZSC_KEY: SECRETS.zsc7002 } });
    expect(done.code, done.stderr).toBe(0);
    expect(progressLines(done.stderr)[0]).toMatch(/^\[1\/\d+\] -\/\+ portal acme-newco … ok/);
    expect(orgView(t)).toMatchObject({
      status: 'active',
      portal: '7002',
      users: ['alice', 'carol', 'erin', 'grace', 'heidi'].map((n) => `${n}@acme.com`),
      overrides: { 'grace@acme.com': ['view'] },
      links: { Accounts: 0, Contacts: 0, Deals: 0 },
    });
    await expectConverged(t, 'swap.yaml', { ZPI_ZSC_KEY: SECRETS.zsc7002 });
  });

  it('a swap back with the wrong key changes nothing at all; a re-run with the right key converges', async () => {
    copyFileSync(join(ROOT, 'integration.yaml'), join(t.dir, 'integration.yaml'));
    const before = stateBytes(t);
    const r = await t.run(['apply', '--auto-approve', '--allow-destructive'], { env: { ZPI_ZSC_KEY: SECRETS.zsc7002 } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\[1\/\d+\] -\/\+ portal acme-projects … failed: INVALID_ZSC_KEY: /m);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^Apply failed at step \[1\/\d+\] portal acme-projects: INVALID_ZSC_KEY: .*nothing was changed \(portal acme-newco is still associated\).*0 steps of \d+ completed; run `zpi apply` again/,
    );
    // The old portal, its users, permissions and project links are exactly as they were.
    expect(stateBytes(t)).toEqual(before);
    const rerun = await t.run(['apply', '--auto-approve', '--allow-destructive']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(orgView(t).portal).toBe('7001');
    await expectConverged(t, 'integration.yaml');
  });

  it('deactivation needs --allow-destructive; after it, first setup works again', async () => {
    const r = await expectRefused(t, ['apply', '-f', ex('deactivate'), '--auto-approve']);
    expect(r.stderr).toBe('error: plan has 1 destructive step (deactivate the integration); re-run with --allow-destructive\n');
    // A portal left in the manifest is ignored, with one warning (not one from the plan and one from apply).
    writeFileSync(join(t.dir, 'off.yaml'), `${readFileSync(ex('deactivate'), 'utf8')}portal:\n  name: acme-projects\n`);
    const done = await t.run(['apply', '-f', 'off.yaml', '--auto-approve', '--allow-destructive']);
    expect(done.code, done.stderr).toBe(0);
    expect((done.stdout + done.stderr).match(/portal is ignored because state is deactivated/g)).toHaveLength(1);
    expect(orgView(t)).toMatchObject({ status: 'inactive', portal: null, users: [] });
    await expectConverged(t, ex('deactivate'));
    const again = await t.run(['apply', '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    expect(orgView(t)).toMatchObject({ status: 'active', portal: '7001' });
    await expectConverged(t, 'integration.yaml');
  });
});

describe('the apply lock', () => {
  const t = useE2E({ faults: 'latency=100ms', manifest: join(ROOT, 'integration.yaml') });

  const HELD =
    /^error: another zpi apply for org 60012345678 \(sandbox\) is running \((pid \d+ on [^,]+, since [^)]+|holder not recorded yet: [^)]+)\); it is taken over once it stops refreshing the lock \(10 s\), or pass --lock-timeout to wait\n$/;

  it('two applies at once from two working directories: one runs, the other refuses at once and writes nothing', async () => {
    // Another checkout of the same manifest: the lock is the org's on this machine, not the directory's.
    const other = mkdtempSync(join(tmpdir(), 'zpi-e2e-other-'));
    try {
      copyFileSync(join(t.dir, 'integration.yaml'), join(other, 'integration.yaml'));
      const [a, b] = await Promise.all([t.run(['apply', '--auto-approve']), t.run(['apply', '--auto-approve'], { cwd: other })]);
      const [won, lost] = a.code === 0 ? [a, b] : [b, a];
      expect(won.code, won.stderr).toBe(0);
      expect(lost.code, lost.stderr).toBe(1);
      expect(lost.stdout).toBe('');
      expect(lost.stderr).toMatch(HELD);
      expect(won.stderr).toContain('Apply complete: 3 added, 3 changed, 1 removed.');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('with --lock-timeout an apply waits for the one holding the lock, then runs', async () => {
    writeFileSync(join(t.dir, 'integration.yaml'), readFileSync(join(ROOT, 'examples/add-users.yaml'), 'utf8'));
    // This test holds the org's lock itself (as another apply would), so nothing depends on timing.
    const held = await acquireLock({ org: '60012345678', endpointKind: 'sandbox', endpoint: t.sandbox.url, env: { ZPI_LOCK_DIR: join(t.dir, '.locks') } });
    const waiting = spawnZpi(t, ['apply', '--auto-approve', '--lock-timeout', '60s'], { NO_COLOR: '1', ZPI_ZSC_KEY: SECRETS.zsc7001 });
    await until(() => waiting.output().includes('waiting for the apply lock'));
    const before = stateBytes(t);
    expect(waiting.output()).toMatch(new RegExp(`^waiting for the apply lock of org 60012345678 \\(held by pid ${process.pid} on [^;]+; up to 60 s\\)$`, 'm'));
    // Nothing is read or written while it waits.
    expect(stateBytes(t)).toEqual(before);
    await held.release();
    const { code, out } = await waiting.closed;
    expect(code, out).toBe(0);
    expect(out).toMatch(/^Apply complete: /m);
  });

  it('a lock left by a killed apply is taken over at once; SIGINT releases it', async () => {
    writeFileSync(join(t.dir, 'integration.yaml'), readFileSync(join(ROOT, 'examples/add-users.yaml'), 'utf8'));
    await t.restart({ faults: 'latency=300ms' });
    const kill = async (signal: NodeJS.Signals): Promise<number | null> => {
      const { child, closed } = spawnZpi(t, ['apply', '--auto-approve'], { NO_COLOR: '1' });
      // Mid-read: the lock is held from before the first call.
      const poll = setInterval(() => {
        const lock = applyLockDir(t);
        if (!lock || !existsSync(join(lock, 'owner.json')) || !readFileSync(join(lock, 'owner.json'), 'utf8').includes(`"pid":${child.pid},`)) return;
        clearInterval(poll);
        setTimeout(() => child.kill(signal), 100);
      }, 10);
      const { code, signal: sig } = await closed;
      return code ?? (sig ? -1 : null);
    };
    expect(await kill('SIGKILL')).toBe(-1);
    expect(applyLockDir(t)).toBeDefined();
    expect(await kill('SIGINT')).toBe(130);
    expect(applyLockDir(t)).toBeUndefined();
    await t.restart({});
    const r = await t.run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(applyLockDir(t)).toBeUndefined();
    await expectConverged(t, 'integration.yaml');
  });
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe.skipIf(!hasScript)('on a terminal (util-linux script)', () => {
  const KEY = { ZPI_ZSC_KEY: SECRETS.zsc7001 };
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') });

  it('colours the plan on a terminal, but never with NO_COLOR or --no-color', async () => {
    const coloured = await runOnTty(t, ['plan'], { env: KEY });
    expect(coloured.code, coloured.screen).toBe(0);
    expect(coloured.screen).toContain('\x1b[');
    for (const [args, env] of [[['plan'], { NO_COLOR: '1' }], [['--no-color', 'plan'], {}]] as const) {
      const plain = await runOnTty(t, [...args], { env: { ...KEY, ...env } });
      expect(plain.code, plain.screen).toBe(0);
      expect(plain.screen).toContain('Plan: 3 to add');
      expect(plain.screen).not.toContain('\x1b[3'); // no colours (line-editing codes aside)
      expect(plain.screen).not.toContain('\x1b[1m');
    }
  });

  it('asks for yes: anything else cancels and writes nothing; yes applies', async () => {
    const before = stateBytes(t);
    const no = await runOnTty(t, ['apply'], { input: 'no\n', env: { ...KEY, NO_COLOR: '1' } });
    expect(no.code).toBe(1);
    expect(no.screen).toContain("Do you want to apply these changes? Only 'yes' will be accepted:");
    expect(no.screen).toContain('Apply cancelled; nothing was changed.');
    expect(stateBytes(t).equals(before)).toBe(true);
    const yes = await runOnTty(t, ['apply'], { input: 'yes\n', env: { ...KEY, NO_COLOR: '1' } });
    expect(yes.code).toBe(0);
    expect(yes.screen).toContain('Apply complete: 3 added, 3 changed, 1 removed.');
    await expectConverged(t, 'integration.yaml');
  });
});
