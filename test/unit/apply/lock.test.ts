import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, lockName, type ApplyLock, type LockOptions } from '../../../src/apply/lock.js';
import { parseProcStat, readProcStat } from '../../../src/lock/process-identity.js';
import { UserError } from '../../../src/model/errors.js';

// Child processes take the lock through the compiled module: run `npm run build` first (`npm test` does).
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const LOCK_MODULE = join(ROOT, 'dist', 'apply', 'lock.js');
const ORG = '60012345678';
const linux = existsSync('/proc/self/stat');

/** Takes the lock with the options in argv[2], says `ready <pid>`, then obeys `release`/`exit` on stdin. */
const HOLDER = `
import { pathToFileURL } from 'node:url';
const { acquireLock } = await import(pathToFileURL(process.env.ZPI_TEST_LOCK_MODULE).href);
setTimeout(() => process.exit(9), 120_000); // never outlives the test run
let lock;
try {
  lock = await acquireLock(JSON.parse(process.argv[2]));
} catch (err) {
  process.stdout.write('refused ' + err.message + '\\n');
  process.exit(3);
}
process.stdout.write('ready ' + process.pid + '\\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (text) => {
  for (const cmd of text.split('\\n')) {
    if (cmd === 'release') { await lock.release(); process.stdout.write('released\\n'); }
    if (cmd === 'exit') process.exit(0);
  }
});
`;

let tmp: string;
let holderScript: string;
let env: Record<string, string | undefined>;
let lockDir: string;
const children: ChildProcess[] = [];
const held: ApplyLock[] = [];

beforeAll(() => {
  if (!existsSync(LOCK_MODULE)) throw new Error(`${LOCK_MODULE} is missing: run npm run build first`);
});
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'zpi-lock-test-'));
  holderScript = join(tmp, 'holder.mjs');
  writeFileSync(holderScript, HOLDER);
  lockDir = join(tmp, 'locks');
  env = { ZPI_LOCK_DIR: lockDir };
});
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

function opts(extra: Partial<LockOptions> = {}): LockOptions {
  return { org: ORG, endpointKind: 'zoho', endpoint: 'zoho.com', env, ...extra };
}

async function take(o: LockOptions): Promise<ApplyLock> {
  const lock = await acquireLock(o);
  held.push(lock);
  return lock;
}

const zohoLockPath = (): string => join(lockDir, `${lockName('zoho', ORG, 'zoho.com')}.lock`);

interface Holder {
  child: ChildProcess;
  /** Resolves with the first stdout line matching re (after the ones already seen are searched). */
  line(re: RegExp): Promise<RegExpExecArray>;
  send(cmd: 'release' | 'exit'): void;
}

/** A node process taking the lock; with `orphan`, started as `sh -c 'node … & exec sleep'`, which never reaps it. */
function startHolder(o: LockOptions, { cwd = tmp, orphan = false }: { cwd?: string; orphan?: boolean } = {}): Holder {
  const { now: _now, sleep: _sleep, onWait: _onWait, ...plain } = o;
  const args = [holderScript, JSON.stringify(plain)];
  const child = orphan
    ? spawn('sh', ['-c', '"$0" "$1" "$2" & exec sleep 60', process.execPath, ...args], { cwd, stdio: 'pipe', env: childEnv() })
    : spawn(process.execPath, args, { cwd, stdio: 'pipe', env: childEnv() });
  children.push(child);
  let out = '';
  let err = '';
  let closed = false;
  child.on('close', () => (closed = true));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return {
    child,
    line: (re) =>
      new Promise((resolvePromise, reject) => {
        const poll = setInterval(() => {
          for (const l of out.split('\n')) {
            const m = re.exec(l);
            if (m) {
              clearInterval(poll);
              return resolvePromise(m);
            }
          }
          // A child that exited without the line fails here; one that hangs, at the test's timeout.
          if (closed) {
            clearInterval(poll);
            reject(new Error(`no line ${re} from the holder; stdout: ${out}; stderr: ${err}`));
          }
        }, 10);
      }),
    send: (cmd) => child.stdin!.write(`${cmd}\n`),
  };
}

function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ZPI_TEST_LOCK_MODULE: LOCK_MODULE };
}

