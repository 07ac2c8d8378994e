import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';

export interface ApplyLock {
  /** Path of the lock file. */
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Tells our lock from one another process wrote after taking ours over as stale. */
  token: string;
}

/**
 * Takes the per-org apply lock `<dir>/apply-<org>.lock` (dir is the state directory, `.zpi`), so two
 * applies against one org cannot interleave their writes. A lock left by a dead process on this host is
 * stale and taken over. The file is also removed on process exit, so a crash or SIGINT frees it.
 */
export async function acquireLock(dir: string, org: string): Promise<ApplyLock> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `apply-${org.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
  const mine: LockContent = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), token: randomUUID() };

  sweepTemps(dir, path);
  const create = exclusiveCreate(path, `${JSON.stringify(mine)}\n`, mine.token);
  // After one stale takeover, finding the file again means another process won that race: a plain "held".
  let tookOver = false;
  try {
    for (let attempt = 0; ; attempt++) {
      if (create.attempt()) break;
      const raw = readRaw(path);
      // Removed between our open and read (its owner released it): try again, a few times at most.
      if (raw === undefined && attempt < 3) continue;
      const held = raw === undefined ? undefined : parse(raw);
      if (tookOver || !held || !isStale(held)) throw heldError(org, path, held);
      // Unlink only if the file is still the stale one we read, to narrow the race with another taker.
      if (readRaw(path) === raw) tryUnlink(path);
      tookOver = true;
    }
  } finally {
    create.done();
  }

  let released = false;
  const releaseSync = (): void => {
    if (released) return;
    released = true;
    process.off('exit', releaseSync);
    const now = readRaw(path);
    if (now !== undefined && parse(now)?.token === mine.token) tryUnlink(path);
  };
  process.on('exit', releaseSync);
  return { path, release: async () => releaseSync() };
}

/**
 * Creates `path` holding `text`, only if it does not exist — and never as an empty or half-written
 * file: the text goes to a private temp file first, which is then hard-linked to `path` (link fails
 * with EEXIST like O_EXCL). Writing the lock in place instead left a window in which a kill -9 (found
 * by scripts/crash-test.mjs) leaves an empty lock that no later apply can tell from a live one.
 * Where hard links are not supported, falls back to an exclusive create-and-write.
 */
function exclusiveCreate(path: string, text: string, token: string): { attempt(): boolean; done(): void } {
  const tmp = `${path}.${process.pid}.${token.slice(0, 8)}.tmp`;
  let linkable = true;
  try {
    writeFileSync(tmp, text, { flag: 'wx', mode: 0o600 });
  } catch {
    linkable = false;
  }
  return {
    attempt() {
      try {
        if (linkable) linkSync(tmp, path);
        else writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return false;
        if (linkable && (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS')) {
          linkable = false;
          return this.attempt();
        }
        throw err;
      }
    },
    done() {
      if (linkable) tryUnlink(tmp);
    },
  };
}

/** Removes temp files of exclusiveCreate that a killed process left (`<lock>.<pid>.<hex>.tmp`, pid gone). */
function sweepTemps(dir: string, path: string): void {
  const prefix = `${path.slice(dir.length + 1)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (m && isStale({ pid: Number(m[1]), hostname: hostname(), startedAt: '', token: '' })) tryUnlink(join(dir, name));
  }
}

function heldError(org: string, path: string, held: LockContent | undefined): UserError {
  if (!held) {
    return new UserError(`another zpi apply for org ${org} may be running (unreadable lock); if it is not, remove ${path}`);
  }
  const where = held.hostname === hostname() ? '' : ` on ${held.hostname}`;
  return new UserError(
    `another zpi apply for org ${org} is running (pid ${held.pid}${where}, since ${held.startedAt}); if it is not, remove ${path}`,
  );
}

/** Stale = written on this host by a process that no longer exists. Another host's pid cannot be checked. */
function isStale(held: LockContent): boolean {
  if (held.hostname !== hostname()) return false;
  try {
    process.kill(held.pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but belongs to another user, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parse(raw: string): LockContent | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockContent>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.hostname === 'string') {
      return { pid: v.pid, hostname: v.hostname, startedAt: String(v.startedAt ?? 'unknown'), token: String(v.token ?? '') };
    }
  } catch {
    // fall through: an empty or partial file (a writer mid-write, or a crash right after creating it)
  }
  return undefined;
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
