/**
 * The secret-leak scan itself (issue 7). Every end-to-end test runs with known secrets and its
 * harness scans, on close, stdout, stderr, every file under the test's dir (plans, exports, `.zpi/`
 * and its locks; HOME is that dir too) for the client secret, refresh token, ZSC keys and every access
 * token the sandbox issued. Here: the scan sees real tokens, covers the paths that print the most
 * (saved plans, --json events, errors with a wrong key, faults and retries, a lock left by a killed
 * apply), and it does catch a planted leak in each place and form.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertNoSecretsIn, issuedTokens, recordOutput, ROOT, SECRETS, spawnZpi, useE2E } from './harness.js';

describe('secret-leak scan over a run that prints and writes a lot', () => {
  // Registered first, so it runs last: after useE2E's close(), which scans outputs and files for every
  // secret and every token issued (the assertion under test).
  afterAll(() => {
    expect(issuedTokens().length).toBeGreaterThanOrEqual(5);
  });
  const t = useE2E();

  it('plans, saves, shows, applies with --json, fails on a wrong key, retries through faults, exports', async () => {
    // A copy: apply keeps its record beside the manifest, and the repository stays clean.
    const swap = join(t.dir, 'portal-swap.yaml');
    copyFileSync(join(ROOT, 'examples', 'portal-swap.yaml'), swap);
    const planned = await t.run(['plan', '-f', swap, '--allow-destructive', '--out', 'swap.plan', '--format', 'json']);
    expect(planned.code).toBe(0);
    expect(existsSync(join(t.dir, 'swap.plan'))).toBe(true);
    expect((await t.run(['show', 'swap.plan', '--format', 'markdown'])).code).toBe(0);
    // The wrong key for acme-newco: Zoho's INVALID_ZSC_KEY, and the key never shows up.
    const wrong = await t.run(['apply', 'swap.plan', '--json'], { env: { ZPI_ZSC_KEY: SECRETS.zsc7001 } });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout + wrong.stderr).toContain('INVALID_ZSC_KEY');
    // Retries print the errors they met: with faults on, they must be as clean.
    await t.restart({ faults: 'rate=0.3,reset=0.1,seed=4' });
    const applied = await t.run(['apply', '-f', swap, '--auto-approve', '--allow-destructive'], {
      env: { ZPI_ZSC_KEY: SECRETS.zsc7002, ZPI_RETRIES: '10' },
    });
    expect(applied.code, applied.stderr).toBe(0);
    await t.restart();
    expect((await t.run(['export', '-o', 'exported.yaml'])).code).toBe(0);
    expect((await t.run(['plan', '-f', swap, '--detailed-exitcode', '--diff'], { env: { ZPI_ZSC_KEY: SECRETS.zsc7002 } })).code).toBe(0);
    // The run left files in all the places the scan walks.
    expect(readdirSync(t.dir).sort()).toEqual(expect.arrayContaining(['exported.yaml', 'swap.plan']));
    expect(t.sandbox.issuedTokens().length).toBeGreaterThan(0);
  });

  it('a lock left by a killed apply holds no secret either', async () => {
    // The swapped org, one user fewer: a small, non-destructive change.
    const manifest = join(t.dir, 'fewer.yaml');
    writeFileSync(manifest, readFileSync(join(ROOT, 'examples', 'portal-swap.yaml'), 'utf8').replace('  - email: heidi@acme.com\n', ''));
    await t.restart({ faults: 'latency=300ms' });
    const { child, closed } = spawnZpi(t, ['apply', '-f', manifest, '--auto-approve'], { NO_COLOR: '1', ZPI_ZSC_KEY: SECRETS.zsc7002 });
    const lockDir = join(t.dir, '.locks');
    const lock = await new Promise<string | undefined>((resolve) => {
      const poll = setInterval(() => {
        const found = existsSync(lockDir) ? readdirSync(lockDir).find((f) => f.endsWith('.lock') && existsSync(join(lockDir, f, 'owner.json'))) : undefined;
        if (found || child.exitCode !== null) {
          clearInterval(poll);
          resolve(found);
        }
      }, 10);
    });
    child.kill('SIGKILL');
    const { out } = await closed;
    expect(lock, out).toBeDefined();
    // kill -9 skips every exit handler: the lock stays for the scan (and the next apply takes it over).
    expect(readFileSync(join(lockDir, lock!, 'owner.json'), 'utf8')).toMatch(/"pid":\d+/);
    await t.restart();
    const next = await t.run(['apply', '-f', manifest, '--auto-approve'], { env: { ZPI_ZSC_KEY: SECRETS.zsc7002 } });
    expect(next.code, next.stderr).toBe(0);
    expect(readdirSync(lockDir).filter((f) => f.endsWith('.lock'))).toEqual([]);
  }, 20_000);
});

describe('the scan catches a planted leak', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const fresh = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'zpi-leak-'));
    dirs.push(d);
    return d;
  };

  it('in a file deep under .zpi/, in captured output, URL-encoded, base64, and an access token', () => {
    const token = issuedTokens()[0]!;
    expect(token).toMatch(/^1000\.[0-9a-f]+\.[0-9a-f]+$/);

    const d1 = fresh();
    mkdirSync(join(d1, '.zpi', 'deep'), { recursive: true });
    writeFileSync(join(d1, '.zpi', 'deep', 'apply-1.lock'), `{"note": "${SECRETS.refreshToken}"}`);
    expect(() => assertNoSecretsIn(d1)).toThrow(/leaked in .*apply-1\.lock/);

    const d2 = fresh();
    recordOutput(`Authorization: Zoho-oauthtoken ${token}`);
    expect(() => assertNoSecretsIn(d2)).toThrow(/leaked in captured output/);

    const d3 = fresh();
    writeFileSync(join(d3, 'plan.json'), Buffer.from(SECRETS.zsc7002).toString('base64'));
    expect(() => assertNoSecretsIn(d3)).toThrow(/leaked/);

    const d4 = fresh();
    writeFileSync(join(d4, 'x'), 'minted-by-the-test');
    expect(() => assertNoSecretsIn(d4, ['minted-by-the-test'])).toThrow(/leaked/);

    // And a clean dir passes.
    assertNoSecretsIn(fresh());
  });
});
