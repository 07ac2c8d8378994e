import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { escapeControls, UserError } from '../model/errors.js';
import { fsReason as fsReasonOf, WRITE_REASONS } from '../model/fs-reason.js';

/** A file-system failure in a few words, for `cannot write …: <reason>` (a missing path: its directory). */
export const fsReason = (err: unknown): string => fsReasonOf(err, WRITE_REASONS);

/** What a path that is not a regular file is, for `refusing to write …: it is …`; undefined for a regular file. */
function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** What is at `path` now (undefined: nothing), or the one-line refusal of a link or special file. */
function existingTarget(path: string): Stats | undefined {
  let existing: Stats | undefined;
  try {
    existing = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot write ${escapeControls(path)}: ${fsReason(err)}`);
  }
  const kind = existing && notRegular(existing);
  if (kind) throw new UserError(`refusing to write ${escapeControls(path)}: it is ${kind}`);
  return existing;
}

/**
 * Refuses an output path writeOutputFile would refuse, before any work is done (a plan read from
 * Zoho, then thrown away because `--out` names a symbolic link). It checks again when it writes.
 */
export function checkOutputPath(path: string): void {
  existingTarget(path);
}

/**
 * Writes a file zpi was asked to write (`--out`, `-o`); a path that cannot be written is the user's
 * to fix, so it is one `error:` line, not an internal error. `mode` 0o600 for files only the owner
 * may read; without it a new file gets the umask's mode and a replaced one keeps its own.
 *
 * The path must be a regular file or not exist: a symbolic link is refused, not written through onto
 * its target (a planted `plan.json -> ~/.ssh/authorized_keys`), and so are a FIFO (the write would
 * hang), a device and a directory. The text goes to a temporary file beside it (created exclusively,
 * so never through a link), is flushed, and is renamed over the path: a crash leaves the old file or
 * the new one, never half of one, and a link swapped in after the check is replaced, not followed.
 */
export function writeOutputFile(path: string, text: string, mode?: number): void {
  const shown = escapeControls(path);
  const existing = existingTarget(path);

  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fileMode = mode ?? (existing ? existing.mode & 0o777 : 0o666);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', fileMode);
    // Exactly this mode, whatever the umask (open's mode is masked by it).
    if (mode !== undefined || existing) fchmodSync(fd, fileMode);
    const bytes = Buffer.from(text, 'utf8');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new UserError(`cannot write ${shown}: ${fsReason(err)}`);
  }
  syncDir(dir);
}

/** Makes the rename durable; best effort (not every platform or file system can fsync a directory). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the file is written; only its durability across a power cut is not guaranteed
  }
}
