/**
 * Reading a large org shows a progress bar on a terminal only: CI logs and pipes get no `\r`
 * redraws, while a real pseudo-terminal (util-linux `script`) sees the bar.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, e2e, ROOT, SECRETS, secretSeed, type E2E } from './harness.js';

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

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

describe('progress while reading a large org', () => {
  let t: E2E;
  const manifest = join(ROOT, 'integration.yaml');
  beforeAll(async () => {
    t = await e2e({ seed: largeSeed() });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes no bar and no carriage returns when stderr is not a terminal', async () => {
    for (const args of [['plan', '-f', manifest], ['export'], ['plan', '-f', manifest, '--format', 'markdown']]) {
      const r = await t.run(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr + r.stdout).not.toContain('\r');
      expect(r.stderr).not.toContain('reading users');
      expect(r.stderr).not.toContain('\x1b[');
    }
    const plan = await t.run(['plan', '-f', manifest]);
    expect(plan.stdout).toContain(`Read ${USERS + 26} users`);
  });

  /** Runs `zpi plan` on a pseudo-terminal; returns what the terminal showed (stdout and stderr together). */
  async function planOnTty(extraEnv: Record<string, string> = {}): Promise<string> {
    const cmd = `${sh(process.execPath)} ${sh(BIN)} plan -f ${sh(manifest)}`;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], {
        cwd: t.dir,
        env: {
          PATH: process.env.PATH,
          HOME: t.dir,
          TERM: 'xterm',
          NO_COLOR: '1',
          ZPI_ENDPOINT: t.sandbox.url,
          ZOHO_CLIENT_ID: SECRETS.clientId,
          ZOHO_CLIENT_SECRET: SECRETS.clientSecret,
          ZOHO_REFRESH_TOKEN: SECRETS.refreshToken,
          ...extraEnv,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(text));
      child.stdin.end();
    });
    writeFileSync(join(t.dir, `tty-output-${Object.keys(extraEnv).join('-') || 'plain'}.txt`), out); // scanned for secrets by close()
    return out;
  }

  it.skipIf(!hasScript)('draws the bar on a terminal (users read / total, page by page) and erases it', async () => {
    const out = await planOnTty();
    expect(out).toMatch(/\rreading users \[#*\.*\] +\d+% \d+\/1526 users/);
    expect(out).toContain('\r\x1b[K'); // erased before the plan is printed
    expect(out).toContain('Plan: 3 to add, 4 to change, 1 to remove.');
  });

  it.skipIf(!hasScript)('stays quiet on a terminal that a CI runner provides (CI=true)', async () => {
    const out = await planOnTty({ CI: 'true' });
    expect(out).not.toContain('reading users');
    expect(out).toContain('Plan: 3 to add, 4 to change, 1 to remove.');
  });
});
