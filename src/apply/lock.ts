import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STALE_MS, takeOwnedLock, type OwnedLockAttempt, type Owner } from '../lock/owned-lock.js';
import { escapeControls, UserError } from '../model/errors.js';

export { STALE_MS };
const POLL_MS = 500;

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

/**
 * Takes the machine-wide apply lock of one org on one endpoint: `<lock dir>/<name>.lock`, an owned lock
 * (src/lock/owned-lock.ts). Its mtime is the authority: one not refreshed for STALE_MS is taken over,
 * whatever held it. Faster, a holder on this machine that is certainly dead is taken over at once. The
 * lock dir is ZPI_LOCK_DIR, else `<tmpdir>/zpi-locks-<uid>`, so applies from two checkouts share it.
 */
export async function acquireLock(opts: LockOptions): Promise<ApplyLock> {
  const file = join(lockDir(opts.env), lockName(opts.endpointKind, opts.org, opts.endpoint));
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = opts.timeoutMs ?? 0;
  const deadline = now() + timeoutMs;
  for (let waiting = false; ; waiting = true) {
    const got = await tryAcquire(file, opts);
    if ('lock' in got) return got.lock;
    const left = deadline - now();
    if (left <= 0) throw new UserError(heldMessage(opts, `${file}.lock`, got.holder, timeoutMs));
    if (!waiting) {
      opts.onWait?.(`waiting for the apply lock of org ${escapeControls(opts.org)} (${got.holder ? 'held by ' : ''}${describe(got.holder, `${file}.lock`)}; up to ${seconds(timeoutMs)})`);
    }
    await sleep(Math.min(POLL_MS, left));
  }
}

/** One try, without waiting; a lock that cannot be made at all is refused with the reason. */
async function tryAcquire(file: string, opts: LockOptions): Promise<OwnedLockAttempt> {
  try {
    return await takeOwnedLock(file, { updateMs: opts.updateMs, onCompromised: opts.onCompromised });
  } catch (err) {
    throw new UserError(`cannot take the apply lock ${file}.lock: ${(err as Error).message}`);
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
