import { chmodSync, writeFileSync } from 'node:fs';
import { UserError } from '../model/errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  EEXIST: 'a part of the path is a file, not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** A file-system failure in a few words, for `cannot write …: <reason>`. */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (code || String(err));
}

/**
 * Writes a file zpi was asked to write (`--out`, `-o`); a path that cannot be written is the user's
 * to fix, so it is one `error:` line, not an internal error. `mode` 0o600 for files only the owner may read.
 */
export function writeOutputFile(path: string, text: string, mode?: number): void {
  try {
    writeFileSync(path, text, mode === undefined ? undefined : { mode });
    if (mode !== undefined) chmodSync(path, mode);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${fsReason(err)}`);
  }
}
