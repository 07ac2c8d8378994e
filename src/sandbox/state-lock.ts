import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
// process-identity.ts imports only node:fs and node:os: the sandbox still never loads the client.
import { currentIdentity, holderIsDead, type ProcessIdentity } from '../apply/process-identity.js';
import { escapeControls, UserError } from '../model/errors.js';
import { SandboxStateError } from './state-store.js';

// The apply lock's numbers (src/apply/lock.ts): the holder refreshes the lock's mtime every UPDATE_MS;
// a lock not refreshed for STALE_MS belongs to a holder that is gone (killed, frozen) and is taken over.
const STALE_MS = 10_000;
const UPDATE_MS = 2_500;
const OWNER = 'owner.json';

const EMBEDDED_ADVICE = 'stop it, or point zpi at it with --endpoint and the URL it printed instead of --sandbox';

/** Another sandbox (this process or another) serves the state file; two would overwrite each other's writes. */
export class SandboxInUseError extends UserError {
  override name = 'SandboxInUseError';
  constructor(
    readonly file: string,
    readonly holder: string,
    advice = EMBEDDED_ADVICE,
  ) {
    super(`the sandbox state file ${escapeControls(shown(file))} is in use by another sandbox (${holder}); ${advice}`);
  }
}

/** A path below the working directory as a relative one: the embedded sandbox is given an absolute path. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return isAbsolute(file) && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export interface StateLock {
  /** The lock directory, `<state file>.lock`. */
  readonly path: string;
  /** Frees the lock if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
}

/** Written into the lock directory by its holder: for the message, and to take over a dead holder at once. */
interface Owner {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
  identity: ProcessIdentity | null;
}

/**
 * Holds `<stateFile>.lock` (a directory made by proper-lockfile, beside the state file, whose mtime is
 * refreshed every UPDATE_MS) for as long as a sandbox serves the file; throws SandboxInUseError when
 * another one does. A holder killed with -9 never blocks: on this machine a certainly dead one (see
 * holderIsDead) is taken over at once, anything else once its lock is STALE_MS old. proper-lockfile
 * also removes the lock when the process exits. `onCompromised` is told if the lock is lost later.
 */
export async function lockStateFile(stateFile: string, onCompromised?: (why: string) => void): Promise<StateLock> {
  const file = canonical(stateFile);
  const path = `${file}.lock`;
  const first = await take(file, stateFile, onCompromised);
  if (first) return first;
  const holder = readOwner(path);
  if (holder && holderIsDead(holder) && removeDeadLock(path, holder.token)) {
    const second = await take(file, stateFile, onCompromised);
    if (second) return second;
  }
  throw new SandboxInUseError(stateFile, describe(readOwner(path) ?? holder));
}

/**
 * The state file's path with its directory's symlinks resolved, so two spellings of one file share one
 * lock. The file itself is not resolved: writes replace whatever the path names.
 */
function canonical(stateFile: string): string {
  const abs = resolve(stateFile);
  try {
    fs.mkdirSync(dirname(abs), { recursive: true, mode: 0o700 });
    return join(fs.realpathSync(dirname(abs)), basename(abs));
  } catch (err) {
    throw new SandboxStateError(`cannot create the directory of state file ${stateFile}: ${oneLine(err)}`);
  }
}

/** proper-lockfile's lock plus our owner file; undefined when another holds it (and it is not stale). */
async function take(file: string, label: string, onCompromised?: (why: string) => void): Promise<StateLock | undefined> {
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
      update: UPDATE_MS,
      realpath: false,
      retries: 0,
      fs: lockFs(() => (held ? owner.token : undefined)),
      // The default throws from a timer, which would crash the process.
      onCompromised: (err) => {
        if (!compromised) onCompromised?.(oneLine(err));
        compromised = true;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw new SandboxStateError(`cannot lock state file ${label} (${path}): ${oneLine(err)}`);
  }
  held = true;
  try {
    writeOwner(path, owner);
  } catch (err) {
    await unlock().catch(() => undefined);
    throw new SandboxStateError(`cannot lock state file ${label} (${path}): ${oneLine(err)}`);
  }
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      // Fails only when the lock was lost already (ERELEASED) or cannot be removed: it then goes stale.
      await unlock().catch(() => undefined);
    },
  };
}

/**
 * The fs proper-lockfile uses. Its rmdir serves two callers: removing a lock it judged stale (before
 * we hold ours: re-checked, since another may have taken it over meanwhile) and our release and its
 * exit handler (once we hold: only while the owner file is still ours, never a lock taken from us).
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
 * Removes the lock of a holder judged dead, only while it is still that holder's: its owner file is
 * first renamed aside (only one contender can), then checked; another's is put back.
 */
function removeDeadLock(path: string, token: string): boolean {
  const aside = join(path, `${OWNER}.${randomUUID()}.dead`);
  try {
    fs.renameSync(join(path, OWNER), aside);
  } catch {
    return false;
  }
  if (readJson(aside)?.token !== token) {
    try {
      fs.linkSync(aside, join(path, OWNER));
    } catch {
      // yet another owner appeared: leave it be
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

/** Writes the owner file whole (aside, then renamed), keeping the mtime proper-lockfile checks as its own. */
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

function describe(holder: Owner | undefined): string {
  // No owner file yet: it is being written, or its holder died first; then the lock goes stale.
  if (!holder) return `holder not recorded yet; if none runs, the lock is freed within ${STALE_MS / 1000} s`;
  const host = holder.hostname === hostname() ? '' : ` on ${escapeControls(holder.hostname)}`;
  return `pid ${holder.pid}${host}, since ${escapeControls(holder.startedAt)}`;
}

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
