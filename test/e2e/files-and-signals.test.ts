/**
 * Files and signals (issue 7), on the built CLI: plan files, the sandbox state, `.zpi/` and the apply
 * lock are private to their owner (0600 / 0700) even under umask 000 and over an existing 0644 file;
 * `.zpi/` is git-ignored; SIGINT (and SIGTERM) during apply exit 130 (143) and release the lock, and a re-run
 * finishes the job.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxProcess } from '../../scripts/crash-test.mjs';
import { recordOutput, ROOT, SECRETS, spawnZpi, useE2E, type E2E } from './harness.js';

const mode = (p: string): number => statSync(p).mode & 0o777;
const octal = (n: number): string => `0${n.toString(8)}`;

describe('files zpi writes are private, whatever the umask', () => {
  const t = useE2E();
  let umask: number;
  // Children inherit the umask: 000 would leave any file created without an explicit mode world-readable.
  beforeEach(() => {
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('plan --out: 0600, also over an existing 0644 file', async () => {
    const manifest = join(ROOT, 'examples', 'add-users.yaml');
    expect((await t.run(['plan', '-f', manifest, '--out', 'fresh.plan'])).code).toBe(0);
    expect(octal(mode(join(t.dir, 'fresh.plan')))).toBe('0600');
    writeFileSync(join(t.dir, 'old.plan'), 'stale');
    chmodSync(join(t.dir, 'old.plan'), 0o644);
    expect((await t.run(['plan', '-f', manifest, '--out', 'old.plan'])).code).toBe(0);
    expect(octal(mode(join(t.dir, 'old.plan')))).toBe('0600');
    expect(readFileSync(join(t.dir, 'old.plan'), 'utf8')).toContain('"formatVersion": 1');
  });

  it('--sandbox: .zpi/ is 0700 and its state file 0600, also after writes', async () => {
    const env = { ZOHO_CLIENT_ID: undefined, ZOHO_CLIENT_SECRET: undefined, ZOHO_REFRESH_TOKEN: undefined, ZPI_ENDPOINT: undefined, ZPI_ZSC_KEY: 'zsc-7001-secret' };
    // A copy: apply keeps its record beside the manifest, and the repository stays clean.
    const manifest = join(t.dir, 'add-users.yaml');
    copyFileSync(join(ROOT, 'examples', 'add-users.yaml'), manifest);
    const r = await t.run(['apply', '--sandbox', '-f', manifest, '--auto-approve'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(octal(mode(join(t.dir, '.zpi')))).toBe('0700');
    expect(octal(mode(join(t.dir, '.zpi', 'sandbox.json')))).toBe('0600');
    expect(readdirSync(join(t.dir, '.zpi')).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
  });

  it('`zpi sandbox --state`: the state file is 0600 when created and after every write', async () => {
    const state = join(t.dir, 'standalone', 'nested', 'state.json');
    const sb = await startSandboxProcess({ state, cwd: t.dir });
    try {
      expect(octal(mode(state))).toBe('0600');
      expect(octal(mode(join(t.dir, 'standalone', 'nested')))).toBe('0700');
      copyFileSync(join(ROOT, 'examples', 'add-users.yaml'), join(t.dir, 'standalone.yaml'));
      const r = await t.run(['apply', '-f', 'standalone.yaml', '--auto-approve', '--endpoint', sb.url], {
        env: { ZOHO_CLIENT_ID: 'sandbox', ZOHO_CLIENT_SECRET: 'sandbox', ZOHO_REFRESH_TOKEN: 'sandbox', ZPI_ZSC_KEY: 'zsc-7001-secret' },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(octal(mode(state))).toBe('0600');
    } finally {
      await sb.kill('SIGTERM');
      recordOutput(sb.output());
    }
  });

  it('.zpi/ is git-ignored', () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.zpi/');
    let git = true;
    try {
      execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      git = false; // an unpacked tarball: the .gitignore line is what there is to check
    }
    if (git) {
      for (const p of ['.zpi/sandbox.json', '.zpi/apply-60012345678.lock', 'examples/.zpi/sandbox.json']) {
        expect(execFileSync('git', ['check-ignore', '--no-index', p], { cwd: ROOT, encoding: 'utf8' }).trim()).toBe(p);
      }
    }
  });
});

/** Spawns `zpi apply`; `reached` resolves once its stderr matches `ready` (or false when it exits first). */
function startApply(t: E2E, args: string[], ready: RegExp) {
  const run = spawnZpi(t, ['apply', ...args], { NO_COLOR: '1', ZPI_ZSC_KEY: SECRETS.zsc7001 });
  const reached = new Promise<boolean>((resolve) => {
    run.child.stderr.on('data', () => {
      if (ready.test(run.output())) resolve(true);
    });
    void run.closed.then(() => resolve(false));
  });
  return { ...run, reached };
}

