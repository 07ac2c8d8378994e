/**
 * File-system failures in a few words, for `cannot read FILE: …` and `cannot write FILE: …`: the one
 * errno → message map of every place zpi reads or writes a local file (manifest, plan file, record,
 * output files).
 */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EBADF: 'no such open file descriptor',
  EEXIST: 'a part of the path is a file, not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EXDEV: 'it is on another file system than its directory',
  EBUSY: 'it is busy (a mount point?)',
};

/** Writing, the file itself is about to be created: a missing path is a missing directory. */
export const WRITE_REASONS: Readonly<Record<string, string>> = { ENOENT: 'its directory does not exist' };

/** The few words for the error's code (`permission denied`), `overrides` first; undefined for a code not listed. */
export function errnoReason(err: unknown, overrides: Readonly<Record<string, string>> = {}): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!code) return undefined;
  return Object.hasOwn(overrides, code) ? overrides[code] : Object.hasOwn(REASONS, code) ? REASONS[code] : undefined;
}

/** errnoReason, else the bare code (`EIO`), else the error as text. */
export function fsReason(err: unknown, overrides?: Readonly<Record<string, string>>): string {
  return errnoReason(err, overrides) ?? ((err as NodeJS.ErrnoException | undefined)?.code || String(err));
}
