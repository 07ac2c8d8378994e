import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { errnoReason } from '../model/fs-reason.js';
import { MAX_MANIFEST_BYTES, TOO_LARGE, TOO_LARGE_STREAM } from './limits.js';

export type ReadResult = { bytes: Uint8Array } | { error: string };

const A_DIRECTORY = 'is a directory (expected a YAML manifest)';

/** A read failure in a few words (`no such file`), for `cannot read file: …`; else the error's own message. */
export function readErrorReason(e: unknown): string {
  return errnoReason(e, { EISDIR: A_DIRECTORY }) ?? (e as Error).message ?? String(e);
}

/** What a path that is neither a regular file nor a directory is; undefined for those two. */
function special(st: Stats): string | undefined {
  if (st.isFile() || st.isDirectory()) return undefined;
  if (st.isFIFO()) return 'it is a FIFO (named pipe), not a file (to read a pipe, use - for standard input)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a file';
  if (st.isSocket()) return 'it is a socket, not a file';
  return 'it is not a regular file';
}

/** `/dev/fd/N`: a descriptor this process holds open (`zpi validate <(zpi export)` passes /dev/fd/63). */
const FD_PATH = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/;

// Opening a FIFO for reading blocks until a writer comes; O_NONBLOCK returns at once (0 on Windows).
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Sleeps without async: stdin may be a non-blocking pipe that is not ready yet. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Reads at most MAX_MANIFEST_BYTES + 1 bytes, so a pipe or a huge file is refused without being
 * held in memory. Regular files are refused on their size before any byte is read.
 */
function readBounded(fd: number, stream: boolean): ReadResult {
  const st = fstatSync(fd);
  if (st.isDirectory()) return { error: `cannot read file: ${A_DIRECTORY}` };
  const odd = stream ? undefined : special(st);
  if (odd) return { error: `cannot read file: ${odd}` };
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
 * `/dev/stdin`, which is opened like any path (`zpi export | zpi validate /dev/stdin`), and
 * `/dev/fd/N` reads that open descriptor (`zpi validate <(zpi export)`). Any other path must be a
 * regular file: a FIFO, a device or a socket is refused by name, before it is opened, so a named pipe
 * nobody writes to cannot make zpi wait forever.
 */
export function readSource(path: string): ReadResult {
  // Standard input can be read once; `-` answers the same bytes every time (`zpi plan -f - --diff`).
  if (path === '-' || path === '/dev/stdin') return (stdinResult ??= readPath(path));
  return readPath(path);
}

let stdinResult: ReadResult | undefined;

function readPath(path: string): ReadResult {
  const fdNumber = FD_PATH.exec(path)?.[1];
  // The descriptor itself, not a reopen through /proc (which, for a pipe, would wait for a new writer).
  if (fdNumber !== undefined) return readDescriptor(Number(fdNumber), true);
  const stdin = path === '-' || path === '/dev/stdin';
  if (!stdin) {
    // Refused by name before it is opened: opening a FIFO waits for a writer, a device may act on it.
    try {
      const odd = special(statSync(path));
      if (odd) return { error: `cannot read file: ${odd}` };
    } catch (e) {
      return { error: `cannot read file: ${readErrorReason(e)}` };
    }
  }
  let fd: number;
  try {
    // Non-blocking for a path: should it have become a FIFO since the check, the open still returns
    // and fstat refuses it (reads of a regular file ignore the flag).
    fd = stdin ? openSync('/dev/stdin', 'r') : openSync(path, constants.O_RDONLY | NONBLOCK);
  } catch (e) {
    // Platforms without /dev/stdin, and a stdin that is a socket (Node's child_process pipes, some CI
    // runners), which Linux refuses to open by path with ENXIO: fall back to the descriptor itself.
    const stdinSocket = path === '/dev/stdin' && (e as NodeJS.ErrnoException).code === 'ENXIO';
    if (path !== '-' && !stdinSocket) return { error: `cannot read file: ${readErrorReason(e)}` };
    return readDescriptor(0, true);
  }
  try {
    return readDescriptor(fd, stdin);
  } finally {
    closeSync(fd);
  }
}

/** Reads an open descriptor; `stream`: standard input or a passed descriptor, where a pipe is expected. */
function readDescriptor(fd: number, stream: boolean): ReadResult {
  try {
    return readBounded(fd, stream);
  } catch (e) {
    return { error: `cannot read file: ${readErrorReason(e)}` };
  }
}
