import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_MANIFEST_BYTES, TOO_LARGE, TOO_LARGE_STREAM } from './limits.js';

export type ReadResult = { bytes: Uint8Array } | { error: string };

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory (expected a YAML manifest)',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/** A read failure in a few words (`no such file`), for `cannot read file: …`. */
export function readErrorReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code && REASONS[err.code]) ?? err.message ?? String(e);
}

/** Sleeps without async: stdin may be a non-blocking pipe that is not ready yet. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Reads at most MAX_MANIFEST_BYTES + 1 bytes, so a pipe or a huge file is refused without being
 * held in memory. Regular files are refused on their size before any byte is read.
 */
function readBounded(fd: number): ReadResult {
  const st = fstatSync(fd);
  if (st.isDirectory()) return { error: `cannot read file: ${REASONS.EISDIR}` };
  if (st.isFile() && st.size > MAX_MANIFEST_BYTES) return { error: TOO_LARGE(st.size) };
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(64 * 1024);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        pause(5);
        continue;
      }
      throw e;
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    // A pipe has no size up front: say "over", the bytes read so far are not the total.
    if (total > MAX_MANIFEST_BYTES) return { error: TOO_LARGE_STREAM };
  }
  return { bytes: Buffer.concat(chunks, total) };
}

/**
 * The bytes of a manifest, or a one-line reason it cannot be read. `-` is standard input; so is
 * `/dev/stdin`, which is opened like any path (`zpi export | zpi validate /dev/stdin`).
 */
export function readSource(path: string): ReadResult {
  // Standard input can be read once; `-` answers the same bytes every time (`zpi plan -f - --diff`).
  if (path === '-' || path === '/dev/stdin') return (stdinResult ??= readPath(path));
  return readPath(path);
}

let stdinResult: ReadResult | undefined;

function readPath(path: string): ReadResult {
  let fd: number;
  let owned = true;
  try {
    fd = openSync(path === '-' ? '/dev/stdin' : path, 'r');
  } catch (e) {
    // Platforms without /dev/stdin, and a stdin that is a socket (Node's child_process pipes, some CI
    // runners), which Linux refuses to open by path with ENXIO: fall back to the descriptor itself.
    const stdinSocket = path === '/dev/stdin' && (e as NodeJS.ErrnoException).code === 'ENXIO';
    if (path !== '-' && !stdinSocket) return { error: `cannot read file: ${readErrorReason(e)}` };
    fd = 0;
    owned = false;
  }
  try {
    return readBounded(fd);
  } catch (e) {
    return { error: `cannot read file: ${readErrorReason(e)}` };
  } finally {
    if (owned) closeSync(fd);
  }
}
