/**
 * Reading a large org shows a progress bar on a terminal only: CI logs and pipes get no `\r`
 * redraws, while a real pseudo-terminal (util-linux `script`) sees the bar.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasScript, ROOT, runOnTty, secretSeed, useE2E } from './harness.js';

const USERS = 1_500; // 8 pages of 200

function largeSeed(): Record<string, any> {
  return secretSeed((s) => {
    for (let i = 0; i < USERS; i++) {
      s.users.push({
        id: String(9_000_000 + i),
        email: `user${String(i).padStart(4, '0')}@acme.com`,
        full_name: `User ${i}`,
        status: 'active',
        confirm: true,
        profile: 'Standard',
        role: 'Analyst',
      });
    }
  });
}

describe('progress while reading a large org', () => {
  const t = useE2E({ seed: largeSeed() });
  const manifest = join(ROOT, 'integration.yaml');

  it('writes no bar and no carriage returns when stderr is not a terminal', async () => {
    for (const args of [['plan', '-f', manifest], ['export'], ['plan', '-f', manifest, '--format', 'markdown']]) {
      const r = await t.run(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr + r.stdout).not.toContain('\r');
      expect(r.stderr).not.toContain('reading users');
      expect(r.stderr).not.toContain('\x1b[');
    }
    const plan = await t.run(['plan', '-f', manifest]);
    expect(plan.stdout).toContain(`Read ${(USERS + 26).toLocaleString('en-US')} users`);
  });

  /** Runs `zpi plan` on a pseudo-terminal; returns what the terminal showed (stdout and stderr together). */
  async function planOnTty(extraEnv: Record<string, string> = {}): Promise<string> {
    return (await runOnTty(t, ['plan', '-f', manifest], { env: { NO_COLOR: '1', ...extraEnv } })).screen;
  }

  it.skipIf(!hasScript)('draws the bar on a terminal (users read / total, page by page) and erases it', async () => {
    const out = await planOnTty();
    expect(out).toMatch(/\rreading users \[#*\.*\] +\d+% \d+\/1526 users/);
    expect(out).toContain('\r\x1b[K'); // erased before the plan is printed
    expect(out).toContain('Plan: 3 to add, 3 to change, 1 to remove.');
  });

  it.skipIf(!hasScript)('stays quiet on a terminal that a CI runner provides (CI=true)', async () => {
    const out = await planOnTty({ CI: 'true' });
    expect(out).not.toContain('reading users');
    expect(out).toContain('Plan: 3 to add, 3 to change, 1 to remove.');
  });
});