/** A pid that certainly existed and is now gone: a child that has exited (and was reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

function ownerOf(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(path, 'owner.json'), 'utf8')) as Record<string, unknown>;
}

/** A lock directory as another process would have left it, with a fresh mtime. */
function plantLock(path: string, owner: Record<string, unknown> | undefined): void {
  mkdirSync(path, { recursive: true });
  if (owner) writeFileSync(join(path, 'owner.json'), JSON.stringify({ hostname: hostname(), startedAt: '2026-01-02T03:04:05.000Z', token: 'theirs', ...owner }));
}

async function ownIdentity(): Promise<{ bootId: string; pidNamespace: string; startTime: string }> {
  const lock = await acquireLock(opts({ org: 'probe' }));
  const { identity } = ownerOf(lock.path) as { identity: { bootId: string; pidNamespace: string; startTime: string } };
  await lock.release();
  return identity;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
}

const HELD = new RegExp(
  `^another zpi apply for org ${ORG} \\(zoho\\) is running \\(pid (\\d+) on ${hostname()}, since [^)]+\\); ` +
    'it is taken over once it stops refreshing the lock \\(10 s\\), or pass --lock-timeout to wait$',
);

describe('acquireLock', () => {
  it('takes the lock as a directory in the lock dir (made 0700) holding the owner file; release frees it', async () => {
    const lock = await acquireLock(opts());
    expect(lock.path).toBe(join(lockDir, 'apply-zoho-60012345678.lock'));
    if (process.platform !== 'win32') expect(statSync(lockDir).mode & 0o777).toBe(0o700);
    const owner = ownerOf(lock.path);
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Number.isNaN(Date.parse(String(owner.startedAt)))).toBe(false);
    if (linux) expect(owner.identity).toMatchObject({ bootId: expect.any(String), pidNamespace: expect.stringMatching(/^pid:/) });
    expect(lock.compromised).toBe(false);
    await lock.release();
    expect(existsSync(lock.path)).toBe(false);
    await lock.release(); // twice is fine
    await (await take(opts())).release();
  });

  it('names the lock by org and endpoint kind; sandbox and custom endpoints by a hash of the endpoint', () => {
    expect(lockName('zoho', '600 1/2', 'zoho.eu')).toBe('apply-zoho-600_1_2');
    expect(lockName('sandbox', '600', 'http://127.0.0.1:7001')).toMatch(/^apply-sandbox-600-[0-9a-f]{12}$/);
    expect(lockName('sandbox', '600', 'http://127.0.0.1:7001/')).toBe(lockName('sandbox', '600', 'http://127.0.0.1:7001'));
    expect(lockName('sandbox', '600', 'http://127.0.0.1:7002')).not.toBe(lockName('sandbox', '600', 'http://127.0.0.1:7001'));
    expect(lockName('custom', '600', 'https://zoho.test')).toMatch(/^apply-custom-600-[0-9a-f]{12}$/);
  });

  it('refuses a second apply for the org at once, in one line naming pid, host and start', async () => {
    const holder = startHolder(opts());
    const [, pid] = await holder.line(/^ready (\d+)$/);
    const err = await acquireLock(opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(HELD);
    expect(HELD.exec((err as Error).message)?.[1]).toBe(pid);
    expect((err as Error).message).not.toContain('\n');
  });

  it('is one lock for applies from two working directories', async () => {
    const [a, b] = [join(tmp, 'checkout-a'), join(tmp, 'checkout-b')];
    mkdirSync(a);
    mkdirSync(b);
    const first = startHolder(opts(), { cwd: a });
    await first.line(/^ready /);
    const second = startHolder(opts(), { cwd: b });
    const [, message] = await second.line(/^refused (.*)$/);
    expect(message).toMatch(HELD);
    await expect(acquireLock(opts())).rejects.toThrow(HELD);
  });

  it('holds apart other orgs, other endpoint kinds and other sandbox endpoints', async () => {
    const sandbox = opts({ endpointKind: 'sandbox', endpoint: 'http://127.0.0.1:7001' });
    const holder = startHolder(sandbox);
    await holder.line(/^ready /);
    await take({ ...sandbox, org: '60099999999' });
    await take({ ...sandbox, endpoint: 'http://127.0.0.1:7002' });
    await take(opts());
    await expect(acquireLock({ ...sandbox, endpoint: 'http://127.0.0.1:7001/' })).rejects.toThrow(
      /^another zpi apply for org 60012345678 \(sandbox\) is running \(pid \d+/,
    );
  });

  it('takes over at once the lock of a holder killed with SIGKILL', async () => {
    const holder = startHolder(opts());
    await holder.line(/^ready /);
    holder.child.kill('SIGKILL');
    await once(holder.child, 'exit'); // reaped by node
    expect(existsSync(zohoLockPath())).toBe(true); // kill -9 runs no exit handler: the lock stays, fresh
    const lock = await take(opts()); // timeoutMs 0: only the dead-holder check can free it before 10 s
    expect(ownerOf(lock.path)).toMatchObject({ pid: process.pid });
  });

  it.skipIf(!linux)('takes over at once the lock of a zombie holder (killed, never reaped by its parent)', async () => {
    const holder = startHolder(opts(), { orphan: true });
    const pid = Number((await holder.line(/^ready (\d+)$/))[1]);
    expect(pid).not.toBe(holder.child.pid); // the node process, a child of `sleep`
    process.kill(pid, 'SIGKILL');
    await until(() => readProcStat(pid)?.state === 'Z');
    expect(readProcStat(pid)?.state).toBe('Z');
    const lock = await take(opts());
    expect(ownerOf(lock.path)).toMatchObject({ pid: process.pid });
  });

  it.skipIf(!linux)('takes over a lock whose pid now names another process (other start time), not the same process', async () => {
    const self = await ownIdentity();
    const live = process.ppid;
    const startTime = readProcStat(live)!.startTime;
    plantLock(zohoLockPath(), { pid: live, identity: { ...self, startTime } });
    await expect(acquireLock(opts())).rejects.toThrow(new RegExp(`\\(pid ${live} on `));
    expect(existsSync(zohoLockPath())).toBe(true);
    writeFileSync(join(zohoLockPath(), 'owner.json'), JSON.stringify({ pid: live, hostname: 'vm', startedAt: 'x', token: 't', identity: { ...self, startTime: `${startTime}1` } }));
    const lock = await take(opts());
    expect(ownerOf(lock.path)).toMatchObject({ pid: process.pid });
  });

  it('leaves a holder from another pid namespace, boot or host to the mtime: refused while fresh, taken over once stale', async () => {
    const self = linux ? await ownIdentity() : { bootId: 'b', pidNamespace: 'pid:[1]', startTime: '1' };
    const others: (Record<string, unknown> | undefined)[] = [
      { pid: deadPid(), identity: { ...self, pidNamespace: 'pid:[4026532999]' } },
      { pid: deadPid(), identity: { ...self, bootId: 'another-boot' } },
      { pid: deadPid(), hostname: 'ci-runner-7', identity: null },
      undefined, // crashed between making the directory and writing its owner file
    ];
    for (const owner of others) {
      plantLock(zohoLockPath(), owner);
      const err = await acquireLock(opts()).catch((e: unknown) => e);
      expect(err, JSON.stringify(owner)).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(owner ? /is running \(pid \d+ on / : /is running \(holder not recorded yet: .*\.lock\)/);
      const old = new Date(Date.now() - 60_000);
      utimesSync(zohoLockPath(), old, old);
      const lock = await acquireLock(opts());
      expect(ownerOf(lock.path)).toMatchObject({ pid: process.pid });
      await lock.release();
    }
  });

  it('waits up to timeoutMs and takes the lock once the holder releases it', async () => {
    const holder = startHolder(opts());
    await holder.line(/^ready /);
    let now = 1_000_000;
    let sleeps = 0;
    const waits: string[] = [];
    const lock = await take(
      opts({
        timeoutMs: 3_600_000,
        onWait: (m) => waits.push(m),
        now: () => now,
        sleep: async (ms) => {
          now += ms;
          if (++sleeps === 3) holder.send('release');
          await new Promise((r) => setTimeout(r, 20));
        },
      }),
    );
    expect(ownerOf(lock.path)).toMatchObject({ pid: process.pid });
    expect(sleeps).toBeGreaterThanOrEqual(3);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatch(new RegExp(`^waiting for the apply lock of org ${ORG} \\(held by pid \\d+ on ${hostname()}, since [^;]+; up to 3600 s\\)$`));
  });

  it('gives up after timeoutMs with the one-line message', async () => {
    const holder = startHolder(opts());
    await holder.line(/^ready /);
    let now = 0;
    let sleeps = 0;
    const waits: string[] = [];
    const err = await acquireLock(
      opts({ timeoutMs: 30_000, onWait: (m) => waits.push(m), now: () => now, sleep: async (ms) => void ((now += ms), sleeps++) }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^another zpi apply for org ${ORG} \\(zoho\\) is still running after 30 s \\(pid \\d+ on ${hostname()}, since [^)]+\\); ` +
          'it is taken over once it stops refreshing the lock \\(10 s\\)$',
      ),
    );
    expect(waits).toHaveLength(1);
    expect(sleeps).toBe(60); // every 500 ms of the 30 s
  });

  it('refuses a lock dir that is a symbolic link, not a directory, or owned by someone else', async () => {
    const real = join(tmp, 'real');
    mkdirSync(real);
    symlinkSync(real, join(tmp, 'link'));
    env.ZPI_LOCK_DIR = join(tmp, 'link');
    await expect(acquireLock(opts())).rejects.toThrow(/^refusing the apply lock directory .*link: it is a symbolic link/);
    writeFileSync(join(tmp, 'file'), '');
    env.ZPI_LOCK_DIR = join(tmp, 'file');
    await expect(acquireLock(opts())).rejects.toThrow(/: it is not a directory/);
    const uid = process.getuid?.();
    if (uid === undefined) return;
    let foreign = '/';
    if (uid === 0) {
      foreign = join(tmp, 'foreign');
      mkdirSync(foreign, { mode: 0o700 });
      chownSync(foreign, 4242, 4242);
    }
    env.ZPI_LOCK_DIR = foreign;
    await expect(acquireLock(opts())).rejects.toThrow(/: it is owned by uid \d+, not by you/);
    await expect(acquireLock(opts())).rejects.toBeInstanceOf(UserError);
  });

  it('without ZPI_LOCK_DIR, locks in <tmpdir>/zpi-locks-<uid>', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const lock = await take(opts({ env: {} }));
      const dir = join(tmp, `zpi-locks-${process.getuid?.() ?? 'user'}`);
      expect(lock.path).toBe(join(dir, 'apply-zoho-60012345678.lock'));
      if (process.platform !== 'win32') expect(statSync(dir).mode & 0o777).toBe(0o700);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('sets compromised when the lock is removed or replaced under its holder; release leaves a replacement alone', async () => {
    const removed = await take(opts({ org: 'removed', updateMs: 1000 }));
    rmSync(removed.path, { recursive: true });
    const replaced = await take(opts({ updateMs: 1000 }));
    rmSync(replaced.path, { recursive: true });
    plantLock(replaced.path, { pid: deadPid() });
    await until(() => removed.compromised && replaced.compromised);
    expect(removed.compromised).toBe(true);
    expect(replaced.compromised).toBe(true);
    await replaced.release();
    expect(ownerOf(replaced.path)).toMatchObject({ token: 'theirs' });

    // Released before the refresh notices: still not removed.
    const mine = await take(opts({ org: 'other' }));
    writeFileSync(join(mine.path, 'owner.json'), JSON.stringify({ pid: 1, hostname: 'x', startedAt: 'x', token: 'theirs' }));
    await mine.release();
    expect(ownerOf(mine.path)).toMatchObject({ token: 'theirs' });
  });

  it('frees the lock when its holder exits without releasing (process.exit, SIGTERM)', async () => {
    const exiting = startHolder(opts());
    await exiting.line(/^ready /);
    exiting.send('exit');
    await once(exiting.child, 'exit');
    expect(existsSync(zohoLockPath())).toBe(false);

    const terminated = startHolder(opts());
    await terminated.line(/^ready /);
    terminated.child.kill('SIGTERM');
    await once(terminated.child, 'exit');
    expect(existsSync(zohoLockPath())).toBe(false);
  });
});

describe('parseProcStat', () => {
  it('splits after the last ")": the command name may hold spaces and parens', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 98765 20 21';
    expect(parseProcStat(`123 (a) b (c)) ${rest}`)).toEqual({ state: 'S', startTime: '98765' });
    expect(parseProcStat(`123 (node) Z 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 42 20`)).toEqual({ state: 'Z', startTime: '42' });
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});
