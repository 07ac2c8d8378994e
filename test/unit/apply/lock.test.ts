import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../../src/apply/lock.js';
import { UserError } from '../../../src/model/errors.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'zpi-lock-')), '.zpi');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const lockPath = () => join(dir, 'apply-60012345678.lock');

/** A pid that certainly existed and is now gone: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

describe('acquireLock', () => {
  it('creates .zpi/apply-<org>.lock (mode 0600) with pid, host and start time; release removes it', async () => {
    const lock = await acquireLock(dir, '60012345678');
    expect(lock.path).toBe(lockPath());
    const content = JSON.parse(readFileSync(lockPath(), 'utf8')) as Record<string, unknown>;
    expect(content).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Number.isNaN(Date.parse(String(content.startedAt)))).toBe(false);
    if (process.platform !== 'win32') expect(statSync(lockPath()).mode & 0o777).toBe(0o600);
    await lock.release();
    expect(existsSync(lockPath())).toBe(false);
    await lock.release(); // twice is fine
  });

  it('refuses a second apply for the same org while the first holds the lock', async () => {
    const lock = await acquireLock(dir, '60012345678');
    const second = acquireLock(dir, '60012345678');
    await expect(second).rejects.toBeInstanceOf(UserError);
    await expect(acquireLock(dir, '60012345678')).rejects.toThrow(
      new RegExp(
        `^another zpi apply for org 60012345678 is running \\(pid ${process.pid}, since [^)]+\\); ` +
          `if it is not, remove ${lockPath().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
      ),
    );
    // Another org is independent.
    const other = await acquireLock(dir, '60099999999');
    await other.release();
    await lock.release();
    const again = await acquireLock(dir, '60012345678');
    await again.release();
  });

  it('takes over a stale lock left by a dead process on this host', async () => {
    mkdirSync(dir, { recursive: true });
    const stale = { pid: deadPid(), hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z', token: 'old' };
    writeFileSync(lockPath(), JSON.stringify(stale));
    const lock = await acquireLock(dir, '60012345678');
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(existsSync(lockPath())).toBe(false);
  });

  it('does not take over a lock from another host, or one it cannot read', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockPath(), JSON.stringify({ pid: deadPid(), hostname: 'ci-runner-7', startedAt: 'then' }));
    await expect(acquireLock(dir, '60012345678')).rejects.toThrow(/is running \(pid \d+ on ci-runner-7, since then\)/);
    writeFileSync(lockPath(), '');
    await expect(acquireLock(dir, '60012345678')).rejects.toThrow(/may be running \(unreadable lock\); if it is not, remove /);
    expect(existsSync(lockPath())).toBe(true);
  });

  it('appears whole or not at all (written aside, then linked), and sweeps temp files a killed apply left', async () => {
    mkdirSync(dir, { recursive: true });
    // kill -9 between writing the temp file and linking it: the temp stays, with a dead pid in its name.
    const leftover = join(dir, `apply-60012345678.lock.${deadPid()}.0123abcd.tmp`);
    const alive = join(dir, `apply-60012345678.lock.${process.pid}.89abcdef.tmp`);
    writeFileSync(leftover, '{}');
    writeFileSync(alive, '{}');
    const lock = await acquireLock(dir, '60012345678');
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(alive)).toBe(true); // its process may still be about to link it
    rmSync(alive);
    expect(readdirSync(dir)).toEqual(['apply-60012345678.lock']);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('release leaves alone a lock that is no longer ours', async () => {
    const lock = await acquireLock(dir, '60012345678');
    const theirs = JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'now', token: 'theirs' });
    writeFileSync(lockPath(), theirs);
    await lock.release();
    expect(readFileSync(lockPath(), 'utf8')).toBe(theirs);
  });

  it('registers an exit handler that frees the lock, and unregisters it on release', async () => {
    const before = process.listenerCount('exit');
    const lock = await acquireLock(dir, '60012345678');
    expect(process.listenerCount('exit')).toBe(before + 1);
    await lock.release();
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('frees the lock from the exit handler (crash, process.exit after SIGINT) without a release', async () => {
    await acquireLock(dir, '60012345678');
    const handler = process.listeners('exit').at(-1) as (code: number) => void;
    handler(130); // what Node runs on process.exit: synchronous, so no awaiting
    expect(existsSync(lockPath())).toBe(false);
    expect(process.listeners('exit')).not.toContain(handler);
  });
});
