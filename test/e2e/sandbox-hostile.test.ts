/**
 * `zpi sandbox` against hostile local conditions, as the built CLI: a second sandbox (standalone or
 * embedded) on a state file in use is refused with one line; a sandbox killed with SIGKILL leaves
 * nothing that blocks the next one; bad numbers in flags are one line each, never a stack trace.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, recordOutput, ROOT, useE2E } from './harness.js';

interface Running {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Running[] = [];

/** Starts `zpi sandbox ARGS` in `cwd` and resolves once it prints its URL (as scripts/crash-test.mjs does). */
function startCli(cwd: string, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      recordOutput(out, err);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /^zpi sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m && /^Point zpi at it with /m.test(out)) {
        clearInterval(timer);
        const r = { child, pid: child.pid as number, url: m[1] as string, exited };
        running.push(r);
        resolve(r);
      }
    }, 10);
    void exited.then(({ code }) => {
      clearInterval(timer);
      reject(new Error(`exited ${code} before listening; stderr: ${err}`));
    });
  });
}

async function tokenStatus(url: string): Promise<number> {
  const res = await fetch(`${url}/oauth/v2/token?grant_type=refresh_token&client_id=sandbox&client_secret=sandbox&refresh_token=sandbox`, { method: 'POST' });
  await res.text();
  return res.status;
}

/** The one line of a refusal: exit 1, nothing on stdout, exactly one `error:` line, no stack. */
function expectOneErrorLine(r: { code: number; stdout: string; stderr: string }, message: RegExp, what: string): void {
  expect(r.code, what).toBe(1);
  expect(r.stdout, what).toBe('');
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error: ')), what).toHaveLength(1);
  expect(r.stderr, what).toMatch(message);
  expect(r.stderr, what).not.toContain('internal error');
  expect(r.stderr, what).not.toMatch(/^\s+at /m);
}

const t = useE2E({ manifest: join(ROOT, 'integration.yaml') });
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.child.kill('SIGKILL');
    await r.exited;
  }
});

describe('one sandbox per state file', () => {
  it('a second `zpi sandbox` on the same file exits 1 with one line naming the first; the first keeps serving', async () => {
    const first = await startCli(t.dir, ['--state', 'one.json']);
    const second = await t.run(['sandbox', '--state', 'one.json']);
    expectOneErrorLine(
      second,
      new RegExp(`^error: the sandbox state file one\\.json is in use by another sandbox \\(pid ${first.pid}, since \\d{4}-[\\dT:.-]+Z\\); stop it or use --state with another file\\n$`),
      'second sandbox',
    );
    // Another spelling of the same file is the same file.
    expectOneErrorLine(await t.run(['sandbox', '--state', './sub/../one.json']), /is in use by another sandbox/, 'other spelling');
    expect(await tokenStatus(first.url)).toBe(200);
    // A clean stop frees the file for the next one.
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(join(t.dir, 'one.json.lock'))).toBe(false);
    const third = await startCli(t.dir, ['--state', 'one.json']);
    expect(await tokenStatus(third.url)).toBe(200);
  });

  it('after SIGKILL a new one on the same file starts at once, and the dead writer\'s temp files are swept', async () => {
    const first = await startCli(t.dir, ['--state', 'killed/state.json']);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The killed one's lock is still there, fresh: only its holder's death frees it this fast.
    expect(existsSync(join(t.dir, 'killed/state.json.lock/owner.json'))).toBe(true);
    // What a kill -9 mid-write leaves, and what another live writer has in flight.
    const leftover = `.state.json.${first.pid}.deadbeef.tmp`;
    const inFlight = `.state.json.${process.pid}.cafe0001.tmp`;
    for (const name of [leftover, inFlight]) writeFileSync(join(t.dir, 'killed', name), '{"org": ');
    // A held lock is refused at once, never waited for: starting proves the dead holder was taken
    // over while its lock was still fresh (its 10 s staleness had not come).
    const second = await startCli(t.dir, ['--state', 'killed/state.json']);
    expect(await tokenStatus(second.url)).toBe(200);
    const left = readdirSync(join(t.dir, 'killed'));
    expect(left).not.toContain(leftover);
    expect(left).toContain(inFlight);
    expect(JSON.parse(readFileSync(join(t.dir, 'killed/state.json'), 'utf8')).org.id).toBe('60012345678');
  });

  it('the embedded sandbox (--sandbox) is refused while `zpi sandbox` serves .zpi/sandbox.json, and works once it stopped', async () => {
    const standalone = await startCli(t.dir, []);
    for (const command of ['plan', 'export']) {
      const r = await t.run([command, '--sandbox']);
      expectOneErrorLine(
        r,
        new RegExp(
          `^error: the sandbox state file \\.zpi/sandbox\\.json is in use by another sandbox \\(pid ${standalone.pid}, since [^)]+\\); ` +
            'stop it, or point zpi at it with --endpoint and the URL it printed instead of --sandbox\\n$',
        ),
        command,
      );
    }
    // As the message says: the same plan through the running one.
    const via = await t.run(['plan', '--endpoint', standalone.url], { env: { ZOHO_CLIENT_ID: undefined, ZOHO_CLIENT_SECRET: undefined, ZOHO_REFRESH_TOKEN: undefined } });
    expect(via.code, via.stderr).toBe(0);
    standalone.child.kill('SIGINT');
    expect((await standalone.exited).code).toBe(0);
    const plan = await t.run(['plan', '--sandbox']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Plan: 3 to add, 3 to change, 1 to remove.');
    // The embedded one released it on exit too.
    expect(existsSync(join(t.dir, '.zpi/sandbox.json.lock'))).toBe(false);
  });
});

