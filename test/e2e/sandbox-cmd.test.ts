/**
 * `zpi sandbox` run standalone, as a developer or a CI job would: it prints where it listens,
 * answers Zoho's token call and zpi's own plan, exits 0 on SIGTERM, and refuses a corrupt state
 * file with one line, leaving the file as it was.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, recordOutput, ROOT, useE2E } from './harness.js';

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `zpi sandbox ARGS` in `cwd` and resolves once it prints its URL. */
function startCli(cwd: string, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      recordOutput(out, err);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 10 s; stdout: ${out} stderr: ${err}`)), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // The header ends with "Point zpi at it with …"; wait for all of it.
      const m = /^zpi sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m && /^Point zpi at it with /m.test(out)) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string, stdout: () => out, stderr: () => err, exited });
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening; stderr: ${err}`));
    });
  });
}

describe('zpi sandbox', () => {
  const t = useE2E();

  it('prints its URL and credentials, answers a token request and a plan, exits 0 on SIGTERM', async () => {
    const s = await startCli(t.dir, ['--port', '0', '--state', 'standalone/state.json']);
    try {
      const lines = s.stdout().split('\n');
      expect(lines[0]).toBe(`zpi sandbox listening on ${s.url}`);
      expect(lines[1]).toBe('  org     Acme Corp (60012345678)');
      expect(lines[2]).toBe(`  state   standalone/state.json · seed ${join(ROOT, 'examples', 'sandbox', 'org.json')}`);
      expect(s.stdout()).toContain('ZOHO_CLIENT_ID=sandbox ZOHO_CLIENT_SECRET=sandbox ZOHO_REFRESH_TOKEN=sandbox   # acts as admin@acme.com (Administrator)');

      const token = await fetch(`${s.url}/oauth/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token&client_id=sandbox&client_secret=sandbox&refresh_token=sandbox',
      });
      expect(token.status).toBe(200);
      const body = (await token.json()) as { access_token: string; api_domain: string; token_type: string; expires_in: number };
      expect(body.access_token).toEqual(expect.any(String));
      expect(body).toMatchObject({ api_domain: s.url, token_type: 'Bearer', expires_in: 3600 });

      const bad = await fetch(`${s.url}/oauth/v2/token?grant_type=refresh_token&client_id=x&client_secret=y&refresh_token=z`, { method: 'POST' });
      expect(bad.status).toBeGreaterThanOrEqual(400);
      expect(await bad.json()).toEqual({ error: 'invalid_code' });

      // zpi itself, pointed at it with the printed credentials.
      const plan = await t.run(['plan', '-f', join(ROOT, 'integration.yaml')], {
        env: { ZPI_ENDPOINT: s.url, ZOHO_CLIENT_ID: 'sandbox', ZOHO_CLIENT_SECRET: 'sandbox', ZOHO_REFRESH_TOKEN: 'sandbox' },
      });
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('Plan: 3 to add, 3 to change, 1 to remove.');
      // One log line per request.
      expect(s.stdout()).toMatch(/^POST \/oauth\/v2\/token 200 \d+ms$/m);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toBe('sandbox stopped\n');
    // The state survives for the next start.
    expect(JSON.parse(readFileSync(join(t.dir, 'standalone/state.json'), 'utf8')).org.id).toBe('60012345678');
  });

  it('SIGINT stops it cleanly too; --zoho-only and --faults are shown', async () => {
    const s = await startCli(t.dir, ['--state', 'standalone/state.json', '--zoho-only', '--faults', 'rate=0.1,seed=3']);
    expect(s.stdout()).toContain('  mode    zoho-only: the integration settings endpoints answer 404, as on real Zoho');
    // The state file of the first test is used as it is: no seed is named, none was read.
    expect(s.stdout()).toContain('  state   standalone/state.json · existing file, not reseeded\n');
    expect(s.stdout()).toContain('  faults  rate=0.1,reset=0,latency=0ms,seed=3\n');
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('--seed seeds a new state file; for one that exists it is refused, not silently ignored', async () => {
    const seed = JSON.parse(readFileSync(join(ROOT, 'examples', 'sandbox', 'org.json'), 'utf8')) as { org: { company_name: string } };
    seed.org.company_name = 'Reseeded Corp';
    writeFileSync(join(t.dir, 'my-seed.json'), JSON.stringify(seed));
    const first = await startCli(t.dir, ['--state', 'seeded/state.json', '--seed', 'my-seed.json']);
    expect(first.stdout()).toContain('  org     Reseeded Corp (60012345678)\n');
    expect(first.stdout()).toContain('  state   seeded/state.json · seed my-seed.json\n');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const state = join(t.dir, 'seeded', 'state.json');
    const before = readFileSync(state, 'utf8');
    for (const seedArg of ['my-seed.json', join(ROOT, 'examples', 'sandbox', 'org.json')]) {
      const r = await t.run(['sandbox', '--port', '0', '--state', 'seeded/state.json', '--seed', seedArg]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`error: --seed ${seedArg}: state file seeded/state.json exists already; delete it to reseed, or omit --seed\n`);
    }
    expect(readFileSync(state, 'utf8')).toBe(before);

    // Without --seed the existing file is used, and the banner says so.
    const again = await startCli(t.dir, ['--state', 'seeded/state.json']);
    expect(again.stdout()).toContain('  org     Reseeded Corp (60012345678)\n');
    expect(again.stdout()).toContain('  state   seeded/state.json · existing file, not reseeded\n');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('a corrupt state file is one line, exit 1, and left untouched', async () => {
    for (const [name, content] of [
      ['corrupt.json', '{"org": {"id": '],
      ['wrong-shape.json', '{"org": 1}\n'],
    ]) {
      const file = join(t.dir, name as string);
      writeFileSync(file, content as string);
      const r = await t.run(['sandbox', '--port', '0', '--state', name as string]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^error: state file ${name} is not valid`));
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('bad options and unusable paths or ports are one clear line, exit 1', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const cases: [string[], RegExp][] = [
        [['--port', String(port), '--state', 'busy.json'], new RegExp(`^error: port ${port} on 127\\.0\\.0\\.1 is already in use`)],
        [['--faults', 'rate=abc', '--state', 'f.json'], /^error: faults "rate=abc": rate must be a number from 0 to 1/],
        [['--seed', 'no-such-seed.json', '--state', 'new.json'], /^error: seed file no-such-seed\.json does not exist\n$/],
        [['--state', 'corrupt.json/state.json'], /^error: cannot create the directory of state file corrupt\.json\/state\.json: /],
        [['--port', 'http'], /^error: option '--port <n>' argument 'http' is invalid\./],
      ];
      for (const [args, message] of cases) {
        const r = await t.run(['sandbox', ...args]);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr, args.join(' ')).toMatch(message);
        expect(r.stderr).not.toContain('internal error');
        expect(r.stderr).not.toMatch(/^\s+at /m);
      }
    } finally {
      busy.close();
    }
  });
});

