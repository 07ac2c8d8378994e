/**
 * One sandbox per state file: a second one on the same file is refused with one line naming the
 * holder; a dead holder's lock never blocks; temp files of killed writers are swept at start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentIdentity } from '../../../src/lock/process-identity.js';
import { parseFaults, parseLimits, SandboxInUseError, SandboxOptionError, SandboxStateError, startSandbox } from '../../../src/sandbox/index.js';
import { getToken, useSandboxes } from './helpers.js';

const { start, tempDir } = useSandboxes();

/** A pid that certainly no longer runs: a child that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid;
}

function plantLock(file: string, owner: object | undefined, ageMs = 0): string {
  const dir = `${file}.lock`;
  mkdirSync(dir);
  if (owner) writeFileSync(join(dir, 'owner.json'), JSON.stringify(owner));
  const t = new Date(Date.now() - ageMs);
  utimesSync(dir, t, t);
  return dir;
}

describe('the state file lock', () => {
  it('refuses a second sandbox on the same file with one line naming the holder, and frees the file on close', async () => {
    const file = join(await tempDir(), 'state.json');
    const first = await start({ stateFile: file });
    expect(existsSync(`${file}.lock`)).toBe(true);
    const err = (await startSandbox({ stateFile: file, faults: '', limits: '' }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SandboxInUseError);
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(
      new RegExp(`^the sandbox state file .*state\\.json is in use by another sandbox \\(pid ${process.pid}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); stop it`),
    );
    // The refused one changed nothing: the first still serves.
    await getToken(first.url);
    await first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    const second = await start({ stateFile: file });
    await getToken(second.url);
  });

  it('is one lock for two spellings of one file (a symlinked directory, a .. path)', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    await start({ stateFile: join(dir, 'real', 'state.json') });
    for (const other of [join(dir, 'link', 'state.json'), join(dir, 'real', '..', 'real', 'state.json')]) {
      await expect(startSandbox({ stateFile: other, faults: '', limits: '' })).rejects.toThrow(SandboxInUseError);
    }
  });

  it('needs no lock in memory, and none is shared between different files', async () => {
    const dir = await tempDir();
    const many = await Promise.all([
      start(),
      start(),
      start({ stateFile: join(dir, 'a.json') }),
      start({ stateFile: join(dir, 'b.json') }),
    ]);
    expect(new Set(many.map((s) => s.port)).size).toBe(4);
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'a.json.lock', 'b.json', 'b.json.lock']);
  });

  it('takes over at once the lock of a holder that is certainly dead (killed -9), though its lock is fresh', async () => {
    const self = currentIdentity();
    if (!self) return; // no /proc here: only the 10 s staleness frees such a lock
    const file = join(await tempDir(), 'state.json');
    const owner = { pid: deadPid(), hostname: 'whatever', startedAt: '2020-01-01T00:00:00.000Z', token: 't-dead', identity: { ...self, startTime: '1' } };
    plantLock(file, owner);
    // A held lock is refused at once, never waited for: starting at all proves the takeover.
    const sb = await start({ stateFile: file });
    await getToken(sb.url);
  });

  it('takes over a lock nobody refreshed for 10 s, but refuses a fresh one whose holder is not recorded yet', async () => {
    const dir = await tempDir();
    const fresh = join(dir, 'fresh.json');
    plantLock(fresh, undefined);
    const err = (await startSandbox({ stateFile: fresh, faults: '', limits: '' }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SandboxInUseError);
    expect(err.message).toContain('(holder not recorded yet; if none runs, the lock is freed within 10 s)');
    const stale = join(dir, 'stale.json');
    // A live holder (this very process) that stopped refreshing: another machine's, or frozen.
    plantLock(stale, { pid: process.pid, hostname: 'elsewhere', startedAt: 'x', token: 't', identity: null }, 11_000);
    await getToken((await start({ stateFile: stale })).url);
  });

  it('is released when the start fails after taking it (a corrupt state file)', async () => {
    const file = join(await tempDir(), 'state.json');
    writeFileSync(file, '{ nope');
    for (let i = 0; i < 2; i++) {
      await expect(startSandbox({ stateFile: file, faults: '', limits: '' })).rejects.toThrow(SandboxStateError);
    }
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe('temp files left by killed writers', () => {
  it('are removed at start when their writer is dead or they are an hour old; a live writer\'s fresh one and other files are kept', async () => {
    const dir = await tempDir();
    const file = join(dir, 'state.json');
    const hour = new Date(Date.now() - 61 * 60_000);
    const names = {
      dead: `.state.json.${deadPid()}.0badf00d.tmp`,
      live: `.state.json.${process.ppid}.1234abcd.tmp`,
      liveButOld: `.state.json.${process.ppid}.5678abcd.tmp`,
      otherFile: `.other.json.${deadPid()}.0badf00d.tmp`,
      notOurs: `.state.json.${deadPid()}.tmp`,
    };
    for (const name of Object.values(names)) writeFileSync(join(dir, name), '{"half": ');
    utimesSync(join(dir, names.liveButOld), hour, hour);
    await start({ stateFile: file });
    const left = readdirSync(dir);
    expect(left).not.toContain(names.dead);
    expect(left).not.toContain(names.liveButOld);
    expect(left).toEqual(expect.arrayContaining([names.live, names.otherFile, names.notOurs, 'state.json', 'state.json.lock']));
  });
});

describe('numbers in options', () => {
  it('refuses a port outside 0–65535 with a message, not a RangeError', async () => {
    for (const port of [-1, 65536, 70000, 99999, 1.5, Number.NaN]) {
      const err = (await startSandbox({ port, faults: '', limits: '' }).catch((e: unknown) => e)) as Error;
      expect(err, String(port)).toBeInstanceOf(SandboxOptionError);
      expect(err.message).toBe(`port must be a whole number from 0 to 65535 (0 = any free port), got ${port}`);
    }
  });

  it('refuses zero, negative, fractional and absurd limits and faults', () => {
    for (const bad of ['concurrency=0', 'concurrency=-1', 'concurrency=1.5', 'concurrency=1001', 'concurrency=99999999999999999999', 'projects=0/0s', 'projects=1/0s', 'projects=-1/1s', 'projects=1/1441m', 'projects=1000000/1s']) {
      expect(() => parseLimits(bad), bad).toThrow(SandboxOptionError);
    }
    for (const bad of ['rate=2', 'rate=-0.1', 'rate=0x1', 'rate=1e-1', 'rate= ', 'latency=-1', 'latency=61s', 'latency=99999999999', 'seed=-1', 'seed=1.5', 'seed=4294967296']) {
      expect(() => parseFaults(bad), bad).toThrow(SandboxOptionError);
    }
    expect(() => parseLimits('concurrency=0')).toThrow('limits "concurrency=0": concurrency must be a whole number from 1 to 1000, got "0"');
    expect(parseLimits('concurrency=1000,projects=100000/1440m')).toEqual({ concurrency: 1000, projects: { max: 100_000, windowMs: 86_400_000 } });
    expect(parseFaults('rate=.5,reset=0.,latency=60s,seed=4294967295')).toEqual({ rate: 0.5, reset: 0, latencyMs: 60_000, seed: 4294967295 });
  });
});
