import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeControls, UserError } from '../model/errors.js';
import { currentIdentity, holderIsDead, type ProcessIdentity } from './process-identity.js';

/** A holder that has not refreshed its lock's mtime for this long is gone (killed, frozen, another machine's). */
export const STALE_MS = 10_000;
const UPDATE_MS = 2_500;
const POLL_MS = 500;
const OWNER = 'owner.json';

export interface LockOptions {
  org: string;
  endpointKind: 'sandbox' | 'zoho' | 'custom';
  endpoint: string;
  env: Record<string, string | undefined>;
  /** How long to wait for a held lock; 0 (the default) refuses at once. */
  timeoutMs?: number;
  /** Told once, when the lock is held and we start waiting. */
  onWait?: (message: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How often the holder refreshes the lock's mtime (proper-lockfile takes at least 1000 ms). For tests. */
  updateMs?: number;
  /** Told once if the lock is lost while held (see ApplyLock.compromised). */
  onCompromised?: () => void;
}

export interface ApplyLock {
  /** The lock directory. */
  readonly path: string;
  /** Frees the lock if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
  /** Set when the lock was lost (its mtime refresh failed or someone else took it): stop writing. */
  readonly compromised: boolean;
}

/** Written into the lock directory by its holder, for messages and for the fast takeover of a dead holder. */
interface Owner {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
  identity: ProcessIdentity | null;
}

/**
 * Takes the machine-wide apply lock of one org on one endpoint: `<lock dir>/<name>.lock`, a directory
 * made by proper-lockfile, whose mtime the holder refreshes every UPDATE_MS. It is the authority: one
 * not refreshed for STALE_MS is taken over, whatever held it. Faster, a holder on this machine that is
 * certainly dead (see holderIsDead) is taken over at once. The lock dir is ZPI_LOCK_DIR, else
 * `<tmpdir>/zpi-locks-<uid>`, so applies from two checkouts share it.
 */
export async function acquireLock(opts: LockOptions): Promise<ApplyLock> {
  const file = join(lockDir(opts.env), lockName(opts.endpointKind, opts.org, opts.endpoint));
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = opts.timeoutMs ?? 0;
  const deadline = now() + timeoutMs;
  for (let waiting = false; ; waiting = true) {
    const got = await tryAcquire(file, opts.updateMs ?? UPDATE_MS, opts.onCompromised);
    if ('lock' in got) return got.lock;
    const left = deadline - now();
    if (left <= 0) throw new UserError(heldMessage(opts, `${file}.lock`, got.holder, timeoutMs));
    if (!waiting) {
      opts.onWait?.(`waiting for the apply lock of org ${escapeControls(opts.org)} (${got.holder ? 'held by ' : ''}${describe(got.holder, `${file}.lock`)}; up to ${seconds(timeoutMs)})`);
    }
    await sleep(Math.min(POLL_MS, left));
  }
}

/** `apply-zoho-<org>`, or `apply-<kind>-<org>-<sha256(endpoint), 12 hex>`: each emulator is an org of its own. */
export function lockName(kind: LockOptions['endpointKind'], org: string, endpoint: string): string {
  const safeOrg = org.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (kind === 'zoho') return `apply-zoho-${safeOrg}`;
  let key = endpoint;
  try {
    const url = new URL(endpoint);
    key = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    // not a URL: hashed as given
  }
  return `apply-${kind}-${safeOrg}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** The lock directory, made 0700; refused when someone else could have planted it (it sits in /tmp). */
function lockDir(env: Record<string, string | undefined>): string {
  const uid = process.getuid?.();
  const dir = env.ZPI_LOCK_DIR || join(tmpdir(), `zpi-locks-${uid ?? 'user'}`);
  const refuse = (why: string): UserError =>
    new UserError(`refusing the apply lock directory ${dir}: ${why} (set ZPI_LOCK_DIR to a directory of your own)`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw refuse((err as Error).message);
  }
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) throw refuse('it is a symbolic link');
  if (!st.isDirectory()) throw refuse('it is not a directory');
  if (uid !== undefined && st.uid !== uid) throw refuse(`it is owned by uid ${st.uid}, not by you (uid ${uid})`);
  return dir;
}

type Attempt = { lock: ApplyLock } | { holder: Owner | undefined };

/** One try: take the lock, or else take over a dead holder's and try once more. */
async function tryAcquire(file: string, updateMs: number, onCompromised?: () => void): Promise<Attempt> {
  const path = `${file}.lock`;
  const first = await take(file, updateMs, onCompromised);
  if (first) return { lock: first };
  const holder = readOwner(path);
  if (!holder || !holderIsDead(holder) || !removeDeadLock(path, holder.token)) return { holder };
  const second = await take(file, updateMs, onCompromised);
  return second ? { lock: second } : { holder: readOwner(path) };
}

/** proper-lockfile's lock plus our owner file; undefined when held (and not stale). */
async function take(file: string, updateMs: number, onCompromised?: () => void): Promise<ApplyLock | undefined> {
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
      update: updateMs,
      realpath: false,
      retries: 0,
      fs: lockFs(() => (held ? owner.token : undefined)),
      // The default throws from a timer, which would crash the process.
      onCompromised: () => {
        if (compromised) return;
        compromised = true;
        onCompromised?.();
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw new UserError(`cannot take the apply lock ${path}: ${(err as Error).message}`);
  }
  held = true;
  try {
    writeOwner(path, owner);
  } catch (err) {
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
 * The fs proper-lockfile works with. Its rmdir serves three callers: removing a lock it judged stale
 * (before we hold ours: re-checked, and removed with the owner file in it), and our release and its
 * exit handler (once we hold: only when the owner file is still ours, never a lock someone else took).
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

/**
 * Removes the lock of a holder judged dead, only if it is still that holder's: its owner file is
 * first renamed aside (one contender alone can), then checked.
 */
function removeDeadLock(path: string, token: string): boolean {
  const aside = join(path, `${OWNER}.${randomUUID()}.dead`);
  try {
    fs.renameSync(join(path, OWNER), aside);
  } catch {
    return false;
  }
  if (readJson(aside)?.token !== token) {
    // Another holder's, written since we read: put it back (unless yet another one appeared).
    try {
      fs.linkSync(aside, join(path, OWNER));
    } catch {
      // leave it be
    }
    fs.rmSync(aside, { force: true });
    return false;
  }
  try {
    removeDir(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes the owner file whole (aside, then renamed), keeping the directory's mtime proper-lockfile checks. */
function writeOwner(path: string, owner: Owner): void {
  const before = fs.statSync(path);
  const tmp = join(path, `${OWNER}.${owner.token}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: 0o600 });
  fs.renameSync(tmp, join(path, OWNER));
  fs.utimesSync(path, before.atime, before.mtime);
}