describe('the embedded sandbox (--sandbox, or no credentials at all)', () => {
  const t = useE2E({ manifest: join(ROOT, 'integration.yaml') });

  it('plans and applies against .zpi/sandbox.json, seeded on first use, then has nothing to do', async () => {
    const plan = await t.run(['plan', '--sandbox']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toMatch(/^zpi plan · integration\.yaml → Acme Corp \(org 60012345678\) via sandbox http:\/\/127\.0\.0\.1:\d+$/m);
    expect(plan.stdout).toContain('Plan: 3 to add, 3 to change, 1 to remove.');
    const state = join(t.dir, '.zpi', 'sandbox.json');
    expect(JSON.parse(readFileSync(state, 'utf8')).org.id).toBe('60012345678');
    const apply = await t.run(['apply', '--sandbox', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    // No credentials and no endpoint: the embedded sandbox again, and a note saying so.
    const none = { ZPI_ENDPOINT: undefined, ZOHO_CLIENT_ID: undefined, ZOHO_CLIENT_SECRET: undefined, ZOHO_REFRESH_TOKEN: undefined };
    const again = await t.run(['plan', '--detailed-exitcode'], { env: none });
    expect(again.stderr).toBe('note: no ZOHO_CLIENT_ID/ZOHO_CLIENT_SECRET/ZOHO_REFRESH_TOKEN and no --endpoint: using the embedded sandbox.\n');
    expect(again.stdout).toContain('No changes. Live state matches integration.yaml.');
    expect(again.code).toBe(0);
  });
});

