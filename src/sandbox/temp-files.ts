import { randomBytes } from 'node:crypto';
import { lstat, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pidExists } from '../lock/process-identity.js';

/** A temp file nobody has touched for this long is a leftover, whatever its name says (a reused pid). */
export const STALE_TEMP_MS = 60 * 60_000;

/**
 * Where the next write of `file` goes before its rename: `.<name>.<pid>.<8 hex>.tmp` beside it (rename
 * is atomic only within one file system). The pid says which process wrote it, so a leftover of a
 * killed writer can be told from a live one's.
 */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The writer pid of a temp file of `file`, or undefined when `name` is not one. */
function tempWriter(file: string, name: string): number | undefined {
  const prefix = `.${basename(file)}.`;
  if (!name.startsWith(prefix)) return undefined;
  const m = /^(\d{1,10})\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
  return m ? Number(m[1]) : undefined;
}

/**
 * Removes the temp files of `file` that a killed writer left (kill -9 between open and rename): those
 * whose writer pid no longer runs, or untouched for STALE_TEMP_MS. Called by the holder of the state
 * file's lock, so no other sandbox is writing it; a live pid's fresh temp is left alone all the same.
 * Returns the names removed. Best effort: a sweep that fails does not stop the sandbox.
 */
export async function sweepStaleTemps(file: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = tempWriter(file, name);
    if (pid === undefined) continue;
    const path = join(dirname(file), name);
    try {
      const st = await lstat(path);
      if (st.isDirectory()) continue;
      const dead = pid === 0 || (pid !== process.pid && !pidExists(pid));
      if (!dead && st.mtimeMs > now - STALE_TEMP_MS) continue;
      await unlink(path);
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}