function removeDir(path: string): void {
  try {
    for (const name of fs.readdirSync(path)) fs.rmSync(join(path, name), { force: true });
    fs.rmdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function readOwner(path: string): Owner | undefined {
  const v = readJson(join(path, OWNER));
  if (!v || typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
  if (typeof v.hostname !== 'string' || typeof v.token !== 'string') return undefined;
  const id = v.identity as Partial<ProcessIdentity> | null | undefined;
  const identity =
    id && typeof id.bootId === 'string' && typeof id.pidNamespace === 'string' && typeof id.startTime === 'string'
      ? { bootId: id.bootId, pidNamespace: id.pidNamespace, startTime: id.startTime }
      : null;
  return { pid: v.pid, hostname: v.hostname, startedAt: String(v.startedAt ?? 'unknown'), token: v.token, identity };
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(path, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function heldMessage(opts: LockOptions, path: string, holder: Owner | undefined, waitedMs: number): string {
  const what = `another zpi apply for org ${escapeControls(opts.org)} (${opts.endpointKind})`;
  const running = waitedMs > 0 ? `is still running after ${seconds(waitedMs)}` : 'is running';
  const then = `it is taken over once it stops refreshing the lock (${seconds(STALE_MS)})`;
  const wait = waitedMs > 0 ? '' : ', or pass --lock-timeout to wait';
  return `${what} ${running} (${describe(holder, path)}); ${then}${wait}`;
}

function describe(holder: Owner | undefined, path: string): string {
  if (!holder) return `holder not recorded yet: ${path}`;
  return `pid ${holder.pid} on ${escapeControls(holder.hostname)}, since ${escapeControls(holder.startedAt)}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
