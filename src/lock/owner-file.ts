import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import type { ProcessIdentity } from './process-identity.js';

/** `<lock dir>/owner.json`: who holds an owned lock (see owned-lock.ts). */
const OWNER = 'owner.json';

/** Written into the lock directory by its holder, for messages and for the fast takeover of a dead holder. */
export interface Owner {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
  identity: ProcessIdentity | null;
}

/**
 * Removes the lock of a holder judged dead, only while it is still that holder's: its owner file is
 * first renamed aside (only one contender can), then checked; another's is put back.
 */
export function removeDeadLock(path: string, token: string): boolean {
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

/** Writes the owner file whole (aside, then renamed), keeping the directory's mtime proper-lockfile checks. */
export function writeOwner(path: string, owner: Owner): void {
  const before = fs.statSync(path);
  const tmp = join(path, `${OWNER}.${owner.token}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: 0o600 });
  fs.renameSync(tmp, join(path, OWNER));
  fs.utimesSync(path, before.atime, before.mtime);
}

/** Removes a lock directory and what is in it (the owner file, its leftovers); gone already is fine. */
export function removeDir(path: string): void {
  try {
    for (const name of fs.readdirSync(path)) fs.rmSync(join(path, name), { force: true });
    fs.rmdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** The owner file of the lock directory `path`, or undefined when missing or not one. */
export function readOwner(path: string): Owner | undefined {
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