describe('bad numbers in flags', () => {
  it('a port outside 0–65535 or not a number is one line, exit 1', async () => {
    for (const port of ['99999', '-1', 'abc', '70000', '1.5', '']) {
      const r = await t.run(['sandbox', '--port', port, '--state', 'ports.json']);
      expectOneErrorLine(r, new RegExp(`^error: option '--port <n>' argument '${port.replace('.', '\\.')}' is invalid\\. Expected a port number from 0 to 65535 \\(0 = any free port\\)\\.$`, 'm'), `--port ${port}`);
    }
    expect(existsSync(join(t.dir, 'ports.json'))).toBe(false);
  });

  it('a port in use is one line naming it', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await t.run(['sandbox', '--port', String(port), '--state', 'busy.json']);
      expectOneErrorLine(r, new RegExp(`^error: port ${port} on 127\\.0\\.0\\.1 is already in use; pick another with --port \\(0 = any free port\\)\\n$`), 'busy');
      // It let go of the state file on the way out.
      expect(existsSync(join(t.dir, 'busy.json.lock'))).toBe(false);
    } finally {
      busy.close();
    }
  });

  it('zero, negative, fractional or absurd numbers in --limits and --faults (or their env) are one line each', async () => {
    const cases: [string[], RegExp][] = [
      [['--limits', 'concurrency=0'], /^error: limits "concurrency=0": concurrency must be a whole number from 1 to 1000, got "0"\n$/],
      [['--limits', 'concurrency=-1'], /^error: limits "concurrency=-1": concurrency must be a whole number from 1 to 1000/],
      [['--limits', 'concurrency=2.5'], /^error: limits "concurrency=2\.5": concurrency must be/],
      [['--limits', 'concurrency=100000'], /^error: limits "concurrency=100000": concurrency must be/],
      [['--limits', 'projects=0/0s'], /^error: limits "projects=0\/0s": projects must look like 100\/120s/],
      [['--limits', 'projects=5/0s'], /^error: limits "projects=5\/0s": projects must look like 100\/120s/],
      [['--faults', 'rate=2'], /^error: faults "rate=2": rate must be a number from 0 to 1, got "2"\n$/],
      [['--faults', 'latency=-1'], /^error: faults "latency=-1": latency must be a duration such as 50ms or 1s, at most 60s, got "-1"\n$/],
      [['--faults', 'latency=10m'], /^error: faults "latency=10m": latency must be a duration/],
      [['--faults', 'seed=-3'], /^error: faults "seed=-3": seed must be a whole number from 0 to 4294967295/],
    ];
    for (const [args, message] of cases) {
      expectOneErrorLine(await t.run(['sandbox', ...args, '--state', 'numbers.json']), message, args.join(' '));
    }
    const env = await t.run(['sandbox', '--state', 'numbers.json'], { env: { ZPI_SANDBOX_LIMITS: 'concurrency=0' } });
    expectOneErrorLine(env, /^error: limits "concurrency=0": concurrency must be/, 'ZPI_SANDBOX_LIMITS');
  });
});
