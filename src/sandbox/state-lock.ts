import fs from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
// src/lock/ imports only node: built-ins and proper-lockfile: the sandbox still never loads the client.
import { STALE_MS, takeOwnedLock, type OwnedLockAttempt, type Owner } from '../lock/owned-lock.js';
import { escapeControls, UserError } from '../model/errors.js';
import { oneLine } from '../model/one-line.js';
import { SandboxStateError } from './state-store.js';

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

/**
 * Holds `<stateFile>.lock` (an owned lock, src/lock/owned-lock.ts, beside the state file) for as long
 * as a sandbox serves the file; throws SandboxInUseError when another one does. A holder killed with -9
 * never blocks: on this machine a certainly dead one is taken over at once, anything else once its lock
 * is STALE_MS old. proper-lockfile also removes the lock when the process exits. `onCompromised` is
 * told if the lock is lost later.
 */
export async function lockStateFile(stateFile: string, onCompromised?: (why: string) => void): Promise<StateLock> {
  const file = canonical(stateFile);
  let got: OwnedLockAttempt;
  try {
    got = await takeOwnedLock(file, { onCompromised: (err) => onCompromised?.(reason(err)) });
  } catch (err) {
    throw new SandboxStateError(`cannot lock state file ${stateFile} (${file}.lock): ${reason(err)}`);
  }
  if ('lock' in got) return got.lock;
  throw new SandboxInUseError(stateFile, describe(got.holder));
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
    throw new SandboxStateError(`cannot create the directory of state file ${stateFile}: ${reason(err)}`);
  }
}

function describe(holder: Owner | undefined): string {
  // No owner file yet: it is being written, or its holder died first; then the lock goes stale.
  if (!holder) return `holder not recorded yet; if none runs, the lock is freed within ${STALE_MS / 1000} s`;
  const host = holder.hostname === hostname() ? '' : ` on ${escapeControls(holder.hostname)}`;
  return `pid ${holder.pid}${host}, since ${escapeControls(holder.startedAt)}`;
}

/** A thrown value's message, on one line. */
const reason = (err: unknown): string => oneLine(err instanceof Error ? err.message : String(err));
