/**
 * The lock under both the apply lock (src/apply/lock.ts) and the sandbox's state file lock
 * (src/sandbox/state-lock.ts): `<file>.lock`, a directory made by proper-lockfile whose mtime its holder
 * refreshes, with an owner file naming the holder. src/lock/ imports only node: built-ins and
 * proper-lockfile, so the sandbox can use it without loading the client.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { hostname } from 'node:os';
import { readOwner, removeDeadLock, removeDir, writeOwner, type Owner } from './owner-file.js';
import { currentIdentity, holderIsDead } from './process-identity.js';

export { readOwner, type Owner } from './owner-file.js';

/** A holder that has not refreshed its lock's mtime for this long is gone (killed, frozen, another machine's). */
export const STALE_MS = 10_000;
/** How often a holder refreshes its lock's mtime: several times within STALE_MS, so a slow tick never loses it. */
export const UPDATE_MS = 2_500;

export interface OwnedLock {
  /** The lock directory, `<file>.lock`. */
  readonly path: string;
  /** Frees the lock if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
  /** Set when the lock was lost (its mtime refresh failed or someone else took it): stop writing. */
  readonly compromised: boolean;
}

export interface OwnedLockOptions {
  /** How often the holder refreshes the lock's mtime (proper-lockfile takes at least 1000 ms); UPDATE_MS by default. */
  updateMs?: number;
  /** Told once, with proper-lockfile's reason, if the lock is lost while held. */
  onCompromised?: (err: Error) => void;
}

/** The lock, or else who holds it (undefined while its owner file is not written yet, or unreadable). */
export type OwnedLockAttempt = { lock: OwnedLock } | { holder: Owner | undefined };

/**
 * One try at `<file>.lock`, without waiting: take it, or else, when its holder certainly no longer runs
 * (see holderIsDead), take it over and try once more. A lock not refreshed for STALE_MS is taken over
 * by proper-lockfile itself. Throws, as is, what keeps the lock from being made or its owner file
 * from being written: the caller says which lock it was.
 */
export async function takeOwnedLock(file: string, opts: OwnedLockOptions = {}): Promise<OwnedLockAttempt> {
  const path = `${file}.lock`;
  const first = await take(file, opts);
  if (first) return { lock: first };
  const holder = readOwner(path);
  if (!holder || !holderIsDead(holder) || !removeDeadLock(path, holder.token)) return { holder };
  const second = await take(file, opts);
  return second ? { lock: second } : { holder: readOwner(path) };
}

/** proper-lockfile's lock plus our owner file; undefined when held (and not stale). */
async function take(file: string, opts: OwnedLockOptions): Promise<OwnedLock | undefined> {
  const { lock } = await import('proper-lockfile');
  const path = `${file}.lock`;
  const owner: Owner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
    identity: currentIdentity() ?? null,
  };
  let held = false;
  let compromised = false;
  let unlock: () => Promise<void>;
  try {
    unlock = await lock(file, {
      stale: STALE_MS,
      update: opts.updateMs ?? UPDATE_MS,
      realpath: false,
      retries: 0,
      fs: lockFs(() => (held ? owner.token : undefined)),
      // The default throws from a timer, which would crash the process.
      onCompromised: (err) => {
        if (compromised) return;
        compromised = true;
        opts.onCompromised?.(err);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw err;
  }
  held = true;
  try {
    writeOwner(path, owner);
  } catch (err) {
    // Ours, but naming nobody: freed now rather than left to go stale.
    removeDir(path);
    await unlock().catch(() => {});
    throw err;
  }
  let released = false;
  return {
    path,
    get compromised() {
      return compromised;
    },
    async release() {
      if (released) return;
      released = true;
      // Fails only if the lock was already lost (ERELEASED) or cannot be removed: either way it goes
      // stale, since nobody refreshes it now.
      await unlock().catch(() => {});
    },
  };
}

/**
 * The fs proper-lockfile works with. Its rmdir serves two callers: removing a lock it judged stale
 * (before we hold ours: re-checked, since another may have taken it over meanwhile, and removed with
 * the owner file in it), and our release and its exit handler (once we hold: only while the owner
 * file is still ours, never a lock taken from us).
 */
function lockFs(ourToken: () => string | undefined): typeof fs {
  const rmdirSync = (dir: fs.PathLike): void => {
    const path = String(dir);
    const token = ourToken();
    if (token !== undefined) {
      if (readOwner(path)?.token === token) removeDir(path);
      return;
    }
    if (fs.statSync(path).mtimeMs >= Date.now() - STALE_MS) {
      throw Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' });
    }
    removeDir(path);
  };
  const rmdir = (dir: fs.PathLike, callback: (err: NodeJS.ErrnoException | null) => void): void => {
    try {
      rmdirSync(dir);
      callback(null);
    } catch (err) {
      callback(err as NodeJS.ErrnoException);
    }
  };
  return { ...fs, rmdir, rmdirSync } as typeof fs;
}
