import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles, loadManifest } from '../../../src/manifest/load-manifest.js';
import { readErrorReason, readSource } from '../../../src/manifest/read-source.js';
import { ManifestError, formatProblem } from '../../../src/model/errors.js';
import { opensOf } from '../../helpers/opens.js';
import { VALID, edit } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'zpi-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const formatted = (paths: string[]): string[] => checkFiles(paths).problems.map(formatProblem);

describe('loadManifest / checkFiles: the file edge', () => {
  it('loads a valid manifest', () => {
    const path = file('ok.yaml', VALID);
    expect(loadManifest(path)).toMatchObject({ file: path, org: '60012345678', users: [{ email: 'alice@acme.com' }] });
    expect(checkFiles([path]).problems).toEqual([]);
  });

  it('throws one ManifestError with every problem', () => {
    const path = file('bad.yaml', edit('org: "60012345678"', 'org: 60012345678').replace('users:', 'usres:'));
    let caught: unknown;
    try {
      loadManifest(path);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    const err = caught as ManifestError;
    expect(err.problems.map((p) => p.line)).toEqual([3, 10]);
    expect(err.message.split('\n')).toEqual([
      `${path}:3:6: org must be a string of digits (quote it: org: "60012345678")`,
      `${path}:10:1: unknown key "usres" (expected one of: apiVersion, kind, org, dc, state, portal, profiles, users); did you mean "users"?`,
    ]);
  });

  it('reports unreadable paths as one problem at 1:1, never throwing', () => {
    const missing = join(dir, 'integration.yaml');
    expect(formatted([missing, dir])).toEqual([
      `${missing}:1:1: cannot read file: no such file`,
      `${dir}:1:1: cannot read file: is a directory (expected a YAML manifest)`,
    ]);
    expect(() => loadManifest(missing)).toThrow(ManifestError);
    const notDir = file('plain.txt', 'x');
    expect(formatted([join(notDir, 'x.yaml')])).toEqual([`${join(notDir, 'x.yaml')}:1:1: cannot read file: a part of the path is not a directory`]);
  });

  it.skipIf(process.getuid?.() === 0)('reports permission denied', () => {
    const path = file('secret.yaml', VALID);
    chmodSync(path, 0o000);
    expect(formatted([path])).toEqual([`${path}:1:1: cannot read file: permission denied`]);
  });

  it('names read failures in a few words, root or not', () => {
    const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: raw`), { code });
    expect(readErrorReason(err('EACCES'))).toBe('permission denied');
    expect(readErrorReason(err('ENOENT'))).toBe('no such file');
    expect(readErrorReason(err('EIO'))).toBe('EIO: raw');
  });

  it('refuses a regular file over 5 MB on its size, before reading it', () => {
    const path = file('huge.yaml', '');
    truncateSync(path, 6 * 1024 * 1024); // sparse: nothing to read
    expect(formatted([path])).toEqual([`${path}:1:1: file is too large (6.0 MB): a manifest must be under 5 MB`]);
  });

  it('reports problems of several files in order, and warnings apart', () => {
    const bad = file('b.yaml', '');
    const warn = file('w.yaml', edit('org: "60012345678"', 'org: "60012345678"\nstate: deactivated'));
    const result = checkFiles([warn, bad]);
    expect(result.problems.map(formatProblem)).toEqual([
      `${bad}:1:1: file is empty: expected a zpi/v1 manifest (apiVersion, kind, org…)`,
    ]);
    expect(result.warnings).toHaveLength(3);
    expect(checkFiles([warn]).problems).toEqual([]);
  });

  it('refuses a named pipe by name at once, with no writer to wait for', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // Refused on what stat says, never opened (nor read) at all.
    const { result, opened } = opensOf(fifo, () => readSource(fifo));
    expect(result).toEqual({
      error: 'cannot read file: it is a FIFO (named pipe), not a file (to read a pipe, use - for standard input)',
    });
    expect(opened).toEqual([]);
    // opensOf sees the open a regular file gets.
    const file = join(dir, 'regular.yaml');
    writeFileSync(file, VALID);
    expect(opensOf(file, () => readSource(file)).opened).toEqual(['openSync']);
  });

  // A pipe zpi is handed open (/dev/stdin, <(zpi export) as /dev/fd/63) is read as before.
  it('reads a pipe passed as an open descriptor, as <(zpi export) is', () => {
    const fifo = join(dir, 'open-pipe');
    execFileSync('mkfifo', [fifo]);
    const r = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const w = openSync(fifo, constants.O_WRONLY);
    writeSync(w, VALID);
    closeSync(w);
    try {
      const read = readSource(`/dev/fd/${r}`);
      if (!('bytes' in read)) throw new Error(read.error);
      expect(Buffer.from(read.bytes).toString('utf8')).toBe(VALID);
    } finally {
      closeSync(r);
    }
  });

  it('stops reading a pipe past 5 MB', async () => {
    const fifo = join(dir, 'bigpipe');
    execFileSync('mkfifo', [fifo]);
    const r = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    // Held open so the reader never sees end-of-file before the writer below starts.
    const w = openSync(fifo, constants.O_WRONLY);
    const writer = spawn('sh', ['-c', `head -c 7000000 /dev/zero > "${fifo}"`]);
    try {
      const read = readSource(`/dev/fd/${r}`);
      expect(read).toEqual({ error: 'file is too large (over 5 MB, stopped reading): a manifest must be under 5 MB' });
    } finally {
      writer.kill();
      closeSync(w);
      closeSync(r);
      await new Promise((resolve) => writer.on('close', resolve));
    }
  });

  it('refuses a device by name, without reading it', () => {
    expect(readSource('/dev/zero')).toEqual({ error: 'cannot read file: it is a device, not a file' });
    expect(readSource('/dev/null')).toEqual({ error: 'cannot read file: it is a device, not a file' });
  });
});