describe('signals during apply', () => {
  // Each call takes half a second, so a signal sent after one call is done lands while the next is
  // in flight, even on a busy machine: the one after it must never start.
  const t = useE2E({ faults: 'latency=500ms' });
  const lockDir = (): string => join(t.dir, '.locks');
  const locks = (): string[] => (existsSync(lockDir()) ? readdirSync(lockDir()).filter((f) => f.endsWith('.lock')) : []);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s mid-run: exit %i, the lock is gone, and a re-run finishes the job', async (signal, exitCode) => {
    // A change with several calls: profile permissions, grants, overrides, revokes.
    const manifest = join(t.dir, `${signal}.yaml`);
    // The default manifest plus erin, who has access in the seed org: there, two profiles, three grants and an override (three calls).
    const base = `${readFileSync(join(ROOT, 'integration.yaml'), 'utf8')}  - email: erin@acme.com\n`;
    // Three calls or more either way, so one is still to come when the signal lands.
    const other = base.replace('  - email: heidi@acme.com\n', '  - email: judy@acme.com\n    permissions: [view, edit]\n').replace('Sales Rep: [view]', 'Sales Rep: [view, create]');
    writeFileSync(manifest, signal === 'SIGINT' ? base : other);
    const run = startApply(t, ['-f', manifest, '--auto-approve'], /^\[1\/\d+\] .* ok/m);
    expect(await run.reached, run.output()).toBe(true);
    // The lock is held (and private) while steps run.
    expect(locks()).toHaveLength(1);
    expect(octal(mode(lockDir()))).toBe('0700');
    expect(octal(mode(join(lockDir(), locks()[0]!, 'owner.json')))).toBe('0600');
    run.child.kill(signal);
    const { code, out } = await run.closed;
    expect(code, out).toBe(exitCode);
    expect(out).not.toMatch(/Apply complete/);
    // The call in flight finished; the rest was not started; stderr says what is done and what is left.
    expect(out).toContain(`${signal}: finishing the call in flight, then stopping`);
    expect(out).toMatch(new RegExp(`^Apply stopped: interrupted by ${signal}\\. \\d+ steps? of \\d+ completed, \\d+ steps? left \\(.+\\); no call was cut short\\.`, 'm'));
    expect(locks()).toEqual([]);
    const again = await t.run(['apply', '-f', manifest, '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    const plan = await t.run(['plan', '-f', manifest, '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
    expect(locks()).toEqual([]);
  }, 20_000);

  it('--json still ends with its summary event when stopped, and says why', async () => {
    const manifest = join(t.dir, 'json.yaml');
    // Three calls whatever the tests before left (revokes, a profile no test set, a grant of ivan, whom
    // none granted): the signal comes after the first is done.
    const text = `${readFileSync(join(ROOT, 'integration.yaml'), 'utf8')}  - email: erin@acme.com\n`
      .replace('  - email: heidi@acme.com\n', '  - email: ivan@acme.com\n')
      .replace('  - email: frank@acme.com\n', '')
      .replace('Sales Rep: [view]', 'Sales Rep: [view, edit]');
    writeFileSync(manifest, text);
    const run = spawnZpi(t, ['apply', '-f', manifest, '--auto-approve', '--json'], { NO_COLOR: '1', ZPI_ZSC_KEY: SECRETS.zsc7001 });
    let stdout = '';
    let sent = false;
    run.child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Once: a second signal would stop it at once, without its summary.
      if (!sent && stdout.includes('"type":"step_done"')) {
        sent = true;
        run.child.kill('SIGINT');
      }
    });
    const { code } = await run.closed;
    expect(code).toBe(130);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'summary', ok: false, stopped: { code: 'INTERRUPTED', message: 'interrupted by SIGINT' } });
    expect((last.remaining as string[]).length).toBeGreaterThan(0);
    // Every step started was finished (done, or failed as interrupted); the rest never started.
    const started = events.filter((e) => e.type === 'step_started').map((e) => e.stepId);
    const ended = events.filter((e) => e.type === 'step_done' || e.type === 'step_failed').map((e) => e.stepId);
    expect(ended).toEqual(started);
    const again = await t.run(['apply', '-f', manifest, '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
  });

  it('SIGINT while still reading (before any step): exit 130, lock gone, nothing written', async () => {
    const manifest = join(t.dir, 'read.yaml');
    writeFileSync(manifest, readFileSync(join(ROOT, 'examples', 'per-user-overrides.yaml'), 'utf8'));
    const before = readFileSync(t.stateFile);
    const run = startApply(t, ['-f', manifest, '--auto-approve'], /$^/); // never "ready": poll for the lock
    for (let i = 0; i < 300 && locks().length === 0 && run.child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(locks()).toHaveLength(1);
    run.child.kill('SIGINT');
    const { code, out } = await run.closed;
    expect(code, out).toBe(130);
    expect(out).not.toMatch(/^\[\d+\/\d+\]/m);
    expect(locks()).toEqual([]);
    expect(readFileSync(t.stateFile, 'utf8'), out).toBe(before.toString('utf8'));
  });
});
